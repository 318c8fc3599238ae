//===- ToolSupport.h - What geflow's tools share ----------------*- C++ -*-===//
//
// The command line as a geflow user sees it: only geflow's options in the
// help and in typo suggestions, --version, ATC's --log levels, and compile
// diagnostics that name the op and its location without dumping the IR.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TOOLS_TOOLSUPPORT_H
#define GEFLOW_TOOLS_TOOLSUPPORT_H

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/CommandLine.h"

#include <chrono>
#include <string>

namespace geflow::tools {

/// "geflow 0.1.0 (git abc1234)\n  built with LLVM/MLIR 22.1.8".
std::string versionText();

/// Makes --version print versionText() and hides every registered option
/// outside `keep` (and LLVM's generic --help/--version): hidden options are
/// neither listed nor suggested for a typo, but still accepted. --help lists
/// the groups in the order of `keep` (LLVM's sorts them by name).
void showOnlyOptions(llvm::ArrayRef<const llvm::cl::OptionCategory *> keep);

/// cl::ParseCommandLineOptions, with `overview` at the top of --help and the
/// tool's name (argv[0]) on the warnings of LogFlag::resolve.
void parseCommandLine(int argc, char **argv, llvm::StringRef overview);

/// Unregisters the options hidden so far except MLIR's ("mlir-..."), so
/// that LLVM's backend options are rejected rather than silently set.
void dropForeignOptions();

/// ATC's log levels (--log) and CANN's ASCEND_GLOBAL_LOG_LEVEL numbers.
enum class LogLevel { Debug = 0, Info = 1, Warning = 2, Error = 3, Null = 4 };

/// The --log flag; `resolve()` after parsing takes the level from the flag,
/// else ASCEND_GLOBAL_LOG_LEVEL, else error, and where log lines go from
/// ASCEND_SLOG_PRINT_TO_STDOUT (CANN, TF online inference guide 7.4.13-14).
class LogFlag {
public:
  explicit LogFlag(llvm::cl::OptionCategory &category);
  /// False with `error` set for a bad --log value. A variable set to a value
  /// CANN calls invalid is ignored, as CANN does, with a warning on stderr.
  bool resolve(std::string *error);
  LogLevel level() const { return level_; }
  bool enabled(LogLevel l) const {
    return level_ != LogLevel::Null && l >= level_;
  }
  /// Where "[info]"/"[debug]" lines go: stdout with
  /// ASCEND_SLOG_PRINT_TO_STDOUT=1, else stderr (geflow keeps no log files).
  llvm::raw_ostream &stream() const;
  /// Keeps log lines on stderr whatever the variable says (stdout carries
  /// JSON, say).
  void keepOffStdout() { toStdout_ = false; }

private:
  llvm::cl::opt<std::string> flag_;
  LogLevel level_ = LogLevel::Error;
  bool toStdout_ = false;
};

/// "node 'conv1'", "model.mlir:3:5", "node 'conv1' (model.mlir:3:5)"; empty
/// when unknown.
std::string describeLocation(mlir::Location loc);

/// Prints "<tool>: <severity>: <location>: <message>" for each diagnostic;
/// an op printed in a note ("see current operation") is cut to a few lines
/// unless the log level is debug.
class DiagnosticPrinter {
public:
  DiagnosticPrinter(mlir::MLIRContext &context, llvm::StringRef tool,
                    const LogFlag &log);

private:
  mlir::ScopedDiagnosticHandler handler_;
};

/// Times a stage and prints "<tool>: [info] <stage>: 12.3 ms" at info.
class StageTimer {
public:
  StageTimer(llvm::StringRef tool, const LogFlag &log)
      : tool_(tool), log_(log) {}
  void start(llvm::StringRef stage);
  /// Ends the current stage (if any) and prints its time.
  void stop(llvm::StringRef detail = "");

private:
  std::string tool_, stage_;
  const LogFlag &log_;
  std::chrono::steady_clock::time_point begin_;
};

} // namespace geflow::tools

#endif // GEFLOW_TOOLS_TOOLSUPPORT_H
