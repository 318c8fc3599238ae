//===- Passes.h - ge dialect passes -----------------------------*- C++ -*-===//
#ifndef GEFLOW_DIALECTS_GE_TRANSFORMS_PASSES_H
#define GEFLOW_DIALECTS_GE_TRANSFORMS_PASSES_H

#include "dialects/ge/IR/GEOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace geflow::ge {

#define GEN_PASS_DECL
#include "dialects/ge/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/ge/Transforms/Passes.h.inc"

} // namespace geflow::ge

#endif
