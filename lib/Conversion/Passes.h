//===- Passes.h - Conversion passes -----------------------------*- C++ -*-===//
#ifndef GEFLOW_CONVERSION_PASSES_H
#define GEFLOW_CONVERSION_PASSES_H

#include "dialects/npu/IR/NPUOps.h"

#include "mlir/Pass/Pass.h"

namespace geflow {

#define GEN_PASS_DECL
#include "lib/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lib/Conversion/Passes.h.inc"

} // namespace geflow

#endif
