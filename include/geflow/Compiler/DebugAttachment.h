//===- DebugAttachment.h - Run-time debug options to a profiler/dumper -*- C++
//-*-===//
//
// The one place that turns the run-time GE options (profiling_mode,
// profiling_options, enable_dump, dump_*, enable_dump_debug,
// enable_exception_dump and the GE environment variables) into the
// runtime's Profiler and Dumper, attaches them to models, and writes what
// they recorded. geflow-run, the Python Executable and the Session (C++ and
// Python) all go through it, so the same options record the same runs.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_COMPILER_DEBUGATTACHMENT_H
#define GEFLOW_COMPILER_DEBUGATTACHMENT_H

#include "geflow/Compiler/DebugOptions.h"
#include "geflow/runtime/Dump.h"
#include "geflow/runtime/Model.h"
#include "geflow/runtime/Profiler.h"

#include <memory>
#include <string>

namespace geflow {

class DebugAttachment {
public:
  /// What `config` turns on. `profileDir` (geflow-run's --profile; "" for
  /// none) turns profiling on and overrides profiling_options' output.
  static DebugAttachment create(const DebugConfig &config,
                                const std::string &profileDir = "");
  /// Parses the run-time options of `options` (and, with
  /// `readEnvironment`, PROFILING_MODE / PROFILING_OPTIONS): the error
  /// names the option or variable.
  static rt::StatusOr<DebugAttachment> fromOptions(const Options &options,
                                                   bool readEnvironment = true);

  /// Nothing to record.
  bool empty() const { return !profiler_ && !dumper_; }
  bool profiling() const { return profiler_ != nullptr; }
  const std::shared_ptr<rt::Profiler> &profiler() const { return profiler_; }
  const std::shared_ptr<rt::Dumper> &dumper() const { return dumper_; }

  /// Sends the profile, before anything is recorded, to `dir` instead: a
  /// Session gives a graph whose own profile would overwrite another
  /// profile's files a directory of its own.
  void redirectProfile(const std::string &dir);

  /// Attaches what is on to `model` (several models may share it).
  void attach(rt::Model &model) const;
  /// Records a host span (a stream synchronize) when profiling.
  void hostSpan(const char *name, uint64_t startNs, uint64_t endNs) const;
  /// Writes the profile to its output directory and checks the dump; `log`
  /// gets one line per directory written and the overflow report (the
  /// first overflowing op in execution order and its precision decision).
  rt::Status finish(std::string *log) const;

private:
  std::shared_ptr<rt::Profiler> profiler_;
  std::shared_ptr<rt::Dumper> dumper_;
};

} // namespace geflow

#endif // GEFLOW_COMPILER_DEBUGATTACHMENT_H
