//===- ElementwiseOps.cpp - Arithmetic, comparison, math, Cast, Clip ------===//
//
// ONNX binary ops broadcast like NumPy from opset 7 on, exactly as the ge
// binary ops do, so they map one to one. Variadic Min/Max/Sum/Mean become
// chains of binary ops.
//
//===----------------------------------------------------------------------===//
#include "OpTranslators.h"
#include "TranslatorUtils.h"

#include <cfloat>

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

template <typename OpTy> LogicalResult translateBinary(NodeContext &n) {
  Value a = n.getRequiredInput(0), b = n.getRequiredInput(1);
  if (!a || !b)
    return failure();
  Value y = n.create<OpTy>(a, b);
  n.setOutput(0, y);
  return success(y != nullptr);
}

// ONNX Pow lets the exponent have its own type; ge.Pow wants one type. An
// integer base with a float exponent is computed in the exponent's type
// (4 ^ 0.5 = 2, as ONNX computes it) and cast back.
LogicalResult translatePow(NodeContext &n) {
  Value base = n.getRequiredInput(0), exponent = n.getRequiredInput(1);
  if (!base || !exponent)
    return failure();
  Type baseType = getElementType(base), expType = getElementType(exponent);
  Value y;
  if (!isa<FloatType>(baseType) && isa<FloatType>(expType)) {
    Value floatBase = castTo(n, base, expType);
    Value power = floatBase ? n.create<PowOp>(floatBase, exponent) : Value();
    y = power ? castTo(n, power, baseType) : Value();
  } else {
    exponent = castTo(n, exponent, baseType);
    y = exponent ? n.create<PowOp>(base, exponent) : Value();
  }
  n.setOutput(0, y);
  return success(y != nullptr);
}

template <typename OpTy> LogicalResult translateVariadic(NodeContext &n) {
  SmallVector<Value> inputs = getPresentInputs(n);
  if (inputs.empty())
    return n.fail("needs at least one input");
  Value y = foldLeft<OpTy>(n, inputs);
  n.setOutput(0, y);
  return success(y != nullptr);
}

LogicalResult translateMean(NodeContext &n) {
  SmallVector<Value> inputs = getPresentInputs(n);
  if (inputs.empty())
    return n.fail("needs at least one input");
  if (failed(requireFloat(n, inputs.front())))
    return failure();
  Value sum = foldLeft<AddOp>(n, inputs);
  if (!sum)
    return failure();
  Value count = n.constantScalar(getElementType(sum), inputs.size());
  Value y = n.create<RealDivOp>(sum, count);
  n.setOutput(0, y);
  return success(y != nullptr);
}

LogicalResult translateWhere(NodeContext &n) {
  Value cond = n.getRequiredInput(0), x = n.getRequiredInput(1),
        y = n.getRequiredInput(2);
  if (!cond || !x || !y)
    return failure();
  Value out = n.create<SelectOp>(cond, x, y);
  n.setOutput(0, out);
  return success(out != nullptr);
}

// Ops ge computes on floats only.
template <typename OpTy> LogicalResult translateFloatUnary(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x || failed(requireFloat(n, x)))
    return failure();
  Value y = n.create<OpTy>(x);
  n.setOutput(0, y);
  return success(y != nullptr);
}

template <typename OpTy> LogicalResult translateUnary(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  Value y = n.create<OpTy>(x);
  n.setOutput(0, y);
  return success(y != nullptr);
}

LogicalResult translateCast(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  std::optional<Type> to = n.getDataTypeAttr("to", /*FLOAT=*/1);
  if (!x || !to)
    return failure();
  Value y = castTo(n, x, *to);
  n.setOutput(0, y);
  return success(y != nullptr);
}

LogicalResult translateCastLike(NodeContext &n) {
  Value x = n.getRequiredInput(0), like = n.getRequiredInput(1);
  if (!x || !like)
    return failure();
  Value y = castTo(n, x, getElementType(like));
  n.setOutput(0, y);
  return success(y != nullptr);
}

// Clip bounds are attributes before opset 11 and optional scalar inputs
// from then on; ge.Clip takes them as f32 attributes, so inputs must be
// constants.
std::optional<double> clipBound(NodeContext &n, unsigned input, StringRef attr,
                                double attrDefault) {
  if (n.getOpset() < 11) {
    if (!n.hasAttr(attr))
      return std::nullopt;
    return n.getFloat(attr, attrDefault);
  }
  if (!n.getInput(input))
    return std::nullopt;
  auto values = n.getConstantFloats(input);
  if (!values || values->size() != 1) {
    (void)n.unsupported("the " + attr + " input must be a constant scalar");
    return std::nullopt;
  }
  return values->front();
}

LogicalResult translateClip(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  std::optional<double> lo = clipBound(n, 1, "min", -FLT_MAX);
  std::optional<double> hi = clipBound(n, 2, "max", FLT_MAX);
  if (n.hasFailed())
    return failure();
  // ONNX: with min > max every element becomes max.
  if (lo && hi && *lo > *hi)
    lo = hi;
  Builder &b = n.getBuilder();
  FloatAttr loAttr = lo ? b.getF32FloatAttr(*lo) : FloatAttr();
  FloatAttr hiAttr = hi ? b.getF32FloatAttr(*hi) : FloatAttr();
  Value y = n.create<ClipOp>(x, loAttr, hiAttr);
  n.setOutput(0, y);
  return success(y != nullptr);
}

} // namespace

ArrayRef<OpTranslator> getElementwiseTranslators() {
  static const OpTranslator table[] = {
      {"Add", translateBinary<AddOp>},
      {"Sub", translateBinary<SubOp>},
      {"Mul", translateBinary<MulOp>},
      {"Div", translateBinary<RealDivOp>},
      {"Pow", translatePow},
      {"Equal", translateBinary<EqualOp>},
      {"Less", translateBinary<LessOp>},
      {"Greater", translateBinary<GreaterOp>},
      {"Max", translateVariadic<MaximumOp>},
      {"Min", translateVariadic<MinimumOp>},
      {"Sum", translateVariadic<AddOp>},
      {"Mean", translateMean},
      {"Where", translateWhere},
      {"Sqrt", translateFloatUnary<SqrtOp>},
      {"Reciprocal", translateFloatUnary<ReciprocalOp>},
      {"Exp", translateFloatUnary<ExpOp>},
      {"Log", translateFloatUnary<LogOp>},
      {"Erf", translateFloatUnary<ErfOp>},
      {"Neg", translateUnary<NegOp>},
      {"Abs", translateUnary<AbsOp>},
      {"Cast", translateCast},
      {"CastLike", translateCastLike},
      {"Clip", translateClip},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
