//===- CorePool.cpp - AI-core workers and their scheduling ----------------===//

#include "CorePool.h"

#include "HostCpus.h"
#include "Spin.h"
#include "StreamCore.h"
#include "Task.h"

#include <algorithm>
#include <pthread.h>
#include <string>

namespace geflow::rt::detail {

namespace {
thread_local int32_t tlsCore = -1;
thread_local const CorePool *tlsPool = nullptr;
} // namespace

int32_t CorePool::currentCore() { return tlsCore; }

const CorePool *CorePool::currentPool() { return tlsPool; }

CorePool::CorePool(int32_t deviceId, uint32_t cores, const PollPolicy &policy,
                   std::vector<int32_t> cpus)
    : deviceId_(deviceId), size_(std::max<uint32_t>(cores, 1)),
      spinNs_(int64_t(policy.spinMicros) * 1000), cpus_(std::move(cpus)),
      runSpinNs_(int64_t(policy.runSpinMicros) * 1000),
      idleSpinNs_(int64_t(policy.idleSpinMicros) * 1000),
      counters_(std::make_unique<Counters[]>(size_)) {
  workers_.reserve(size_);
  for (uint32_t i = 0; i < size_; ++i)
    workers_.emplace_back([this, i] { workerMain(i); });
}

CorePool::~CorePool() {
  {
    std::lock_guard<std::mutex> lock(parkMu_);
    stop_.store(true);
  }
  parkCv_.notify_all();
  for (std::thread &t : workers_)
    t.join();
}

void CorePool::workerMain(uint32_t core) {
  tlsCore = static_cast<int32_t>(core);
  tlsPool = this;
  std::string name =
      "gf-d" + std::to_string(deviceId_) + "-core" + std::to_string(core);
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
  // Where the OS refuses (a container's CPU quota), the core runs unpinned.
  if (!cpus_.empty())
    (void)pinCurrentThread(cpus_[core % cpus_.size()]);
  Counters &counters = counters_[core];
  for (;;) {
    StreamCore *stream = nullptr;
    Task *job = nullptr;
    int64_t queuedSince = 0;
    if (takeWork(&stream, &job, &queuedSince)) {
      int64_t began = nowNs();
      counters.add(counters.workItems, 1);
      counters.add(counters.pickupNs,
                   uint64_t(std::max<int64_t>(began - queuedSince, 0)));
      StreamCore *next = nullptr;
      if (job) {
        claimBlocks(*job);
        if (leave(*job)) {
          if (job->stream)
            next = job->stream->finishBlocks(*job);
          else // The owner waits for this; it may free the task at once.
            job->detachedDone.store(true, std::memory_order_release);
        }
      } else {
        next = stream->drain();
      }
      while (next)
        next = next->drain();
      counters.add(counters.busyNs, uint64_t(nowNs() - began));
      continue;
    }
    if (!idle(counters))
      return;
  }
}

void CorePool::schedule(StreamCore *stream) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ready_.push_back({stream, nowNs()});
    available_.fetch_add(1);
  }
  // A run starts on an idle device: its later kernels will want every core,
  // so wake the sleepers now, together, while the first kernel runs, rather
  // than one at a time as each kernel finds no core awake.
  if (busyStreams_.load(std::memory_order_relaxed) <= 1)
    wakeAll();
  else
    wakeOne();
}

void CorePool::streamIdle() {
  if (busyStreams_.fetch_sub(1, std::memory_order_relaxed) == 1 &&
      idleSpinNs_ > 0)
    idleSinceNs_.store(nowNs(), std::memory_order_relaxed);
}

std::vector<CoreStats> CorePool::stats() const {
  std::vector<CoreStats> out(size_);
  for (uint32_t i = 0; i < size_; ++i) {
    const Counters &c = counters_[i];
    out[i].busyNs = c.busyNs.load(std::memory_order_relaxed);
    out[i].workItems = c.workItems.load(std::memory_order_relaxed);
    out[i].pickupNs = c.pickupNs.load(std::memory_order_relaxed);
    out[i].sleeps = c.sleeps.load(std::memory_order_relaxed);
    out[i].wakeNs = c.wakeNs.load(std::memory_order_relaxed);
  }
  return out;
}

bool CorePool::takeWork(StreamCore **stream, Task **job, int64_t *queuedSince) {
  if (available_.load(std::memory_order_acquire) == 0)
    return false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Blocks of a running kernel first: they hold up a stream that is
    // already under way, while a queued stream has not started waiting.
    if (!jobs_.empty()) {
      *job = jobs_.front();
      (*job)->participants.fetch_add(1, std::memory_order_relaxed);
      *queuedSince = (*job)->listedNs;
    } else if (!ready_.empty()) {
      *stream = ready_.front().stream;
      *queuedSince = ready_.front().sinceNs;
      ready_.pop_front();
      available_.fetch_sub(1);
    } else {
      return false;
    }
  }
  // More work than this core can take: make sure another core comes.
  if (available_.load() > 0)
    wakeOne();
  return true;
}

bool CorePool::runBlocks(Task &task) {
  task.nextBlock.store(0, std::memory_order_relaxed);
  task.failed.store(false, std::memory_order_relaxed);
  if (task.blockDim == 1 || size_ == 1) {
    // Nothing to share: no atomics, no hand-off.
    for (uint32_t b = 0; b < task.blockDim; ++b)
      runBlock(task, b);
    return true;
  }
  task.participants.store(1, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(&task);
    task.listed.store(true, std::memory_order_relaxed);
    task.listedNs = nowNs();
    available_.fetch_add(1);
  }
  wakeOne();
  claimBlocks(task);
  return leave(task);
}

void CorePool::runDetached(Task &task) {
  task.detachedDone.store(false, std::memory_order_relaxed);
  if (runBlocks(task))
    return;
  // Another core runs the last block: its blocks are under way, so wait by
  // polling (yielding) rather than sleeping.
  while (!task.detachedDone.load(std::memory_order_acquire))
    std::this_thread::yield();
}

void CorePool::claimBlocks(Task &task) {
  for (;;) {
    uint32_t b = task.nextBlock.fetch_add(1, std::memory_order_relaxed);
    if (b >= task.blockDim)
      return;
    runBlock(task, b);
  }
}

bool CorePool::leave(Task &task) {
  // Every block is claimed once a participant leaves: unlist the task so no
  // core joins a task that is about to be recycled.
  if (task.listed.load(std::memory_order_relaxed)) {
    std::lock_guard<std::mutex> lock(mu_);
    if (task.listed.load(std::memory_order_relaxed)) {
      jobs_.erase(std::find(jobs_.begin(), jobs_.end(), &task));
      task.listed.store(false, std::memory_order_relaxed);
      available_.fetch_sub(1);
    }
  }
  // acq_rel: the last participant sees every block's writes.
  return task.participants.fetch_sub(1, std::memory_order_acq_rel) == 1;
}

void CorePool::wakeOne() {
  // Pairs with idle(): new work is published (seq_cst) before these loads,
  // and a worker announces itself (seq_cst) before it re-checks for work,
  // so one of the two always sees the other.
  if (spinning_.load() > 0 || sleepers_.load() == 0)
    return;
  std::lock_guard<std::mutex> lock(parkMu_);
  if (wakeTokens_ < sleepers_.load()) {
    wakeRequestNs_.store(nowNs(), std::memory_order_relaxed);
    ++wakeTokens_;
    parkCv_.notify_one();
  }
}

void CorePool::wakeAll() {
  if (sleepers_.load() == 0)
    return;
  std::lock_guard<std::mutex> lock(parkMu_);
  if (wakeTokens_ < sleepers_.load()) {
    wakeRequestNs_.store(nowNs(), std::memory_order_relaxed);
    wakeTokens_ = sleepers_.load();
    parkCv_.notify_all();
  }
}

void CorePool::expectWork() {
  if (runSpinNs_ <= 0)
    return;
  int64_t until = nowNs() + runSpinNs_;
  // Requests arriving back to back: one store per ~100 us is enough.
  if (expectedUntilNs_.load(std::memory_order_relaxed) > until - 100000)
    return;
  expectedUntilNs_.store(until, std::memory_order_relaxed);
  wakeAll();
}

bool CorePool::idle(Counters &counters) {
  auto workOrStop = [&] {
    return available_.load(std::memory_order_relaxed) > 0 ||
           stop_.load(std::memory_order_relaxed);
  };
  const int64_t start = nowNs();
  // Only one idle worker polls outside runs; the others sleep at once.
  int64_t pollNs = 0;
  int32_t expected = 0;
  if (spinNs_ > 0 && spinning_.compare_exchange_strong(expected, 1)) {
    // Pure polling, counted in `spinning_` so producers skip the futex
    // wake: this core will see their work within a fraction of a
    // microsecond.
    spinUntil(workOrStop, std::min(spinNs_, kPurePollNs), 0);
    spinning_.store(0);
    if (available_.load() > 0)
      return true;
    pollNs = spinNs_;
  }
  // Then polling that yields, no longer counted: this core may be off its
  // CPU (a host thread needs it more), so producers wake a sleeper, which
  // the OS schedules promptly, rather than count on this one. It lasts
  // `pollNs` past the start or past the end of the run under way: during a
  // run (a stream of the pool still has tasks) every idle worker polls, for
  // up to runSpinNs_, since the run's next kernel is microseconds away and
  // a futex wake-up per kernel costs more than the polling; after the last
  // run ended, for idleSpinNs_ from its end, since the next run often
  // follows (a loop of runs, a server's next request).
  int64_t lastRun = start;
  for (;;) {
    if (workOrStop())
      return !stop_.load() || available_.load() > 0;
    int64_t now = nowNs();
    bool busy = busyStreams_.load(std::memory_order_relaxed) > 0;
    bool inRun =
        (runSpinNs_ > 0 &&
         ((busy && now - start <= runSpinNs_) ||
          now < expectedUntilNs_.load(std::memory_order_relaxed))) ||
        (!busy && idleSpinNs_ > 0 &&
         now - idleSinceNs_.load(std::memory_order_relaxed) < idleSpinNs_);
    if (inRun)
      lastRun = now;
    else if (now - lastRun >= pollNs)
      break;
    std::this_thread::yield();
  }
  std::unique_lock<std::mutex> lock(parkMu_);
  sleepers_.fetch_add(1);
  counters.add(counters.sleeps, 1);
  bool slept = false;
  while (!stop_.load() && wakeTokens_ == 0 && available_.load() == 0) {
    parkCv_.wait(lock);
    slept = true;
  }
  if (slept && wakeTokens_ > 0)
    counters.add(
        counters.wakeNs,
        uint64_t(std::max<int64_t>(
            nowNs() - wakeRequestNs_.load(std::memory_order_relaxed), 0)));
  if (wakeTokens_ > 0)
    --wakeTokens_;
  sleepers_.fetch_sub(1);
  // A token meant for a sleeper that left on its own must not linger.
  wakeTokens_ = std::min(wakeTokens_, sleepers_.load());
  return !stop_.load() || available_.load() > 0;
}

} // namespace geflow::rt::detail
