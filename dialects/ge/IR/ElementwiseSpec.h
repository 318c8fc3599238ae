//===- ElementwiseSpec.h - ge elementwise ops as vec_fused instructions -*- C++
//-*-//
//
// The fusion pass asks which ops can join a fused region; the lowering turns
// each of them into one instruction of a vec_fused program. Both use this
// table so they cannot disagree.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_DIALECTS_GE_IR_ELEMENTWISESPEC_H
#define GEFLOW_DIALECTS_GE_IR_ELEMENTWISESPEC_H

#include "geflow/kernels/Elementwise.h"

#include "mlir/IR/Operation.h"

#include <optional>

namespace geflow::ge {

/// One vec_fused instruction: its opcode, the op operands it reads (in
/// order), and scalar parameters that become constants after them.
struct ElementwiseSpec {
  kernels::EwOp opcode;
  llvm::SmallVector<mlir::Value, 3> operands;
  llvm::SmallVector<double, 2> constants;
};

/// The instruction `op` runs as, or nullopt when it is not a fusible
/// elementwise op on float (or i1 condition) tensors.
std::optional<ElementwiseSpec> getElementwiseSpec(mlir::Operation *op);

} // namespace geflow::ge

#endif
