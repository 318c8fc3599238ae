//===- FileConstants.h - Load external weights into the executable -*- C++ -*-//
#ifndef GEFLOW_LIB_COMPILER_FILECONSTANTS_H
#define GEFLOW_LIB_COMPILER_FILECONSTANTS_H

#include "mlir/IR/BuiltinOps.h"

namespace geflow {

/// The module attribute recording the directory external weight paths are
/// relative to (set when a model file is imported).
constexpr llvm::StringLiteral kModelDirAttr = "ge.model_dir";

/// Replaces every ge.FileConstant by a ge.Const holding the file's bytes
/// (read from the model directory, which the path may not leave), so the
/// executable carries its weights as ATC's .om does.
mlir::LogicalResult loadFileConstants(mlir::ModuleOp module);

} // namespace geflow

#endif
