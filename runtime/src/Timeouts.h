//===- Timeouts.h - What the streams need of the timeouts -------*- C++ -*-===//
#ifndef GEFLOW_RUNTIME_SRC_TIMEOUTS_H
#define GEFLOW_RUNTIME_SRC_TIMEOUTS_H

#include <chrono>
#include <cstdint>

namespace geflow::rt::detail {

/// True when op_execute_timeout is set: only then do streams time their
/// tasks (a clock read per task).
bool opExecuteTimeoutSet();

inline int64_t steadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

} // namespace geflow::rt::detail

#endif // GEFLOW_RUNTIME_SRC_TIMEOUTS_H
