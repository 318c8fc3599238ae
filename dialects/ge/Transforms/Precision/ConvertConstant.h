//===- ConvertConstant.h - Float constants in another float dtype --*- C++
//-*-===//
//
// The precision pass converts constants (weights, biases) to the dtype their
// consumer runs in at compile time, rather than casting them on every run.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_DIALECTS_GE_TRANSFORMS_PRECISION_CONVERTCONSTANT_H
#define GEFLOW_DIALECTS_GE_TRANSFORMS_PRECISION_CONVERTCONSTANT_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinTypes.h"

namespace geflow::ge::precision {

/// `value` (f32, f16 or bf16 elements) converted to `to` (f32, f16 or bf16)
/// with round-to-nearest-even, bit for bit what the runtime's cast kernel
/// computes; large results become dense_resource blobs named `name`.
/// Failure when the data is unavailable or the types are not float.
mlir::FailureOr<mlir::ElementsAttr>
convertFloatConstant(mlir::ElementsAttr value, mlir::FloatType to,
                     llvm::StringRef name);

} // namespace geflow::ge::precision

#endif
