//===- GfmValidate.cpp - Bounds-checking a parsed .gfm model --------------===//
#include "GfmValidateRanged.h"
#include "GfmValidateVariables.h"

#include "geflow/runtime/Gfm.h"
#include "geflow/runtime/Types.h"

#include "proto/gfm.pb.h"

#include <algorithm>

namespace geflow::rt {
namespace {

// Collects the location of the first problem ("gear 0, task 12 (conv1):").
class Checker {
public:
  Checker(const gfm::Model &model, uint64_t weightsSize,
          const GfmLimits &limits)
      : model_(model), weightsSize_(weightsSize), limits_(limits) {}

  Status run();

private:
  Status fail(const std::string &what) const {
    return Status(ErrorCode::kCorruptFile, where_ + what);
  }
  Status checkSig(const gfm::TensorSig &sig, bool allowDynamic);
  Status checkComposites(bool outputs);
  Status checkDesc(const gfm::TensorDesc &desc);
  Status checkBuffer(const gfm::Buffer &buf, const gfm::Program &program,
                     bool writable);
  Status checkTask(const gfm::Task &task, const gfm::Program &program);
  Status checkEngines(const gfm::Task &task, const gfm::Program &program);

  const gfm::Model &model_;
  uint64_t weightsSize_;
  const GfmLimits &limits_;
  std::string where_;
};

uint64_t sigBytes(const gfm::TensorSig &sig);

Status Checker::checkSig(const gfm::TensorSig &sig, bool allowDynamic) {
  if (static_cast<uint64_t>(sig.shape_size()) > limits_.maxRank)
    return fail("tensor '" + sig.name() + "' has rank " +
                std::to_string(sig.shape_size()));
  for (int64_t d : sig.shape())
    if (d < 0 && !(allowDynamic && d == -1))
      return fail("tensor '" + sig.name() + "' has dim " + std::to_string(d));
  if (!gfm::DType_IsValid(sig.dtype()) || !gfm::Format_IsValid(sig.format()))
    return fail("tensor '" + sig.name() + "' has an unknown dtype or format");
  // storageBytes gives 0 when the count overflows: a non-empty static
  // tensor of 0 bytes would run as an "empty" output.
  bool empty = false, dynamic = false;
  for (int64_t d : sig.shape()) {
    empty |= d == 0;
    dynamic |= d < 0;
  }
  if (!empty && !dynamic) {
    uint64_t bytes = sigBytes(sig);
    if (bytes == 0 || bytes > limits_.maxArenaBytes)
      return fail(
          "tensor '" + sig.name() + "' has " +
          (bytes ? std::to_string(bytes) : std::string("more than 2^64")) +
          " bytes (at most " + std::to_string(limits_.maxArenaBytes) + ")");
  }
  return Status::OK();
}

Status Checker::checkDesc(const gfm::TensorDesc &desc) {
  if (static_cast<uint64_t>(desc.shape_size()) > limits_.maxRank)
    return fail("a tensor descriptor has rank " +
                std::to_string(desc.shape_size()));
  for (int64_t d : desc.shape())
    if (d < 0)
      return fail("a tensor descriptor has dim " + std::to_string(d));
  if (!gfm::DType_IsValid(desc.dtype()) || !gfm::Format_IsValid(desc.format()))
    return fail("a tensor descriptor has an unknown dtype or format");
  return Status::OK();
}

// Byte size of a static signature (0 when it does not fit).
uint64_t sigBytes(const gfm::TensorSig &sig) {
  std::vector<int64_t> shape(sig.shape().begin(), sig.shape().end());
  return storageBytes(static_cast<DType>(sig.dtype()),
                      static_cast<Format>(sig.format()), shape);
}

Status Checker::checkBuffer(const gfm::Buffer &buf, const gfm::Program &program,
                            bool writable) {
  auto range = [&](uint64_t limit, const std::string &region) -> Status {
    if (buf.offset() > limit || buf.size() > limit - buf.offset())
      return fail("buffer [" + std::to_string(buf.offset()) + ", +" +
                  std::to_string(buf.size()) + ") exceeds the " + region +
                  " (" + std::to_string(limit) + " bytes)");
    return Status::OK();
  };
  switch (buf.region()) {
  case gfm::ARENA:
    return range(program.arena_size(), "arena");
  case gfm::WEIGHT:
    if (writable)
      return fail("writes into the read-only weight blob");
    return range(weightsSize_, "weight blob");
  case gfm::INPUT:
    if (writable)
      return fail("writes into input slot " + std::to_string(buf.slot()));
    if (buf.slot() >= static_cast<uint32_t>(program.inputs_size()))
      return fail("input slot " + std::to_string(buf.slot()) + " of " +
                  std::to_string(program.inputs_size()));
    return range(sigBytes(program.inputs(buf.slot())), "input slot");
  case gfm::OUTPUT:
    if (buf.slot() >= static_cast<uint32_t>(program.outputs_size()))
      return fail("output slot " + std::to_string(buf.slot()) + " of " +
                  std::to_string(program.outputs_size()));
    return range(sigBytes(program.outputs(buf.slot())), "output slot");
  case gfm::HOST:
    return range(program.host_arena_size(), "host arena");
  case gfm::EXTERNAL:
    if (writable)
      return fail("writes into an external weight file");
    if (buf.slot() >= static_cast<uint32_t>(model_.external_weights_size()))
      return fail("external weight " + std::to_string(buf.slot()) + " of " +
                  std::to_string(model_.external_weights_size()));
    return range(model_.external_weights(buf.slot()).length(),
                 "external weight file");
  default:
    return fail("buffer in unknown region " + std::to_string(buf.region()));
  }
}

// Mixed compute: a task reads and writes the memory of its engine only;
// memcpy tasks (on device streams) are what crosses between them.
Status Checker::checkEngines(const gfm::Task &task,
                             const gfm::Program &program) {
  bool onHost =
      std::find(program.host_streams().begin(), program.host_streams().end(),
                task.stream()) != program.host_streams().end();
  std::vector<const gfm::Buffer *> buffers;
  auto add = [&](const auto &list) {
    for (const gfm::Buffer &b : list)
      buffers.push_back(&b);
  };
  switch (task.kind_case()) {
  case gfm::Task::kKernel:
    add(task.kernel().inputs());
    add(task.kernel().outputs());
    if (task.kernel().workspace_size() > 0)
      buffers.push_back(&task.kernel().workspace());
    break;
  case gfm::Task::kHostCall:
    add(task.host_call().inputs());
    add(task.host_call().outputs());
    break;
  case gfm::Task::kMemcpy:
    if (onHost)
      return fail("a memcpy task runs on host stream " +
                  std::to_string(task.stream()) +
                  "; copies between engines run on device streams");
    return Status::OK();
  default:
    return Status::OK();
  }
  for (const gfm::Buffer *b : buffers) {
    bool hostMemory = b->region() == gfm::HOST;
    bool shared = b->region() == gfm::WEIGHT || b->region() == gfm::EXTERNAL;
    if (!shared && hostMemory != onHost)
      return fail(std::string(onHost ? "runs on host stream "
                                     : "runs on device stream ") +
                  std::to_string(task.stream()) + " but touches " +
                  (hostMemory ? "host" : "device") +
                  " memory; data crosses engines only through memcpy tasks");
  }
  return Status::OK();
}

Status Checker::checkTask(const gfm::Task &task, const gfm::Program &program) {
  if (task.stream() >= program.num_streams())
    return fail("runs on stream " + std::to_string(task.stream()) + " of " +
                std::to_string(program.num_streams()));
  if (!program.host_streams().empty())
    GEFLOW_RETURN_IF_ERROR(checkEngines(task, program));
  switch (task.kind_case()) {
  case gfm::Task::kKernel: {
    const gfm::KernelTask &k = task.kernel();
    if (k.kernel().empty())
      return fail("kernel task without a kernel name");
    if (k.block_dim() < 1 || k.block_dim() > limits_.maxBlockDim)
      return fail("block_dim " + std::to_string(k.block_dim()));
    if (k.tiling().size() > limits_.maxTilingBytes)
      return fail("tiling data of " + std::to_string(k.tiling().size()) +
                  " bytes");
    if (!gfm::DType_IsValid(k.dtype()))
      return fail("unknown dtype " + std::to_string(k.dtype()));
    for (const auto &b : k.inputs())
      GEFLOW_RETURN_IF_ERROR(checkBuffer(b, program, false));
    for (const auto &b : k.outputs())
      GEFLOW_RETURN_IF_ERROR(checkBuffer(b, program, true));
    if (k.workspace_size() > 0) {
      // The arena, or the host arena for a host-engine kernel (the engine
      // check below keeps each task to its engine's memory).
      if ((k.workspace().region() != gfm::ARENA &&
           k.workspace().region() != gfm::HOST) ||
          k.workspace().size() < k.workspace_size())
        return fail("workspace smaller than the " +
                    std::to_string(k.workspace_size()) +
                    " bytes the tiling needs");
      GEFLOW_RETURN_IF_ERROR(checkBuffer(k.workspace(), program, true));
    }
    for (const auto &d : k.input_descs())
      GEFLOW_RETURN_IF_ERROR(checkDesc(d));
    for (const auto &d : k.output_descs())
      GEFLOW_RETURN_IF_ERROR(checkDesc(d));
    // Kernels load whole elements: an operand at an offset that is not a
    // multiple of its element size would be a misaligned access.
    auto aligned = [&](const auto &buffers, const auto &descs,
                       const char *what) -> Status {
      for (int i = 0; i < std::min(buffers.size(), descs.size()); ++i) {
        size_t element = dtypeSize(static_cast<DType>(descs.Get(i).dtype()));
        if (element > 1 && buffers.Get(i).offset() % element != 0)
          return fail(std::string(what) + " " + std::to_string(i) +
                      " of kernel '" + k.kernel() + "' is at offset " +
                      std::to_string(buffers.Get(i).offset()) +
                      ", not a multiple of its element size " +
                      std::to_string(element));
      }
      return Status::OK();
    };
    GEFLOW_RETURN_IF_ERROR(aligned(k.inputs(), k.input_descs(), "input"));
    GEFLOW_RETURN_IF_ERROR(aligned(k.outputs(), k.output_descs(), "output"));
    if (k.workspace_size() > 0 && k.workspace().offset() % 8 != 0)
      return fail("the workspace of kernel '" + k.kernel() + "' is at offset " +
                  std::to_string(k.workspace().offset()) +
                  ", not a multiple of 8");
    return Status::OK();
  }
  case gfm::Task::kMemcpy:
    GEFLOW_RETURN_IF_ERROR(checkBuffer(task.memcpy().src(), program, false));
    GEFLOW_RETURN_IF_ERROR(checkBuffer(task.memcpy().dst(), program, true));
    if (task.memcpy().src().size() != task.memcpy().dst().size())
      return fail("memcpy between buffers of different sizes");
    return Status::OK();
  case gfm::Task::kRecord:
  case gfm::Task::kWait: {
    uint32_t e =
        task.has_record() ? task.record().event() : task.wait().event();
    if (e >= program.num_events())
      return fail("event " + std::to_string(e) + " of " +
                  std::to_string(program.num_events()));
    return Status::OK();
  }
  case gfm::Task::kHostCall:
    for (const auto &b : task.host_call().inputs())
      GEFLOW_RETURN_IF_ERROR(checkBuffer(b, program, false));
    for (const auto &b : task.host_call().outputs())
      GEFLOW_RETURN_IF_ERROR(checkBuffer(b, program, true));
    return Status::OK();
  case gfm::Task::kCollective: {
    const gfm::CollectiveTask &c = task.collective();
    if (c.input_descs_size() != c.inputs_size() ||
        c.output_descs_size() != c.outputs_size())
      return fail("collective '" + c.kind() +
                  "' has a descriptor count unlike its buffer count");
    for (const auto &b : c.inputs())
      GEFLOW_RETURN_IF_ERROR(checkBuffer(b, program, false));
    for (const auto &b : c.outputs())
      GEFLOW_RETURN_IF_ERROR(checkBuffer(b, program, true));
    for (const auto &d : c.input_descs())
      GEFLOW_RETURN_IF_ERROR(checkDesc(d));
    for (const auto &d : c.output_descs())
      GEFLOW_RETURN_IF_ERROR(checkDesc(d));
    return Status::OK();
  }
  case gfm::Task::kControl: {
    const gfm::ControlTask &c = task.control();
    if (c.kind() != "If" && c.kind() != "While")
      return fail("control task of unknown kind '" + c.kind() + "'");
    if (c.input_descs_size() != c.inputs_size() ||
        c.output_descs_size() != c.outputs_size())
      return fail(c.kind() + " '" + task.name() +
                  "' has a descriptor count unlike its buffer count");
    if (c.subgraphs_size() != 2)
      return fail(c.kind() + " '" + task.name() + "' names " +
                  std::to_string(c.subgraphs_size()) +
                  " subgraphs instead of 2");
    for (uint32_t s : c.subgraphs())
      if (s >= static_cast<uint32_t>(model_.subgraphs_size()))
        return fail(c.kind() + " '" + task.name() + "' names subgraph " +
                    std::to_string(s) + " of " +
                    std::to_string(model_.subgraphs_size()));
    for (const auto &b : c.inputs())
      GEFLOW_RETURN_IF_ERROR(checkBuffer(b, program, false));
    for (const auto &b : c.outputs())
      GEFLOW_RETURN_IF_ERROR(checkBuffer(b, program, true));
    for (const auto &d : c.input_descs())
      GEFLOW_RETURN_IF_ERROR(checkDesc(d));
    for (const auto &d : c.output_descs())
      GEFLOW_RETURN_IF_ERROR(checkDesc(d));
    return Status::OK();
  }
  default:
    return fail("task of unknown kind");
  }
}

// A sequence or optional input (output) names program inputs (outputs),
// each at most once overall.
Status Checker::checkComposites(bool outputs) {
  const auto &sigs = outputs ? model_.outputs() : model_.inputs();
  const auto &composites =
      outputs ? model_.composite_outputs() : model_.composite_inputs();
  std::vector<std::string> used;
  for (const gfm::CompositeSig &c : composites) {
    std::string what =
        std::string(outputs ? "output" : "input") + " '" + c.name() + "'";
    if (!gfm::CompositeSig::Kind_IsValid(c.kind()) ||
        !gfm::DType_IsValid(c.dtype()))
      return fail(what + " has an unknown kind or dtype");
    bool empty = c.kind() == gfm::CompositeSig::OPTIONAL && !c.present();
    if (empty && c.tensors_size() > 0)
      return fail(what + " is an optional holding none but names tensors");
    for (const std::string &t : c.tensors()) {
      bool found = std::any_of(sigs.begin(), sigs.end(),
                               [&](const auto &s) { return s.name() == t; });
      if (!found || std::find(used.begin(), used.end(), t) != used.end())
        return fail(what + " names the tensor '" + t +
                    "', which is no other's " + (outputs ? "output" : "input") +
                    " of the model");
      used.push_back(t);
    }
  }
  return Status::OK();
}

Status Checker::run() {
  if (model_.weights_size() != weightsSize_)
    return fail("declares " + std::to_string(model_.weights_size()) +
                " weight bytes but the blob has " +
                std::to_string(weightsSize_));
  if (model_.gears_size() < 1)
    return fail("has no task program");
  for (const auto &sig : model_.inputs())
    GEFLOW_RETURN_IF_ERROR(checkSig(sig, true));
  for (const auto &sig : model_.outputs())
    GEFLOW_RETURN_IF_ERROR(checkSig(sig, true));
  GEFLOW_RETURN_IF_ERROR(checkComposites(false));
  GEFLOW_RETURN_IF_ERROR(checkComposites(true));
  for (int g = 0; g < model_.gears_size(); ++g) {
    const gfm::Program &p = model_.gears(g);
    where_ = "gear " + std::to_string(g) + ": ";
    if (p.num_streams() < 1 || p.num_streams() > limits_.maxStreams)
      return fail(std::to_string(p.num_streams()) + " streams (at most " +
                  std::to_string(limits_.maxStreams) + ")");
    if (p.num_events() > limits_.maxEvents)
      return fail(std::to_string(p.num_events()) + " events (at most " +
                  std::to_string(limits_.maxEvents) + ")");
    if (p.arena_size() > limits_.maxArenaBytes)
      return fail("arena of " + std::to_string(p.arena_size()) + " bytes");
    if (p.host_arena_size() > limits_.maxArenaBytes)
      return fail("host arena of " + std::to_string(p.host_arena_size()) +
                  " bytes");
    for (int i = 0; i < p.host_streams_size(); ++i) {
      uint32_t s = p.host_streams(i);
      if (s == 0 || s >= p.num_streams())
        return fail("host stream " + std::to_string(s) +
                    " is not an internal stream of the " +
                    std::to_string(p.num_streams()) +
                    " (stream 0 is the caller's device stream)");
      for (int j = 0; j < i; ++j)
        if (p.host_streams(j) == s)
          return fail("host stream " + std::to_string(s) + " listed twice");
    }
    if (p.inputs_size() != model_.inputs_size() ||
        p.outputs_size() != model_.outputs_size())
      return fail("signature does not match the model's inputs and outputs");
    for (const auto &sig : p.inputs())
      GEFLOW_RETURN_IF_ERROR(checkSig(sig, false));
    for (const auto &sig : p.outputs())
      GEFLOW_RETURN_IF_ERROR(checkSig(sig, false));
    auto taskWhere = [&](int t) {
      const gfm::Task &task = p.tasks(t);
      return "gear " + std::to_string(g) + ", task " + std::to_string(t) +
             (task.name().empty() ? "" : " (" + task.name() + ")") + ": ";
    };
    for (int t = 0; t < p.tasks_size(); ++t) {
      where_ = taskWhere(t);
      GEFLOW_RETURN_IF_ERROR(checkTask(p.tasks(t), p));
    }
    if (p.symbols_size() > 0) {
      where_ = "gear " + std::to_string(g) + ": ";
      if (p.host_streams_size() > 0)
        return fail("is shape-ranged and has host streams (mixed compute "
                    "programs have static shapes)");
      if (model_.gears_size() > 1)
        return fail("is shape-ranged, but the model has " +
                    std::to_string(model_.gears_size()) +
                    " programs (a shape-ranged model has one)");
      GEFLOW_RETURN_IF_ERROR(
          checkRangedProgram(p, [&](int t, const std::string &what) {
            where_ = t < 0 ? "gear " + std::to_string(g) + ": " : taskWhere(t);
            return fail(what);
          }));
    }
  }
  return checkVariables(model_, weightsSize_);
}

} // namespace

Status validateGfmModel(const gfm::Model &model, uint64_t weightsSize,
                        const GfmLimits &limits) {
  return Checker(model, weightsSize, limits).run();
}

} // namespace geflow::rt
