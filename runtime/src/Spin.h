//===- Spin.h - Busy-wait helpers --------------------------------*- C++
//-*-===//
//
// Waiting threads poll for a short while before they sleep: a futex
// wake-up costs several microseconds, more than a whole empty task.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_SRC_SPIN_H
#define GEFLOW_RUNTIME_SRC_SPIN_H

#include <chrono>
#include <cstdint>

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

/// Polls `done` for up to `spinNs` nanoseconds; true as soon as it holds.
template <typename Pred> bool spinUntil(Pred done, int64_t spinNs) {
  if (done())
    return true;
  if (spinNs <= 0)
    return false;
  int64_t deadline = nowNs() + spinNs;
  for (uint32_t i = 1;; ++i) {
    cpuRelax();
    if (done())
      return true;
    // Reading the clock costs ~20 ns; do it rarely.
    if ((i & 63) == 0 && nowNs() > deadline)
      return false;
  }
}

} // namespace geflow::rt::detail

#endif // GEFLOW_RUNTIME_SRC_SPIN_H
