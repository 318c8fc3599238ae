//===- RunLoop.h - geflow-run's timed runs, one or many at once -*- C++ -*-===//
//
// trtexec's measurement loop for the virtual NPU: untimed warm-up runs, then
// timed runs counted (--loop) or for a time (--duration), by --threads host
// threads each keeping --streams executions in flight on streams of its own.
// Every stream writes its own outputs; at the end they must all equal the
// first stream's (the same inputs give the same results on any thread).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TOOLS_GEFLOW_RUN_RUNLOOP_H
#define GEFLOW_TOOLS_GEFLOW_RUN_RUNLOOP_H

#include "RunTensors.h"

#include "geflow/runtime/Device.h"
#include "geflow/runtime/Model.h"
#include "geflow/runtime/Status.h"

#include <functional>
#include <string>
#include <vector>

namespace geflow::run {

/// Bounds of the loop's flags (each stream keeps its own outputs, and every
/// timed run keeps its latency).
inline constexpr unsigned kMaxThreads = 64;
inline constexpr unsigned kMaxStreams = 16;
inline constexpr uint64_t kMaxTimedRuns = 10'000'000;
inline constexpr double kMaxDurationSeconds = 3600;

struct RunLoopConfig {
  unsigned threads = 1;
  unsigned streams = 1;       // per thread
  unsigned warmup = 1;        // untimed runs per stream
  unsigned loop = 1;          // timed runs per stream (at least, with duration)
  double durationSeconds = 0; // 0: count runs only
  /// Called once, after every warm-up run and before the first timed one
  /// (geflow-run starts profiling there).
  std::function<void()> beforeTimed;
  /// Waits for a timed run's stream; stream.synchronize() when unset
  /// (geflow-run records the wait as a host span when profiling).
  std::function<rt::Status(rt::Stream &)> synchronize;
};

/// The flags' values checked against the bounds above; empty when fine.
std::string checkRunLoopConfig(const RunLoopConfig &config);

struct RunLoopResult {
  std::vector<double> latenciesMs; // every timed run, all streams
  double wallSeconds = 0;          // of the timed phase
  /// The first stream's outputs (the others were checked equal to them).
  std::vector<HostTensor> outputs;
};

/// Runs `model` on `inputs` (shared, read-only) with outputs allocated per
/// stream from `outputInfos`. The first failure of any run stops every
/// thread and is returned, naming the thread and stream when there are
/// several.
rt::StatusOr<RunLoopResult>
runLoop(rt::Model &model, rt::Device &device,
        const std::vector<rt::TensorRef> &inputs,
        const std::vector<rt::TensorInfo> &outputInfos,
        const RunLoopConfig &config);

/// " after 1 warm-up on 2 thread(s) x 2 stream(s)": the loop's shape for the
/// latency line (empty parts left out).
std::string describeRunLoop(const RunLoopConfig &config);

} // namespace geflow::run

#endif // GEFLOW_TOOLS_GEFLOW_RUN_RUNLOOP_H
