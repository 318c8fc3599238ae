//===- AIR.h - GE IR (.air) files: import and export -------------*- C++
//-*-===//
//
// A `.air` file is one serialized ge.proto.ModelDef (GE IR), what TorchAir's
// dynamo_export writes and ATC reads with --framework=1. The importer builds
// the same `ge` dialect function the ONNX frontend builds: Data ops become
// block arguments in `index` order, NetOutput the func.return, Const and
// FileConstant weights ge.Const / ge.FileConstant. The exporter writes such
// a function back as a ModelDef GE itself loads, large weights as raw files
// referenced by FileConstant, plus a readable dynamo.pbtxt. docs/air.md has
// the details.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_FRONTEND_AIR_H
#define GEFLOW_FRONTEND_AIR_H

#include "geflow/Frontend/ImportOptions.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>
#include <vector>

namespace geflow::frontend {

/// Imports the `.air` file at `path`. FileConstant paths resolve against the
/// working directory, then the file's directory, and may leave neither.
/// Problems are ONE error (every unsupported op type listed) through the
/// context's diagnostic engine.
llvm::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importAirModel(mlir::MLIRContext &context, llvm::StringRef path,
               const ImportOptions &options);

/// Imports a serialized ModelDef. `modelDir` is the `.air`'s directory for
/// FileConstant paths (empty: only the working directory is searched).
llvm::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importAirModelFromBytes(mlir::MLIRContext &context, llvm::StringRef bytes,
                        llvm::StringRef displayName, llvm::StringRef modelDir,
                        const ImportOptions &options);

/// The GE op types the importer reads, sorted.
std::vector<std::string> getSupportedAirOpTypes(mlir::MLIRContext &context);

struct AirExportOptions {
  /// Weights go to raw files referenced by FileConstant when the graph's
  /// constants total more than this many bytes (all of them then, as
  /// TorchAir does); otherwise they stay inline as Const. 0: always files.
  /// (The default is the air_weight_threshold option's: 2048 - 200 MiB.)
  int64_t externalWeightThreshold = int64_t(2048 - 200) << 20;
  /// Directory the weight files and dynamo.pbtxt are written to (default:
  /// the .air's directory).
  std::string weightDir;
  /// What FileConstant file_path records before the file name, as the user
  /// gave it (TorchAir records "<export_path>/<name>"); empty: the bare name,
  /// which geflow resolves against the .air's directory.
  std::string filePathPrefix;
  /// When non-empty: exactly the constants of these node names go to files
  /// (geflow.torch names its parameters' constants by their FQN), whatever
  /// the threshold. Otherwise the threshold picks, among float constants of
  /// more than one element (scalars and integer shape constants stay inline).
  std::vector<std::string> weightNames;
  /// Also write the readable dump `dynamo.pbtxt` into weightDir.
  bool writeText = true;
};

/// What an export wrote, for the caller's report.
struct AirExportResult {
  std::vector<std::string> weightFiles;
  uint64_t weightBytes = 0;
  std::string textPath;
};

/// Writes the ge function of `module` (at the import stage: ge ops, no
/// compiler-internal ops) to `path` as a ModelDef. Files are written to a
/// temporary name and renamed. On failure returns failure with `error`.
llvm::LogicalResult exportAirModel(mlir::ModuleOp module, llvm::StringRef path,
                                   const AirExportOptions &options,
                                   AirExportResult &result, std::string &error);

} // namespace geflow::frontend

#endif // GEFLOW_FRONTEND_AIR_H
