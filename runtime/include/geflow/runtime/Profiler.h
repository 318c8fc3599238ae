//===- Profiler.h - Task traces of model runs (GE profiling) ----*- C++ -*-===//
//
// A Profiler attached to a Model (Model::setProfiler) records, for every
// run, when each task started and ended on its stream and each kernel block
// on its AI core, the host's enqueue span, and the event records and waits
// that join the streams. After the runs have been synchronized it writes
// what msprof gives GE users:
//
//   DIR/trace.json        Chrome trace / Perfetto: tracks per stream and per
//                         AI core, host spans, flows from each event record
//                         to its waits
//   DIR/op_summary.csv    one row per task run (op name, type, stream, start,
//                         duration, block dim, shapes, dtypes, formats,
//                         FLOPs, bytes, GFLOP/s, GB/s)
//   DIR/op_statistic.csv  per op type: count, total/avg/min/max, share
//
// Without a profiler a run pays one pointer test. With one, every kernel
// runs through a timing wrapper (two clock reads per block).
//
// Op names and types come from the .gfm (Task.name, op_type, covered_ops);
// files written before those fields existed show the kernel as the type.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_PROFILER_H
#define GEFLOW_RUNTIME_PROFILER_H

#include "geflow/runtime/Status.h"
#include "geflow/runtime/Types.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace geflow::rt {

/// One tensor a task reads or writes.
struct TaskTensor {
  DType dtype = DType::F32;
  Format format = Format::ND;
  std::vector<int64_t> shape;
  uint64_t bytes = 0;
  /// A weight (may be stored pre-packed for its kernel: dumps skip it).
  bool isConst = false;
};

/// What the .gfm says about one task of a gear's program.
struct TaskInfo {
  enum class Kind : uint8_t {
    Kernel,
    Memcpy,
    HostCall,
    Record,
    Wait,
    Collective,
    Control
  };
  Kind kind = Kind::Kernel;
  uint32_t taskId = 0; // index in the gear's program
  uint32_t stream = 0; // program stream (0: the caller's)
  /// The GE op name (the first of `coveredOps`), or the kernel's name.
  std::string name;
  /// The GE op type ("Conv2D"); the kernel name for files without it.
  std::string opType;
  /// The kernel, "memcpy", or the host op.
  std::string kernel;
  /// Every GE op the task computes (several when fusion merged them).
  std::vector<std::string> coveredOps;
  /// The precision decision of the op ("reduced to f16: white list"), if any.
  std::string precision;
  uint32_t blockDim = 1;
  uint64_t tilingBytes = 0;
  /// Record/Wait: the program event.
  uint32_t event = 0;
  std::vector<TaskTensor> inputs, outputs;
  /// Bytes read plus bytes written.
  uint64_t bytes = 0;
  /// Floating-point operations (multiply-add = 2), 0 when not known.
  uint64_t flops = 0;

  /// "AI_CORE", "MEMCPY", "HOST_CPU", "EVENT_RECORD", "EVENT_WAIT".
  const char *taskType() const;
};

/// When one kernel block ran, and on which AI core of which device, on
/// which host CPU.
struct BlockSpan {
  int32_t core = -1;
  int32_t device = -1;
  int32_t cpu = -1;
  uint64_t startNs = 0, endNs = 0;
};

/// One task of one run. A kernel's span runs from its first block's start
/// to its last block's end.
struct TaskSpan {
  uint64_t startNs = 0, endNs = 0;
  std::vector<BlockSpan> blocks;
};

/// One recorded run of a model.
struct RunTrace {
  std::string model;
  uint64_t run = 0; // index among the profiler's runs
  uint32_t gear = 0;
  /// The gear's tasks; `spans` is parallel to it.
  std::shared_ptr<const std::vector<TaskInfo>> tasks;
  std::vector<TaskSpan> spans;
  uint64_t enqueueStartNs = 0, enqueueEndNs = 0;
  /// A gear_padding run: "batch 3 padded to 4" (the tasks' shapes are the
  /// gear's, rows past the batch are padding); "" otherwise.
  std::string padding;
};

/// A host-side span the caller adds (for example a stream synchronize).
struct HostSpan {
  std::string name;
  uint64_t startNs = 0, endNs = 0;
};

/// A row of op_summary.csv.
struct OpSummaryRow {
  std::string model;
  uint64_t run = 0;
  uint32_t taskId = 0;
  std::string opName, opType, taskType, kernel;
  uint32_t stream = 0;
  double startUs = 0, durationUs = 0; // start: since the profile's first event
  uint32_t blockDim = 1;
  std::string inputShapes, inputDtypes, inputFormats;
  std::string outputShapes, outputDtypes, outputFormats;
  uint64_t flops = 0, bytes = 0;
  double gflops = 0, gbps = 0; // achieved rates (0 when unknown)
  std::string coveredOps;      // ';'-separated
  std::string padding;         // RunTrace::padding
};

/// A row of op_statistic.csv.
struct OpStatisticRow {
  std::string opType;
  uint64_t count = 0;
  double totalUs = 0, avgUs = 0, minUs = 0, maxUs = 0;
  double ratio = 0; // percent of the total task time
};

/// What profiling_options turn on (GE names).
struct ProfileOptions {
  /// Where write() puts the files ("output"); "" for none.
  std::string output;
  bool taskTrace = true;  // per-task timing ("task_trace")
  bool blockTrace = true; // per-AI-core block spans ("aicore_metrics" != "")
  bool hostTrace = true;  // enqueue/synchronize spans ("runtime_api")
};

class Profiler {
public:
  explicit Profiler(ProfileOptions options = {});

  const ProfileOptions &options() const { return options_; }

  /// Clock used for every span (steady, in ns).
  static uint64_t nowNs();

  /// Starts the record of a run of `tasks` (called by the executor while
  /// enqueueing); the record is filled as the tasks run.
  std::shared_ptr<RunTrace>
  beginRun(const std::string &model, uint32_t gear,
           std::shared_ptr<const std::vector<TaskInfo>> tasks);
  void addHostSpan(std::string name, uint64_t startNs, uint64_t endNs);

  /// The runs recorded so far; only once they have finished (synchronized).
  std::vector<std::shared_ptr<RunTrace>> runs() const;
  void clear();

  std::vector<OpSummaryRow> opSummary() const;
  std::vector<OpStatisticRow> opStatistic() const;
  /// The Chrome trace / Perfetto JSON.
  std::string traceJson() const;
  /// Writes trace.json, op_summary.csv and op_statistic.csv into `dir`
  /// (created if missing).
  Status write(const std::string &dir) const;

private:
  uint64_t originNs() const;

  ProfileOptions options_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<RunTrace>> runs_;
  std::vector<HostSpan> hostSpans_;
};

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_PROFILER_H
