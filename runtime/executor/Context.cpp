//===- Context.cpp - Execution contexts: creation, enqueueing, reuse ------===//
#include "Context.h"

#include "geflow/runtime/Device.h"

#include <algorithm>

namespace geflow::rt::exec {

ExecContext::~ExecContext() {
  // Streams first: their destructors wait for queued tasks, which may
  // still use the arena.
  streams.clear();
  hostStreams.clear();
  if (arena)
    (void)device->allocator().free(arena);
  if (hostArena)
    (void)HostAllocator::global().free(hostArena);
  for (const auto &gear : gears)
    if (gear)
      for (void *buffer : gear->staging)
        if (buffer)
          (void)device->allocator().free(buffer);
}

// Fills every pointer-table entry of `plan` except the bound (input/output)
// ones, and the kernel and host-call arguments that point into the table.
static std::unique_ptr<GearState>
makeGearState(const GearPlan &plan, void *arena, void *hostArena,
              const uint8_t *weights,
              const std::vector<const uint8_t *> &external) {
  auto state = std::make_unique<GearState>();
  auto *arenaBytes = static_cast<uint8_t *>(arena);
  auto *hostBytes = static_cast<uint8_t *>(hostArena);
  // Weights are only ever read (validation rejects writes to them).
  auto *weightBytes = const_cast<uint8_t *>(weights);
  state->pointers.resize(plan.pointers.size(), nullptr);
  for (size_t i = 0; i < plan.pointers.size(); ++i) {
    const PointerSource &p = plan.pointers[i];
    if (p.region == Region::Arena && arenaBytes)
      state->pointers[i] = arenaBytes + p.offset;
    else if (p.region == Region::Host && hostBytes)
      state->pointers[i] = hostBytes + p.offset;
    else if (p.region == Region::Weight && weightBytes)
      state->pointers[i] = weightBytes + p.offset;
    else if (p.region == Region::External && external[p.slot])
      state->pointers[i] = const_cast<uint8_t *>(external[p.slot]) + p.offset;
  }
  state->arenaBase = arena;
  void **table = state->pointers.data();
  state->kernelArgs.resize(plan.kernels.size());
  for (size_t i = 0; i < plan.kernels.size(); ++i) {
    const KernelLayout &l = plan.kernels[i];
    kernels::KernelArgs &a = state->kernelArgs[i];
    a.tiling = l.tiling;
    a.tilingSize = l.tilingSize;
    a.inputs = table + l.firstPointer;
    a.numInputs = l.numInputs;
    a.outputs = table + l.firstPointer + l.numInputs;
    a.numOutputs = l.numOutputs;
    uint8_t *workspaceBase = l.workspaceOnHost ? hostBytes : arenaBytes;
    a.workspace = l.hasWorkspace && workspaceBase
                      ? workspaceBase + l.workspaceOffset
                      : nullptr;
  }
  state->hostArgs.resize(plan.hostCalls.size());
  for (size_t i = 0; i < plan.hostCalls.size(); ++i) {
    const HostCallLayout &l = plan.hostCalls[i];
    HostCallArgs &a = state->hostArgs[i];
    a.inputs = table + l.firstPointer;
    a.numInputs = l.numInputs;
    a.outputs = table + l.firstPointer + l.numInputs;
    a.numOutputs = l.numOutputs;
    a.inputDescs = &l.inputDescs;
    a.outputDescs = &l.outputDescs;
    a.attrs = &l.attrs;
  }
  return state;
}

void aimArena(const GearPlan &plan, GearState &state, void *base) {
  if (state.arenaBase == base)
    return;
  auto *bytes = static_cast<uint8_t *>(base);
  for (size_t i = 0; i < plan.pointers.size(); ++i)
    if (plan.pointers[i].region == Region::Arena)
      state.pointers[i] = bytes + plan.pointers[i].offset;
  for (size_t i = 0; i < plan.kernels.size(); ++i) {
    const KernelLayout &l = plan.kernels[i];
    if (l.hasWorkspace && !l.workspaceOnHost)
      state.kernelArgs[i].workspace = bytes + l.workspaceOffset;
  }
  state.arenaBase = base;
}

ContextPool::ContextPool(const std::vector<std::unique_ptr<GearPlan>> &plans,
                         std::shared_ptr<Device> device, const uint8_t *weights,
                         std::vector<const uint8_t *> external,
                         bool sharedArena)
    : plans_(plans), device_(std::move(device)), weights_(weights),
      external_(std::move(external)), sharedArena_(sharedArena) {
  for (const auto &plan : plans_) {
    arenaSize_ = std::max(arenaSize_, plan->info.arenaSize);
    hostArenaSize_ = std::max(hostArenaSize_, plan->info.hostArenaSize);
    numStreams_ = std::max(numStreams_, plan->info.numStreams);
    numEvents_ = std::max(numEvents_, plan->info.numEvents);
    numCollectives_ = std::max(numCollectives_,
                               static_cast<uint32_t>(plan->collectives.size()));
    numControls_ =
        std::max(numControls_, static_cast<uint32_t>(plan->controls.size()));
    for (uint32_t s : plan->internalStreams) {
      auto &list = plan->hostStream[s] ? hostStreams_ : internalStreams_;
      if (std::find(list.begin(), list.end(), s) == list.end())
        list.push_back(s);
    }
  }
}

std::vector<Stream *> ContextPool::allInternal(ExecContext &ctx) const {
  std::vector<Stream *> out;
  for (uint32_t s : internalStreams_)
    out.push_back(ctx.streams[s].get());
  for (uint32_t s : hostStreams_)
    out.push_back(ctx.hostStreams[s].get());
  return out;
}

StatusOr<std::unique_ptr<ExecContext>> ContextPool::create() {
  auto ctx = std::make_unique<ExecContext>();
  ctx->device = device_;
  if (arenaSize_ > 0 && !sharedArena_) {
    StatusOr<void *> arena = device_->allocator().allocate(arenaSize_);
    if (!arena.ok())
      return Status(arena.status().code(),
                    "cannot allocate the arena of an execution context: " +
                        arena.status().message());
    ctx->arena = *arena;
  }
  if (hostArenaSize_ > 0) {
    StatusOr<void *> hostArena =
        HostAllocator::global().allocate(hostArenaSize_);
    if (!hostArena.ok())
      return Status(hostArena.status().code(),
                    "cannot allocate the host arena of an execution "
                    "context: " +
                        hostArena.status().message());
    ctx->hostArena = *hostArena;
  }
  ctx->gears.resize(plans_.size());
  ctx->streams.resize(numStreams_);
  ctx->hostStreams.resize(numStreams_);
  for (uint32_t s : internalStreams_) {
    StatusOr<std::unique_ptr<Stream>> stream = device_->createStream();
    if (!stream.ok())
      return stream.status();
    ctx->streams[s] = std::move(stream.value());
  }
  for (uint32_t s : hostStreams_) {
    StatusOr<std::unique_ptr<Stream>> stream = device_->createHostStream();
    if (!stream.ok())
      return stream.status();
    ctx->hostStreams[s] = std::move(stream.value());
  }
  ctx->events.reset(new Event[numEvents_]);
  ctx->joins.reset(new Event[numStreams_]);
  ctx->collectiveDone.reset(new Event[numCollectives_]);
  ctx->controlDone.reset(new Event[numControls_]);
  return ctx;
}

StatusOr<GearState *> ContextPool::gearState(ExecContext &ctx, size_t g) {
  if (!ctx.gears[g]) {
    ctx.gears[g] = makeGearState(*plans_[g], ctx.arena, ctx.hostArena, weights_,
                                 external_);
    for (HostCallArgs &a : ctx.gears[g]->hostArgs)
      a.strings = &ctx.strings;
  }
  return ctx.gears[g].get();
}

Status enqueueHostWork(Stream &stream, const std::string &label, Event &done,
                       HostWorkStart start) {
  uint64_t generation = done.reserveHostRecord();
  std::shared_ptr<detail::EventState> state = done.state();
  Status launched = stream.launchCallback(
      label, [start = std::move(start), state, generation]() {
        start([state, generation](Status st) {
          Event::completeHostRecord(state, generation, std::move(st));
        });
        return Status::OK();
      });
  if (!launched.ok()) {
    Event::completeHostRecord(state, generation, launched);
    return launched;
  }
  return stream.waitEvent(done);
}

Status enqueueRun(const GearPlan &plan, ExecContext &ctx, GearState &gear,
                  Stream &caller,
                  const std::function<Status(Stream &)> &beforeDone,
                  const std::vector<uint32_t> *blockDims,
                  const std::shared_ptr<const void> &hold,
                  const RunDebug *debug) {
  // Launches were validated when the plan was made, so none is expected to
  // fail; if one does, the rest of the run (joins and `done` above all) is
  // still enqueued so that the context's end stays observable.
  Status first;
  auto note = [&](Status st) {
    if (!st.ok() && first.ok())
      first = std::move(st);
  };
  if (!plan.internalStreams.empty()) {
    note(caller.recordEvent(ctx.start));
    for (uint32_t s : plan.internalStreams)
      note(streamFor(plan, ctx, caller, s).waitEvent(ctx.start));
  }
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const Step &step = plan.steps[i];
    Stream &stream = streamFor(plan, ctx, caller, step.stream);
    if (debug) {
      note(enqueueDebugStep(plan, i, stream, ctx, gear,
                            blockDims ? (*blockDims)[i] : step.blockDim,
                            *debug));
      continue;
    }
    switch (step.kind) {
    case StepKind::Kernel:
      note(stream.launchKernel(step.label, step.fn, gear.kernelArgs[step.index],
                               blockDims ? (*blockDims)[i] : step.blockDim));
      break;
    case StepKind::Record:
      note(stream.recordEvent(ctx.events[step.index]));
      break;
    case StepKind::Wait:
      note(stream.waitEvent(ctx.events[step.index]));
      break;
    case StepKind::HostCall: {
      HostOpFn fn = plan.hostCalls[step.index].fn;
      const HostCallArgs *args = &gear.hostArgs[step.index];
      note(stream.launchCallback(step.label,
                                 [fn, args]() { return fn(*args); }));
      break;
    }
    case StepKind::Collective:
      note(enqueueCollective(plan, step, stream, ctx, gear));
      break;
    case StepKind::Control:
      note(enqueueControl(plan, step, stream, ctx, gear));
      break;
    }
  }
  // A callback's captures are destroyed once it has run or been skipped
  // after a failure: after every earlier task of its stream either way.
  auto holdOn = [&](Stream &stream) {
    if (hold)
      note(stream.launchCallback("hold weights",
                                 [hold]() { return Status::OK(); }));
  };
  for (uint32_t s : plan.internalStreams) {
    Stream &internal = streamFor(plan, ctx, caller, s);
    holdOn(internal);
    note(internal.recordEvent(ctx.joins[s]));
    note(caller.waitEvent(ctx.joins[s]));
  }
  if (beforeDone)
    note(beforeDone(caller));
  holdOn(caller);
  note(caller.recordEvent(ctx.done));
  return first;
}

ContextPool::~ContextPool() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto &ctx : contexts_)
    if (ctx->used)
      (void)ctx->done.synchronize(); // the run's failure is its caller's
  // The contexts' destructors wait for their internal streams.
}

size_t ContextPool::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return contexts_.size();
}

bool ContextPool::reclaim(ExecContext &ctx) {
  if (ctx.claimed)
    return false;
  if (!ctx.used)
    return true;
  if (!ctx.done.query().ok())
    return false;
  // The caller's stream may have failed and skipped the joins, reaching
  // `done` while internal streams still run.
  for (Stream *s : allInternal(ctx))
    if (!s->query().ok())
      return false;
  return true;
}

StatusOr<ExecContext *> ContextPool::acquire() {
  ExecContext *found = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = contexts_.size();
    for (size_t i = 0; i < n && !found; ++i) {
      ExecContext &ctx = *contexts_[(next_ + i) % n];
      if (reclaim(ctx)) {
        ctx.claimed = true;
        found = &ctx;
        next_ = (next_ + i + 1) % n;
      }
    }
  }
  if (found) {
    // The previous run is over: the strings its host kernels made are no
    // longer read (its string outputs were copied to the caller's store).
    found->strings.clear();
    // A failed run leaves its failure in the internal streams that saw it;
    // it would fail every later run on them. synchronize() returns at once
    // (the streams are idle) and clears it; a task cannot synchronize, so
    // on an AI core a failed stream is replaced instead.
    auto refresh = [&](uint32_t s, bool host) -> Status {
      std::unique_ptr<Stream> &stream =
          host ? found->hostStreams[s] : found->streams[s];
      if (currentAiCore() < 0) {
        (void)stream->synchronize();
      } else if (stream->failed()) {
        StatusOr<std::unique_ptr<Stream>> fresh =
            host ? device_->createHostStream() : device_->createStream();
        if (!fresh.ok())
          return fresh.status();
        stream = std::move(fresh.value());
      }
      return Status::OK();
    };
    Status st;
    for (uint32_t s : internalStreams_)
      if (st.ok())
        st = refresh(s, false);
    for (uint32_t s : hostStreams_)
      if (st.ok())
        st = refresh(s, true);
    if (!st.ok()) {
      release(found);
      return st;
    }
    return found;
  }
  StatusOr<std::unique_ptr<ExecContext>> created = create();
  if (!created.ok())
    return created.status();
  std::lock_guard<std::mutex> lock(mu_);
  created.value()->claimed = true;
  contexts_.push_back(std::move(created.value()));
  return contexts_.back().get();
}

void ContextPool::release(ExecContext *ctx) {
  std::lock_guard<std::mutex> lock(mu_);
  ctx->claimed = false;
  ctx->used = true;
}

} // namespace geflow::rt::exec
