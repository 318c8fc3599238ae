//===- Passes.h - Compiler passes applying GE's options ---------*- C++ -*-===//
#ifndef GEFLOW_LIB_COMPILER_TRANSFORMS_PASSES_H
#define GEFLOW_LIB_COMPILER_TRANSFORMS_PASSES_H

#include "geflow/Compiler/CompileConfig.h"

#include "dialects/ge/IR/GEDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace geflow {

/// The module attribute recording the directory external weight paths are
/// relative to (set when a model file is imported).
constexpr llvm::StringLiteral kModelDirAttr = "ge.model_dir";

#define GEN_PASS_DECL
#include "lib/Compiler/Transforms/Passes.h.inc"

/// ge-attach-precision under already parsed settings.
std::unique_ptr<mlir::Pass>
createGEAttachPrecision(const PrecisionConfig &config, llvm::StringRef soc);

/// ge-attach-gears under already parsed settings.
std::unique_ptr<mlir::Pass> createGEAttachGears(GearConfig config);

#define GEN_PASS_REGISTRATION
#include "lib/Compiler/Transforms/Passes.h.inc"

} // namespace geflow

#endif
