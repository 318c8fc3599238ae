//===- Passes.h - npu task-program passes -----------------------*- C++ -*-===//
#ifndef GEFLOW_DIALECTS_NPU_TRANSFORMS_PASSES_H
#define GEFLOW_DIALECTS_NPU_TRANSFORMS_PASSES_H

#include "dialects/npu/IR/NPUOps.h"

#include "mlir/Pass/Pass.h"

namespace geflow::npu {

#define GEN_PASS_DECL
#include "dialects/npu/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/npu/Transforms/Passes.h.inc"

} // namespace geflow::npu

#endif
