//===- TranslatorUtils.h - Small helpers shared by op translators -*- C++ -*-//
#ifndef GEFLOW_LIB_FRONTEND_ONNX_TRANSLATORUTILS_H
#define GEFLOW_LIB_FRONTEND_ONNX_TRANSLATORUTILS_H

#include "NodeContext.h"

namespace geflow::frontend::onnximp {

/// Sets the node's (single) output to `y`; fails when `y` is null (the
/// translation has recorded why).
mlir::LogicalResult finish(NodeContext &n, mlir::Value y);

/// `value` converted to `elementType` (no op when it already has it).
mlir::Value castTo(NodeContext &n, mlir::Value value, mlir::Type elementType);

/// Records "unsupported" unless `value` holds floats: several ge ops
/// (Sqrt, MatMulV2, Conv2D, ...) compute in floating point only.
mlir::LogicalResult requireFloat(NodeContext &n, mlir::Value value);

/// Combines `values` left to right with a binary ge op (Max, Sum, ...).
template <typename OpTy>
mlir::Value foldLeft(NodeContext &n, llvm::ArrayRef<mlir::Value> values) {
  mlir::Value acc = values.front();
  for (mlir::Value v : values.drop_front()) {
    acc = n.create<OpTy>(acc, v);
    if (!acc)
      return {};
  }
  return acc;
}

/// The inputs that are present (variadic ops).
llvm::SmallVector<mlir::Value> getPresentInputs(NodeContext &n);

/// Whether `dims` (from a constant shape input) can be a tensor shape: no
/// negative dims and an element count far from overflowing. Records a
/// failure naming `what` when not.
bool checkShapeDims(NodeContext &n, llvm::ArrayRef<int64_t> dims,
                    llvm::StringRef what);

/// [begin, end) as a list (for axis lists: rank-sized, not shape-sized).
llvm::SmallVector<int64_t> iota(int64_t begin, int64_t end);

/// Most elements of a constant a translator builds from a shape (an iota, a
/// mask, an identity matrix). Such a constant is built while importing,
/// before constant_max_size is checked, so a huge declared shape must stop
/// here rather than in an allocation. 2^24 int64 elements are 128 MiB.
constexpr int64_t kMaxShapedConstantElements = int64_t(1) << 24;

/// Whether a constant of static `shape` (the node's `what`) has at most
/// kMaxShapedConstantElements elements. Records a failure naming the node,
/// `what`, the shape and its element count when not. Every translator that
/// builds a constant element by element from a shape calls it first.
bool checkShapedConstant(NodeContext &n, llvm::ArrayRef<int64_t> shape,
                         const llvm::Twine &what);

/// The constant 0, 1, ..., N-1 laid out in order over static `shape` (N its
/// element count) of an integer or float `elementType`; null after
/// checkShapedConstant refused it.
mlir::Value iotaConstant(NodeContext &n, llvm::ArrayRef<int64_t> shape,
                         mlir::Type elementType, const llvm::Twine &what);

} // namespace geflow::frontend::onnximp

#endif
