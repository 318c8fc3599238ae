//===- DumpRun.h - The dump state of one run ------------------------------===//
//
// Made per run while a Dumper is attached. Tasks call dumpBefore() and
// dumpAfter() from callbacks on their stream around the kernel (so the
// tensors are read exactly when the kernel sees them), and
// dumpOnFailure() from the failing block.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_EXECUTOR_DUMPRUN_H
#define GEFLOW_RUNTIME_EXECUTOR_DUMPRUN_H

#include "geflow/runtime/Dump.h"
#include "geflow/runtime/Profiler.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace geflow::rt::exec {

struct DumpRun {
  std::shared_ptr<Dumper> dumper;
  std::shared_ptr<const std::vector<TaskInfo>> tasks;
  std::string model;
  uint32_t modelId = 0;
  int32_t deviceId = 0;
  uint64_t step = 0;
  /// {root}/{device}/{model}/{model_id}: the run's files go to {base}/{step}.
  std::string base;
  /// A gear_padding run: "batch 3 padded to 4" (mapping.csv's Padding
  /// column; the tensors have the gear's shapes).
  std::string padding;
  /// Tensors are dumped in this run (enable_dump and dump_step).
  bool tensors = false;
  /// Per task: the inputs as the kernel saw them (overflow and exception
  /// dumps only), and whether they held non-finite values.
  std::vector<std::vector<std::vector<uint8_t>>> inputCopies;
  std::vector<uint8_t> inputsNonFinite;
  std::unique_ptr<std::atomic<bool>[]> failed;
  /// Per task: the timestamp its files share (0 until the first is written).
  std::vector<uint64_t> stamps;

  /// Whether task `i` needs callbacks around it at all.
  bool watches(size_t i) const;
};

std::shared_ptr<DumpRun>
beginDumpRun(std::shared_ptr<Dumper> dumper,
             std::shared_ptr<const std::vector<TaskInfo>> tasks,
             const std::string &model, uint32_t modelId, int32_t deviceId,
             uint64_t step, const std::string &padding = "");

void dumpBefore(DumpRun &run, size_t i, const void *const *inputs);
void dumpAfter(DumpRun &run, size_t i, const void *const *inputs,
               void *const *outputs);
void dumpOnFailure(DumpRun &run, size_t i);

} // namespace geflow::rt::exec

#endif // GEFLOW_RUNTIME_EXECUTOR_DUMPRUN_H
