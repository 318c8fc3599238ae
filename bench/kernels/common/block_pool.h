//===- block_pool.h - Run a kernel's blocks on N threads (bench harness) --===//
//
// A minimal stand-in for the runtime's AI-core pool so kernel benchmarks do
// not depend on it: N-1 workers spin on a generation counter while a
// benchmark runs (like OpenBLAS and OpenMP threads do), the caller thread
// takes blocks too, and blocks are dealt through an atomic counter.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_BENCH_BLOCK_POOL_H
#define GEFLOW_BENCH_BLOCK_POOL_H

#include "geflow/kernels/Kernel.h"

#include <immintrin.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace geflow::bench {

class BlockPool {
public:
  explicit BlockPool(unsigned threads) {
    for (unsigned t = 1; t < threads; ++t)
      workers_.emplace_back([this] { workerLoop(); });
  }
  ~BlockPool() {
    stop_.store(true);
    generation_.fetch_add(1);
    for (auto &w : workers_)
      w.join();
  }
  BlockPool(const BlockPool &) = delete;
  BlockPool &operator=(const BlockPool &) = delete;

  /// Runs blocks 0..blockDim-1 of fn; returns the first non-zero code.
  int32_t run(kernels::KernelFn fn, const kernels::KernelArgs &args,
              uint32_t blockDim) {
    fn_ = fn;
    args_ = &args;
    blockDim_ = blockDim;
    failure_.store(0);
    next_.store(0);
    done_.store(0);
    finished_.store(0);
    generation_.fetch_add(1, std::memory_order_release);
    work();
    // Every worker must have left work() before the next run resets the
    // shared state it reads.
    while (done_.load(std::memory_order_acquire) < blockDim ||
           finished_.load(std::memory_order_acquire) < workers_.size())
      _mm_pause();
    return failure_.load();
  }

private:
  void work() {
    for (uint32_t b; (b = next_.fetch_add(1)) < blockDim_;) {
      if (int32_t rc = fn_(*args_, b, blockDim_))
        failure_.store(rc);
      done_.fetch_add(1, std::memory_order_release);
    }
  }

  void workerLoop() {
    // Generation 0 is the one before any run: a worker that starts late
    // must still join the first run.
    uint64_t seen = 0;
    while (true) {
      uint64_t g;
      while ((g = generation_.load(std::memory_order_acquire)) == seen)
        _mm_pause();
      seen = g;
      if (stop_.load())
        return;
      work();
      finished_.fetch_add(1, std::memory_order_release);
    }
  }

  std::vector<std::thread> workers_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint32_t> next_{0};
  std::atomic<uint32_t> done_{0};
  std::atomic<uint32_t> finished_{0};
  std::atomic<int32_t> failure_{0};
  std::atomic<bool> stop_{false};
  kernels::KernelFn fn_ = nullptr;
  const kernels::KernelArgs *args_ = nullptr;
  uint32_t blockDim_ = 0;
};

} // namespace geflow::bench

#endif // GEFLOW_BENCH_BLOCK_POOL_H
