//===- MatMulOps.cpp - Gemm and MatMul ------------------------------------===//
#include "OpTranslators.h"
#include "TranslatorUtils.h"

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

/// Whether C can be MatMulV2's bias: exactly [N] with N static (N is B's
/// dim 1, or dim 0 when B is transposed).
bool isBiasShaped(Value c, Value b, bool transB) {
  auto cShape = getShape(c), bShape = getShape(b);
  if (!cShape || !bShape || cShape->size() != 1 || bShape->size() != 2)
    return false;
  int64_t n = (*bShape)[transB ? 0 : 1];
  return !ShapedType::isDynamic(n) && (*cShape)[0] == n;
}

// Y = alpha * op(A) * op(B) + beta * C, with C broadcasting to [M, N].
LogicalResult translateGemm(NodeContext &n) {
  Value a = n.getRequiredInput(0), b = n.getRequiredInput(1);
  Value c = n.getInput(2);
  if (!a || !b || failed(requireFloat(n, a)))
    return failure();
  double alpha = n.getFloat("alpha", 1.0f), beta = n.getFloat("beta", 1.0f);
  bool transA = n.getInt("transA", 0) != 0;
  bool transB = n.getInt("transB", 0) != 0;
  // The common case (a Linear layer) keeps the bias inside the matmul.
  if (c && alpha == 1.0 && beta == 1.0 && isBiasShaped(c, b, transB)) {
    Value y = n.create<MatMulV2Op>(a, b, c, transA, transB);
    n.setOutput(0, y);
    return success(y != nullptr);
  }
  Value y = n.create<MatMulV2Op>(a, b, Value(), transA, transB);
  if (!y)
    return failure();
  Type et = getElementType(y);
  if (alpha != 1.0)
    y = n.create<MulOp>(y, n.constantScalar(et, alpha));
  if (y && c && beta != 0.0) {
    if (beta != 1.0)
      c = n.create<MulOp>(c, n.constantScalar(et, beta));
    y = c ? n.create<AddOp>(y, c) : Value();
  }
  n.setOutput(0, y);
  return success(y != nullptr);
}

// NumPy matmul: 2-D operands are a MatMulV2, higher ranks a BatchMatMulV2
// with broadcast batch dims; a 1-D operand is promoted to a matrix and its
// unit dim removed from the result.
LogicalResult translateMatMul(NodeContext &n) {
  Value a = n.getRequiredInput(0), b = n.getRequiredInput(1);
  if (!a || !b || failed(requireFloat(n, a)))
    return failure();
  std::optional<int64_t> rankA = n.requireRank(a, "MatMul");
  std::optional<int64_t> rankB = n.requireRank(b, "MatMul");
  if (!rankA || !rankB)
    return failure();
  if (*rankA == 0 || *rankB == 0)
    return n.fail("MatMul operands must have rank >= 1");
  bool vectorA = *rankA == 1, vectorB = *rankB == 1;
  if (vectorA && !(a = n.create<ExpandDimsOp>(a, ArrayRef<int64_t>{0})))
    return failure();
  if (vectorB && !(b = n.create<ExpandDimsOp>(b, ArrayRef<int64_t>{1})))
    return failure();
  Value y = *getRank(a) == 2 && *getRank(b) == 2
                ? n.create<MatMulV2Op>(a, b, Value(), false, false)
                : n.create<BatchMatMulV2Op>(a, b, Value(), false, false);
  if (y && (vectorA || vectorB)) {
    int64_t rank = *getRank(y);
    SmallVector<int64_t> axes;
    if (vectorA)
      axes.push_back(rank - 2);
    if (vectorB)
      axes.push_back(rank - 1);
    y = n.create<SqueezeOp>(y, axes);
  }
  n.setOutput(0, y);
  return success(y != nullptr);
}

} // namespace

ArrayRef<OpTranslator> getMatMulTranslators() {
  static const OpTranslator table[] = {
      {"Gemm", translateGemm},
      {"MatMul", translateMatMul},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
