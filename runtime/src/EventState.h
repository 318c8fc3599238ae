//===- EventState.h - Shared state of an event -------------------*- C++
//-*-===//
//
// Records are numbered: recordEvent() takes the next generation at enqueue
// time and a wait captures the latest generation handed out, so reusing an
// event never confuses an old wait with a new record. The state is shared
// (tasks hold it) so an event may be destroyed while work still refers to
// it.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_SRC_EVENTSTATE_H
#define GEFLOW_RUNTIME_SRC_EVENTSTATE_H

#include "geflow/runtime/Status.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

namespace geflow::rt::detail {

class StreamCore;

struct EventState {
  /// Generations handed out to record tasks.
  std::atomic<uint64_t> recorded{0};
  /// Highest generation reached (written under mu).
  std::atomic<uint64_t> completed{0};

  std::mutex mu;
  std::condition_variable cv;
  /// The failure carried by the latest reached record (OK when none).
  Status status;
  /// steady_clock time the latest reached record ran, in nanoseconds.
  int64_t timestampNs = 0;
  /// Streams whose head task waits for a generation not yet reached.
  struct Waiter {
    StreamCore *stream;
    uint64_t gen;
  };
  std::vector<Waiter> waiting;
  int32_t hostWaiters = 0;
  /// The stream of each record not reached yet, so that op_execute_timeout
  /// can follow a wait to the task it waits behind (StreamCore.h). A
  /// stream with a pending record is never destroyed (it is not idle).
  struct Recorder {
    uint64_t gen;
    StreamCore *stream;
  };
  std::vector<Recorder> recorders;

  /// Marks generation `gen` reached (by a record task) and resumes the
  /// streams waiting for it. With `handoff`, the first such stream is not
  /// handed to the pool but returned there, for the calling AI core to run
  /// itself if it has nothing else to do.
  void complete(uint64_t gen, Status carried, StreamCore **handoff);
  /// True when `gen` has been reached (then *carried is the failure the
  /// record carried); otherwise registers `stream` to be resumed.
  bool reachedOrPark(uint64_t gen, StreamCore *stream, Status *carried);
};

} // namespace geflow::rt::detail

#endif // GEFLOW_RUNTIME_SRC_EVENTSTATE_H
