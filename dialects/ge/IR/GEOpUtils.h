//===- GEOpUtils.h - Helpers for ge op inference and verification -*- C++ -*-//
#ifndef GEFLOW_DIALECTS_GE_IR_GEOPUTILS_H
#define GEFLOW_DIALECTS_GE_IR_GEOPUTILS_H

#include "dialects/ge/IR/GEOps.h"
#include "dialects/ge/IR/GEShapes.h"

#include "mlir/IR/Diagnostics.h"

#include <optional>

namespace geflow::ge::detail {

/// Emits "'<op>' op <message>" at the location when there is one, so
/// inference errors read like verifier errors. Always returns failure.
class InferDiag {
public:
  InferDiag(std::optional<mlir::Location> loc, llvm::StringRef opName)
      : loc_(loc), opName_(opName) {}
  template <typename... Args>
  mlir::LogicalResult operator()(Args &&...args) const {
    return mlir::emitOptionalError(loc_, "'", opName_, "' op ",
                                   std::forward<Args>(args)...);
  }

private:
  std::optional<mlir::Location> loc_;
  llvm::StringRef opName_;
};

/// Shape of a ranked tensor value, nullopt when unranked.
inline std::optional<llvm::ArrayRef<int64_t>> shapeOf(mlir::Value v) {
  if (auto t = llvm::dyn_cast<mlir::RankedTensorType>(v.getType()))
    return t.getShape();
  return std::nullopt;
}

inline mlir::Type getElementType(mlir::Value v) {
  return llvm::cast<mlir::ShapedType>(v.getType()).getElementType();
}

inline mlir::Type makeTensor(std::optional<llvm::ArrayRef<int64_t>> shape,
                             mlir::Type elementType) {
  if (!shape)
    return mlir::UnrankedTensorType::get(elementType);
  return mlir::RankedTensorType::get(*shape, elementType);
}

// Inference rules shared by op families (GE_InferOp's `inferCall`).

/// The NumPy broadcast of `operands`' shapes with `elementType`; unranked
/// when any operand is unranked.
mlir::LogicalResult inferBroadcast(const InferDiag &diag,
                                   mlir::ValueRange operands,
                                   mlir::Type elementType,
                                   llvm::SmallVectorImpl<mlir::Type> &inferred);
/// The channel checks of a grouped convolution (2-D, 3-D, integer): output
/// channels divisible by `groups`, input channels = filter in-channels x
/// groups; dynamic dims pass.
mlir::LogicalResult checkGroupedChannels(const InferDiag &diag, int64_t cin,
                                         int64_t cout, int64_t cinPerGroup,
                                         int64_t groups);
/// A static tensor of `shape` and `dtype` given as attributes (ops that
/// produce data from outside the graph: FileConstant, HcomReceive).
mlir::LogicalResult
inferStaticTensor(const InferDiag &diag, llvm::ArrayRef<int64_t> shape,
                  mlir::Type dtype,
                  llvm::SmallVectorImpl<mlir::Type> &inferred);
/// x's type (elementwise unary ops).
mlir::LogicalResult
inferSameAsOperand(mlir::Value x, llvm::SmallVectorImpl<mlir::Type> &inferred);
/// x's shape without (or with size-1, `keepDims`) `axes`; empty: every dim.
mlir::LogicalResult inferReduce(const InferDiag &diag, mlir::Value x,
                                llvm::ArrayRef<int64_t> axes, bool keepDims,
                                llvm::SmallVectorImpl<mlir::Type> &inferred);
/// x's shape without `dimension`, element type `dtype` (ArgMax/ArgMin).
mlir::LogicalResult inferArgReduce(const InferDiag &diag, mlir::Value x,
                                   int64_t dimension, mlir::Type dtype,
                                   llvm::SmallVectorImpl<mlir::Type> &inferred);
/// x's type, after checking `axes` (Softmax, LogSoftmax).
mlir::LogicalResult
inferSoftmaxLike(const InferDiag &diag, mlir::Value x,
                 llvm::ArrayRef<int64_t> axes,
                 llvm::SmallVectorImpl<mlir::Type> &inferred);

/// Reads a constant integer tensor (ge.Const or any constant-like op).
std::optional<llvm::SmallVector<int64_t>> getConstantInts(mlir::Value v);

/// Formats an int list as "[a, b, c]" for messages.
std::string formatList(llvm::ArrayRef<int64_t> values);

/// Position of the channel and the two spatial dims of a 4-D tensor in
/// `dataFormat` ("NCHW" or "NHWC"); failure for any other string.
struct Layout4D {
  int64_t n, c, h, w;
};
std::optional<Layout4D> getLayout4D(llvm::StringRef dataFormat);

/// Folds an op that maps element coordinates (gathers, slices, pads): when
/// `operand` is a constant and `type` static, result element c is operand
/// element `source(c)` (`fill` where source returns -1); null otherwise.
mlir::OpFoldResult
foldByGather(mlir::Attribute operand, mlir::Type type,
             llvm::function_ref<int64_t(llvm::ArrayRef<int64_t>)> source,
             double fill = 0);

} // namespace geflow::ge::detail

#endif
