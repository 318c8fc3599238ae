//===- ToolSupport.cpp - What geflow's tools share ------------------------===//
#include "ToolSupport.h"

#include "Version.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>

using namespace llvm;

namespace geflow::tools {

std::string versionText() {
  return std::string("geflow ") + GEFLOW_VERSION + " (git " +
         GEFLOW_GIT_REVISION + ")\n  built with LLVM/MLIR " +
         LLVM_VERSION_STRING + "\n";
}

namespace {
/// What --help prints: the overview and the groups in the tool's order.
struct Help {
  std::string tool = "geflow", overview;
  std::vector<const cl::OptionCategory *> groups;
  const cl::OptionCategory *generic = nullptr;
  std::unique_ptr<cl::opt<bool>> flag;
};
Help &help() {
  static Help h;
  return h;
}

void printHelp() {
  const Help &h = help();
  std::vector<const cl::OptionCategory *> groups = h.groups;
  if (h.generic)
    groups.push_back(h.generic);
  // Each visible option once, in the first of the tool's groups it is in.
  std::vector<std::vector<cl::Option *>> listed(groups.size());
  SmallPtrSet<cl::Option *, 32> seen;
  size_t width = 0;
  for (auto &entry : cl::getRegisteredOptions()) {
    cl::Option *option = entry.second;
    if (option->getOptionHiddenFlag() != cl::NotHidden ||
        !seen.insert(option).second)
      continue;
    for (size_t i = 0; i < groups.size(); ++i)
      if (is_contained(option->Categories, groups[i])) {
        listed[i].push_back(option);
        width = std::max(width, option->getOptionWidth());
        break;
      }
  }
  outs() << "OVERVIEW: " << h.overview << "\n";
  outs() << "USAGE: " << h.tool << " [options]\n\nOPTIONS:\n";
  for (size_t i = 0; i < groups.size(); ++i) {
    if (listed[i].empty())
      continue;
    llvm::sort(listed[i], [](cl::Option *a, cl::Option *b) {
      return a->ArgStr < b->ArgStr;
    });
    outs() << "\n" << groups[i]->getName() << ":\n\n";
    for (cl::Option *option : listed[i])
      option->printOptionInfo(width);
  }
  outs().flush();
}
} // namespace

void showOnlyOptions(ArrayRef<const cl::OptionCategory *> keep) {
  cl::SetVersionPrinter([](raw_ostream &os) { os << versionText(); });
  // ReallyHidden options are left out of --help and of the nearest-option
  // search behind "did you mean": LLVM's backend options (AMDGPU, Polly...)
  // are registered in every tool linking libLLVM.
  cl::HideUnrelatedOptions(keep);
  dropForeignOptions();
  // LLVM's --help sorts the groups by name; ours keeps the order of `keep`
  // (input first, debugging last, as the docs list them).
  Help &h = help();
  h.groups.assign(keep.begin(), keep.end());
  auto &registered = cl::getRegisteredOptions();
  cl::Option *llvmHelp = registered.lookup("help");
  if (!llvmHelp || h.flag)
    return;
  h.generic = llvmHelp->Categories.front();
  llvmHelp->removeArgument();
  h.flag = std::make_unique<cl::opt<bool>>(
      "help", cl::desc("Display the options, by group"),
      cl::cat(const_cast<cl::OptionCategory &>(*h.generic)),
      cl::callback([](const bool &) {
        printHelp();
        std::exit(0);
      }));
}

void parseCommandLine(int argc, char **argv, StringRef overview) {
  Help &h = help();
  h.tool = sys::path::filename(argv[0]).str();
  h.overview = overview.str();
  cl::ParseCommandLineOptions(argc, argv, overview);
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

/// The value of a CANN variable that takes 0..`most`; nullopt when unset or
/// empty, and when invalid (with a warning: CANN ignores such a value).
static std::optional<unsigned> cannVariable(const char *name, unsigned most,
                                            StringRef accepted,
                                            StringRef fallback) {
  const char *env = std::getenv(name);
  if (!env || !*env)
    return std::nullopt;
  unsigned value;
  if (!StringRef(env).getAsInteger(10, value) && value <= most)
    return value;
  errs() << help().tool << ": warning: " << name << "=" << printable(env)
         << " is not valid (accepted: " << accepted << "); ignored, as CANN "
         << "does: " << fallback << "\n";
  return std::nullopt;
}

bool LogFlag::resolve(std::string *error) {
  // 7.4.13: 1 prints the logs on the screen instead of the log files; 0,
  // unset or invalid: the default output, which for geflow is stderr.
  toStdout_ = cannVariable("ASCEND_SLOG_PRINT_TO_STDOUT", 1, "0 or 1",
                           "logs go to stderr") == 1u;
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
  // 7.4.14: unset, empty or invalid: the default level (error).
  if (std::optional<unsigned> value =
          cannVariable("ASCEND_GLOBAL_LOG_LEVEL", 4,
                       "0 (debug), 1 (info), 2 (warning), 3 (error), 4 (null)",
                       "the log level stays error"))
    level_ = static_cast<LogLevel>(*value);
  return true;
}

raw_ostream &LogFlag::stream() const { return toStdout_ ? outs() : errs(); }

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
    log_.stream() << tool_ << ": [info] " << stage_ << ": "
                  << format("%.1f", ms) << " ms" << (detail.empty() ? "" : " (")
                  << detail << (detail.empty() ? "" : ")") << "\n";
  stage_.clear();
}

} // namespace geflow::tools
