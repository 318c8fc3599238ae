//===- StreamCore.h - A stream's queue and its execution ---------*- C++
//-*-===//
//
// The queue is a linked list under a mutex held for a few instructions per
// launch and per completion. At most one AI core runs a stream at a time:
// `scheduled_` is set when the stream is handed to the pool and cleared
// only by the core that finds the queue empty, so a launch onto a stream
// that is already being run costs no scheduling at all.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_SRC_STREAMCORE_H
#define GEFLOW_RUNTIME_SRC_STREAMCORE_H

#include "Task.h"

#include "geflow/runtime/Status.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace geflow::rt {
class Stream;
} // namespace geflow::rt

namespace geflow::rt::detail {

class CorePool;
struct EventState;

class StreamCore {
public:
  /// `device` keeps the pool alive (see resume()).
  StreamCore(std::shared_ptr<void> device, CorePool &pool, int32_t deviceId,
             uint64_t id, int64_t spinNs);
  /// Waits until the stream is idle and no AI core touches it any more.
  ~StreamCore();

  uint64_t id() const { return id_; }
  int32_t deviceId() const { return deviceId_; }
  CorePool &pool() { return pool_; }

  /// Appends a task filled in by `fill(Task&)` (called under the queue lock
  /// on a recycled or new task whose kind, name and stream are set).
  template <typename Fill>
  void enqueue(TaskKind kind, std::string_view name, Fill &&fill) {
    if (push(kind, name, fill))
      schedulePool();
  }

  /// Like enqueue(), but when the stream was idle it is left to the caller
  /// to hand it to the pool (or to park it on an event): returns true then.
  template <typename Fill>
  bool push(TaskKind kind, std::string_view name, Fill &&fill) {
    std::lock_guard<std::mutex> lock(mu_);
    Task *task = free_;
    if (task) {
      free_ = task->next;
      --freeCount_;
    } else {
      task = new Task();
    }
    task->next = nullptr;
    task->stream = this;
    task->kind = kind;
    task->name.assign(name.data(), name.size());
    task->blockDim = 1;
    fill(*task);
    task->seq = enqueued_.load(std::memory_order_relaxed) + 1;
    enqueued_.store(task->seq, std::memory_order_relaxed);
    if (tail_)
      tail_->next = task;
    else
      head_ = task;
    tail_ = task;
    bool wasIdle = !scheduled_;
    if (wasIdle)
      markBusy();
    scheduled_ = true;
    return wasIdle;
  }

  /// Called by an AI core that took the stream from the pool: runs tasks
  /// until the queue is empty, the head waits for an event, a kernel's
  /// blocks are still running elsewhere, or the stream's turn is over.
  /// Returns a stream the core should run next (one that an event record
  /// of this stream resumed just as this stream ran out of work), or null.
  StreamCore *drain();
  /// Called by the last AI core to finish `task`'s blocks; returns like
  /// drain().
  StreamCore *finishBlocks(Task &task);
  /// Hands a parked stream back to the pool (an event it waits for was
  /// reached).
  void resume();

  /// Waits for every task enqueued so far; returns and clears the failure.
  Status synchronize();
  /// Waits, with no timeout, for every task enqueued so far; drops the
  /// failure.
  void waitForEnqueuedAndDropError();
  /// True when every enqueued task has finished.
  bool done() const {
    return completed_.load(std::memory_order_acquire) >=
           enqueued_.load(std::memory_order_acquire);
  }
  /// Failure of the stream, without clearing it (for event records).
  bool failed() const { return failed_.load(std::memory_order_acquire); }

  /// op_execute_timeout across streams: follows record `gen` of `event` to
  /// its stream and, while that stream's head waits for another event, on
  /// to the next one, until it reaches a running kernel, memcpy or
  /// callback. When that task has run longer than `opExecuteMs`, its stream
  /// fails with kTimeout (as if it were synchronized itself) and the
  /// returned text names it and its age; otherwise the text is empty.
  static std::string findOverdueTask(std::shared_ptr<EventState> event,
                                     uint64_t gen, int64_t opExecuteMs);

private:
  void schedulePool();
  /// Tell the pool the stream got / has no more unfinished tasks (under
  /// mu_, as `scheduled_` changes).
  void markBusy();
  void markIdle();
  StreamCore *drainFrom(Task *task);
  /// Runs `task`; false when it cannot finish now (someone else resumes).
  /// A record that resumes a waiting stream stores it in *handoff.
  bool execute(Task &task, StreamCore **handoff);
  bool executeEventWait(Task &task);
  /// True when `task` is an event wait that parked the stream (then another
  /// core may resume it at once: touch nothing of the stream after this).
  bool parksOn(Task &task);
  void fail(const Task &task, const Status &cause);
  /// Records `status` as the stream's first failure (if it is the first).
  void recordFailure(Status status);
  /// Retires `task`; returns the next task or null (then the stream is no
  /// longer scheduled).
  Task *completeAndNext(Task *task);
  std::string taskLabel(const Task &task) const;

  const std::shared_ptr<void> device_;
  CorePool &pool_;
  const int32_t deviceId_;
  const uint64_t id_;
  const int64_t spinNs_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  Task *head_ = nullptr;
  Task *tail_ = nullptr;
  Task *free_ = nullptr;
  size_t freeCount_ = 0;
  bool scheduled_ = false;
  /// Host threads blocked in synchronize() or the destructor.
  int32_t waiters_ = 0;
  /// Smallest `completed_` a blocked waiter needs (notify only then).
  uint64_t wakeAt_ = UINT64_MAX;
  /// Written under mu_; read without it by done() and synchronize().
  std::atomic<uint64_t> enqueued_{0};
  std::atomic<uint64_t> completed_{0};

  // The first failure since the last synchronize(); `error_` and
  // `skipped_` are guarded by mu_.
  std::atomic<bool> failed_{false};
  Status error_;
  uint64_t skipped_ = 0;

  /// steady_clock ns when the running kernel or callback started (0: none
  /// running; kStartUnknown: started while op_execute_timeout was unset);
  /// for synchronize()'s check.
  std::atomic<int64_t> taskStartNs_{0};
  static constexpr int64_t kStartUnknown = 1;
  void markTaskStart();
  /// synchronize() under stream_sync_timeout or op_execute_timeout.
  Status synchronizeWithTimeouts(uint64_t target, int64_t streamSyncMs,
                                 int64_t opExecuteMs);
  /// The failure since the last synchronize() (cleared), or OK; under mu_.
  Status takeError();
  /// Waits (no timeout) until `target` tasks have completed; returns mu_
  /// held.
  std::unique_lock<std::mutex> waitUntilCompleted(uint64_t target);
  /// Under mu_: when the head is a timed task that has run longer than
  /// `opExecuteMs`, fails the stream and returns the task's description;
  /// when it waits for an event, sets *event and *gen; else returns "".
  std::string overdueHead(int64_t opExecuteMs,
                          std::shared_ptr<EventState> *event, uint64_t *gen);
};

/// Launches a kernel of the C API (same validation as Stream::launchKernel).
Status launchCKernel(Stream &stream, std::string_view name, gfrtKernelFn fn,
                     const gfrtKernelArgs &args, uint32_t blockDim);

} // namespace geflow::rt::detail

#endif // GEFLOW_RUNTIME_SRC_STREAMCORE_H
