//===- MlirInput.h - Reading a .mlir model file ---------------------------===//
#ifndef GEFLOW_LIB_COMPILER_MLIRINPUT_H
#define GEFLOW_LIB_COMPILER_MLIRINPUT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"

namespace geflow {

/// Parses the .mlir model at `path`: a regular file within the input limits
/// (size, bracket depth; geflow/Support/InputLimits.h) holding one graph
/// function. Errors are emitted on `context`.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
parseMlirModelFile(mlir::MLIRContext &context, llvm::StringRef path);

} // namespace geflow

#endif // GEFLOW_LIB_COMPILER_MLIRINPUT_H
