//===- AotProgram.cpp - Generated libraries whose program is code ---------===//
//
// A library built with --lib-program=code carries each gear's task program
// as a C function calling gfaot_program_launch once per kernel task, in
// task order, with constant tiling data and buffer addresses. This file is
// what that code stands on: the handle (signature and gears from the
// program's constant tables, kernels resolved once for the device's CPU),
// the binding checks every run passes, and the kernel entry that spreads a
// kernel's blocks over the device's AI cores.
//
// A synchronous run executes the gear's function on the calling thread
// (its kernels' blocks shared with the AI cores); an asynchronous run is
// one task on the caller's stream that executes it. Either way a run is
// the function's calls and nothing else: no task list is walked, nothing
// is enqueued per kernel. The program's streams are serialized in task
// order, which every record/wait pair of the program already respects.
//
// No .gfm is parsed here, so a code library links no protobuf.
//
//===----------------------------------------------------------------------===//
#include "AotModel.h"
#include "CorePool.h"
#include "Task.h"

#include "geflow/kernels/Registry.h"
#include "geflow/runtime/Binding.h"
#include "geflow/runtime/Event.h"
#include "geflow/runtime/gfaot_program.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>

using namespace geflow::rt;
using namespace geflow::rt::aot;
namespace kernels = geflow::kernels;

extern "C" const int gfaot_program_abi_1 = GFAOT_PROGRAM_ABI;

// The generated code builds kernels::KernelArgs as a gfaot_kernel_args.
static_assert(sizeof(gfaot_kernel_args) == sizeof(geflow::kernels::KernelArgs));
#define GEFLOW_SAME_FIELD(c, cxx)                                              \
  static_assert(offsetof(gfaot_kernel_args, c) ==                              \
                offsetof(geflow::kernels::KernelArgs, cxx))
GEFLOW_SAME_FIELD(tiling, tiling);
GEFLOW_SAME_FIELD(tiling_size, tilingSize);
GEFLOW_SAME_FIELD(inputs, inputs);
GEFLOW_SAME_FIELD(num_inputs, numInputs);
GEFLOW_SAME_FIELD(outputs, outputs);
GEFLOW_SAME_FIELD(num_outputs, numOutputs);
GEFLOW_SAME_FIELD(workspace, workspace);
#undef GEFLOW_SAME_FIELD

namespace {

constexpr size_t kArenaAlignment = 4096;

class ProgramModel;

/// What gfaot_impl points to during one run.
struct RunState {
  const ProgramModel *model;
  const gfaot_program_gear *gear;
  Status failure;
};

std::vector<TensorInfo> toInfos(const gfaot_program_tensor *tensors,
                                uint32_t count) {
  std::vector<TensorInfo> out;
  for (uint32_t i = 0; i < count; ++i) {
    const gfaot_program_tensor &t = tensors[i];
    TensorInfo info;
    info.name = t.name;
    info.dtype = static_cast<DType>(t.dtype);
    info.format = static_cast<Format>(t.format);
    info.shape.assign(t.shape, t.shape + t.rank);
    info.bytes = storageBytes(info.dtype, info.format, info.shape);
    out.push_back(std::move(info));
  }
  return out;
}

class ProgramModel : public AotModel {
public:
  const gfaot_program *program = nullptr;
  std::vector<TensorInfo> inputs_, outputs_;
  std::vector<GearInfo> gears_;
  std::vector<kernels::KernelFn> kernels;
  uint64_t arenaBytes = 0;

  ~ProgramModel() override {
    // Asynchronous runs still queued use this handle; their records
    // complete even after a failed task.
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::shared_ptr<Event> &e : pending_)
      (void)e->synchronize();
    for (void *arena : arenas_)
      std::free(arena);
  }

  const std::vector<TensorInfo> &inputs() const override { return inputs_; }
  const std::vector<TensorInfo> &outputs() const override { return outputs_; }
  const std::vector<GearInfo> &gears() const override { return gears_; }

  StatusOr<Model::Selection>
  select(const std::vector<std::vector<int64_t>> &shapes) const override {
    if (shapes.size() != inputs_.size())
      return countError("input", inputs_.size(), shapes.size());
    std::vector<const std::vector<int64_t> *> refs;
    for (const auto &s : shapes)
      refs.push_back(&s);
    StatusOr<size_t> gear = findExactGear(gears_, inputs_, refs);
    if (!gear.ok())
      return gear.status();
    return Model::Selection{*gear, false, gears_[*gear].outputs};
  }

  Status run(Stream *stream, const std::vector<TensorRef> &in,
             const std::vector<TensorRef> &out) override {
    StatusOr<size_t> gear = bind(in, out);
    if (!gear.ok())
      return Status(gear.status().code(), "model '" +
                                              std::string(program->model_name) +
                                              "': " + gear.status().message());
    std::vector<void *> pointers;
    pointers.reserve(in.size() + out.size());
    for (const TensorRef &r : in)
      pointers.push_back(r.data);
    for (const TensorRef &r : out)
      pointers.push_back(r.data);
    if (!stream)
      return execute(*gear, pointers.data(), pointers.data() + in.size());
    // One task on the caller's stream runs the whole program.
    size_t numInputs = in.size();
    GEFLOW_RETURN_IF_ERROR(stream->launchCallback(
        program->model_name,
        [this, g = *gear, p = std::move(pointers), numInputs]() mutable {
          return execute(g, p.data(), p.data() + numInputs);
        }));
    auto done = std::make_shared<Event>();
    GEFLOW_RETURN_IF_ERROR(stream->recordEvent(*done));
    std::lock_guard<std::mutex> lock(mu_);
    while (!pending_.empty() && pending_.front()->query().ok())
      pending_.pop_front();
    pending_.push_back(std::move(done));
    return Status::OK();
  }

private:
  StatusOr<size_t> bind(const std::vector<TensorRef> &in,
                        const std::vector<TensorRef> &out) const {
    GEFLOW_RETURN_IF_ERROR(checkBindingTypes(inputs_, outputs_, in, out));
    std::vector<const std::vector<int64_t> *> shapes;
    for (const TensorRef &r : in)
      shapes.push_back(&r.shape);
    StatusOr<size_t> gear = findExactGear(gears_, inputs_, shapes);
    if (!gear.ok())
      return gear.status();
    GEFLOW_RETURN_IF_ERROR(checkBindingBuffers(gears_[*gear].inputs,
                                               gears_[*gear].outputs, in, out,
                                               *gear, gears_.size()));
    return gear;
  }

  /// Runs gear `g`'s function on an arena of this handle's.
  Status execute(size_t g, void *const *inputs, void *const *outputs) const {
    void *arena = acquireArena();
    if (!arena && arenaBytes > 0)
      return Status(ErrorCode::kOutOfMemory,
                    "model '" + std::string(program->model_name) +
                        "': cannot allocate an arena of " +
                        std::to_string(arenaBytes) + " bytes");
    const gfaot_program_gear &gear = program->gears[g];
    RunState state{this, &gear, Status::OK()};
    gfaot_exec exec{static_cast<uint8_t *>(arena), program->weights, inputs,
                    outputs, &state};
    gfaot_status code = gear.run(&exec);
    releaseArena(arena);
    if (code == GFAOT_OK)
      return Status::OK();
    if (state.failure.ok())
      return Status(static_cast<ErrorCode>(code),
                    "model '" + std::string(program->model_name) + "': gear " +
                        std::to_string(g) + " failed with code " +
                        std::to_string(code));
    return state.failure;
  }

  void *acquireArena() const {
    if (arenaBytes == 0)
      return nullptr;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!arenas_.empty()) {
        void *arena = arenas_.back();
        arenas_.pop_back();
        return arena;
      }
    }
    uint64_t size =
        (arenaBytes + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
    return std::aligned_alloc(kArenaAlignment, size);
  }

  void releaseArena(void *arena) const {
    if (!arena)
      return;
    std::lock_guard<std::mutex> lock(mu_);
    arenas_.push_back(arena);
  }

  mutable std::mutex mu_;
  /// Arenas of finished runs, reused (at most one per run in flight).
  mutable std::vector<void *> arenas_;
  /// Records after the asynchronous runs not known to be over.
  std::deque<std::shared_ptr<Event>> pending_;
};

/// The description the generated code hands over, checked so that a
/// damaged or mismatched library is an error, not a crash.
Status checkProgram(const gfaot_program &p, const std::string &where) {
  if (!p.library || !p.model_name || !p.isa || !p.gears || !p.kernels ||
      (p.num_inputs && !p.inputs) || (p.num_outputs && !p.outputs) ||
      p.num_gears == 0)
    return Status(ErrorCode::kCorruptFile,
                  where + ": the library's program description is incomplete");
  for (uint32_t g = 0; g < p.num_gears; ++g)
    if (!p.gears[g].run || !p.gears[g].task_names ||
        (p.num_inputs && !p.gears[g].inputs) ||
        (p.num_outputs && !p.gears[g].outputs))
      return Status(ErrorCode::kCorruptFile,
                    where + ": gear " + std::to_string(g) +
                        " of the library's program is incomplete");
  return Status::OK();
}

} // namespace

extern "C" {

gfaot_status gfaot_program_create(const gfaot_program *program,
                                  const gfaot_options *options, void **model) {
  const gfaot_library *lib = program ? program->library : nullptr;
  return guarded([&]() -> Status {
    std::string where = call(lib, "create");
    if (!model)
      return invalidArgument(where + ": model is NULL");
    *model = nullptr;
    if (!program)
      return invalidArgument(where + ": the program is NULL");
    GEFLOW_RETURN_IF_ERROR(checkProgram(*program, where));
    gfaot_options opts = options ? *options : gfaot_options{0, 0};
    StatusOr<std::shared_ptr<Device>> device = deviceFor(opts);
    if (!device.ok())
      return Status(device.status().code(),
                    where + ": " + device.status().message());
    const kernels::SocInfo &soc = device.value()->properties().soc;
    // The tiling constants (block splits, pre-packed weight layouts) were
    // computed for the compiling CPU's kernel variants.
    if (std::string(kernels::isaName(soc.isa)) != program->isa)
      return unsupported(
          where + ": the program was tiled for " + program->isa +
          " kernels, this CPU runs " + kernels::isaName(soc.isa) +
          " ones; build the library on a machine like this one, or with "
          "--lib-program=interpreter (re-tiled at load)");
    auto handle = std::make_unique<ProgramModel>();
    handle->lib = lib;
    handle->program = program;
    const kernels::KernelRegistry &registry = kernels::KernelRegistry::global();
    for (uint32_t k = 0; k < program->num_kernels; ++k) {
      const gfaot_program_kernel &ref = program->kernels[k];
      auto dtype = static_cast<DType>(ref.dtype);
      kernels::KernelFn fn = registry.select(ref.name, dtype, soc.isa);
      if (!fn)
        return Status(ErrorCode::kNotFound,
                      where + ": kernel '" + ref.name + "' has no " +
                          std::string(dtypeName(dtype)) +
                          " implementation in this runtime for " +
                          kernels::isaName(soc.isa));
      handle->kernels.push_back(fn);
    }
    handle->inputs_ = toInfos(program->inputs, program->num_inputs);
    handle->outputs_ = toInfos(program->outputs, program->num_outputs);
    for (uint32_t g = 0; g < program->num_gears; ++g) {
      const gfaot_program_gear &gear = program->gears[g];
      GearInfo info;
      info.inputs = toInfos(gear.inputs, program->num_inputs);
      info.outputs = toInfos(gear.outputs, program->num_outputs);
      info.arenaSize = gear.arena_size;
      info.numTasks = gear.num_tasks;
      handle->arenaBytes = std::max(handle->arenaBytes, gear.arena_size);
      handle->gears_.push_back(std::move(info));
    }
    handle->device = std::move(device.value());
    publish(std::move(handle), model);
    return Status::OK();
  });
}

gfaot_status gfaot_program_launch(gfaot_exec *exec, uint32_t task,
                                  uint32_t kernel,
                                  const gfaot_kernel_args *args,
                                  uint32_t block_dim) {
  auto *state = static_cast<RunState *>(exec->impl);
  const ProgramModel &model = *state->model;
  detail::Task t;
  t.kind = detail::TaskKind::Kernel;
  t.kernel = model.kernels[kernel];
  std::memcpy(static_cast<void *>(&t.args), args, sizeof(t.args));
  t.blockDim = std::clamp<uint32_t>(block_dim, 1, kMaxBlockDim);
  model.device->pool().runDetached(t);
  if (!t.failed.load(std::memory_order_acquire))
    return GFAOT_OK;
  const gfaot_program_gear &gear = *state->gear;
  std::string label =
      task < gear.num_tasks ? gear.task_names[task] : std::string("?");
  state->failure = Status(t.failure.code(),
                          "model '" + std::string(model.program->model_name) +
                              "': task " + std::to_string(task) + " '" + label +
                              "' failed: " + t.failure.message());
  return static_cast<gfaot_status>(t.failure.code());
}

} // extern "C"
