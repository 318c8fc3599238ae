//===- GEConstEval.h - Evaluating ge ops on small constants -----*- C++ -*-===//
//
// Folding reads constant operands into ConstTensor (floats as double,
// integers as int64 so i64 shape values stay exact), computes, and writes a
// DenseElementsAttr of the result type. Only small constants are folded:
// weights are transformed by dedicated passes, not by the folder.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_DIALECTS_GE_IR_GECONSTEVAL_H
#define GEFLOW_DIALECTS_GE_IR_GECONSTEVAL_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace geflow::ge::consteval {

  /// Largest constant (in elements) the folders evaluate or create.
  constexpr int64_t kMaxFoldElements = 1 << 16;

  /// Whether a static `shape` has at most kMaxFoldElements elements, counted
  /// without overflow (ShapedType::getNumElements wraps for shapes such as
  /// [2^31, 2^32], which must not look small).
  bool isFoldableShape(llvm::ArrayRef<int64_t> shape);

  struct ConstTensor {
    llvm::SmallVector<int64_t> shape;
    mlir::Type elementType;
    bool isFloat = false;
    llvm::SmallVector<double> f;  // when isFloat
    llvm::SmallVector<int64_t> i; // otherwise (i1 as 0/1)

    int64_t size() const { return isFloat ? f.size() : i.size(); }
  };

  /// Reads a dense constant with a static shape and at most kMaxFoldElements.
  std::optional<ConstTensor> read(mlir::Attribute attr);

  /// Builds the attribute of `type` (whose element type decides rounding and
  /// wrapping) from values; `t.shape` must match the type.
  mlir::DenseElementsAttr write(const ConstTensor &t, mlir::ShapedType type);

  /// Elementwise map on a float or integer tensor.
  std::optional<ConstTensor> mapFloat(const ConstTensor &x,
                                      llvm::function_ref<double(double)> fn);

  /// Elementwise binary op with NumPy broadcasting into `resultType`'s element
  /// kind. `ffn` computes floats, `ifn` integers (return nullopt to refuse,
  /// e.g. a zero divisor). Either may be null to refuse that kind.
  std::optional<ConstTensor> broadcastBinary(
      const ConstTensor &a, const ConstTensor &b, bool resultIsFloat,
      llvm::function_ref<double(double, double)> ffn,
      llvm::function_ref<std::optional<int64_t>(int64_t, int64_t)> ifn);

  /// cond ? a : b elementwise, the three broadcast together (ONNX Where).
  /// `a` and `b` must be of one kind (float or integer).
  std::optional<ConstTensor> select(const ConstTensor &cond,
                                    const ConstTensor &a, const ConstTensor &b);

  /// A data-movement op: output element at `outShape` coordinate c is input
  /// element `source(c)` (a linear index into x), or `fill` when source returns
  /// -1.
  ConstTensor gatherElements(
      const ConstTensor &x, llvm::ArrayRef<int64_t> outShape,
      llvm::function_ref<int64_t(llvm::ArrayRef<int64_t>)> source,
      double fill = 0);

  /// Row-major strides of a shape.
  llvm::SmallVector<int64_t> strides(llvm::ArrayRef<int64_t> shape);

} // namespace geflow::ge::consteval

#endif
