//===- Event.cpp - Events -------------------------------------------------===//

#include "geflow/runtime/Event.h"

#include "CorePool.h"
#include "EventState.h"
#include "Spin.h"
#include "StreamCore.h"

#include "geflow/runtime/Timeouts.h"

#include <chrono>

#include <algorithm>

namespace geflow::rt {
namespace detail {

void EventState::complete(uint64_t gen, Status carried, StreamCore **handoff) {
  std::vector<Waiter> resume;
  {
    std::lock_guard<std::mutex> lock(mu);
    // Records of one event on several streams may be reached out of order;
    // the highest generation reached is what counts.
    if (gen > completed.load(std::memory_order_relaxed)) {
      status = std::move(carried);
      timestampNs = nowNs();
      completed.store(gen, std::memory_order_release);
    }
    auto recorder =
        std::find_if(recorders.begin(), recorders.end(),
                     [&](const Recorder &r) { return r.gen == gen; });
    if (recorder != recorders.end())
      recorders.erase(recorder);
    uint64_t reached = completed.load(std::memory_order_relaxed);
    auto split =
        std::partition(waiting.begin(), waiting.end(),
                       [&](const Waiter &w) { return w.gen > reached; });
    resume.assign(split, waiting.end());
    waiting.erase(split, waiting.end());
    if (hostWaiters > 0)
      cv.notify_all();
  }
  // Outside the lock: resuming takes the pool's lock.
  size_t first = 0;
  if (handoff && !resume.empty()) {
    *handoff = resume[0].stream;
    first = 1;
  }
  for (size_t i = first; i < resume.size(); ++i)
    resume[i].stream->resume();
}

bool EventState::reachedOrPark(uint64_t gen, StreamCore *stream,
                               Status *carried) {
  std::lock_guard<std::mutex> lock(mu);
  if (completed.load(std::memory_order_relaxed) >= gen) {
    *carried = status;
    return true;
  }
  waiting.push_back({stream, gen});
  return false;
}

} // namespace detail

Event::Event() : state_(std::make_shared<detail::EventState>()) {}

Event::~Event() = default;

uint64_t Event::reserveHostRecord() {
  std::lock_guard<std::mutex> lock(state_->mu);
  uint64_t gen = state_->recorded.load(std::memory_order_relaxed) + 1;
  state_->recorded.store(gen, std::memory_order_release);
  return gen;
}

void Event::completeHostRecord(const std::shared_ptr<detail::EventState> &state,
                               uint64_t generation, Status status) {
  state->complete(generation, std::move(status), nullptr);
}

bool Event::everRecorded() const {
  return state_->recorded.load(std::memory_order_acquire) > 0;
}

Status Event::query() const {
  if (state_->completed.load(std::memory_order_acquire) >=
      state_->recorded.load(std::memory_order_acquire))
    return Status::OK();
  return Status(ErrorCode::kNotReady, "event has records not reached yet");
}

Status Event::synchronize() const {
  if (detail::CorePool::currentCore() >= 0)
    return invalidArgument("cannot synchronize an event from a task running "
                           "on an AI core: it could wait for itself");
  detail::EventState &s = *state_;
  uint64_t target = s.recorded.load(std::memory_order_acquire);
  detail::hostSpinUntil(
      [&] { return s.completed.load(std::memory_order_acquire) >= target; },
      detail::kDefaultHostPollNs);
  std::unique_lock<std::mutex> lock(s.mu);
  SyncTimeouts timeouts = getSyncTimeouts();
  int64_t timeoutMs = timeouts.eventSyncMs;
  using Clock = std::chrono::steady_clock;
  auto deadline = timeoutMs >= 0
                      ? Clock::now() + std::chrono::milliseconds(timeoutMs)
                      : Clock::time_point::max();
  // With op_execute_timeout, how often the waiter looks at the age of the
  // task the record waits behind.
  constexpr auto kOpCheckPeriod = std::chrono::milliseconds(5);
  while (s.completed.load(std::memory_order_relaxed) < target) {
    if (timeouts.opExecuteMs >= 0) {
      lock.unlock();
      std::string behind = detail::StreamCore::findOverdueTask(
          state_, target, timeouts.opExecuteMs);
      lock.lock();
      if (!behind.empty())
        return Status(ErrorCode::kTimeout,
                      "record " + std::to_string(target) +
                          " of the event waits for " + behind +
                          "; it keeps its AI core until it returns");
      if (s.completed.load(std::memory_order_relaxed) >= target)
        break;
    }
    if (Clock::now() >= deadline)
      return Status(
          ErrorCode::kTimeout,
          "event synchronize timed out after " + std::to_string(timeoutMs) +
              " ms (event_sync_timeout): record " + std::to_string(target) +
              " of the event was not "
              "reached (" +
              std::to_string(target -
                             s.completed.load(std::memory_order_relaxed)) +
              " record(s) pending on their streams)");
    auto wake = deadline;
    if (timeouts.opExecuteMs >= 0)
      wake = std::min(wake, Clock::now() + kOpCheckPeriod);
    ++s.hostWaiters;
    if (wake != Clock::time_point::max())
      s.cv.wait_until(lock, wake);
    else
      s.cv.wait(lock);
    --s.hostWaiters;
  }
  return s.status;
}

StatusOr<float> Event::elapsedMs(const Event &start, const Event &end) {
  if (!start.everRecorded() || !end.everRecorded())
    return invalidArgument(std::string("elapsed time needs two recorded "
                                       "events; the ") +
                           (start.everRecorded() ? "end" : "start") +
                           " event was never recorded");
  GEFLOW_RETURN_IF_ERROR(start.query());
  GEFLOW_RETURN_IF_ERROR(end.query());
  int64_t t0, t1;
  {
    std::lock_guard<std::mutex> lock(start.state_->mu);
    t0 = start.state_->timestampNs;
  }
  {
    std::lock_guard<std::mutex> lock(end.state_->mu);
    t1 = end.state_->timestampNs;
  }
  return static_cast<float>(double(t1 - t0) / 1e6);
}

} // namespace geflow::rt
