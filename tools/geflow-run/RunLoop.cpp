//===- RunLoop.cpp - geflow-run's timed runs, one or many at once ---------===//
#include "RunLoop.h"

#include "geflow/runtime/Stream.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

namespace geflow::run {

namespace {

using Clock = std::chrono::steady_clock;

/// One stream of one thread with the outputs its runs write.
struct Slot {
  std::vector<HostTensor> outputs;
  std::vector<rt::TensorRef> outRefs;
  /// Declared after the outputs so that it is destroyed first: ~Stream waits
  /// for the runs still writing them (after a synchronize that timed out).
  std::unique_ptr<rt::Stream> stream;
  Clock::time_point start;
  /// Written on the stream by a callback after the run's last task: with
  /// several runs in flight, synchronize() may return long after it.
  Clock::time_point end;
  bool pending = false;
};

/// What the threads share: the start signal and the first failure.
class Coordination {
public:
  explicit Coordination(unsigned threads) : waiting_(threads) {}

  /// A thread is done warming up; blocks until every thread is, then returns
  /// the deadline of the timed phase (unused without a duration).
  Clock::time_point arrive(const RunLoopConfig &config) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (--waiting_ == 0) {
      if (config.beforeTimed)
        config.beforeTimed();
      start_ = Clock::now();
      deadline_ =
          start_ + std::chrono::duration_cast<Clock::duration>(
                       std::chrono::duration<double>(config.durationSeconds));
      cv_.notify_all();
    }
    cv_.wait(lock, [&] { return waiting_ == 0; });
    return deadline_;
  }
  Clock::time_point start() const { return start_; }

  void fail(const std::string &where, const rt::Status &status) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (first_.ok())
      first_ = rt::Status(status.code(), where + status.message());
    stop_ = true;
  }
  bool stopped() const { return stop_; }
  rt::Status status() {
    std::lock_guard<std::mutex> lock(mutex_);
    return first_;
  }

private:
  std::mutex mutex_;
  std::condition_variable cv_;
  unsigned waiting_;
  Clock::time_point start_, deadline_;
  std::atomic<bool> stop_{false};
  rt::Status first_;
};

double millisecondsBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

/// One host thread's runs: warm-up on each stream, then timed runs taking
/// the streams in turn, each stream's next run enqueued once its previous
/// one has finished.
void runThread(rt::Model &model, const std::vector<rt::TensorRef> &inputs,
               std::vector<Slot> &slots, const RunLoopConfig &config,
               const std::string &where, Coordination &shared,
               std::vector<double> &latencies) {
  size_t count = slots.size();
  auto label = [&](size_t s) {
    return config.threads * config.streams == 1
               ? std::string()
               : where + " stream " + std::to_string(s) + ": ";
  };
  for (size_t s = 0; s < count && !shared.stopped(); ++s)
    for (unsigned i = 0; i < config.warmup && !shared.stopped(); ++i) {
      rt::Status st = model.execute(*slots[s].stream, inputs, slots[s].outRefs);
      if (st.ok())
        st = slots[s].stream->synchronize();
      if (!st.ok())
        shared.fail(label(s), st);
    }
  Clock::time_point deadline = shared.arrive(config);
  uint64_t least = uint64_t(config.loop) * count;
  uint64_t most =
      config.durationSeconds > 0
          ? std::max<uint64_t>(least, kMaxTimedRuns / config.threads)
          : least;
  uint64_t issued = 0;
  size_t inFlight = 0;
  for (size_t i = 0; !shared.stopped(); ++i) {
    size_t s = i % count;
    Slot &slot = slots[s];
    if (slot.pending) {
      rt::Status st = config.synchronize ? config.synchronize(*slot.stream)
                                         : slot.stream->synchronize();
      Clock::time_point now = Clock::now();
      slot.pending = false;
      --inFlight;
      if (!st.ok()) {
        shared.fail(label(s), st);
        break;
      }
      latencies.push_back(
          millisecondsBetween(slot.start, count == 1 ? now : slot.end));
    }
    bool more =
        issued < least || (issued < most && config.durationSeconds > 0 &&
                           Clock::now() < deadline);
    if (!more) {
      if (inFlight == 0)
        break;
      continue;
    }
    slot.start = Clock::now();
    rt::Status st = model.execute(*slot.stream, inputs, slot.outRefs);
    if (st.ok() && count > 1)
      st = slot.stream->launchCallback("geflow-run: end of a run", [&slot] {
        slot.end = Clock::now();
        return rt::Status::OK();
      });
    if (!st.ok()) {
      shared.fail(label(s), st);
      break;
    }
    slot.pending = true;
    ++inFlight;
    ++issued;
  }
  // After a failure elsewhere: let this thread's runs finish before the
  // outputs they write are freed.
  for (Slot &slot : slots)
    if (slot.pending)
      (void)slot.stream->synchronize();
}

} // namespace

std::string checkRunLoopConfig(const RunLoopConfig &config) {
  if (config.threads < 1 || config.threads > kMaxThreads)
    return "--threads must be in [1, " + std::to_string(kMaxThreads) + "]";
  if (config.streams < 1 || config.streams > kMaxStreams)
    return "--streams must be in [1, " + std::to_string(kMaxStreams) + "]";
  if (config.loop < 1)
    return "--loop must be at least 1";
  if (uint64_t(config.loop) * config.threads * config.streams > kMaxTimedRuns)
    return "--loop x --threads x --streams is " +
           std::to_string(uint64_t(config.loop) * config.threads *
                          config.streams) +
           " timed runs; at most " + std::to_string(kMaxTimedRuns);
  if (config.warmup > kMaxTimedRuns)
    return "--warmup must be at most " + std::to_string(kMaxTimedRuns);
  if (!(config.durationSeconds >= 0 &&
        config.durationSeconds <= kMaxDurationSeconds))
    return "--duration must be in (0, " +
           std::to_string(int(kMaxDurationSeconds)) + "] seconds";
  return "";
}

rt::StatusOr<RunLoopResult>
runLoop(rt::Model &model, rt::Device &device,
        const std::vector<rt::TensorRef> &inputs,
        const std::vector<rt::TensorInfo> &outputInfos,
        const RunLoopConfig &config) {
  std::vector<std::vector<Slot>> slots(config.threads);
  for (std::vector<Slot> &thread : slots) {
    thread.resize(config.streams);
    for (Slot &slot : thread) {
      auto stream = device.createStream();
      if (!stream.ok())
        return stream.status();
      slot.stream = std::move(stream.value());
      for (const rt::TensorInfo &info : outputInfos) {
        auto t = allocateTensor(info);
        if (!t.ok())
          return t.status();
        slot.outRefs.push_back(t->ref());
        slot.outputs.push_back(std::move(t.value()));
      }
    }
  }

  Coordination shared(config.threads);
  std::vector<std::vector<double>> latencies(config.threads);
  std::vector<std::thread> threads;
  auto name = [](size_t t) { return "thread " + std::to_string(t); };
  for (size_t t = 1; t < config.threads; ++t)
    threads.emplace_back(runThread, std::ref(model), std::cref(inputs),
                         std::ref(slots[t]), std::cref(config), name(t),
                         std::ref(shared), std::ref(latencies[t]));
  runThread(model, inputs, slots[0], config, name(0), shared, latencies[0]);
  for (std::thread &thread : threads)
    thread.join();
  Clock::time_point end = Clock::now();
  if (rt::Status st = shared.status(); !st.ok())
    return st;

  RunLoopResult result;
  result.wallSeconds =
      std::chrono::duration<double>(end - shared.start()).count();
  for (const std::vector<double> &one : latencies)
    result.latenciesMs.insert(result.latenciesMs.end(), one.begin(), one.end());
  // Same inputs, same program: every stream's outputs equal the first's.
  const std::vector<HostTensor> &first = slots[0][0].outputs;
  for (size_t t = 0; t < slots.size(); ++t)
    for (size_t s = 0; s < slots[t].size(); ++s)
      for (size_t o = 0; o < first.size(); ++o) {
        const HostTensor &a = first[o], &b = slots[t][s].outputs[o];
        if (a.dtype == rt::DType::String) {
          // Elements point into each slot's own store: compare the text.
          size_t n = a.bytes / sizeof(rt::StringRef);
          for (size_t i = 0; i < n; ++i)
            if (rt::stringAt(a.data.get(), i) != rt::stringAt(b.data.get(), i))
              return rt::Status(rt::ErrorCode::kInternal,
                                "output '" + a.name + "' of thread " +
                                    std::to_string(t) + " stream " +
                                    std::to_string(s) +
                                    " differs from thread 0 stream 0's at "
                                    "string element " +
                                    std::to_string(i));
          continue;
        }
        if (std::memcmp(a.data.get(), b.data.get(), a.bytes) == 0)
          continue;
        size_t at = 0;
        while (a.data.get()[at] == b.data.get()[at])
          ++at;
        return rt::Status(rt::ErrorCode::kInternal,
                          "output '" + a.name + "' of thread " +
                              std::to_string(t) + " stream " +
                              std::to_string(s) +
                              " differs from thread 0 stream 0's at byte " +
                              std::to_string(at) +
                              ": concurrent runs of the same inputs must "
                              "give the same results");
      }
  result.outputs = std::move(slots[0][0].outputs);
  return result;
}

std::string describeRunLoop(const RunLoopConfig &config) {
  std::string text;
  if (config.warmup)
    text += " after " + std::to_string(config.warmup) + " warm-up";
  if (config.threads > 1 || config.streams > 1)
    text += " on " + std::to_string(config.threads) + " thread(s) x " +
            std::to_string(config.streams) + " stream(s)";
  return text;
}

} // namespace geflow::run
