//===- Stream.h - In-order asynchronous task queues -------------*- C++ -*-===//
//
// A stream is a queue of tasks that run in order on its device's AI cores.
// Launching only enqueues; synchronize() waits. A stream owns no thread:
// whichever AI core is free runs the stream's head task, so streams are
// cheap to create and thousands may exist, while the number of tasks that
// run at once is bounded by the core count.
//
// A kernel with blockDim > 1 runs its blocks on every AI core that is free;
// the stream's next task starts once all blocks have finished.
//
// Errors: a failing task (a kernel returning non-zero, a callback returning
// an error, an exception) records the failure with the task's name; the
// stream's later tasks are skipped (event records still complete, carrying
// the failure) and the next synchronize() returns the failure. The stream
// is usable again after that.
//
// Lifetimes: buffers and the arrays a KernelArgs points to belong to the
// caller and must stay valid until the task has finished (the runtime
// copies the KernelArgs struct itself, not what it points to). Launch
// functions may be called from any thread, including from tasks running on
// an AI core; synchronize() may not be called from a task.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_STREAM_H
#define GEFLOW_RUNTIME_STREAM_H

#include "geflow/kernels/Kernel.h"
#include "geflow/runtime/Memory.h"
#include "geflow/runtime/Status.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

namespace geflow::rt {

class Device;
class Event;
namespace detail {
class CorePool;
class StreamCore;
} // namespace detail

/// Largest blockDim a launch accepts (as ACL's).
constexpr uint32_t kMaxBlockDim = 65535;

class Stream {
public:
  static StatusOr<std::unique_ptr<Stream>>
  create(std::shared_ptr<Device> device);
  /// A stream whose tasks run on `pool` of `device` (its AI cores, or its
  /// host CPU engine: Device::createHostStream).
  static StatusOr<std::unique_ptr<Stream>>
  createOn(std::shared_ptr<Device> device, detail::CorePool &pool);
  /// Waits for the queued tasks to finish; an unreported failure is dropped.
  ~Stream();
  Stream(const Stream &) = delete;
  Stream &operator=(const Stream &) = delete;

  /// Unique within the process; error messages name streams by it.
  uint64_t id() const;
  Device &device() const;

  /// Runs fn(args, b, blockDim) for every b in [0, blockDim).
  Status launchKernel(std::string_view name, kernels::KernelFn fn,
                      const kernels::KernelArgs &args, uint32_t blockDim);
  /// Convenience form: fn(b) for every b in [0, blockDim). An exception
  /// thrown by fn fails the task.
  Status launchBlocks(std::string_view name, uint32_t blockDim,
                      std::function<void(uint32_t blockIdx)> fn);
  /// Runs fn once on an AI core; a non-OK Status or an exception fails the
  /// task. Callbacks must not block on other device work.
  Status launchCallback(std::string_view name, std::function<Status()> fn);

  /// Asynchronous copy, validated now (pointers, kind, count <= destMax,
  /// device ranges inside live allocations, no overlap). Large copies are
  /// split across the AI cores.
  Status memcpyAsync(void *dst, size_t destMax, const void *src, size_t count,
                     MemcpyKind kind);
  /// Asynchronous memset of device memory.
  Status memsetAsync(void *dst, size_t destMax, int value, size_t count);

  Status recordEvent(Event &event);
  /// The stream's later tasks wait until the most recent record of `event`
  /// enqueued before this call has been reached (no-op when never recorded).
  Status waitEvent(Event &event);

  /// Waits until every task enqueued before the call has finished; returns
  /// (and clears) the failure of the first failing task, if any.
  Status synchronize();
  /// Waits with no timeout until every task enqueued before the call has
  /// finished, and drops any failure. After a synchronize() that timed out,
  /// the tasks may still be using the caller's buffers: this is the wait
  /// before they may be freed (quick under op_execute_timeout, which skips
  /// a failed stream's later tasks).
  void waitUntilIdle();
  /// OK when the stream has no unfinished task, kNotReady otherwise.
  Status query() const;
  /// True when a task failed since the last synchronize(). Neither waits
  /// nor clears the failure (synchronize() returns it).
  bool failed() const;

  detail::StreamCore &core() { return *core_; }

private:
  Stream(std::shared_ptr<Device> device,
         std::unique_ptr<detail::StreamCore> core);

  std::shared_ptr<Device> device_;
  std::unique_ptr<detail::StreamCore> core_;
};

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_STREAM_H
