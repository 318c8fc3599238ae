//===- StreamCore.cpp - Running a stream's tasks in order -----------------===//

#include "StreamCore.h"

#include "CorePool.h"
#include "EventState.h"
#include "Spin.h"
#include "Timeouts.h"

#include "geflow/runtime/Timeouts.h"

#include <algorithm>
#include <exception>

namespace geflow::rt::detail {

/// Tasks a stream runs before it lets other queued work have the core.
static constexpr uint32_t kTurnTasks = 64;
/// Recycled tasks a stream keeps; more are freed.
static constexpr size_t kMaxFreeTasks = 1024;
/// How long synchronize() polls at most while the stream makes progress.
static constexpr int64_t kMaxProgressPollNs = 2000000;

StreamCore::StreamCore(std::shared_ptr<void> device, CorePool &pool,
                       int32_t deviceId, uint64_t id, int64_t spinNs)
    : device_(std::move(device)), pool_(pool), deviceId_(deviceId), id_(id),
      spinNs_(spinNs) {}

StreamCore::~StreamCore() {
  {
    // The core that clears `scheduled_` does so under mu_ and never touches
    // the stream after unlocking, so once we see it clear we may free.
    std::unique_lock<std::mutex> lock(mu_);
    while (scheduled_) {
      ++waiters_;
      wakeAt_ = 0;
      cv_.wait(lock);
      --waiters_;
    }
  }
  while (free_) {
    Task *next = free_->next;
    delete free_;
    free_ = next;
  }
}

void StreamCore::schedulePool() { pool_.schedule(this); }

void StreamCore::markBusy() { pool_.streamBusy(); }

void StreamCore::markIdle() { pool_.streamIdle(); }

void StreamCore::resume() {
  if (CorePool::currentPool() == &pool_) {
    // The pool joins this thread before it can be destroyed.
    pool_.schedule(this);
    return;
  }
  // From a host thread or another device's core: once queued, the stream
  // may run, finish and be destroyed along with its device before
  // schedule() returns. Hold the device (the parked stream cannot be
  // destroyed before it is queued, so it still holds one) until then.
  std::shared_ptr<void> keepAlive = device_;
  pool_.schedule(this);
}

std::string StreamCore::taskLabel(const Task &task) const {
  std::string label = taskKindName(task.kind);
  label += " task";
  if (!task.name.empty())
    label += " '" + task.name + "'";
  return label + " on stream " + std::to_string(id_);
}

void StreamCore::fail(const Task &task, const Status &cause) {
  ErrorCode code = cause.ok() ? ErrorCode::kTaskFailed : cause.code();
  recordFailure(Status(code, taskLabel(task) + " failed: " + cause.message()));
}

void StreamCore::recordFailure(Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!failed_.load(std::memory_order_relaxed)) {
    error_ = std::move(status);
    failed_.store(true, std::memory_order_release);
  }
}

StreamCore *StreamCore::drain() {
  Task *task;
  {
    std::lock_guard<std::mutex> lock(mu_);
    task = head_;
    if (!task) {
      scheduled_ = false;
      markIdle();
      if (waiters_ > 0)
        cv_.notify_all();
      return nullptr;
    }
  }
  return drainFrom(task);
}

StreamCore *StreamCore::drainFrom(Task *task) {
  // The pool outlives its streams; `this` may not outlive the last
  // completeAndNext() below.
  CorePool &pool = pool_;
  uint32_t turn = kTurnTasks;
  while (task) {
    StreamCore *handoff = nullptr;
    if (!execute(*task, &handoff))
      return nullptr; // resumed later by an event record or the last block
    // Once completeAndNext() returns null, another core may own this
    // stream: touch nothing of it after that.
    task = completeAndNext(task);
    if (handoff && &handoff->pool() != &pool) {
      // Another device's stream runs on that device's cores only.
      handoff->resume();
      handoff = nullptr;
    }
    if (handoff) {
      // If this core is about to be free (no next task, or a next task that
      // waits for an event not reached yet), run the resumed stream here
      // rather than hand it to another core.
      if (!task || parksOn(*task))
        return handoff;
      handoff->resume();
    }
    // Give way only when other work is actually waiting for a core.
    if (task && --turn == 0) {
      if (pool.hasQueuedWork()) {
        schedulePool();
        return nullptr;
      }
      turn = kTurnTasks;
    }
  }
  return nullptr;
}

StreamCore *StreamCore::finishBlocks(Task &task) {
  if (task.failed.load(std::memory_order_acquire))
    fail(task, task.failure);
  if (Task *next = completeAndNext(&task))
    return drainFrom(next);
  return nullptr;
}

bool StreamCore::execute(Task &task, StreamCore **handoff) {
  if (failed_.load(std::memory_order_acquire)) {
    // Skipped, except that a record still completes its event (carrying
    // the failure) so that other streams and the host never wait forever.
    std::unique_lock<std::mutex> lock(mu_);
    if (task.kind == TaskKind::EventRecord) {
      // The failure itself travels, so whoever waits reads its cause first.
      Status carried = error_;
      lock.unlock();
      task.event->complete(task.eventGen, std::move(carried), handoff);
    } else {
      ++skipped_;
    }
    return true;
  }
  switch (task.kind) {
  case TaskKind::EventRecord:
    task.event->complete(task.eventGen, Status::OK(), handoff);
    return true;
  case TaskKind::EventWait:
    return executeEventWait(task);
  case TaskKind::Callback: {
    markTaskStart();
    Status status;
    try {
      status = task.callback();
    } catch (const std::exception &e) {
      status =
          Status(ErrorCode::kTaskFailed, std::string("exception: ") + e.what());
    } catch (...) {
      status = Status(ErrorCode::kTaskFailed, "unknown exception");
    }
    if (!status.ok())
      fail(task, status);
    return true;
  }
  case TaskKind::Kernel:
  case TaskKind::CKernel:
  case TaskKind::Blocks:
  case TaskKind::Memcpy:
  case TaskKind::Memset:
    markTaskStart();
    if (!pool_.runBlocks(task))
      return false;
    if (task.failed.load(std::memory_order_acquire))
      fail(task, task.failure);
    return true;
  }
  fail(task, internalError("unknown task kind"));
  return true;
}

void StreamCore::markTaskStart() {
  // A clock read per task only while op_execute_timeout is set.
  taskStartNs_.store(opExecuteTimeoutSet() ? steadyNowNs() : kStartUnknown,
                     std::memory_order_release);
}

bool StreamCore::parksOn(Task &task) {
  if (task.kind != TaskKind::EventWait ||
      failed_.load(std::memory_order_acquire))
    return false;
  // Parking is what execute() would do next anyway; when the event has been
  // reached this has no effect and execute() completes the wait.
  Status carried;
  return !task.event->reachedOrPark(task.eventGen, this, &carried);
}

bool StreamCore::executeEventWait(Task &task) {
  Status carried;
  if (!task.event->reachedOrPark(task.eventGen, this, &carried))
    return false;
  if (!carried.ok())
    recordFailure(
        Status(carried.code(), carried.message() + " (reached stream " +
                                   std::to_string(id_) + " through an event)"));
  return true;
}

Task *StreamCore::completeAndNext(Task *task) {
  // Captured state is destroyed outside the lock: its destructors may be
  // slow or enqueue work of their own.
  task->release();
  uint64_t seq = task->seq;
  Task *next;
  Task *drop = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    taskStartNs_.store(0, std::memory_order_relaxed);
    head_ = task->next;
    if (!head_)
      tail_ = nullptr;
    completed_.store(seq, std::memory_order_release);
    if (freeCount_ < kMaxFreeTasks) {
      task->next = free_;
      free_ = task;
      ++freeCount_;
    } else {
      drop = task;
    }
    next = head_;
    if (!next) {
      scheduled_ = false;
      markIdle();
    }
    if (waiters_ > 0 && (!next || seq >= wakeAt_)) {
      wakeAt_ = UINT64_MAX;
      cv_.notify_all();
    }
  }
  delete drop;
  return next;
}

Status StreamCore::synchronize() {
  if (CorePool::currentCore() >= 0)
    return invalidArgument("cannot synchronize stream " + std::to_string(id_) +
                           " from a task running on an AI core: it could "
                           "wait for itself");
  uint64_t target = enqueued_.load(std::memory_order_acquire);
  // Poll while the stream makes progress: a run of short kernels completes
  // a task every few microseconds, and its end is then seen at once rather
  // than through a thread wake-up, which costs tens of microseconds on a
  // virtual machine. A task that runs longer than the poll budget, or a
  // wait past kMaxProgressPollNs, sleeps.
  auto reached = [&] {
    return completed_.load(std::memory_order_acquire) >= target;
  };
  const int64_t pollStart = nowNs();
  for (uint64_t seen = completed_.load(std::memory_order_acquire);;) {
    if (hostSpinUntil(reached, spinNs_))
      break;
    uint64_t now = completed_.load(std::memory_order_acquire);
    if (now == seen || nowNs() - pollStart > kMaxProgressPollNs)
      break;
    seen = now;
  }
  SyncTimeouts timeouts = getSyncTimeouts();
  if (timeouts.streamSyncMs >= 0 || timeouts.opExecuteMs >= 0)
    return synchronizeWithTimeouts(target, timeouts.streamSyncMs,
                                   timeouts.opExecuteMs);
  std::unique_lock<std::mutex> lock = waitUntilCompleted(target);
  return takeError();
}

void StreamCore::waitForEnqueuedAndDropError() {
  std::unique_lock<std::mutex> lock =
      waitUntilCompleted(enqueued_.load(std::memory_order_acquire));
  (void)takeError();
}

std::unique_lock<std::mutex> StreamCore::waitUntilCompleted(uint64_t target) {
  std::unique_lock<std::mutex> lock(mu_);
  while (completed_.load(std::memory_order_relaxed) < target) {
    ++waiters_;
    wakeAt_ = std::min(wakeAt_, target);
    cv_.wait(lock);
    --waiters_;
  }
  return lock;
}

std::string StreamCore::overdueHead(int64_t opExecuteMs,
                                    std::shared_ptr<EventState> *event,
                                    uint64_t *gen) {
  if (!head_)
    return "";
  if (head_->kind == TaskKind::EventWait) {
    *event = head_->event;
    *gen = head_->eventGen;
    return "";
  }
  // Set while a kernel, memcpy, memset or callback at the head runs.
  int64_t began = taskStartNs_.load(std::memory_order_acquire);
  if (began == kStartUnknown) {
    // It started before op_execute_timeout was set: its clock starts now.
    // (Only completeAndNext() changes the value next, under mu_, held here.)
    taskStartNs_.compare_exchange_strong(began, steadyNowNs(),
                                         std::memory_order_acq_rel);
    began = taskStartNs_.load(std::memory_order_acquire);
  }
  int64_t ranMs = began ? (steadyNowNs() - began) / 1000000 : 0;
  if (!began || ranMs <= opExecuteMs)
    return "";
  std::string what = taskLabel(*head_) + " has run for " +
                     std::to_string(ranMs) +
                     " ms, more than op_execute_timeout (" +
                     std::to_string(opExecuteMs) + " ms)";
  if (!failed_.load(std::memory_order_relaxed)) {
    error_ = Status(ErrorCode::kTimeout, what);
    failed_.store(true, std::memory_order_release);
  }
  return what;
}

std::string StreamCore::findOverdueTask(std::shared_ptr<EventState> event,
                                        uint64_t gen, int64_t opExecuteMs) {
  // Each hop locks the event, then the recording stream (the order
  // recordEvent() takes them in), and neither lock is held into the next
  // hop. Waits form no cycle, but the depth is bounded all the same.
  for (int hop = 0; hop < 64 && event; ++hop) {
    std::lock_guard<std::mutex> eventLock(event->mu);
    if (event->completed.load(std::memory_order_relaxed) >= gen)
      return "";
    auto recorder = std::find_if(
        event->recorders.begin(), event->recorders.end(),
        [&](const EventState::Recorder &r) { return r.gen == gen; });
    if (recorder == event->recorders.end())
      return "";
    // Alive: a stream with a pending record is not idle.
    StreamCore &stream = *recorder->stream;
    std::lock_guard<std::mutex> streamLock(stream.mu_);
    std::shared_ptr<EventState> next;
    std::string what = stream.overdueHead(opExecuteMs, &next, &gen);
    if (!what.empty())
      return what;
    event = std::move(next);
  }
  return "";
}

Status StreamCore::synchronizeWithTimeouts(uint64_t target,
                                           int64_t streamSyncMs,
                                           int64_t opExecuteMs) {
  using Clock = std::chrono::steady_clock;
  // How often a waiter looks at the running task's age.
  constexpr auto kOpCheckPeriod = std::chrono::milliseconds(5);
  Clock::time_point start = Clock::now();
  Clock::time_point deadline =
      streamSyncMs >= 0 ? start + std::chrono::milliseconds(streamSyncMs)
                        : Clock::time_point::max();
  std::unique_lock<std::mutex> lock(mu_);
  while (completed_.load(std::memory_order_relaxed) < target) {
    if (opExecuteMs >= 0) {
      std::shared_ptr<EventState> event;
      uint64_t gen = 0;
      std::string what = overdueHead(opExecuteMs, &event, &gen);
      if (what.empty() && event) {
        // The head waits for an event: the task holding things up runs on
        // another stream. Look for it without holding this stream's lock.
        std::string waitLabel = taskLabel(*head_);
        lock.unlock();
        std::string behind = findOverdueTask(event, gen, opExecuteMs);
        lock.lock();
        if (!behind.empty()) {
          what = waitLabel + " waits for " + behind;
          if (!failed_.load(std::memory_order_relaxed)) {
            error_ = Status(ErrorCode::kTimeout, what);
            failed_.store(true, std::memory_order_release);
          }
        }
      }
      if (!what.empty())
        return Status(ErrorCode::kTimeout,
                      what + "; it keeps its AI core until it returns, and "
                             "the stream's later tasks are skipped");
      if (completed_.load(std::memory_order_relaxed) >= target)
        break;
    }
    Clock::time_point now = Clock::now();
    if (now >= deadline) {
      uint64_t pending = target - completed_.load(std::memory_order_relaxed);
      return Status(
          ErrorCode::kTimeout,
          "stream " + std::to_string(id_) + ": synchronize timed out after " +
              std::to_string(streamSyncMs) + " ms (stream_sync_timeout) with " +
              std::to_string(pending) + " task(s) unfinished" +
              (head_ ? ", waiting for " + taskLabel(*head_) : std::string()));
    }
    Clock::time_point wake = deadline;
    if (opExecuteMs >= 0)
      wake = std::min(wake, now + kOpCheckPeriod);
    ++waiters_;
    wakeAt_ = std::min(wakeAt_, target);
    cv_.wait_until(lock, wake);
    --waiters_;
  }
  return takeError();
}

Status StreamCore::takeError() {
  if (!failed_.load(std::memory_order_relaxed))
    return Status::OK();
  Status status = std::move(error_);
  if (skipped_ > 0)
    status = Status(status.code(),
                    status.message() + "; " + std::to_string(skipped_) +
                        " later task(s) on the stream were skipped");
  error_ = Status();
  skipped_ = 0;
  failed_.store(false, std::memory_order_release);
  return status;
}

} // namespace geflow::rt::detail
