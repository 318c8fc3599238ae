//===- peak_flops.cpp - The machine's measured FMA peak
//---------------------===//
//
// Measures the fp32 FMA (vfmadd231ps zmm) and bf16 dot-product (vdpbf16ps)
// throughput of this machine on 1 and N threads, so whole-model benchmarks
// can report their speed as a fraction of a peak measured in the same run
// (the clock differs between machines and moves with load).
//
// Prints one JSON object: {"fp32": {"1": GFLOP/s, "2": ...}, "bf16": {...}}.
// A kernel the CPU lacks is reported as null.
//
// Usage: geflow_bench_peak [--threads N] [--seconds S]
//
//===----------------------------------------------------------------------===//

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace {

// Twelve independent accumulators hide the FMA latency (4 cycles, 2 ports on
// Zen 4/5), so the loop is throughput-bound.
constexpr int kAccumulators = 12;
constexpr long kInnerIterations = 1 << 16;

__attribute__((target("avx512f"))) double fp32Kernel(long outer) {
  __m512 acc[kAccumulators];
  for (int i = 0; i < kAccumulators; ++i)
    acc[i] = _mm512_set1_ps(0.001f * i);
  const __m512 a = _mm512_set1_ps(0.999999f);
  const __m512 b = _mm512_set1_ps(1e-7f);
  for (long o = 0; o < outer; ++o) {
    for (long k = 0; k < kInnerIterations; ++k) {
#pragma GCC unroll 12
      for (int i = 0; i < kAccumulators; ++i)
        acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    }
  }
  __m512 sum = acc[0];
  for (int i = 1; i < kAccumulators; ++i)
    sum = _mm512_add_ps(sum, acc[i]);
  // Each FMA is 16 lanes x 2 flops.
  volatile float sink = _mm512_reduce_add_ps(sum);
  (void)sink;
  return double(outer) * kInnerIterations * kAccumulators * 16 * 2;
}

__attribute__((target("avx512f,avx512bf16"))) double bf16Kernel(long outer) {
  __m512 acc[kAccumulators];
  for (int i = 0; i < kAccumulators; ++i)
    acc[i] = _mm512_setzero_ps();
  const __m512bh a =
      _mm512_cvtne2ps_pbh(_mm512_set1_ps(1e-3f), _mm512_set1_ps(2e-3f));
  const __m512bh b =
      _mm512_cvtne2ps_pbh(_mm512_set1_ps(1e-3f), _mm512_set1_ps(1e-3f));
  for (long o = 0; o < outer; ++o) {
    for (long k = 0; k < kInnerIterations; ++k) {
#pragma GCC unroll 12
      for (int i = 0; i < kAccumulators; ++i)
        acc[i] = _mm512_dpbf16_ps(acc[i], a, b);
    }
  }
  __m512 sum = acc[0];
  for (int i = 1; i < kAccumulators; ++i)
    sum = _mm512_add_ps(sum, acc[i]);
  volatile float sink = _mm512_reduce_add_ps(sum);
  (void)sink;
  // Each vdpbf16ps is 16 lanes x 2 products x 2 flops (multiply, add).
  return double(outer) * kInnerIterations * kAccumulators * 16 * 2 * 2;
}

using Kernel = double (*)(long);

// Runs `kernel` on `threads` threads for about `seconds`; returns GFLOP/s of
// all threads together (best of three repetitions).
double measure(Kernel kernel, int threads, double seconds) {
  // Calibrate the outer count on one thread.
  long outer = 1;
  for (;;) {
    auto start = std::chrono::steady_clock::now();
    kernel(outer);
    double t =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (t > 0.05) {
      outer = std::max(1L, long(outer * (seconds / 3) / t));
      break;
    }
    outer *= 2;
  }
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<double> flops(threads);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        ready.fetch_add(1);
        while (!go.load(std::memory_order_acquire))
          ;
        flops[t] = kernel(outer);
      });
    while (ready.load() != threads)
      ;
    auto start = std::chrono::steady_clock::now();
    go.store(true, std::memory_order_release);
    for (auto &th : pool)
      th.join();
    double t =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    double total = 0;
    for (double f : flops)
      total += f;
    best = std::max(best, total / t / 1e9);
  }
  return best;
}

} // namespace

int main(int argc, char **argv) {
  int maxThreads = int(std::thread::hardware_concurrency());
  double seconds = 1.0;
  for (int i = 1; i < argc; ++i) {
    if (!std::strncmp(argv[i], "--threads=", 10)) {
      maxThreads = std::atoi(argv[i] + 10);
    } else if (!std::strncmp(argv[i], "--seconds=", 10)) {
      seconds = std::atof(argv[i] + 10);
    } else {
      std::fprintf(stderr,
                   "geflow_bench_peak: unknown argument '%s' (usage: "
                   "geflow_bench_peak [--threads=N] [--seconds=S])\n",
                   argv[i]);
      return 2;
    }
  }
  if (maxThreads < 1 || !(seconds > 0)) {
    std::fprintf(stderr, "geflow_bench_peak: --threads and --seconds must be "
                         "positive\n");
    return 2;
  }
  __builtin_cpu_init();
  bool hasFp32 = __builtin_cpu_supports("avx512f");
  bool hasBf16 = hasFp32 && __builtin_cpu_supports("avx512bf16");
  std::vector<int> counts = {1};
  if (maxThreads > 1)
    counts.push_back(maxThreads);
  std::printf("{");
  const char *names[] = {"fp32", "bf16"};
  Kernel kernels[] = {fp32Kernel, bf16Kernel};
  bool available[] = {hasFp32, hasBf16};
  for (int k = 0; k < 2; ++k) {
    std::printf("%s\"%s\": {", k ? ", " : "", names[k]);
    for (size_t c = 0; c < counts.size(); ++c) {
      std::printf("%s\"%d\": ", c ? ", " : "", counts[c]);
      if (available[k])
        std::printf("%.1f", measure(kernels[k], counts[c], seconds));
      else
        std::printf("null");
    }
    std::printf("}");
  }
  std::printf("}\n");
  return 0;
}
