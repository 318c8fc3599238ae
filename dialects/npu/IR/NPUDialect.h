//===- NPUDialect.h - The npu task dialect ----------------------*- C++ -*-===//
#ifndef GEFLOW_DIALECTS_NPU_IR_NPUDIALECT_H
#define GEFLOW_DIALECTS_NPU_IR_NPUDIALECT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/OpImplementation.h"

#include "dialects/npu/IR/NPUDialect.h.inc"
#include "dialects/npu/IR/NPUEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/npu/IR/NPUAttrs.h.inc"

namespace geflow::npu {

/// Every buffer offset in the arena and the weight blob is a multiple of this.
constexpr uint64_t kBufferAlignment = 64;

inline uint64_t alignUp(uint64_t v, uint64_t a = kBufferAlignment) {
  return (v + a - 1) / a * a;
}

/// Bytes a tensor of `type` occupies (its physical shape under its format;
/// i1 takes a byte). Fails for dynamic shapes.
mlir::FailureOr<uint64_t> getStorageBytes(mlir::Type type);

} // namespace geflow::npu

#endif
