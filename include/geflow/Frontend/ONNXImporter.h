//===- ONNXImporter.h - Import ONNX models into the ge dialect --*- C++ -*-===//
//
// The ONNX frontend: reads a model (opsets 7 to 17), runs ONNX shape
// inference and builds one `func.func` in the `ge` dialect. Graph inputs
// become block arguments in input order, outputs the `func.return`,
// initializers `ge.Const` (large ones as `dense_resource` blobs) or
// `ge.FileConstant` for external data.
//
// Problems are reported through the context's diagnostic engine as ONE error
// that lists every unsupported operator (with its node names) and every
// other failure; on failure no module is returned.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_FRONTEND_ONNXIMPORTER_H
#define GEFLOW_FRONTEND_ONNXIMPORTER_H

#include "geflow/Frontend/ImportOptions.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace onnx {
class ModelProto;
} // namespace onnx

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace geflow::frontend {

/// Imports the `.onnx` file at `path`. External data files resolve relative
/// to the model's directory and may not leave it.
llvm::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXModel(mlir::MLIRContext &context, llvm::StringRef path,
                const ImportOptions &options);

/// Imports a serialized model. `displayName` names it in diagnostics;
/// `modelDir` resolves external data (empty: external data is an error).
llvm::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXModelFromBytes(mlir::MLIRContext &context, llvm::StringRef bytes,
                         llvm::StringRef displayName, llvm::StringRef modelDir,
                         const ImportOptions &options);

/// Imports a parsed model. The model is updated in place: input shape
/// overrides are applied and ONNX shape inference adds value_info.
llvm::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXModel(mlir::MLIRContext &context, onnx::ModelProto &model,
                llvm::StringRef displayName, llvm::StringRef modelDir,
                const ImportOptions &options);

/// Registers the dialects imported modules use (ge, func).
void registerONNXImporterDialects(mlir::DialectRegistry &registry);

/// The ONNX operator types (default domain) the importer translates, sorted.
llvm::SmallVector<llvm::StringRef> getSupportedONNXOperators();

} // namespace geflow::frontend

#endif // GEFLOW_FRONTEND_ONNXIMPORTER_H
