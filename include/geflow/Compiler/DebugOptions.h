//===- DebugOptions.h - GE's profiling, dump and debug options --*- C++ -*-===//
//
// The options a GE user reaches for when a model is slow or wrong:
// profiling_mode/profiling_options, the data dump (enable_dump, dump_*),
// overflow detection (enable_dump_debug, dump_debug_mode,
// enable_exception_dump) and debug_dir. They are registered with the other
// GE options (same validation everywhere) but act at run time, so they also
// apply to an already compiled .gfm. GE's environment variables
// (PROFILING_MODE, PROFILING_OPTIONS) are read when the option is not given.
// docs/debugging.md describes each.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_COMPILER_DEBUGOPTIONS_H
#define GEFLOW_COMPILER_DEBUGOPTIONS_H

#include "geflow/Compiler/Options.h"
#include "geflow/runtime/Dump.h"
#include "geflow/runtime/Profiler.h"

#include <optional>
#include <string>
#include <vector>

namespace geflow {

/// Adds the debug options to the registry's list (OptionsRegistry's
/// constructor calls it).
void addDebugOptionSpecs(std::vector<OptionSpec> &specs);

/// True for an option that acts at run time (it may be given with a
/// compiled .gfm): the debug options but debug_dir.
bool isRunTimeOption(const std::string &name);
/// True for any debug option (run-time ones and debug_dir): none of them is
/// part of the executable.
bool isDebugOption(const std::string &name);

/// What the run-time options ask for.
struct DebugConfig {
  /// Set when profiling is on (profiling_mode or PROFILING_MODE).
  std::optional<rt::ProfileOptions> profile;
  /// Set when a data dump, overflow detection or exception dump is on.
  std::optional<rt::DumpOptions> dump;
};

/// Parses the run-time options of `options` (and, unless `readEnvironment`
/// is false, the GE environment variables for options not given). Fails
/// with the reason in `error` (an environment value is named as such).
std::optional<DebugConfig> parseDebugConfig(const Options &options,
                                            std::string &error,
                                            bool readEnvironment = true);

/// Checks GE's profiling_options JSON; "" or the reason. Fills `out` when
/// given.
std::string parseProfilingOptions(const std::string &json,
                                  rt::ProfileOptions *out = nullptr);

} // namespace geflow

#endif // GEFLOW_COMPILER_DEBUGOPTIONS_H
