//===- MixedCompute.h - Mixed compute checks and summary --------*- C++ -*-===//
#ifndef GEFLOW_LIB_COMPILER_MIXEDCOMPUTE_H
#define GEFLOW_LIB_COMPILER_MIXEDCOMPUTE_H

#include "geflow/Compiler/Compile.h"

#include "mlir/IR/BuiltinOps.h"

namespace geflow {

/// Every node name of in_out_pair names an op or input of the imported
/// graph (checked before any pass folds ops away); an unknown name is an
/// error that names it and suggests close names.
mlir::LogicalResult checkInOutPairNames(mlir::ModuleOp module,
                                        const MixedComputeConfig &config);

/// Adds the host-placed tasks (with their reasons) and the copies between
/// the engines of the compiled programs to `summary`.
void summarizeMixedCompute(mlir::ModuleOp module, CompileSummary &summary);

} // namespace geflow

#endif
