//===- Variables.h - updatable_weights, frozen_variable ---------*- C++ -*-===//
//
// Private to GeflowCompiler: the variable options applied to an imported
// graph before the compile pipeline (Variables.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_COMPILER_VARIABLES_H
#define GEFLOW_LIB_COMPILER_VARIABLES_H

#include "geflow/Compiler/CompileConfig.h"

#include "mlir/IR/BuiltinOps.h"

namespace geflow {

/// frozen_variable: every ge.Variable with an initial value becomes a
/// ge.Const. updatable_weights: the named weights (or, for "all", every
/// float initializer) become ge.Variable ops named after them, which no
/// pass folds; a requested name that is not a weight of the graph is an
/// error listing them all. Then checks variable_memory_max_size against all
/// variables (the error names the largest).
mlir::LogicalResult applyVariableOptions(mlir::ModuleOp module,
                                         const VariableConfig &config);

} // namespace geflow

#endif
