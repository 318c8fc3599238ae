//===- KernelTimer.h - Timing a kernel tiling on this machine ---*- C++ -*-===//
//
// Operator tuning runs a kernel through its entry point the way the
// runtime does (block i of blockDim on core i mod cores, all blocks
// together), on random data of the task's shapes, to compare tilings.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_CONVERSION_GETONPU_KERNELTIMER_H
#define GEFLOW_LIB_CONVERSION_GETONPU_KERNELTIMER_H

#include "geflow/kernels/Registry.h"

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace geflow::conversion {

class KernelTimer {
public:
  /// Blocks run on `cores` threads (this one and cores - 1 workers).
  explicit KernelTimer(unsigned cores);
  ~KernelTimer();
  KernelTimer(const KernelTimer &) = delete;
  KernelTimer &operator=(const KernelTimer &) = delete;

  /// Microseconds of one launch of `fn` under `tiling` (the fastest of
  /// several, within about `seconds`), or an error when packing or the
  /// kernel fails.
  rt::Status time(const kernels::KernelDef &def, kernels::KernelFn fn,
                  const kernels::TilingContext &ctx,
                  const kernels::TilingResult &tiling, double seconds,
                  double *us);

private:
  /// Runs every block of one launch; the first non-zero code, or 0.
  int32_t launch(kernels::KernelFn fn, const kernels::KernelArgs &args,
                 uint32_t blockDim);
  void work(unsigned index);

  const unsigned threads_;
  std::vector<std::thread> workers_;
  std::atomic<uint64_t> epoch_{0};
  std::atomic<unsigned> pending_{0};
  std::atomic<int32_t> failure_{0};
  std::atomic<bool> stop_{false};
  kernels::KernelFn fn_ = nullptr;
  const kernels::KernelArgs *args_ = nullptr;
  uint32_t blockDim_ = 1;
};

} // namespace geflow::conversion

#endif
