//===- Context.cpp - Execution contexts: creation, enqueueing, reuse ------===//
#include "Context.h"

#include "src/StreamCore.h"

#include "geflow/runtime/Device.h"

namespace geflow::rt::exec {

ExecContext::~ExecContext() {
  // Streams first: their destructors wait for queued tasks, which may
  // still use the arena.
  streams.clear();
  if (arena)
    (void)device->allocator().free(arena);
  for (void *buffer : staging)
    if (buffer)
      (void)device->allocator().free(buffer);
}

StatusOr<std::unique_ptr<ExecContext>>
createContext(const GearPlan &plan, const std::shared_ptr<Device> &device,
              const uint8_t *weights) {
  auto ctx = std::make_unique<ExecContext>();
  ctx->device = device;
  if (plan.info.arenaSize > 0) {
    StatusOr<void *> arena = device->allocator().allocate(plan.info.arenaSize);
    if (!arena.ok())
      return Status(arena.status().code(),
                    "cannot allocate the arena of an execution context: " +
                        arena.status().message());
    ctx->arena = *arena;
  }
  auto *arenaBytes = static_cast<uint8_t *>(ctx->arena);
  // Weights are only ever read (validation rejects writes to them).
  auto *weightBytes = const_cast<uint8_t *>(weights);
  ctx->pointers.resize(plan.pointers.size(), nullptr);
  for (size_t i = 0; i < plan.pointers.size(); ++i) {
    const PointerSource &p = plan.pointers[i];
    if (p.region == Region::Arena && arenaBytes)
      ctx->pointers[i] = arenaBytes + p.offset;
    else if (p.region == Region::Weight && weightBytes)
      ctx->pointers[i] = weightBytes + p.offset;
  }
  void **table = ctx->pointers.data();
  ctx->kernelArgs.resize(plan.kernels.size());
  for (size_t i = 0; i < plan.kernels.size(); ++i) {
    const KernelLayout &l = plan.kernels[i];
    kernels::KernelArgs &a = ctx->kernelArgs[i];
    a.tiling = l.tiling;
    a.tilingSize = l.tilingSize;
    a.inputs = table + l.firstPointer;
    a.numInputs = l.numInputs;
    a.outputs = table + l.firstPointer + l.numInputs;
    a.numOutputs = l.numOutputs;
    a.workspace =
        l.hasWorkspace && arenaBytes ? arenaBytes + l.workspaceOffset : nullptr;
  }
  ctx->hostArgs.resize(plan.hostCalls.size());
  for (size_t i = 0; i < plan.hostCalls.size(); ++i) {
    const HostCallLayout &l = plan.hostCalls[i];
    HostCallArgs &a = ctx->hostArgs[i];
    a.inputs = table + l.firstPointer;
    a.numInputs = l.numInputs;
    a.outputs = table + l.firstPointer + l.numInputs;
    a.numOutputs = l.numOutputs;
    a.inputDescs = &l.inputDescs;
    a.outputDescs = &l.outputDescs;
    a.attrs = &l.attrs;
  }
  ctx->streams.resize(plan.info.numStreams);
  for (uint32_t s : plan.internalStreams) {
    StatusOr<std::unique_ptr<Stream>> stream = device->createStream();
    if (!stream.ok())
      return stream.status();
    ctx->streams[s] = std::move(stream.value());
  }
  ctx->events.reset(new Event[plan.info.numEvents]);
  ctx->joins.reset(new Event[plan.info.numStreams]);
  return ctx;
}

Status enqueueRun(const GearPlan &plan, ExecContext &ctx, Stream &caller,
                  const std::function<Status(Stream &)> &beforeDone) {
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
      note(ctx.streams[s]->waitEvent(ctx.start));
  }
  for (const Step &step : plan.steps) {
    Stream &stream = step.stream == 0 ? caller : *ctx.streams[step.stream];
    switch (step.kind) {
    case StepKind::Kernel:
      note(stream.launchKernel(step.label, step.fn, ctx.kernelArgs[step.index],
                               step.blockDim));
      break;
    case StepKind::Record:
      note(stream.recordEvent(ctx.events[step.index]));
      break;
    case StepKind::Wait:
      note(stream.waitEvent(ctx.events[step.index]));
      break;
    case StepKind::HostCall: {
      HostOpFn fn = plan.hostCalls[step.index].fn;
      const HostCallArgs *args = &ctx.hostArgs[step.index];
      note(stream.launchCallback(step.label,
                                 [fn, args]() { return fn(*args); }));
      break;
    }
    }
  }
  for (uint32_t s : plan.internalStreams) {
    note(ctx.streams[s]->recordEvent(ctx.joins[s]));
    note(caller.waitEvent(ctx.joins[s]));
  }
  if (beforeDone)
    note(beforeDone(caller));
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
  for (uint32_t s : plan_.internalStreams)
    if (!ctx.streams[s]->query().ok())
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
    // A failed run leaves its failure in the internal streams that saw it;
    // it would fail every later run on them. synchronize() returns at once
    // (the streams are idle) and clears it; a task cannot synchronize, so
    // on an AI core a failed stream is replaced instead.
    for (uint32_t s : plan_.internalStreams) {
      std::unique_ptr<Stream> &stream = found->streams[s];
      if (currentAiCore() < 0) {
        (void)stream->synchronize();
      } else if (stream->core().failed()) {
        StatusOr<std::unique_ptr<Stream>> fresh = device_->createStream();
        if (!fresh.ok()) {
          release(found);
          return fresh.status();
        }
        stream = std::move(fresh.value());
      }
    }
    return found;
  }
  StatusOr<std::unique_ptr<ExecContext>> created =
      createContext(plan_, device_, weights_);
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
