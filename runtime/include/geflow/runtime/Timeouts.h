//===- Timeouts.h - GE's execution timeouts ---------------------*- C++ -*-===//
//
// GE's session options op_execute_timeout, stream_sync_timeout and
// event_sync_timeout (TF online-inference guide, section 7.1) turn a stuck
// task or wait into an error instead of a hang:
//
//   - stream_sync_timeout (ms): Stream::synchronize() waits at most this
//     long, then fails with kTimeout naming the task the stream is stuck on;
//   - event_sync_timeout (ms): the same for Event::synchronize();
//   - op_execute_timeout (ms here; GE's option is in seconds): a kernel or
//     callback that has run longer fails its stream (its later tasks are
//     skipped), and a stream or event synchronize() waiting on it returns
//     kTimeout naming it at once, without waiting for it to end: on the
//     synchronized stream itself or on any stream it waits for through
//     events, followed transitively (a model spans several streams).
//
// -1 (the default) waits forever, as in GE. The settings are process-wide,
// as ACL's aclrtSetOpExecuteTimeOut: every stream and event of every device
// uses them. A task cannot be interrupted: a timed-out task keeps its AI
// core until it returns; the stream is usable again once it has (its next
// synchronize() reports the failure and clears it).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_TIMEOUTS_H
#define GEFLOW_RUNTIME_TIMEOUTS_H

#include <cstdint>

namespace geflow::rt {

struct SyncTimeouts {
  int64_t opExecuteMs = -1;
  int64_t streamSyncMs = -1;
  int64_t eventSyncMs = -1;
};

/// Sets the process-wide timeouts (-1: none). Waits already in progress
/// keep the values they started with.
void setSyncTimeouts(const SyncTimeouts &timeouts);
SyncTimeouts getSyncTimeouts();

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_TIMEOUTS_H
