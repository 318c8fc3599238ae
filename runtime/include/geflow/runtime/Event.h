//===- Event.h - Ordering points between streams and the host ---*- C++ -*-===//
//
// An event marks a point in a stream. Stream::recordEvent() enqueues the
// mark; Stream::waitEvent() makes another stream wait until the most recent
// record enqueued before the wait has been reached. Events are cheap and
// reusable: recording again simply moves the mark, which is what an executor
// does every run with the same set of events.
//
// A record reached on a stream that has failed still completes (so waiters
// never hang) but carries the failure: a stream that waits on it fails too,
// naming the original task, and synchronize() on the event returns it.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_EVENT_H
#define GEFLOW_RUNTIME_EVENT_H

#include "geflow/runtime/Status.h"

#include <cstdint>
#include <memory>

namespace geflow::rt {

namespace detail {
struct EventState;
} // namespace detail

class Event {
public:
  Event();
  ~Event();
  Event(const Event &) = delete;
  Event &operator=(const Event &) = delete;

  /// Blocks until the most recent record enqueued before this call has been
  /// reached (immediately when the event was never recorded). Returns the
  /// failure carried by that record, if any.
  Status synchronize() const;
  /// OK when every record enqueued so far has been reached, kNotReady
  /// otherwise.
  Status query() const;
  /// True once some record has been enqueued.
  bool everRecorded() const;

  /// Milliseconds between the latest reached records of `start` and `end`
  /// (negative when `end` was reached first). kNotReady while either has
  /// pending records; an error when either was never recorded.
  static StatusOr<float> elapsedMs(const Event &start, const Event &end);

  /// A record reached by the host instead of a stream (a collective
  /// completing): takes the next generation now, so a Stream::waitEvent
  /// enqueued after this call waits for it, and returns it for
  /// completeHostRecord(), which any thread may call once.
  uint64_t reserveHostRecord();
  static void completeHostRecord(const std::shared_ptr<detail::EventState> &,
                                 uint64_t generation, Status status);

  /// For the runtime's streams.
  const std::shared_ptr<detail::EventState> &state() const { return state_; }

private:
  std::shared_ptr<detail::EventState> state_;
};

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_EVENT_H
