//===- Planner.cpp - Decoding a gear's tasks into a GearPlan --------------===//
//
// Everything that can be decided once per model is decided here, so that
// enqueueing a run does no lookups, no string formatting and no
// allocation: kernel entry points, task labels, buffer addresses as
// pointer-table entries, copy splits, host-op functions.
//
// The file was validated (every buffer lies inside its region); what is
// checked here is what validation cannot know: that the kernels and host
// ops exist in this build for this CPU, that every kernel's tiling keeps it
// inside its buffers, that the gear's signature agrees with the model's,
// and that a program never waits for an event before recording it (such a
// wait would silently not wait).
//
// Tiling data is not trusted: every kernel task is tiled again from its
// descriptors and attributes for this device. Kernels whose stored tiling
// must be kept (pre-packed weights were laid out for it) have a tiling
// check that compares the stored tiling with that one; every other kernel
// runs on the runtime's own tiling and block count.
//
//===----------------------------------------------------------------------===//
#include "KernelDecode.h"
#include "Plan.h"

#include "geflow/kernels/Registry.h"
#include "geflow/runtime/Stream.h"

#include "proto/gfm.pb.h"

#include <algorithm>
#include <cstring>

namespace geflow::rt::exec {

namespace {

template <typename Proto> RangedShape rangedShape(const Proto &p) {
  RangedShape shape;
  for (const gfm::DimExpr &e : p.dim_exprs())
    shape.push_back({e.coeff(), std::vector<int32_t>(e.exponents().begin(),
                                                     e.exponents().end())});
  return shape;
}

std::string dtypeList(const kernels::KernelDef &def) {
  std::vector<DType> seen;
  for (const kernels::KernelImpl &impl : def.impls)
    if (std::find(seen.begin(), seen.end(), impl.dtype) == seen.end())
      seen.push_back(impl.dtype);
  std::string out;
  for (DType t : seen)
    out += (out.empty() ? "" : ", ") + std::string(dtypeName(t));
  return out.empty() ? "none" : out;
}

class Planner {
public:
  Planner(const gfm::Model &model, int gear, const kernels::SocInfo &soc,
          uint32_t aiCores, const std::string &file,
          const std::vector<std::shared_ptr<Model>> &subgraphs)
      : model_(model), program_(model.gears(gear)), gear_(gear), soc_(soc),
        isa_(soc.isa), aiCores_(std::max<uint32_t>(aiCores, 1)), file_(file),
        subgraphs_(subgraphs) {
    // A host-engine kernel runs as one block on one host thread, as the
    // compiler tiled it (GE's AICPU ops are single-threaded too).
    hostSoc_ = soc;
    hostSoc_.aiCoreCount = 1;
  }

  StatusOr<std::unique_ptr<GearPlan>> run();

private:
  Status fail(ErrorCode code, const std::string &what) const {
    return Status(code, where_ + what);
  }
  Status checkSignature();
  StatusOr<uint32_t> addPointer(const gfm::Buffer &b);
  Status addPointers(const google::protobuf::RepeatedPtrField<gfm::Buffer> &bs,
                     uint32_t *first);
  Status planKernel(const gfm::Task &task);
  Status planCopy(const gfm::Task &task);
  Status planHostCall(const gfm::Task &task);
  Status planCollective(const gfm::Task &task);
  Status planControl(const gfm::Task &task);
  Status checkDescs(const gfm::KernelTask &k, bool checkConst);
  Status checkTiling(const gfm::KernelTask &k, const kernels::KernelDef &def,
                     KernelLayout *layout, uint32_t *blockDim, bool onHost);

  const gfm::Model &model_;
  const gfm::Program &program_;
  const int gear_;
  const kernels::SocInfo &soc_;
  kernels::SocInfo hostSoc_;
  const kernels::Isa isa_;
  const uint32_t aiCores_;
  const std::string &file_;
  const std::vector<std::shared_ptr<Model>> &subgraphs_;
  std::string where_;
  std::unique_ptr<GearPlan> plan_ = std::make_unique<GearPlan>();
};

Status Planner::checkSignature() {
  auto check = [&](const auto &modelSigs, const auto &gearSigs,
                   const char *what) -> Status {
    for (int i = 0; i < modelSigs.size(); ++i) {
      const gfm::TensorSig &m = modelSigs.Get(i), &g = gearSigs.Get(i);
      bool same = m.name() == g.name() && m.dtype() == g.dtype() &&
                  m.format() == g.format() && m.shape_size() == g.shape_size();
      for (int d = 0; same && d < m.shape_size(); ++d)
        same = m.shape(d) == -1 || m.shape(d) == g.shape(d);
      if (!same) {
        TensorInfo mi = toTensorInfo(m), gi = toTensorInfo(g);
        return fail(ErrorCode::kCorruptFile,
                    std::string(what) + " " + std::to_string(i) + " is '" +
                        gi.name + "' " + std::string(dtypeName(gi.dtype)) +
                        shapeToString(gi.shape) + " but the model's is '" +
                        mi.name + "' " + std::string(dtypeName(mi.dtype)) +
                        shapeToString(mi.shape));
      }
    }
    return Status::OK();
  };
  GEFLOW_RETURN_IF_ERROR(check(model_.inputs(), program_.inputs(), "input"));
  return check(model_.outputs(), program_.outputs(), "output");
}

StatusOr<uint32_t> Planner::addPointer(const gfm::Buffer &b) {
  auto index = static_cast<uint32_t>(plan_->pointers.size());
  auto region = static_cast<Region>(b.region());
  plan_->pointers.push_back({region, b.slot(), b.offset()});
  if (region == Region::Input || region == Region::Output)
    plan_->boundPointers.push_back(index);
  return index;
}

Status Planner::addPointers(
    const google::protobuf::RepeatedPtrField<gfm::Buffer> &buffers,
    uint32_t *first) {
  *first = static_cast<uint32_t>(plan_->pointers.size());
  for (const gfm::Buffer &b : buffers) {
    StatusOr<uint32_t> index = addPointer(b);
    if (!index.ok())
      return index.status();
  }
  return Status::OK();
}

// Tilings are computed from the descriptors: a buffer smaller than its
// descriptor says would be read or written out of bounds. (Constant inputs
// of kernels with a tiling check may be pre-packed into another layout;
// their check sizes them.)
Status Planner::checkDescs(const gfm::KernelTask &k, bool checkConst) {
  auto check = [&](const auto &buffers, const auto &descs,
                   const char *what) -> Status {
    if (descs.size() != buffers.size())
      return fail(ErrorCode::kCorruptFile, std::to_string(buffers.size()) +
                                               " " + what + " buffers but " +
                                               std::to_string(descs.size()) +
                                               " descriptors");
    for (int i = 0; i < descs.size(); ++i) {
      const gfm::TensorDesc &d = descs.Get(i);
      if (d.is_const() && !checkConst)
        continue;
      std::vector<int64_t> shape(d.shape().begin(), d.shape().end());
      uint64_t need = storageBytes(static_cast<DType>(d.dtype()),
                                   static_cast<Format>(d.format()), shape);
      bool empty = std::find(shape.begin(), shape.end(), 0) != shape.end();
      if (need == 0 && !empty)
        return fail(
            ErrorCode::kCorruptFile,
            std::string(what) + " " + std::to_string(i) + ": tensor " +
                shapeToString(shape) + " has no valid byte size in " +
                std::string(formatName(static_cast<Format>(d.format()))));
      if (buffers.Get(i).size() < need)
        return fail(ErrorCode::kCorruptFile,
                    std::string(what) + " " + std::to_string(i) + " has " +
                        std::to_string(buffers.Get(i).size()) +
                        " bytes but its tensor " +
                        std::string(dtypeName(static_cast<DType>(d.dtype()))) +
                        shapeToString(shape) + " needs " +
                        std::to_string(need));
    }
    return Status::OK();
  };
  GEFLOW_RETURN_IF_ERROR(check(k.inputs(), k.input_descs(), "input"));
  return check(k.outputs(), k.output_descs(), "output");
}

Status Planner::checkTiling(const gfm::KernelTask &k,
                            const kernels::KernelDef &def, KernelLayout *layout,
                            uint32_t *blockDim, bool onHost) {
  kernels::TilingContext ctx;
  for (const gfm::TensorDesc &d : k.input_descs())
    ctx.inputs.push_back(toKernelDesc(d));
  for (const gfm::TensorDesc &d : k.output_descs())
    ctx.outputs.push_back(toKernelDesc(d));
  ctx.attrs = toKernelAttrs(k.attrs());
  ctx.soc = onHost ? &hostSoc_ : &soc_;
  kernels::TilingResult fresh;
  Status st = def.tiling(ctx, &fresh);
  if (!st.ok())
    return fail(ErrorCode::kCorruptFile, "kernel '" + k.kernel() +
                                             "' cannot be tiled for its "
                                             "tensors and attributes: " +
                                             st.message());
  const uint64_t workspace = layout->hasWorkspace ? k.workspace().size() : 0;
  if (def.checkTiling) {
    kernels::TilingCheck check;
    check.ctx = &ctx;
    check.fresh = &fresh;
    check.blockDim = k.block_dim();
    check.tiling = layout->tiling;
    check.tilingSize = layout->tilingSize;
    for (const gfm::Buffer &b : k.inputs())
      check.inputBytes.push_back(b.size());
    for (const gfm::Buffer &b : k.outputs())
      check.outputBytes.push_back(b.size());
    check.workspaceBytes = workspace;
    st = def.checkTiling(check);
    if (!st.ok())
      return fail(ErrorCode::kCorruptFile, st.message());
    return Status::OK();
  }
  // The runtime's own tiling replaces the stored one.
  if (!fresh.packedInputs.empty())
    return fail(ErrorCode::kInternal,
                "kernel '" + k.kernel() +
                    "' asks for pre-packed weights but has no tiling check");
  if (fresh.workspaceSize > workspace)
    return fail(ErrorCode::kCorruptFile,
                "kernel '" + k.kernel() + "' needs " +
                    std::to_string(fresh.workspaceSize) +
                    " workspace bytes on this device, the task has " +
                    std::to_string(workspace));
  plan_->tilings.push_back(std::move(fresh.tilingData));
  layout->tiling = plan_->tilings.back().data();
  layout->tilingSize = plan_->tilings.back().size();
  layout->hasWorkspace = fresh.workspaceSize > 0;
  *blockDim = std::clamp<uint32_t>(fresh.blockDim, 1, kMaxBlockDim);
  return Status::OK();
}

Status Planner::planKernel(const gfm::Task &task) {
  const gfm::KernelTask &k = task.kernel();
  const kernels::KernelRegistry &registry = kernels::KernelRegistry::global();
  auto dtype = static_cast<DType>(k.dtype());
  const kernels::KernelDef *def = registry.find(k.kernel());
  if (!def)
    return fail(ErrorCode::kNotFound,
                "kernel '" + k.kernel() + "' is not in the kernel library");
  kernels::KernelFn fn = registry.select(k.kernel(), dtype, isa_);
  if (!fn)
    return fail(ErrorCode::kUnsupported,
                "kernel '" + k.kernel() + "' has no " +
                    std::string(dtypeName(dtype)) +
                    " implementation this CPU (" + kernels::isaName(isa_) +
                    ") can run; it has " + dtypeList(*def));
  if (k.block_dim() > kMaxBlockDim)
    return fail(ErrorCode::kCorruptFile,
                "block_dim " + std::to_string(k.block_dim()) +
                    " exceeds the runtime's " + std::to_string(kMaxBlockDim));
  // The implementation is chosen by the task's dtype, the tiling by the
  // descriptors': they must agree.
  const auto &firstDesc =
      k.input_descs().empty() ? k.output_descs() : k.input_descs();
  if (!firstDesc.empty() && firstDesc.Get(0).dtype() != k.dtype())
    return fail(ErrorCode::kCorruptFile,
                "kernel '" + k.kernel() + "' runs in " +
                    std::string(dtypeName(dtype)) +
                    " but its first tensor is " +
                    std::string(dtypeName(
                        static_cast<DType>(firstDesc.Get(0).dtype()))));
  GEFLOW_RETURN_IF_ERROR(checkDescs(k, def->checkTiling == nullptr));

  KernelLayout layout{};
  GEFLOW_RETURN_IF_ERROR(addPointers(k.inputs(), &layout.firstPointer));
  uint32_t firstOutput;
  GEFLOW_RETURN_IF_ERROR(addPointers(k.outputs(), &firstOutput));
  layout.numInputs = static_cast<uint32_t>(k.inputs_size());
  layout.numOutputs = static_cast<uint32_t>(k.outputs_size());
  layout.tiling = reinterpret_cast<const uint8_t *>(k.tiling().data());
  layout.tilingSize = k.tiling().size();
  // Validation checked the workspace only when the tiling asks for one.
  layout.hasWorkspace = k.workspace_size() > 0;
  layout.workspaceOffset = layout.hasWorkspace ? k.workspace().offset() : 0;
  layout.workspaceOnHost =
      layout.hasWorkspace && k.workspace().region() == gfm::HOST;
  uint32_t blockDim = k.block_dim();
  // A shape-ranged program is re-tiled (and checked) for every run's shapes.
  if (!plan_->range)
    GEFLOW_RETURN_IF_ERROR(
        checkTiling(k, *def, &layout, &blockDim,
                    plan_->hostStream.size() > task.stream() &&
                        plan_->hostStream[task.stream()]));

  if (plan_->range) {
    RangedKernel r;
    r.step = static_cast<uint32_t>(plan_->steps.size());
    r.kernel = static_cast<uint32_t>(plan_->kernels.size());
    r.def = def;
    for (const gfm::TensorDesc &d : k.input_descs()) {
      r.ctx.inputs.push_back(toKernelDesc(d));
      // Packing was decided for one shape; ranged programs keep weights as is.
      r.ctx.inputs.back().isConst = false;
      r.inputShapes.push_back(rangedShape(d));
    }
    for (const gfm::TensorDesc &d : k.output_descs()) {
      r.ctx.outputs.push_back(toKernelDesc(d));
      r.outputShapes.push_back(rangedShape(d));
    }
    r.ctx.attrs = toKernelAttrs(k.attrs());
    r.workspaceCapacity = layout.hasWorkspace ? k.workspace().size() : 0;
    for (const gfm::Buffer &b : k.inputs())
      r.inputBytes.push_back(b.size());
    for (const gfm::Buffer &b : k.outputs())
      r.outputBytes.push_back(b.size());
    plan_->range->kernels.push_back(std::move(r));
  }

  Step step{};
  step.kind = StepKind::Kernel;
  step.stream = task.stream();
  step.index = static_cast<uint32_t>(plan_->kernels.size());
  step.blockDim = blockDim;
  step.fn = fn;
  // "idx_7 (GatherV2, kernel gather)": the GE op, then the kernel.
  step.label = (task.name().empty() ? k.kernel() : task.name()) + " (" +
               (task.op_type().empty() ? "" : task.op_type() + ", kernel ") +
               k.kernel() + ")";
  plan_->kernels.push_back(layout);
  plan_->steps.push_back(std::move(step));
  return Status::OK();
}

Status Planner::planCopy(const gfm::Task &task) {
  const gfm::Buffer &src = task.memcpy().src(), &dst = task.memcpy().dst();
  bool overlap = src.region() == dst.region() && src.slot() == dst.slot() &&
                 src.offset() < dst.offset() + dst.size() &&
                 dst.offset() < src.offset() + src.size();
  uint32_t blocks;
  plan_->copyTilings.push_back(
      copyTiling(dst.size(), overlap, aiCores_, &blocks));
  if (plan_->range && task.memcpy().has_desc()) {
    const gfm::TensorDesc &d = task.memcpy().desc();
    plan_->range->copies.push_back(
        {static_cast<uint32_t>(plan_->steps.size()),
         static_cast<uint32_t>(plan_->kernels.size()),
         static_cast<DType>(d.dtype()), static_cast<Format>(d.format()),
         rangedShape(d)});
  }

  KernelLayout layout{};
  StatusOr<uint32_t> s = addPointer(src);
  if (!s.ok())
    return s.status();
  StatusOr<uint32_t> d = addPointer(dst);
  if (!d.ok())
    return d.status();
  layout.firstPointer = *s;
  layout.numInputs = 1;
  layout.numOutputs = 1;
  layout.tiling = reinterpret_cast<const uint8_t *>(&plan_->copyTilings.back());
  layout.tilingSize = sizeof(CopyTiling);

  Step step{};
  step.kind = StepKind::Kernel;
  step.stream = task.stream();
  step.index = static_cast<uint32_t>(plan_->kernels.size());
  step.blockDim = blocks;
  step.fn = copyKernel;
  step.label = (task.name().empty() ? "memcpy" : task.name()) + " (memcpy)";
  plan_->kernels.push_back(layout);
  plan_->steps.push_back(std::move(step));
  return Status::OK();
}

Status Planner::planHostCall(const gfm::Task &task) {
  const gfm::HostCallTask &h = task.host_call();
  HostKernel kernel = HostOpRegistry::global().lookup(h.callee());
  if (!kernel.fn)
    return fail(ErrorCode::kNotFound,
                "host op '" + h.callee() + "' is not registered");
  HostCallLayout layout;
  layout.fn = kernel.fn;
  GEFLOW_RETURN_IF_ERROR(addPointers(h.inputs(), &layout.firstPointer));
  uint32_t firstOutput;
  GEFLOW_RETURN_IF_ERROR(addPointers(h.outputs(), &firstOutput));
  layout.numInputs = static_cast<uint32_t>(h.inputs_size());
  layout.numOutputs = static_cast<uint32_t>(h.outputs_size());
  for (const gfm::TensorDesc &d : h.input_descs())
    layout.inputDescs.push_back(toKernelDesc(d));
  for (const gfm::TensorDesc &d : h.output_descs())
    layout.outputDescs.push_back(toKernelDesc(d));
  layout.attrs = toKernelAttrs(h.attrs());
  if (kernel.check) {
    Status st =
        kernel.check(layout.inputDescs, layout.outputDescs, layout.attrs);
    if (!st.ok())
      return fail(ErrorCode::kCorruptFile,
                  "host op '" + h.callee() + "': " + st.message());
  }
  if (layout.inputDescs.size() != static_cast<size_t>(h.inputs_size()) ||
      layout.outputDescs.size() != static_cast<size_t>(h.outputs_size()))
    return fail(ErrorCode::kCorruptFile,
                "host op '" + h.callee() +
                    "' has a descriptor count unlike its buffer count");
  for (int i = 0; i < h.input_descs_size(); ++i)
    if (h.inputs(i).size() < storageBytes(layout.inputDescs[i].dtype,
                                          layout.inputDescs[i].format,
                                          layout.inputDescs[i].shape))
      return fail(ErrorCode::kCorruptFile, "input " + std::to_string(i) +
                                               " of host op '" + h.callee() +
                                               "' is smaller than its tensor");
  for (int i = 0; i < h.output_descs_size(); ++i)
    if (h.outputs(i).size() < storageBytes(layout.outputDescs[i].dtype,
                                           layout.outputDescs[i].format,
                                           layout.outputDescs[i].shape))
      return fail(ErrorCode::kCorruptFile, "output " + std::to_string(i) +
                                               " of host op '" + h.callee() +
                                               "' is smaller than its tensor");

  Step step{};
  step.kind = StepKind::HostCall;
  step.stream = task.stream();
  step.index = static_cast<uint32_t>(plan_->hostCalls.size());
  step.blockDim = 1;
  step.label = (task.name().empty() ? h.callee() : task.name()) + " (host " +
               h.callee() + ")";
  plan_->hostCalls.push_back(std::move(layout));
  plan_->steps.push_back(std::move(step));
  return Status::OK();
}

Status Planner::planCollective(const gfm::Task &task) {
  const gfm::CollectiveTask &c = task.collective();
  uint32_t first, firstOutput;
  GEFLOW_RETURN_IF_ERROR(addPointers(c.inputs(), &first));
  GEFLOW_RETURN_IF_ERROR(addPointers(c.outputs(), &firstOutput));
  StatusOr<CollectiveLayout> layout = decodeCollective(task, first);
  if (!layout.ok())
    return fail(layout.status().code(), layout.status().message());
  Step step{};
  step.kind = StepKind::Collective;
  step.stream = task.stream();
  step.index = static_cast<uint32_t>(plan_->collectives.size());
  step.blockDim = 1;
  step.label = (task.name().empty() ? c.kind() : task.name()) + " (" +
               c.kind() + ", group " + c.group() + ")";
  plan_->collectives.push_back(std::move(layout.value()));
  plan_->steps.push_back(std::move(step));
  return Status::OK();
}

Status Planner::planControl(const gfm::Task &task) {
  const gfm::ControlTask &c = task.control();
  uint32_t first, firstOutput;
  GEFLOW_RETURN_IF_ERROR(addPointers(c.inputs(), &first));
  GEFLOW_RETURN_IF_ERROR(addPointers(c.outputs(), &firstOutput));
  StatusOr<ControlLayout> layout = decodeControl(task, first, subgraphs_);
  if (!layout.ok())
    return fail(layout.status().code(), layout.status().message());
  Step step{};
  step.kind = StepKind::Control;
  step.stream = task.stream();
  step.index = static_cast<uint32_t>(plan_->controls.size());
  step.blockDim = 1;
  step.label = layout->label;
  plan_->controls.push_back(std::move(layout.value()));
  plan_->steps.push_back(std::move(step));
  return Status::OK();
}

StatusOr<std::unique_ptr<GearPlan>> Planner::run() {
  where_ = file_ + ": gear " + std::to_string(gear_) + ": ";
  GEFLOW_RETURN_IF_ERROR(checkSignature());
  GearInfo &info = plan_->info;
  for (const gfm::TensorSig &s : program_.inputs())
    info.inputs.push_back(toTensorInfo(s));
  for (const gfm::TensorSig &s : program_.outputs())
    info.outputs.push_back(toTensorInfo(s));
  info.arenaSize = program_.arena_size();
  info.hostArenaSize = program_.host_arena_size();
  info.numStreams = program_.num_streams();
  info.hostStreams.assign(program_.host_streams().begin(),
                          program_.host_streams().end());
  plan_->hostStream.assign(info.numStreams, false);
  for (uint32_t s : info.hostStreams)
    plan_->hostStream[s] = true;
  info.numEvents = program_.num_events();
  info.numTasks = static_cast<uint32_t>(program_.tasks_size());
  if (program_.symbols_size() > 0) {
    plan_->range = std::make_unique<RangeInfo>();
    for (const gfm::ShapeSymbol &s : program_.symbols()) {
      info.ranges.push_back({s.input(), s.dim(), s.min(), s.max()});
    }
    for (const gfm::TensorSig &s : program_.inputs())
      plan_->range->inputs.push_back(rangedShape(s));
    for (const gfm::TensorSig &s : program_.outputs())
      plan_->range->outputs.push_back(rangedShape(s));
  }

  std::vector<bool> recorded(program_.num_events(), false);
  std::vector<bool> streamUsed(program_.num_streams(), false);
  for (int t = 0; t < program_.tasks_size(); ++t) {
    const gfm::Task &task = program_.tasks(t);
    where_ = file_ + ": gear " + std::to_string(gear_) + ", task " +
             std::to_string(t) +
             (task.name().empty() ? "" : " '" + task.name() + "'") + ": ";
    streamUsed[task.stream()] = true;
    switch (task.kind_case()) {
    case gfm::Task::kKernel:
      GEFLOW_RETURN_IF_ERROR(planKernel(task));
      break;
    case gfm::Task::kMemcpy:
      GEFLOW_RETURN_IF_ERROR(planCopy(task));
      break;
    case gfm::Task::kHostCall:
      GEFLOW_RETURN_IF_ERROR(planHostCall(task));
      break;
    case gfm::Task::kCollective:
      GEFLOW_RETURN_IF_ERROR(planCollective(task));
      break;
    case gfm::Task::kControl:
      GEFLOW_RETURN_IF_ERROR(planControl(task));
      break;
    case gfm::Task::kRecord:
    case gfm::Task::kWait: {
      bool isRecord = task.has_record();
      uint32_t event = isRecord ? task.record().event() : task.wait().event();
      if (!isRecord && !recorded[event])
        return fail(ErrorCode::kCorruptFile, "waits for event " +
                                                 std::to_string(event) +
                                                 " before any task records it");
      recorded[event] = true;
      plan_->steps.push_back({isRecord ? StepKind::Record : StepKind::Wait,
                              task.stream(), event, 1, nullptr, ""});
      break;
    }
    default:
      return fail(ErrorCode::kCorruptFile, "task of unknown kind");
    }
  }
  for (uint32_t s = 1; s < streamUsed.size(); ++s)
    if (streamUsed[s])
      plan_->internalStreams.push_back(s);
  for (int t = 0; t < program_.tasks_size(); ++t)
    plan_->tasks->push_back(
        describeTask(program_.tasks(t), uint32_t(t), plan_->steps[t].blockDim));
  return std::move(plan_);
}

} // namespace

TensorInfo toTensorInfo(const gfm::TensorSig &sig) {
  TensorInfo info;
  info.name = sig.name();
  info.dtype = static_cast<DType>(sig.dtype());
  info.format = static_cast<Format>(sig.format());
  info.shape.assign(sig.shape().begin(), sig.shape().end());
  info.bytes = storageBytes(info.dtype, info.format, info.shape);
  return info;
}

int32_t copyKernel(const kernels::KernelArgs &args, uint32_t blockIdx,
                   uint32_t blockDim) {
  CopyTiling t;
  if (!kernels::decodeTiling(args, &t) || args.numInputs != 1 ||
      args.numOutputs != 1)
    return 1;
  auto *dst = static_cast<uint8_t *>(args.outputs[0]);
  auto *src = static_cast<const uint8_t *>(args.inputs[0]);
  if (t.overlap) {
    std::memmove(dst, src, t.bytes);
    return 0;
  }
  uint64_t begin = uint64_t(blockIdx) * t.chunk;
  if (begin < t.bytes)
    std::memcpy(dst + begin, src + begin, std::min(t.chunk, t.bytes - begin));
  return 0;
}

CopyTiling copyTiling(uint64_t bytes, bool overlap, uint32_t aiCores,
                      uint32_t *blocks) {
  // Large copies are split across the AI cores in 256 KiB-or-larger,
  // cache-line aligned chunks; small ones run as one block.
  constexpr uint64_t kMinChunk = 256 * 1024;
  uint64_t n = std::min<uint64_t>(aiCores, (bytes + kMinChunk - 1) / kMinChunk);
  n = std::max<uint64_t>(n, 1);
  uint64_t chunk = ((bytes + n - 1) / n + 63) & ~uint64_t(63);
  if (overlap) {
    n = 1;
    chunk = bytes;
  }
  *blocks = static_cast<uint32_t>(n);
  return {bytes, chunk, overlap ? 1u : 0u};
}

std::vector<int64_t> evalShape(const RangedShape &shape,
                               const std::vector<int64_t> &values) {
  std::vector<int64_t> out;
  for (const RangedDim &d : shape) {
    int64_t v = d.coeff;
    for (size_t k = 0; k < d.exps.size() && k < values.size(); ++k)
      for (int32_t e = 0; e < d.exps[k]; ++e)
        v *= values[k];
    out.push_back(v);
  }
  return out;
}

StatusOr<std::unique_ptr<GearPlan>>
planGear(const gfm::Model &model, int gear, const kernels::SocInfo &soc,
         uint32_t aiCores, const std::string &file,
         const std::vector<std::shared_ptr<Model>> &subgraphs) {
  return Planner(model, gear, soc, aiCores, file, subgraphs).run();
}

} // namespace geflow::rt::exec
