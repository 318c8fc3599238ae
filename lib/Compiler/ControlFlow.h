//===- ControlFlow.h - Compiling If and While subgraphs ---------*- C++ -*-===//
#ifndef GEFLOW_LIB_COMPILER_CONTROLFLOW_H
#define GEFLOW_LIB_COMPILER_CONTROLFLOW_H

#include "geflow/Compiler/Compile.h"

#include "mlir/IR/BuiltinOps.h"

namespace geflow {

/// Compiles every region of the module's ge.If and ge.While ops into an
/// executable of its own (the whole compile of a model, memory plan and
/// task program included; nested control flow recursively) and replaces
/// each op by a ge.ControlCall naming its executables in the module's
/// `ge.subgraphs` table. Enclosing values a region reads become inputs of
/// its executable, except constants, which it gets a copy of.
mlir::LogicalResult outlineControlFlow(mlir::ModuleOp module,
                                       const CompileConfig &config,
                                       const std::string &modelName);

} // namespace geflow

#endif
