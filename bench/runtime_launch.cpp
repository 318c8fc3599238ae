//===- runtime_launch.cpp - Launch overhead and event round trip ----------===//
//
// Measures what the runtime itself costs, with kernels that do nothing:
//  - per-task overhead of empty kernels on one stream (launch N, then sync),
//    for block_dim = 1 and block_dim = core count, through the C++ and the
//    C API, plus the host-side cost of a launch call alone;
//  - launch + synchronize latency of a single task;
//  - the cross-stream event round trip: stream A records, B waits and
//    records, A waits (two cross-stream hops per round);
//  - 64 streams of empty tasks at once.
// Every figure is the median over repeated batches.
//
// Usage: runtime_launch [--cores N] [--spin-us N] [--batches N]
//
//===----------------------------------------------------------------------===//

#include "geflow/runtime/Device.h"
#include "geflow/runtime/Event.h"
#include "geflow/runtime/Stream.h"
#include "geflow/runtime/gfrt.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

using namespace geflow;
using namespace geflow::rt;
using Clock = std::chrono::steady_clock;

namespace {

int32_t emptyKernel(const kernels::KernelArgs &, uint32_t, uint32_t) {
  return 0;
}

int32_t emptyCKernel(const gfrtKernelArgs *, uint32_t, uint32_t) { return 0; }

double micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void check(const Status &s, const char *what) {
  if (!s.ok()) {
    std::fprintf(stderr, "runtime_launch: %s: %s\n", what,
                 s.toString().c_str());
    std::exit(1);
  }
}

void checkC(gfrtError e, const char *what) {
  if (e != GFRT_SUCCESS) {
    std::fprintf(stderr, "runtime_launch: %s: %s\n", what,
                 gfrtGetLastErrorMessage());
    std::exit(1);
  }
}

struct Percentiles {
  double p10, p50, p90;
};

/// Times `iters` calls of `fn` one by one (after a warm-up) and returns the
/// 10th, 50th and 90th percentile in microseconds.
Percentiles latency(int iters, const std::function<void()> &fn) {
  for (int i = 0; i < iters / 10; ++i)
    fn();
  std::vector<double> samples(iters);
  for (int i = 0; i < iters; ++i) {
    auto t0 = Clock::now();
    fn();
    samples[i] = micros(Clock::now() - t0);
  }
  std::sort(samples.begin(), samples.end());
  return {samples[iters / 10], samples[iters / 2], samples[iters * 9 / 10]};
}

/// Runs `batch` (which does `perBatch` units of work) `batches` times after
/// one warm-up and returns the median microseconds per unit.
double perUnit(int batches, int perBatch, const std::function<void()> &batch) {
  batch(); // warm-up: recycled tasks, woken cores
  std::vector<double> samples;
  for (int i = 0; i < batches; ++i) {
    auto t0 = Clock::now();
    batch();
    samples.push_back(micros(Clock::now() - t0) / perBatch);
  }
  return median(samples);
}

} // namespace

int main(int argc, char **argv) {
  DeviceOptions options;
  int batches = 31;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--cores"))
      options.aiCoreCount = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--spin-us"))
      options.spinMicros = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--batches"))
      batches = std::max(1, std::atoi(argv[i + 1]));
  }
  StatusOr<std::shared_ptr<Device>> created = Device::create(0, options);
  check(created.status(), "create device");
  std::shared_ptr<Device> device = created.value();
  uint32_t cores = device->properties().aiCoreCount;
  // The AI cores share the host's CPUs with everything else running: the
  // load average says how much the figures below were disturbed.
  double load[1] = {0.0};
  getloadavg(load, 1);
  std::printf("runtime_launch: soc '%s', %u AI cores, idle poll %u us, median "
              "of %d batches, load average %.2f\n",
              device->properties().socName.c_str(), cores, options.spinMicros,
              batches, load[0]);

  std::unique_ptr<Stream> a = device->createStream().value();
  std::unique_ptr<Stream> b = device->createStream().value();
  kernels::KernelArgs args;

  constexpr int kTasks = 20000;
  auto launchMany = [&](uint32_t blockDim, double *enqueueUs) {
    auto t0 = Clock::now();
    for (int i = 0; i < kTasks; ++i)
      check(a->launchKernel("empty", emptyKernel, args, blockDim), "launch");
    if (enqueueUs)
      *enqueueUs = micros(Clock::now() - t0) / kTasks;
    check(a->synchronize(), "synchronize");
  };

  std::vector<double> enqueue;
  double single = perUnit(batches, kTasks, [&] {
    double e;
    launchMany(1, &e);
    enqueue.push_back(e);
  });
  std::printf("empty kernel, block_dim=1, 1 stream:      %7.3f us/task "
              "(launch call alone %.3f us)\n",
              single, median(enqueue));

  double wide = perUnit(batches, kTasks, [&] { launchMany(cores, nullptr); });
  std::printf("empty kernel, block_dim=%u, 1 stream:      %7.3f us/task\n",
              cores, wide);

  checkC(gfrtSetDevice(0), "gfrtSetDevice");
  gfrtStream cs;
  checkC(gfrtCreateStream(&cs), "gfrtCreateStream");
  double cApi = perUnit(batches, kTasks, [&] {
    for (int i = 0; i < kTasks; ++i)
      checkC(gfrtLaunchKernel(emptyCKernel, 1, nullptr, "empty", cs),
             "gfrtLaunchKernel");
    checkC(gfrtSynchronizeStream(cs), "gfrtSynchronizeStream");
  });
  std::printf("empty kernel via gfrtLaunchKernel:        %7.3f us/task\n",
              cApi);
  checkC(gfrtDestroyStream(cs), "gfrtDestroyStream");
  checkC(gfrtResetDevice(0), "gfrtResetDevice");

  const int kRoundTrips = 1000 * batches;
  Percentiles latencyUs = latency(kRoundTrips, [&] {
    check(a->launchKernel("empty", emptyKernel, args, 1), "launch");
    check(a->synchronize(), "synchronize");
  });
  std::printf("launch + synchronize, one task:           %7.3f us "
              "(p10 %.3f, p90 %.3f)\n",
              latencyUs.p50, latencyUs.p10, latencyUs.p90);

  Event ea, eb;
  constexpr int kRounds = 10000;
  double eventRound = perUnit(batches, kRounds, [&] {
    for (int i = 0; i < kRounds; ++i) {
      check(a->recordEvent(ea), "record");
      check(b->waitEvent(ea), "wait");
      check(b->recordEvent(eb), "record");
      check(a->waitEvent(eb), "wait");
    }
    check(a->synchronize(), "synchronize");
    check(b->synchronize(), "synchronize");
  });
  std::printf("cross-stream event round trip (A->B->A):  %7.3f us/round\n",
              eventRound);

  Percentiles hostEvent = latency(kRoundTrips, [&] {
    check(a->recordEvent(ea), "record");
    check(b->waitEvent(ea), "wait");
    check(b->recordEvent(eb), "record");
    check(eb.synchronize(), "event synchronize");
  });
  std::printf("host -> A -> B -> host (event sync):      %7.3f us "
              "(p10 %.3f, p90 %.3f)\n",
              hostEvent.p50, hostEvent.p10, hostEvent.p90);

  constexpr int kStreams = 64, kPerStream = 500;
  std::vector<std::unique_ptr<Stream>> many;
  for (int i = 0; i < kStreams; ++i)
    many.push_back(device->createStream().value());
  double manyStreams = perUnit(batches, kStreams * kPerStream, [&] {
    for (int t = 0; t < kPerStream; ++t)
      for (auto &s : many)
        check(s->launchKernel("empty", emptyKernel, args, 1), "launch");
    for (auto &s : many)
      check(s->synchronize(), "synchronize");
  });
  std::printf("empty kernel, block_dim=1, 64 streams:    %7.3f us/task\n",
              manyStreams);
  return 0;
}
