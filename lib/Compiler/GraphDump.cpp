//===- GraphDump.cpp - GE's DUMP_GE_GRAPH graph dumps ---------------------===//
#include "geflow/Compiler/GraphDump.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <mutex>
#include <set>

using namespace mlir;

namespace geflow {

std::optional<GraphDumpConfig> parseGraphDumpConfig(const Options &options,
                                                    std::string &error) {
  GraphDumpConfig config;
  if (auto dir = options.get("debug_dir"); dir && !dir->empty())
    config.dir = *dir;
  const char *content = std::getenv("DUMP_GE_GRAPH");
  if (!content || !*content)
    return config;
  llvm::StringRef c(content);
  if (c != "1" && c != "2" && c != "3") {
    error = "environment variable DUMP_GE_GRAPH has value '" + c.str() +
            "': expected 1 (full dump), 2 (without weight data) or 3 (node "
            "relations only)";
    return std::nullopt;
  }
  config.content = c[0] - '0';
  // GE: DUMP_GRAPH_LEVEL only counts when DUMP_GE_GRAPH is on.
  const char *level = std::getenv("DUMP_GRAPH_LEVEL");
  if (!level || !*level)
    return config;
  llvm::StringRef l(level);
  if (l.size() == 1 && l[0] >= '1' && l[0] <= '4') {
    config.level = l[0] - '0';
    return config;
  }
  bool passName =
      llvm::isAlpha(l[0]) && llvm::all_of(l, [](char ch) {
        return llvm::isAlnum(ch) || ch == '-' || ch == '_' || ch == '.';
      });
  if (!passName) {
    error = "environment variable DUMP_GRAPH_LEVEL has value '" + l.str() +
            "': expected 1 (every pass), 2 (every top-level stage), 3 (the "
            "final graph), 4 (the imported graph) or a pass name such as "
            "ge-infer-shapes";
    return std::nullopt;
  }
  config.level = 0;
  config.stage = l.str();
  return config;
}

struct GraphDumper::State {
  GraphDumpConfig config;
  std::string graph;
  std::mutex mutex;
  unsigned next = 0;
  bool dumpedStage = false;
  std::string writeError;
  std::set<std::string> stagesSeen;
  std::string lastNestedOp;

  LogicalResult dump(Operation *op, llvm::StringRef stage) {
    std::lock_guard<std::mutex> lock(mutex);
    std::string graphName = graph;
    if (auto sym = op->getAttrOfType<StringAttr>("sym_name"))
      graphName += "." + sym.getValue().str();
    std::string file;
    llvm::raw_string_ostream(file)
        << "ge_" << llvm::format("%03u", next++) << "_" << stage << "_"
        << graphName << ".mlir";
    for (char &ch : file)
      if (ch == '/' || ch == ' ')
        ch = '_';
    llvm::SmallString<256> path(config.dir);
    llvm::sys::path::append(path, file);
    std::error_code ec = llvm::sys::fs::create_directories(config.dir);
    std::optional<llvm::raw_fd_ostream> os;
    if (!ec)
      os.emplace(path, ec, llvm::sys::fs::OF_Text);
    if (ec) {
      if (writeError.empty())
        writeError = "cannot write graph dump '" + path.str().str() +
                     "' (debug_dir): " + ec.message();
      return failure();
    }
    OpPrintingFlags flags;
    if (config.content >= 2)
      flags.elideLargeElementsAttrs(config.content == 2 ? 16 : 1)
          .elideLargeResourceString(config.content == 2 ? 64 : 0);
    if (config.content == 1)
      flags.enableDebugInfo(true);
    op->print(*os, flags);
    *os << "\n";
    return success();
  }
};

namespace {

/// The stage name of a pass: its argument, or "<op>-pipeline" for the
/// adaptor that ran a nested pipeline on each function or program (the op
/// its nested passes last ran on).
std::string stageName(Pass *pass, llvm::StringRef lastNestedOp) {
  if (!pass->getArgument().empty())
    return pass->getArgument().str();
  return (lastNestedOp.empty() ? "nested" : lastNestedOp.str()) + "-pipeline";
}

class GraphDumpInstrumentation : public PassInstrumentation {
public:
  explicit GraphDumpInstrumentation(std::shared_ptr<GraphDumper::State> state)
      : state(std::move(state)) {}

  void runAfterPass(Pass *pass, Operation *op) override {
    const GraphDumpConfig &c = state->config;
    bool topLevel = isa<ModuleOp>(op);
    std::string stage;
    {
      std::lock_guard<std::mutex> lock(state->mutex);
      if (!topLevel)
        state->lastNestedOp = op->getName().getStringRef().str();
      stage = stageName(pass, state->lastNestedOp);
    }
    if (c.level == 0) {
      {
        std::lock_guard<std::mutex> lock(state->mutex);
        if (!pass->getArgument().empty())
          state->stagesSeen.insert(stage);
        if (stage != c.stage)
          return;
        state->dumpedStage = true;
      }
      (void)state->dump(op, stage);
      return;
    }
    if (c.level == 1 || (c.level == 2 && topLevel))
      (void)state->dump(op, stage);
  }

private:
  std::shared_ptr<GraphDumper::State> state;
};

} // namespace

GraphDumper::GraphDumper(GraphDumpConfig config, std::string graph)
    : config(config), state(std::make_shared<State>()) {
  state->config = std::move(config);
  state->graph = std::move(graph);
}

GraphDumper::~GraphDumper() = default;

void GraphDumper::instrument(PassManager &pm) {
  if (enabled() && config.level != 3 && config.level != 4)
    pm.addInstrumentation(std::make_unique<GraphDumpInstrumentation>(state));
}

LogicalResult GraphDumper::dumpImported(Operation *module) {
  if (enabled() && config.level == 4)
    if (failed(state->dump(module, "import")))
      return module->emitError(state->writeError), failure();
  return success();
}

LogicalResult GraphDumper::dumpFinal(Operation *module) {
  if (enabled() && config.level == 3)
    if (failed(state->dump(module, "final")))
      return module->emitError(state->writeError), failure();
  return success();
}

LogicalResult GraphDumper::finish(Operation *module) {
  if (!enabled())
    return success();
  if (!state->writeError.empty())
    return module->emitError(state->writeError), failure();
  if (config.level == 0 && !state->dumpedStage)
    return module->emitError() << "DUMP_GRAPH_LEVEL=" << config.stage
                               << " names no pass of the pipeline; its passes: "
                               << llvm::join(state->stagesSeen, ", "),
           failure();
  return success();
}

} // namespace geflow
