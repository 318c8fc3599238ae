//===- LogicalOps.cpp - Not/And/Or/Xor, <=, >=, IsNaN/IsInf, Sign, Trilu --===//
//
// ge has no logical ops; on i1 values they are exact selections:
//   not a = (a == false)     a and b = a ? b : false
//   a or b = a ? true : b    a xor b = a ? not b : b
// The other predicates build on them: a <= b is (a < b) or (a == b), which
// keeps ONNX's NaN behaviour (false), unlike not (a > b). Trilu selects x
// through a constant triangular mask.
//
//===----------------------------------------------------------------------===//
#include "OpTranslators.h"
#include "TranslatorUtils.h"

#include <limits>

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

Value boolConstant(NodeContext &n, bool value) {
  return n.constantScalar(n.getBuilder().getI1Type(), value);
}

Value logicalNot(NodeContext &n, Value a) {
  return n.create<EqualOp>(a, boolConstant(n, false));
}

Value logicalOr(NodeContext &n, Value a, Value b) {
  return n.create<SelectOp>(a, boolConstant(n, true), b);
}

LogicalResult translateNot(NodeContext &n) {
  Value a = n.getRequiredInput(0);
  return a ? finish(n, logicalNot(n, a)) : failure();
}

LogicalResult translateAnd(NodeContext &n) {
  Value a = n.getRequiredInput(0), b = n.getRequiredInput(1);
  if (!a || !b)
    return failure();
  return finish(n, n.create<SelectOp>(a, b, boolConstant(n, false)));
}

LogicalResult translateOr(NodeContext &n) {
  Value a = n.getRequiredInput(0), b = n.getRequiredInput(1);
  return a && b ? finish(n, logicalOr(n, a, b)) : failure();
}

LogicalResult translateXor(NodeContext &n) {
  Value a = n.getRequiredInput(0), b = n.getRequiredInput(1);
  if (!a || !b)
    return failure();
  Value notB = logicalNot(n, b);
  return finish(n, notB ? n.create<SelectOp>(a, notB, b) : Value());
}

template <typename StrictOpTy> LogicalResult translateOrEqual(NodeContext &n) {
  Value a = n.getRequiredInput(0), b = n.getRequiredInput(1);
  if (!a || !b)
    return failure();
  Value strict = n.create<StrictOpTy>(a, b);
  Value equal = n.create<EqualOp>(a, b);
  return finish(n, strict && equal ? logicalOr(n, strict, equal) : Value());
}

// NaN is the only value unequal to itself.
LogicalResult translateIsNaN(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x || failed(requireFloat(n, x)))
    return failure();
  Value same = n.create<EqualOp>(x, x);
  return finish(n, same ? logicalNot(n, same) : Value());
}

LogicalResult translateIsInf(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x || failed(requireFloat(n, x)))
    return failure();
  bool positive = n.getInt("detect_positive", 1) != 0;
  bool negative = n.getInt("detect_negative", 1) != 0;
  double inf = std::numeric_limits<double>::infinity();
  Type et = getElementType(x);
  Value isPos =
      positive ? n.create<EqualOp>(x, n.constantScalar(et, inf)) : Value();
  Value isNeg =
      negative ? n.create<EqualOp>(x, n.constantScalar(et, -inf)) : Value();
  if (isPos && isNeg)
    return finish(n, logicalOr(n, isPos, isNeg));
  if (isPos || isNeg)
    return finish(n, isPos ? isPos : isNeg);
  if (n.hasFailed())
    return failure();
  // Detecting neither sign: all false.
  return finish(n, n.create<LessOp>(x, x));
}

// 1 for x > 0, -1 for x < 0, x itself otherwise (0 and NaN).
LogicalResult translateSign(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  if (getElementType(x).isUnsignedInteger())
    return finish(
        n, n.create<MinimumOp>(x, n.constantScalar(getElementType(x), 1)));
  Type et = getElementType(x);
  Value zero = n.constantScalar(et, 0);
  Value positive = n.create<GreaterOp>(x, zero);
  Value negative = n.create<LessOp>(x, zero);
  if (!positive || !negative)
    return failure();
  Value rest = n.create<SelectOp>(negative, n.constantScalar(et, -1), x);
  return finish(
      n, rest ? n.create<SelectOp>(positive, n.constantScalar(et, 1), rest)
              : Value());
}

// Keeps the upper (j - i >= k) or lower (j - i <= k) triangle of the last
// two dims, which must be static, and zeroes the rest: through a constant
// mask when k is constant, else by comparing the constant j - i with k.
LogicalResult translateTrilu(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  auto shape = getShape(x);
  if (!shape || shape->size() < 2 ||
      ShapedType::isDynamic((*shape)[shape->size() - 2]) ||
      ShapedType::isDynamic(shape->back()))
    return n.unsupported("Trilu needs static trailing dims");
  int64_t rows = (*shape)[shape->size() - 2], cols = shape->back();
  if (!checkShapedConstant(n, {rows, cols}, "the mask"))
    return failure();
  bool upper = n.getInt("upper", 1) != 0;
  Value zero = n.constantScalar(getElementType(x), 0);
  Value k = n.getInput(1);
  std::optional<SmallVector<int64_t>> constK =
      k ? n.getConstantInts(1) : SmallVector<int64_t>{0};
  if (constK && constK->size() != 1)
    return n.fail("k must hold one value");
  if (k && !constK) {
    auto kShape = getShape(k);
    if (!kShape || !llvm::all_of(*kShape, [](int64_t d) { return d == 1; }))
      return n.fail("k must be a scalar");
    if (!getElementType(k).isInteger(64))
      return n.fail("k must be an int64 tensor");
    SmallVector<int64_t> diagonal; // j - i
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j)
        diagonal.push_back(j - i);
    auto type = RankedTensorType::get({rows, cols}, getElementType(k));
    Value d = n.constant(DenseElementsAttr::get(type, ArrayRef(diagonal)));
    Value drop = upper ? n.create<LessOp>(d, k) : n.create<GreaterOp>(d, k);
    return finish(n, drop ? n.create<SelectOp>(drop, zero, x) : Value());
  }
  SmallVector<bool> keep;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      keep.push_back(upper ? j - i >= constK->front()
                           : j - i <= constK->front());
  auto maskType =
      RankedTensorType::get({rows, cols}, n.getBuilder().getI1Type());
  Value mask = n.constant(DenseElementsAttr::get(maskType, keep));
  return finish(n, n.create<SelectOp>(mask, x, zero));
}

} // namespace

ArrayRef<OpTranslator> getLogicalTranslators() {
  static const OpTranslator table[] = {
      {"Not", translateNot},
      {"And", translateAnd},
      {"Or", translateOr},
      {"Xor", translateXor},
      {"LessOrEqual", translateOrEqual<LessOp>},
      {"GreaterOrEqual", translateOrEqual<GreaterOp>},
      {"IsNaN", translateIsNaN},
      {"IsInf", translateIsInf},
      {"Sign", translateSign},
      {"Trilu", translateTrilu},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
