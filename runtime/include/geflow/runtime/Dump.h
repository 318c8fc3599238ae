//===- Dump.h - Data dumps and overflow detection (GE 5.4) ------*- C++ -*-===//
//
// A Dumper attached to a Model (Model::setDumper) writes the tensors of the
// selected tasks of the selected runs, in GE's directory layout:
//
//   {path}/{time}/{device_id}/{model_name}/{model_id}/{data_index}/
//       {op_type}.{op_name}.{task_id}.{timestamp}.{input|output}.{i}.npy
//
// `time` is when the dumper was made (YYYYMMDDhhmmss), `model_id` numbers the
// models attached to it from 1, `data_index` counts the model's runs since
// it was attached (what dump_step selects), `timestamp` is microseconds
// since the epoch. '.', '/', '\' and spaces in names become '_'. Each
// tensor is a .npy file (GE writes its own binary format that needs
// Huawei's converter); with Data::Stats a {prefix}.csv of per-tensor
// statistics replaces the data. Every dumped run directory also gets
// mapping.csv: each task, its file prefix and the GE ops it covers, so an op
// that fusion merged into another task is listed under that task.
//
// Overflow detection (enable_dump_debug) checks every float output of every
// task: an output with Inf/NaN whose inputs had none is an overflow,
// recorded with the GE op, its precision decision and the run, and its
// inputs and outputs are dumped under {path}/{time}/.../overflow/.
// Exception dumps (enable_exception_dump) write the inputs of a task that
// fails.
//
// Reading tensors never writes them: dumps leave results bit-identical.
// Without a dumper a run pays one pointer test.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_DUMP_H
#define GEFLOW_RUNTIME_DUMP_H

#include "geflow/runtime/Status.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace geflow::rt {

struct DumpOptions {
  /// Tensor dumps on (enable_dump); `path` is needed for any file.
  bool enabled = false;
  std::string path;
  /// dump_step ranges, inclusive; empty: every run.
  struct Range {
    uint64_t first = 0, last = 0;
  };
  std::vector<Range> steps;
  enum class Mode { Input, Output, All };
  Mode mode = Mode::Output;
  /// dump_layer: GE op names; empty: every op.
  std::vector<std::string> layers;
  enum class Data { Tensor, Stats };
  Data data = Data::Tensor;
  /// enable_dump_debug with dump_debug_mode.
  bool overflow = false;
  std::string overflowMode = "all";
  /// enable_exception_dump.
  bool exceptionDump = false;

  bool wantsStep(uint64_t step) const;
  bool wantsOp(const std::string &name,
               const std::vector<std::string> &covered) const;
};

/// An op whose float output gained Inf/NaN that its inputs did not have.
struct OverflowRecord {
  std::string model;
  uint64_t step = 0;   // the run's data_index
  uint32_t taskId = 0; // position in the program (execution order)
  std::string opName, opType, kernel;
  std::vector<std::string> coveredOps;
  /// The op's precision decision ("reduced to f16: white list").
  std::string precision;
  uint32_t output = 0; // the first output with non-finite values
  uint64_t nanCount = 0, infCount = 0;
  /// Where its tensors were dumped ("" when no path is set).
  std::string files;
};

/// "0|5|10-20" to ranges; the error names the bad part.
StatusOr<std::vector<DumpOptions::Range>> parseDumpStep(const std::string &);

/// GE's name rule for dump files: '.', '/', '\' and ' ' become '_'.
std::string dumpFileName(const std::string &name);

class Dumper {
public:
  explicit Dumper(DumpOptions options);

  const DumpOptions &options() const { return options_; }
  /// {path}/{time}: the directory of this dumper's files.
  const std::string &root() const { return root_; }
  /// Numbers a model that the dumper is attached to (from 1).
  uint32_t addModel() { return ++models_; }

  void addOverflow(OverflowRecord record);
  /// Overflows in the order they were detected.
  std::vector<OverflowRecord> overflows() const;
  /// The first overflow in execution order: the earliest run, then the
  /// lowest task id.
  bool firstOverflow(OverflowRecord *out) const;
  /// Writes failures are kept (a task must not fail for them) and
  /// reported here.
  void noteError(const Status &status);
  Status error() const;
  /// Files written so far.
  uint64_t filesWritten() const { return files_.load(); }
  void countFile() { files_.fetch_add(1); }

private:
  DumpOptions options_;
  std::string root_;
  std::atomic<uint32_t> models_{0};
  std::atomic<uint64_t> files_{0};
  mutable std::mutex mu_;
  std::vector<OverflowRecord> overflows_;
  Status error_;
};

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_DUMP_H
