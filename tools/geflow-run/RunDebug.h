//===- RunDebug.h - geflow-run's profiling, dump and overflow set-up ------===//
//
// The run-time GE options (profiling_mode/profiling_options and the env
// variables, --profile=DIR) turned into what the runtime records, and the
// files written after the timed runs.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TOOLS_GEFLOW_RUN_RUNDEBUG_H
#define GEFLOW_TOOLS_GEFLOW_RUN_RUNDEBUG_H

#include "geflow/Compiler/DebugOptions.h"
#include "geflow/runtime/Dump.h"
#include "geflow/runtime/Model.h"
#include "geflow/runtime/Profiler.h"

#include <memory>
#include <string>

namespace geflow::run {

class RunDebug {
public:
  /// `profileDir` is --profile's value ("" unset); it turns profiling on
  /// and overrides profiling_options' output.
  static rt::StatusOr<RunDebug> create(const DebugConfig &config,
                                       const std::string &profileDir);

  /// Attaches what is on to `model` (before the timed runs).
  void attach(rt::Model &model);
  /// Records a host span (the synchronize after each run).
  void hostSpan(const char *name, uint64_t startNs, uint64_t endNs);
  bool profiling() const { return profiler_ != nullptr; }
  /// Writes the files; `log` gets one line per directory written and the
  /// overflow report.
  rt::Status finish(std::string *log);

private:
  std::shared_ptr<rt::Profiler> profiler_;
  std::shared_ptr<rt::Dumper> dumper_;
};

} // namespace geflow::run

#endif // GEFLOW_TOOLS_GEFLOW_RUN_RUNDEBUG_H
