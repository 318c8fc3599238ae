//===- GEOps.h - ge dialect ops ---------------------------------*- C++ -*-===//
#ifndef GEFLOW_DIALECTS_GE_IR_GEOPS_H
#define GEFLOW_DIALECTS_GE_IR_GEOPS_H

#include "dialects/ge/IR/GEDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace geflow::ge {
/// Result-type compatibility for every ge op with inferred types: same count,
/// same element types, compatible shapes; format encodings are not compared.
bool areCompatibleResultTypes(mlir::TypeRange inferred, mlir::TypeRange actual);
/// The same for Cube ops, which may also widen f16/bf16 to an f32 result.
bool areCompatibleCubeResultTypes(mlir::TypeRange inferred,
                                  mlir::TypeRange actual);
} // namespace geflow::ge

namespace geflow::ge::traits {
/// Marks ops only the host CPU engine has a kernel for (GE_HostOnlyKernel).
template <typename ConcreteType>
class HostOnlyKernel
    : public mlir::OpTrait::TraitBase<ConcreteType, HostOnlyKernel> {};
} // namespace geflow::ge::traits

#define GET_OP_CLASSES
#include "dialects/ge/IR/GEOps.h.inc"

#endif // GEFLOW_DIALECTS_GE_IR_GEOPS_H
