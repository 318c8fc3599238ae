//===- Compile.h - Compile a model into a .gfm executable -------*- C++ -*-===//
//
// The one entry point behind geflow-compile, geflow-run (for model files),
// the Session API and Python: import the model, run the compile pipeline
// under the compile's settings (parseCompileConfig reads the validated GE
// options into them, once), serialize the executable.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_COMPILER_COMPILE_H
#define GEFLOW_COMPILER_COMPILE_H

#include "geflow/Compiler/CompileConfig.h"
#include "geflow/Frontend/ImportOptions.h"
#include "geflow/Target/ExternalWeights.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"

#include <functional>

#include <string>
#include <vector>

namespace mlir {
class DialectRegistry;
class MLIRContext;
} // namespace mlir

namespace geflow {

/// What a compile produced, for the summary line users see.
struct CompileSummary {
  std::string soc;
  std::string precisionMode;
  /// Where the mode came from: "option", "precision_mode_v2 <value>",
  /// "soc default" or "graph attribute".
  std::string precisionModeFrom;
  /// ge ops of the model's graph, before gears (every gear compiles it).
  int64_t graphOps = 0;
  /// Kernels summed over every gear, and per gear.
  int64_t kernels = 0;
  std::vector<int64_t> kernelsPerGear;
  int64_t gears = 0;
  uint64_t arenaBytes = 0;
  uint64_t naiveBytes = 0;
  uint64_t maxLiveBytes = 0;
  uint64_t weightsBytes = 0;
  int64_t streams = 0;
  int64_t events = 0;
  /// fusion_switch_file rules switched off.
  std::vector<std::string> fusionOff;
  /// Mixed compute: the tasks on the host CPU engine (of the first gear)
  /// and why, and the copies between device and host memory.
  struct HostOp {
    std::string name, type, reason;
  };
  std::vector<HostOp> hostOps;
  int64_t engineCopies = 0;
  double seconds = 0;
  /// Multi-line human-readable summary.
  std::string str() const;
  /// The kernels line: per gear and over all gears when there are several.
  std::string kernelCounts() const;
  /// The same figures as one JSON object (exact byte counts).
  std::string json() const;
};

/// Registers every dialect the compiler and its frontends use.
void registerCompilerDialects(mlir::DialectRegistry &registry);

/// Imports `path`; `framework` is "onnx"/"5" or "mlir" (empty: from the
/// extension). The input shapes of `config` (input_shape) apply at import.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importModelFile(mlir::MLIRContext &context, const std::string &path,
                const std::string &framework, const CompileConfig &config);

/// What a frontend is told by `config`: input_shape, or the shapes
/// input_shape_range implies (its ranged dims unknown).
frontend::ImportOptions getImportOptions(const CompileConfig &config);

/// Applies input_shape to a module whose graph inputs carry `ge.name`
/// (MLIR files, in-memory graphs; the ONNX frontend applies it while
/// importing). A no-op without input_shape.
mlir::LogicalResult applyInputShapes(mlir::ModuleOp module,
                                     const CompileConfig &config);

/// Lets a caller adjust the pass manager (IR printing, timing, ...).
using PassManagerHook = std::function<mlir::LogicalResult(mlir::PassManager &)>;

/// Runs the compile pipeline on an imported ge module (in place) and returns
/// the .gfm bytes. Errors go to the context's diagnostic engine. With
/// external_weight=true the large weights go to `externalWeights`, which
/// the caller writes beside the .gfm (writeExternalWeights); without it
/// such a compile is an error, as its .gfm could not be loaded.
mlir::FailureOr<std::vector<uint8_t>>
compileModule(mlir::ModuleOp module, const CompileConfig &config,
              const std::string &modelName, CompileSummary *summary = nullptr,
              const PassManagerHook &hook = nullptr,
              ExternalWeights *externalWeights = nullptr);

/// Runs the pipeline (all of it, or the graph passes only) without
/// serializing, for --emit=mlir.
mlir::LogicalResult runPipeline(mlir::ModuleOp module,
                                const CompileConfig &config, bool graphOnly,
                                const PassManagerHook &hook = nullptr);

/// runPipeline with the DUMP_GE_GRAPH graph dumps of `config` (named after
/// `graphName`): what compileModule runs, and --emit=mlir. `stages` false
/// runs no pass (--mlir-stage=import): only the import/final dumps.
mlir::LogicalResult
runDumpedPipeline(mlir::ModuleOp module, const CompileConfig &config,
                  bool graphOnly, const std::string &graphName,
                  const PassManagerHook &hook = nullptr, bool stages = true);

/// importModelFile + compileModule.
mlir::FailureOr<std::vector<uint8_t>>
compileModelFile(mlir::MLIRContext &context, const std::string &path,
                 const std::string &framework, const CompileConfig &config,
                 CompileSummary *summary = nullptr,
                 const PassManagerHook &hook = nullptr);

} // namespace geflow

#endif
