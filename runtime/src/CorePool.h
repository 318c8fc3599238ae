//===- CorePool.h - The AI cores of a device ---------------------*- C++
//-*-===//
//
// One worker thread per AI core. Workers take two kinds of work from a
// shared queue: a runnable stream (run its tasks in order, on this core,
// with no hand-off between consecutive tasks) or a kernel whose blocks are
// still unclaimed (claim and run blocks). Nothing but these workers ever
// runs a task, which is what bounds device concurrency by the core count.
//
// Idle workers: one polls the queue without yielding for 2 us, counted in
// `spinning_` so producers skip the futex wake-up (a stream of launches is
// picked up with no system call); after that it polls while yielding, no
// longer counted, until `spinMicros`, then sleeps. The others sleep at once
// and are woken one at a time when work arrives that no counted poller
// will take. While a stream has unfinished tasks (a model run is under
// way), every idle worker keeps polling while yielding for up to
// `runSpinMicros`, so a run of many short kernels pays one wake-up per
// core, not one per kernel; once every stream is idle they sleep again
// after `idleSpinMicros` (from the end of the last run; the blocktime of
// OpenMP runtimes). A run that starts while workers sleep wakes them all at
// once, so its later kernels find them awake. expectWork() (a server got a
// request) wakes the sleepers and keeps every idle worker polling for
// `runSpinMicros` too. Each worker counts what it did (CoreStats).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_SRC_COREPOOL_H
#define GEFLOW_RUNTIME_SRC_COREPOOL_H

#include "geflow/runtime/Device.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace geflow::rt::detail {

class StreamCore;
struct Task;

/// How long idle workers poll before they sleep (DeviceOptions' fields of
/// the same names).
struct PollPolicy {
  uint32_t spinMicros = 0;
  uint32_t runSpinMicros = 0;
  uint32_t idleSpinMicros = 0;
};

class CorePool {
public:
  /// With `cpus`, worker i is pinned to host CPU cpus[i % cpus.size()].
  CorePool(int32_t deviceId, uint32_t cores, const PollPolicy &policy,
           std::vector<int32_t> cpus = {});
  /// Stops the workers. No stream of the device may exist any more.
  ~CorePool();
  CorePool(const CorePool &) = delete;
  CorePool &operator=(const CorePool &) = delete;

  uint32_t size() const { return size_; }
  int32_t deviceId() const { return deviceId_; }

  /// Queues a stream that has a runnable head task. The stream must not be
  /// queued or running already (StreamCore's `scheduled_` flag ensures it).
  void schedule(StreamCore *stream);

  /// Runs the blocks of `task` on the calling AI core, with idle cores
  /// joining in. Returns true when the caller was the last participant, so
  /// it owns the finished task; false when another core will finish it (and
  /// continue its stream).
  bool runBlocks(Task &task);

  /// Runs the blocks of `task`, which belongs to no stream, on the calling
  /// thread (an AI core or not), with idle cores joining in; returns once
  /// every block has finished. The task may live on the caller's stack.
  void runDetached(Task &task);

  /// A stream of this pool got unfinished tasks (busy) or has none left
  /// (idle); StreamCore calls these on each change.
  void streamBusy() { busyStreams_.fetch_add(1, std::memory_order_relaxed); }
  void streamIdle();

  /// Work is about to arrive: sleeping workers wake, and every idle worker
  /// polls (yielding) until runSpinMicros from now (Device::expectWork).
  void expectWork();

  /// True when a stream or a kernel's blocks wait for a core.
  bool hasQueuedWork() const {
    return available_.load(std::memory_order_relaxed) > 0;
  }

  /// What each worker has done so far (index = core).
  std::vector<CoreStats> stats() const;

  /// The calling thread's AI core index, or -1 off every pool.
  static int32_t currentCore();
  /// The pool whose AI core is the calling thread, or null.
  static const CorePool *currentPool();

private:
  /// Written only by the worker itself, read by stats().
  struct alignas(64) Counters {
    std::atomic<uint64_t> busyNs{0}, workItems{0}, pickupNs{0}, sleeps{0},
        wakeNs{0};
    void add(std::atomic<uint64_t> &counter, uint64_t delta) {
      counter.store(counter.load(std::memory_order_relaxed) + delta,
                    std::memory_order_relaxed);
    }
  };
  /// Streams waiting for a core, with nowNs() when they were queued.
  struct Queued {
    StreamCore *stream;
    int64_t sinceNs;
  };

  void workerMain(uint32_t core);
  /// Takes a stream or a task with unclaimed blocks (joining it).
  /// *queuedSince: nowNs() when the work was queued.
  bool takeWork(StreamCore **stream, Task **job, int64_t *queuedSince);
  void claimBlocks(Task &task);
  /// Leaves `task`; true when the caller was its last participant.
  bool leave(Task &task);
  /// Wakes a sleeping worker unless a polling one will see the new work.
  void wakeOne();
  /// Wakes every sleeping worker.
  void wakeAll();
  /// Polls, then sleeps, until work may be available; false on shutdown.
  bool idle(Counters &counters);

  const int32_t deviceId_;
  const uint32_t size_;
  const int64_t spinNs_;
  const std::vector<int32_t> cpus_;
  const int64_t runSpinNs_;
  const int64_t idleSpinNs_;

  std::mutex mu_; // guards ready_ and jobs_
  std::deque<Queued> ready_;
  std::vector<Task *> jobs_;
  /// ready_.size() + jobs_.size(), readable without the lock.
  std::atomic<int64_t> available_{0};
  /// 1 while an idle worker polls `available_`.
  std::atomic<int32_t> spinning_{0};
  /// Streams of this pool with unfinished tasks (queued, running or parked
  /// on an event).
  std::atomic<int32_t> busyStreams_{0};
  /// nowNs() until which idle workers poll because work was announced.
  std::atomic<int64_t> expectedUntilNs_{0};
  /// nowNs() when the last busy stream went idle (the last run ended).
  std::atomic<int64_t> idleSinceNs_{0};
  /// nowNs() of the latest wake-up request (for CoreStats::wakeNs).
  std::atomic<int64_t> wakeRequestNs_{0};

  std::mutex parkMu_; // guards wakeTokens_ and stop_ for sleepers
  std::condition_variable parkCv_;
  std::atomic<int32_t> sleepers_{0};
  int32_t wakeTokens_ = 0;
  std::atomic<bool> stop_{false};

  std::unique_ptr<Counters[]> counters_;
  std::vector<std::thread> workers_;
};

} // namespace geflow::rt::detail

#endif // GEFLOW_RUNTIME_SRC_COREPOOL_H
