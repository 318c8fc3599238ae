//===- Model.cpp - Loading a .gfm and running it on streams ---------------===//
#include "ModelImpl.h"

#include "geflow/runtime/Device.h"
#include "geflow/runtime/Stream.h"

#include "proto/gfm.pb.h"

#include <algorithm>

namespace geflow::rt {

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Model::~Model() = default;

StatusOr<std::unique_ptr<Model>> Model::load(const std::string &path,
                                             std::shared_ptr<Device> device,
                                             const ModelLoadOptions &options) {
  StatusOr<std::unique_ptr<GfmFile>> file = GfmFile::open(path, options.limits);
  if (!file.ok())
    return file.status();
  return fromFile(std::move(file.value()), std::move(device), options);
}

StatusOr<std::unique_ptr<Model>>
Model::loadFromBytes(const void *data, size_t size,
                     std::shared_ptr<Device> device, const std::string &name,
                     const ModelLoadOptions &options) {
  StatusOr<std::unique_ptr<GfmFile>> file =
      GfmFile::fromBytes(data, size, name, options.limits);
  if (!file.ok())
    return file.status();
  return fromFile(std::move(file.value()), std::move(device), options);
}

StatusOr<std::unique_ptr<Model>>
Model::fromFile(std::unique_ptr<GfmFile> file, std::shared_ptr<Device> device,
                const ModelLoadOptions &options) {
  if (!file)
    return invalidArgument("Model::fromFile: no file");
  if (!device)
    return invalidArgument("Model::fromFile: no device");
  auto impl = std::make_unique<Impl>();
  const gfm::Model &m = file->model();
  const std::string &path = file->path();
  StatusOr<std::unique_ptr<exec::ExternalWeights>> external =
      exec::ExternalWeights::map(*file);
  if (!external.ok())
    return external.status();
  impl->external = std::move(external.value());
  impl->name = m.name();
  for (const gfm::TensorSig &s : m.inputs())
    impl->inputs.push_back(exec::toTensorInfo(s));
  for (const gfm::TensorSig &s : m.outputs())
    impl->outputs.push_back(exec::toTensorInfo(s));
  const DeviceProperties &props = device->properties();
  // Control-flow subgraphs: each a whole .gfm, loaded (and so validated)
  // like the model; nesting is bounded so a crafted file cannot recurse
  // without end.
  static thread_local int nesting = 0;
  constexpr int kMaxSubgraphNesting = 16;
  if (m.subgraphs_size() > 0 && nesting >= kMaxSubgraphNesting)
    return Status(ErrorCode::kCorruptFile,
                  path + ": control-flow subgraphs nested more than " +
                      std::to_string(kMaxSubgraphNesting) + " levels deep");
  for (int i = 0; i < m.subgraphs_size(); ++i) {
    const std::string &bytes = m.subgraphs(i);
    ModelLoadOptions subOptions;
    subOptions.limits = options.limits;
    ++nesting;
    StatusOr<std::unique_ptr<Model>> sub =
        loadFromBytes(bytes.data(), bytes.size(), device,
                      path + ": subgraph " + std::to_string(i), subOptions);
    --nesting;
    if (!sub.ok())
      return sub.status();
    impl->subgraphs.push_back(std::move(sub.value()));
  }
  for (int g = 0; g < m.gears_size(); ++g) {
    StatusOr<std::unique_ptr<exec::GearPlan>> plan = exec::planGear(
        m, g, props.soc, props.aiCoreCount, path, impl->subgraphs);
    if (!plan.ok())
      return plan.status();
    impl->gears.push_back(plan.value()->info);
    impl->plans.push_back(std::move(plan.value()));
  }
  auto option = m.options().find("gear_padding");
  if (option != m.options().end() && option->second == "true") {
    StatusOr<exec::BatchPadding> padding =
        exec::planBatchPadding(impl->gears, m.name());
    if (!padding.ok())
      return padding.status();
    impl->padding = std::move(padding.value());
  }
  bool ranged = impl->plans.size() == 1 && impl->plans[0]->range;
  if (options.sharedArena &&
      SharedArena::serves(options.sharedArenaShapes, ranged)) {
    if (&options.sharedArena->device() != device.get())
      return invalidArgument(
          path + ": the shared arena is on device " +
          std::to_string(options.sharedArena->device().id()) +
          ", the model is loaded on device " + std::to_string(device->id()));
    impl->sharedArena = options.sharedArena;
  }
  impl->file = std::move(file);
  impl->device = std::move(device);
  impl->pool = std::make_unique<exec::ContextPool>(
      impl->plans, impl->device, impl->file->weights(), impl->external->bases(),
      impl->sharedArena != nullptr);
  if (ranged)
    impl->instances = std::make_unique<exec::InstanceCache>();
  StatusOr<std::unique_ptr<exec::WeightSets>> weights =
      exec::WeightSets::create(impl->file->model(), props.soc,
                               impl->file->weights(), impl->external->bases(),
                               impl->plans);
  if (!weights.ok())
    return Status(weights.status().code(),
                  path + ": " + weights.status().message());
  impl->weights = std::move(weights.value());
  return std::unique_ptr<Model>(new Model(std::move(impl)));
}

const std::string &Model::name() const { return impl_->name; }
const std::vector<TensorInfo> &Model::inputs() const { return impl_->inputs; }
const std::vector<TensorInfo> &Model::outputs() const { return impl_->outputs; }
const std::vector<GearInfo> &Model::gears() const { return impl_->gears; }
const GfmFile &Model::file() const { return *impl_->file; }
Device &Model::device() const { return *impl_->device; }

std::shared_ptr<const exec::WeightVersion>
Model::Impl::bindWeights(size_t gear, exec::GearState &state) const {
  if (!weights)
    return nullptr;
  std::shared_ptr<const exec::WeightVersion> version = weights->current();
  weights->bind(gear, *version, state);
  return version;
}

StatusOr<std::shared_ptr<SharedArena::Turn>>
Model::Impl::takeArena(Stream &stream, const exec::GearPlan &plan,
                       exec::GearState &state) const {
  if (!sharedArena || plan.info.arenaSize == 0)
    return std::shared_ptr<SharedArena::Turn>();
  StatusOr<std::shared_ptr<SharedArena::Turn>> turn =
      sharedArena->begin(stream, plan.info.arenaSize);
  if (!turn.ok())
    return Status(turn.status().code(),
                  "model '" + name + "': " + turn.status().message());
  exec::aimArena(plan, state, (*turn)->base());
  return turn;
}

std::shared_ptr<const void>
Model::Impl::runHold(std::shared_ptr<const exec::WeightVersion> weights,
                     std::shared_ptr<SharedArena::Turn> turn) {
  if (!turn)
    return weights;
  return std::make_shared<std::pair<std::shared_ptr<const exec::WeightVersion>,
                                    std::shared_ptr<SharedArena::Turn>>>(
      std::move(weights), std::move(turn));
}

static const std::vector<TensorInfo> kNoVariables;

const std::vector<TensorInfo> &Model::variables() const {
  return impl_->weights ? impl_->weights->variables() : kNoVariables;
}

Status Model::updateWeights(const std::vector<WeightUpdate> &updates) {
  if (!impl_->weights)
    return invalidArgument(
        "model '" + impl_->name +
        "' has no updatable weights (compile it with updatable_weights)");
  return impl_->weights->update(updates, impl_->name);
}

Status Model::checkWeightUpdates(const std::vector<WeightUpdate> &updates,
                                 const std::vector<std::string> &more) const {
  if (!impl_->weights)
    return invalidArgument(
        "model '" + impl_->name +
        "' has no updatable weights (compile it with updatable_weights)");
  std::vector<std::string> problems = more;
  for (std::string &p : impl_->weights->check(updates))
    problems.push_back(std::move(p));
  return impl_->weights->reject(problems, impl_->name);
}

Status Model::readWeight(const std::string &name, void *out,
                         uint64_t size) const {
  if (!impl_->weights)
    return invalidArgument("model '" + impl_->name +
                           "' has no updatable weights");
  return impl_->weights->read(name, out, size);
}

uint64_t Model::weightVersion() const {
  return impl_->weights ? impl_->weights->current()->id : 0;
}

size_t Model::liveWeightVersions() const {
  return impl_->weights ? impl_->weights->liveVersions() : 0;
}

size_t Model::numContexts() const { return impl_->pool->size(); }

uint64_t Model::arenaBytes() const { return impl_->pool->arenaSize(); }

const std::shared_ptr<SharedArena> &Model::sharedArena() const {
  return impl_->sharedArena;
}

void Model::setProfiler(std::shared_ptr<Profiler> profiler) {
  impl_->profiler = std::move(profiler);
  impl_->profiling = impl_->profiler.get();
}

const std::shared_ptr<Profiler> &Model::profiler() const {
  return impl_->profiler;
}

void Model::setDumper(std::shared_ptr<Dumper> dumper) {
  if (dumper && dumper != impl_->dumper) {
    impl_->dumpModelId = dumper->addModel();
    impl_->dumpSteps = 0;
  }
  impl_->dumper = std::move(dumper);
}

const std::shared_ptr<Dumper> &Model::dumper() const { return impl_->dumper; }

/// A model runs on its own device: on a stream of that device, reading
/// and writing host memory or that device's memory. A tensor of another
/// device is never used in place; the caller copies it first (a
/// DeviceToDevice memcpy), as on an NPU.
static Status checkSameDevice(const std::string &model, Device &device,
                              const Stream &stream,
                              const std::vector<TensorRef> &refs,
                              const std::vector<TensorInfo> &infos,
                              const char *what) {
  if (&stream.device() != &device)
    return invalidArgument("model '" + model + "' is loaded on device " +
                           std::to_string(device.id()) + ", but stream " +
                           std::to_string(stream.id()) + " belongs to device " +
                           std::to_string(stream.device().id()) +
                           "; run it on a stream of its own device");
  // One device in the process: no pointer can be another device's.
  if (DeviceAllocator::liveAllocators() <= 1)
    return Status::OK();
  for (size_t i = 0; i < refs.size() && i < infos.size(); ++i) {
    DeviceAllocator::Owner owner =
        DeviceAllocator::findOwner(refs[i].data, refs[i].size);
    if (owner.allocator && owner.allocator != &device.allocator())
      return invalidArgument(
          "model '" + model + "' on device " + std::to_string(device.id()) +
          ": " + what + " '" + infos[i].name + "' is memory of device " +
          std::to_string(owner.deviceId) + "; copy it to device " +
          std::to_string(device.id()) + " first (memcpy DeviceToDevice)");
  }
  return Status::OK();
}

/// String inputs must hold valid elements; string outputs need a store
/// for their bytes (TensorRef::strings).
static Status checkStringBindings(const std::string &model,
                                  const std::vector<TensorRef> &inputs,
                                  const std::vector<TensorInfo> &inInfos,
                                  const std::vector<TensorRef> &outputs,
                                  const std::vector<TensorInfo> &outInfos) {
  for (size_t i = 0; i < inputs.size() && i < inInfos.size(); ++i) {
    const TensorRef &r = inputs[i];
    if (r.dtype != DType::String || !r.data)
      continue;
    GEFLOW_RETURN_IF_ERROR(checkStringElements(
        r.data, r.size / sizeof(StringRef),
        "model '" + model + "': input '" + inInfos[i].name + "'"));
  }
  for (size_t i = 0; i < outputs.size() && i < outInfos.size(); ++i)
    if (outputs[i].dtype == DType::String && !outputs[i].strings)
      return invalidArgument("model '" + model + "': output '" +
                             outInfos[i].name +
                             "' is a string tensor: its TensorRef needs a "
                             "StringStore (TensorRef::strings) to keep the "
                             "strings in");
  return Status::OK();
}

/// The last task of a run with string outputs: copies the strings of each
/// output from the context's store into the caller's and re-aims the
/// output's elements there (the context's store is reused by its next run).
static std::function<Status(Stream &)>
keepStringOutputs(const std::vector<TensorRef> &outputs) {
  struct Kept {
    void *data;
    size_t count;
    StringStore *store;
  };
  std::vector<Kept> kept;
  for (const TensorRef &r : outputs)
    if (r.dtype == DType::String && r.data)
      kept.push_back(
          {r.data, static_cast<size_t>(numElements(r.shape)), r.strings});
  if (kept.empty())
    return nullptr;
  return [kept = std::move(kept)](Stream &stream) {
    return stream.launchCallback("keep string outputs", [kept]() -> Status {
      std::vector<StringStore *> cleared;
      for (const Kept &k : kept)
        if (std::find(cleared.begin(), cleared.end(), k.store) ==
            cleared.end()) {
          k.store->clear();
          cleared.push_back(k.store);
        }
      for (const Kept &k : kept)
        for (size_t i = 0; i < k.count; ++i) {
          StatusOr<StringRef> copy = k.store->add(stringAt(k.data, i));
          if (!copy.ok())
            return copy.status();
          setStringAt(k.data, i, *copy);
        }
      return Status::OK();
    });
  };
}

Status Model::execute(Stream &stream, const std::vector<TensorRef> &inputs,
                      const std::vector<TensorRef> &outputs) {
  const uint64_t enqueueStart = impl_->profiling ? Profiler::nowNs() : 0;
  GEFLOW_RETURN_IF_ERROR(checkStringBindings(impl_->name, inputs, impl_->inputs,
                                             outputs, impl_->outputs));
  GEFLOW_RETURN_IF_ERROR(checkSameDevice(impl_->name, *impl_->device, stream,
                                         inputs, impl_->inputs, "input"));
  GEFLOW_RETURN_IF_ERROR(checkSameDevice(impl_->name, *impl_->device, stream,
                                         outputs, impl_->outputs, "output"));
  StatusOr<Impl::Binding> bound = impl_->bind(inputs, outputs);
  if (!bound.ok() && impl_->padding)
    return impl_->executePadded(stream, inputs, outputs, bound.status(),
                                enqueueStart);
  if (!bound.ok())
    return Status(bound.status().code(),
                  "model '" + impl_->name + "': " + bound.status().message());
  const exec::GearPlan &plan = *impl_->plans[bound->gear];
  exec::ContextPool &pool = *impl_->pool;
  StatusOr<exec::ExecContext *> acquired = pool.acquire();
  if (!acquired.ok())
    return acquired.status();
  exec::ExecContext &ctx = **acquired;
  StatusOr<exec::GearState *> state = pool.gearState(ctx, bound->gear);
  if (!state.ok()) {
    pool.release(&ctx);
    return state.status();
  }
  if (bound->instance)
    exec::useInstance(plan, bound->instance, ctx, **state);
  StatusOr<std::shared_ptr<SharedArena::Turn>> turn =
      impl_->takeArena(stream, plan, **state);
  if (!turn.ok()) {
    pool.release(&ctx);
    return turn.status();
  }
  std::shared_ptr<const exec::WeightVersion> weights =
      impl_->bindWeights(bound->gear, **state);
  for (uint32_t index : plan.boundPointers) {
    const exec::PointerSource &p = plan.pointers[index];
    const TensorRef &ref =
        p.region == exec::Region::Input ? inputs[p.slot] : outputs[p.slot];
    (*state)->pointers[index] = static_cast<uint8_t *>(ref.data) + p.offset;
  }
  exec::RunDebug debug;
  if (impl_->profiling || impl_->dumper)
    debug = impl_->beginDebug(bound->gear);
  Status status =
      exec::enqueueRun(plan, ctx, **state, stream, keepStringOutputs(outputs),
                       bound->instance ? &bound->instance->blockDims : nullptr,
                       Impl::runHold(std::move(weights), std::move(*turn)),
                       debug.trace || debug.dump ? &debug : nullptr);
  pool.release(&ctx);
  Impl::endDebug(debug, enqueueStart);
  return status;
}

exec::RunDebug Model::Impl::beginDebug(size_t gear,
                                       const std::string &padding) {
  exec::RunDebug debug;
  const exec::GearPlan &plan = *plans[gear];
  if (profiling) {
    debug.trace =
        profiling->beginRun(name, static_cast<uint32_t>(gear), plan.tasks);
    debug.trace->padding = padding;
  }
  if (dumper)
    debug.dump = exec::beginDumpRun(dumper, plan.tasks, name, dumpModelId,
                                    device->id(), dumpSteps++, padding);
  return debug;
}

void Model::Impl::endDebug(exec::RunDebug &debug, uint64_t enqueueStart) {
  if (debug.trace) {
    debug.trace->enqueueStartNs = enqueueStart;
    debug.trace->enqueueEndNs = Profiler::nowNs();
  }
}

Status Model::run(const std::vector<TensorRef> &inputs,
                  const std::vector<TensorRef> &outputs) {
  std::unique_ptr<Stream> stream;
  {
    std::lock_guard<std::mutex> lock(impl_->runMu);
    if (!impl_->runStreams.empty()) {
      stream = std::move(impl_->runStreams.back());
      impl_->runStreams.pop_back();
    }
  }
  if (!stream) {
    StatusOr<std::unique_ptr<Stream>> created = impl_->device->createStream();
    if (!created.ok())
      return created.status();
    stream = std::move(created.value());
  }
  Status status = execute(*stream, inputs, outputs);
  // Even when enqueueing failed part-way, what was enqueued must finish
  // before the caller's buffers may go; synchronize also clears a failure.
  const uint64_t syncStart = impl_->profiling ? Profiler::nowNs() : 0;
  Status done = stream->synchronize();
  // A timed-out wait leaves tasks writing the caller's buffers: they must
  // stop before this returns (and the stream goes back to the pool idle).
  if (done.code() == ErrorCode::kTimeout)
    stream->waitUntilIdle();
  if (impl_->profiling)
    impl_->profiling->addHostSpan("synchronize", syncStart, Profiler::nowNs());
  if (status.ok())
    status = std::move(done);
  std::lock_guard<std::mutex> lock(impl_->runMu);
  impl_->runStreams.push_back(std::move(stream));
  return status;
}

} // namespace geflow::rt
