//===- Frontend.h - Pick and run the frontend of a model file ---*- C++ -*-===//
//
// ATC's `--framework` names a model's source framework, by name or by ATC's
// numeric code. geflow-compile and the Python API import every model through
// importModel() so that both accept the same values.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_FRONTEND_FRONTEND_H
#define GEFLOW_FRONTEND_FRONTEND_H

#include "geflow/Frontend/ImportOptions.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace geflow::frontend {

enum class Framework {
  ONNX, // "onnx" or ATC's 5
  AIR,  // GE IR: "air", "mindspore" or ATC's 1
};

/// Parses a `--framework` value: "onnx" or "5", "air" (or "mindspore", "1").
/// Frameworks that exist but have no frontend yet ("mlir", "caffe"/"0",
/// "tensorflow"/"3")
/// and unknown values fail with a message in `error` that lists the accepted
/// values.
llvm::FailureOr<Framework> parseFramework(llvm::StringRef value,
                                          std::string &error);

/// Imports the model at `path` with the frontend of `framework`; errors go to
/// the context's diagnostic engine.
llvm::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importModel(mlir::MLIRContext &context, Framework framework,
            llvm::StringRef path, const ImportOptions &options);

/// Registers the dialects of every frontend's output.
void registerFrontendDialects(mlir::DialectRegistry &registry);

} // namespace geflow::frontend

#endif // GEFLOW_FRONTEND_FRONTEND_H
