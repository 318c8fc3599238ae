//===- Spin.h - Busy-wait helpers --------------------------------*- C++
//-*-===//
//
// Waiting threads poll for a short while before they sleep: a futex
// wake-up costs several microseconds, more than a whole empty task.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_SRC_SPIN_H
#define GEFLOW_RUNTIME_SRC_SPIN_H

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace geflow::rt::detail {

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

inline int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// How long a waiter polls without yielding: hand-offs between running
/// threads take well under a microsecond, so back-to-back work is caught in
/// this phase; longer pure polling only steals the CPU from the thread that
/// is to produce the work (AI cores share the host's CPUs).
constexpr int64_t kPurePollNs = 2000;

/// Polls `done`, first with pause instructions for up to `pureNs`, then
/// yielding the CPU between polls for up to `yieldNs` more. True as soon as
/// `done` holds.
template <typename Pred>
bool spinUntil(Pred done, int64_t pureNs, int64_t yieldNs) {
  if (done())
    return true;
  if (pureNs <= 0 && yieldNs <= 0)
    return false;
  int64_t start = nowNs();
  int64_t pureEnd = start + std::max<int64_t>(pureNs, 0);
  int64_t end = pureEnd + std::max<int64_t>(yieldNs, 0);
  bool yielding = pureNs <= 0;
  for (uint32_t i = 1;; ++i) {
    if (yielding)
      std::this_thread::yield();
    else
      cpuRelax();
    if (done())
      return true;
    // Reading the clock costs ~20 ns; do it rarely while pausing.
    if (yielding || (i & 63) == 0) {
      int64_t now = nowNs();
      if (now > end)
        return false;
      yielding = now > pureEnd;
    }
  }
}

/// How long host threads poll before they sleep when nothing else says.
constexpr int64_t kDefaultHostPollNs = 50000;

/// The host side of a wait: the pure phase, then yielding for the rest of
/// `totalNs`.
template <typename Pred> bool hostSpinUntil(Pred done, int64_t totalNs) {
  int64_t pure = std::min(totalNs, kPurePollNs);
  return spinUntil(done, pure, totalNs - pure);
}

} // namespace geflow::rt::detail

#endif // GEFLOW_RUNTIME_SRC_SPIN_H
