//===- Stream.cpp - Validating launches and enqueueing tasks --------------===//
//
// Everything a launch can get wrong is checked here, on the caller's
// thread, so that a bad argument is an immediate error naming the call
// rather than a task failure discovered at the next synchronize.
//
//===----------------------------------------------------------------------===//

#include "geflow/runtime/Stream.h"

#include "CorePool.h"
#include "EventState.h"
#include "Memcpy.h"
#include "StreamCore.h"

#include "geflow/runtime/Device.h"
#include "geflow/runtime/Event.h"

#include <atomic>

namespace geflow::rt {

namespace {
std::atomic<uint64_t> nextStreamId{1};

std::string launchText(const char *call, std::string_view name) {
  std::string text = call;
  if (!name.empty())
    text += " '" + std::string(name) + "'";
  return text;
}

Status checkBlockDim(const char *call, std::string_view name,
                     uint32_t blockDim) {
  if (blockDim == 0 || blockDim > kMaxBlockDim)
    return invalidArgument(
        launchText(call, name) + ": blockDim must be in [1, " +
        std::to_string(kMaxBlockDim) + "], got " + std::to_string(blockDim));
  return Status::OK();
}

template <typename Args>
Status checkKernelArgs(const char *call, std::string_view name,
                       const Args &args) {
  const char *bad = nullptr;
  if (args.tilingSize > 0 && !args.tiling)
    bad = "tilingSize > 0 but tiling is null";
  else if (args.numInputs > 0 && !args.inputs)
    bad = "numInputs > 0 but inputs is null";
  else if (args.numOutputs > 0 && !args.outputs)
    bad = "numOutputs > 0 but outputs is null";
  if (bad)
    return invalidArgument(launchText(call, name) + ": " + bad);
  return Status::OK();
}
} // namespace

StatusOr<std::unique_ptr<Stream>>
Stream::create(std::shared_ptr<Device> device) {
  if (!device)
    return invalidArgument("Stream::create: null device");
  detail::CorePool &pool = device->pool();
  return createOn(std::move(device), pool);
}

StatusOr<std::unique_ptr<Stream>>
Stream::createOn(std::shared_ptr<Device> device, detail::CorePool &pool) {
  if (!device)
    return invalidArgument("Stream::createOn: null device");
  auto core = std::make_unique<detail::StreamCore>(
      device, pool, device->id(), nextStreamId.fetch_add(1),
      int64_t(device->options().spinMicros) * 1000);
  return std::unique_ptr<Stream>(
      new Stream(std::move(device), std::move(core)));
}

Stream::Stream(std::shared_ptr<Device> device,
               std::unique_ptr<detail::StreamCore> core)
    : device_(std::move(device)), core_(std::move(core)) {}

// core_ goes first (it waits for the queue), then the device reference.
Stream::~Stream() = default;

uint64_t Stream::id() const { return core_->id(); }

Device &Stream::device() const { return *device_; }

Status Stream::launchKernel(std::string_view name, kernels::KernelFn fn,
                            const kernels::KernelArgs &args,
                            uint32_t blockDim) {
  if (!fn)
    return invalidArgument(launchText("launchKernel", name) +
                           ": kernel function is null");
  GEFLOW_RETURN_IF_ERROR(checkBlockDim("launchKernel", name, blockDim));
  GEFLOW_RETURN_IF_ERROR(checkKernelArgs("launchKernel", name, args));
  core_->enqueue(detail::TaskKind::Kernel, name, [&](detail::Task &t) {
    t.kernel = fn;
    t.args = args;
    t.blockDim = blockDim;
  });
  return Status::OK();
}

Status Stream::launchBlocks(std::string_view name, uint32_t blockDim,
                            std::function<void(uint32_t)> fn) {
  if (!fn)
    return invalidArgument(launchText("launchBlocks", name) +
                           ": function is empty");
  GEFLOW_RETURN_IF_ERROR(checkBlockDim("launchBlocks", name, blockDim));
  core_->enqueue(detail::TaskKind::Blocks, name, [&](detail::Task &t) {
    t.blocks = std::move(fn);
    t.blockDim = blockDim;
  });
  return Status::OK();
}

Status Stream::launchCallback(std::string_view name,
                              std::function<Status()> fn) {
  if (!fn)
    return invalidArgument(launchText("launchCallback", name) +
                           ": function is empty");
  core_->enqueue(detail::TaskKind::Callback, name,
                 [&](detail::Task &t) { t.callback = std::move(fn); });
  return Status::OK();
}

Status Stream::memcpyAsync(void *dst, size_t destMax, const void *src,
                           size_t count, MemcpyKind kind) {
  MemcpyKind resolved;
  GEFLOW_RETURN_IF_ERROR(detail::checkCopy(device_->allocator(), dst, destMax,
                                           src, count, kind, &resolved));
  if (count == 0)
    return Status::OK();
  uint32_t blocks;
  size_t chunk = detail::planChunks(count, core_->pool().size(), &blocks);
  core_->enqueue(detail::TaskKind::Memcpy, memcpyKindName(resolved),
                 [&](detail::Task &t) {
                   t.dst = dst;
                   t.src = src;
                   t.count = count;
                   t.chunk = chunk;
                   t.blockDim = blocks;
                 });
  return Status::OK();
}

Status Stream::memsetAsync(void *dst, size_t destMax, int value, size_t count) {
  GEFLOW_RETURN_IF_ERROR(
      detail::checkSet(device_->allocator(), dst, destMax, count));
  if (count == 0)
    return Status::OK();
  uint32_t blocks;
  size_t chunk = detail::planChunks(count, core_->pool().size(), &blocks);
  core_->enqueue(detail::TaskKind::Memset, "memset", [&](detail::Task &t) {
    t.dst = dst;
    t.count = count;
    t.chunk = chunk;
    t.value = value;
    t.blockDim = blocks;
  });
  return Status::OK();
}

Status Stream::recordEvent(Event &event) {
  const std::shared_ptr<detail::EventState> &state = event.state();
  // The generation is taken and the task enqueued under the event's lock:
  // otherwise a concurrent waitEvent on this same stream could capture the
  // generation and be queued ahead of its record, and wait forever.
  std::lock_guard<std::mutex> lock(state->mu);
  uint64_t gen = state->recorded.load(std::memory_order_relaxed) + 1;
  core_->enqueue(detail::TaskKind::EventRecord, "", [&](detail::Task &t) {
    t.event = state;
    t.eventGen = gen;
  });
  state->recorders.push_back({gen, core_.get()});
  state->recorded.store(gen, std::memory_order_release);
  return Status::OK();
}

Status Stream::waitEvent(Event &event) {
  const std::shared_ptr<detail::EventState> &state = event.state();
  std::lock_guard<std::mutex> lock(state->mu);
  uint64_t gen = state->recorded.load(std::memory_order_relaxed);
  bool reached = state->completed.load(std::memory_order_relaxed) >= gen;
  // Nothing to wait for: never recorded (as in CUDA and ACL), or reached
  // already without a failure to pass on.
  if (gen == 0 || (reached && state->status.ok()))
    return Status::OK();
  bool wasIdle =
      core_->push(detail::TaskKind::EventWait, "", [&](detail::Task &t) {
        t.event = state;
        t.eventGen = gen;
      });
  if (wasIdle) {
    if (reached) {
      core_->resume();
    } else {
      // The wait is the head of an idle stream: park the stream on the
      // event now (its lock is held, so the record cannot slip by) instead
      // of waking an AI core only to find out that it must wait.
      state->waiting.push_back({core_.get(), gen});
    }
  }
  return Status::OK();
}

Status Stream::synchronize() { return core_->synchronize(); }

void Stream::waitUntilIdle() { core_->waitForEnqueuedAndDropError(); }

bool Stream::failed() const { return core_->failed(); }

Status Stream::query() const {
  if (core_->done())
    return Status::OK();
  return Status(ErrorCode::kNotReady, "stream " + std::to_string(core_->id()) +
                                          " has unfinished tasks");
}

namespace detail {

Status launchCKernel(Stream &stream, std::string_view name, gfrtKernelFn fn,
                     const gfrtKernelArgs &args, uint32_t blockDim) {
  if (!fn)
    return invalidArgument(launchText("gfrtLaunchKernel", name) +
                           ": kernel function is null");
  GEFLOW_RETURN_IF_ERROR(checkBlockDim("gfrtLaunchKernel", name, blockDim));
  GEFLOW_RETURN_IF_ERROR(checkKernelArgs("gfrtLaunchKernel", name, args));
  stream.core().enqueue(TaskKind::CKernel, name, [&](Task &t) {
    t.cKernel = fn;
    t.cArgs = args;
    t.blockDim = blockDim;
  });
  return Status::OK();
}

} // namespace detail
} // namespace geflow::rt
