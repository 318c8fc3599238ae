//===- ToolSupport.cpp - What geflow's tools share ------------------------===//
#include "ToolSupport.h"

#include "Version.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace llvm;

namespace geflow::tools {

std::string versionText() {
  return std::string("geflow ") + GEFLOW_VERSION + " (git " +
         GEFLOW_GIT_REVISION + ")\n  built with LLVM/MLIR " +
         LLVM_VERSION_STRING + "\n";
}

void showOnlyOptions(ArrayRef<const cl::OptionCategory *> keep) {
  cl::SetVersionPrinter([](raw_ostream &os) { os << versionText(); });
  // ReallyHidden options are left out of --help and of the nearest-option
  // search behind "did you mean": LLVM's backend options (AMDGPU, Polly...)
  // are registered in every tool linking libLLVM.
  cl::HideUnrelatedOptions(keep);
  dropForeignOptions();
}

void dropForeignOptions() {
  // Unregistered, not only hidden: a typo such as --mv5=1 must be an error
  // rather than an AMDGPU setting. MLIR's (--mlir-print-ir-...) stay.
  std::vector<cl::Option *> foreign;
  for (auto &[name, option] : cl::getRegisteredOptions())
    if (option->getOptionHiddenFlag() == cl::ReallyHidden &&
        !name.starts_with("mlir-"))
      foreign.push_back(option);
  for (cl::Option *option : foreign)
    option->removeArgument();
}

static const char *const kLevelNames[] = {"debug", "info", "warning", "error",
                                          "null"};

LogFlag::LogFlag(cl::OptionCategory &category)
    : flag_("log",
            cl::desc("Log level (ATC --log): debug|info|warning|error|null; "
                     "default: ASCEND_GLOBAL_LOG_LEVEL (0 debug .. 4 null), "
                     "else error. info prints the compile stages and their "
                     "times; debug also each pass and the whole IR of a "
                     "failing op"),
            cl::value_desc("level"), cl::cat(category)) {}

bool LogFlag::resolve(std::string *error) {
  if (flag_.getNumOccurrences()) {
    for (int i = 0; i < 5; ++i)
      if (StringRef(flag_).equals_insensitive(kLevelNames[i])) {
        level_ = static_cast<LogLevel>(i);
        return true;
      }
    *error = "--log=" + flag_ +
             " is not a log level; accepted: debug, info, warning, error, null";
    return false;
  }
  const char *env = std::getenv("ASCEND_GLOBAL_LOG_LEVEL");
  if (!env || !*env)
    return true;
  unsigned value;
  if (StringRef(env).getAsInteger(10, value) || value > 4) {
    *error = std::string("ASCEND_GLOBAL_LOG_LEVEL=") + env +
             " is not a log level; accepted: 0 (debug), 1 (info), 2 "
             "(warning), 3 (error), 4 (null)";
    return false;
  }
  level_ = static_cast<LogLevel>(value);
  return true;
}

static StringRef severityName(mlir::DiagnosticSeverity severity) {
  switch (severity) {
  case mlir::DiagnosticSeverity::Error:
    return "error";
  case mlir::DiagnosticSeverity::Warning:
    return "warning";
  case mlir::DiagnosticSeverity::Note:
    return "note";
  case mlir::DiagnosticSeverity::Remark:
    return "remark";
  }
  return "error";
}

// Names from a model file may be any bytes: invalid UTF-8 is printed escaped
// (as the diagnostics themselves print it), so the terminal gets text.
static std::string printable(StringRef text) {
  if (llvm::json::isUTF8(text))
    return text.str();
  std::string escaped;
  raw_string_ostream os(escaped);
  llvm::printEscapedString(text, os);
  return escaped;
}

std::string describeLocation(mlir::Location loc) {
  if (auto file = dyn_cast<mlir::FileLineColLoc>(loc))
    return (printable(file.getFilename().getValue()) + ":" +
            Twine(file.getLine()) + ":" + Twine(file.getColumn()))
        .str();
  if (auto name = dyn_cast<mlir::NameLoc>(loc)) {
    std::string text = "node '" + printable(name.getName().getValue()) + "'";
    std::string child = describeLocation(name.getChildLoc());
    return child.empty() ? text : text + " (" + child + ")";
  }
  if (auto fused = dyn_cast<mlir::FusedLoc>(loc)) {
    std::string text;
    for (mlir::Location part : fused.getLocations()) {
      std::string one = describeLocation(part);
      if (!one.empty())
        text += (text.empty() ? "" : ", ") + one;
    }
    return text;
  }
  if (auto call = dyn_cast<mlir::CallSiteLoc>(loc))
    return describeLocation(call.getCallee());
  if (isa<mlir::UnknownLoc>(loc))
    return "";
  std::string text;
  raw_string_ostream os(text);
  loc.print(os);
  return text;
}

/// Lines of an op's IR kept in a note below --log=debug: the op itself and
/// the start of its body.
static constexpr size_t kOpLines = 4;

static std::string boundedNote(const std::string &note, bool full) {
  SmallVector<StringRef> lines;
  StringRef(note).split(lines, '\n');
  if (full || lines.size() <= kOpLines)
    return note;
  std::string text;
  for (size_t i = 0; i < kOpLines; ++i)
    text += lines[i].str() + "\n";
  return text + "    ... (" + std::to_string(lines.size() - kOpLines) +
         " more lines; --log=debug prints the whole op)";
}

DiagnosticPrinter::DiagnosticPrinter(mlir::MLIRContext &context, StringRef tool,
                                     const LogFlag &log)
    : handler_(&context, [tool = tool.str(), &log](mlir::Diagnostic &d) {
        auto severity = d.getSeverity();
        bool shown = severity == mlir::DiagnosticSeverity::Error ||
                     (severity == mlir::DiagnosticSeverity::Warning &&
                      log.enabled(LogLevel::Warning)) ||
                     log.enabled(LogLevel::Info);
        if (!shown)
          return mlir::success();
        // The message first (scripts grep "error: <message>"), then where.
        errs() << tool << ": " << severityName(severity) << ": " << d.str()
               << "\n";
        std::string where = describeLocation(d.getLocation());
        if (!where.empty())
          errs() << "  at " << where << "\n";
        bool full = log.level() == LogLevel::Debug;
        for (const mlir::Diagnostic &note : d.getNotes())
          errs() << "  note: " << boundedNote(note.str(), full) << "\n";
        return mlir::success();
      }) {}

void StageTimer::start(StringRef stage) {
  stop();
  stage_ = stage.str();
  begin_ = std::chrono::steady_clock::now();
}

void StageTimer::stop(StringRef detail) {
  if (stage_.empty())
    return;
  double ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - begin_)
                  .count();
  if (log_.enabled(LogLevel::Info))
    errs() << tool_ << ": [info] " << stage_ << ": " << format("%.1f", ms)
           << " ms" << (detail.empty() ? "" : " (") << detail
           << (detail.empty() ? "" : ")") << "\n";
  stage_.clear();
}

} // namespace geflow::tools
