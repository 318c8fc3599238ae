//===- ElementwiseOps.cpp - Arithmetic, comparison, math, Cast, Clip ------===//
//
// ONNX binary ops broadcast like NumPy from opset 7 on, exactly as the ge
// binary ops do, so they map one to one. Variadic Min/Max/Sum/Mean become
// chains of binary ops.
//
//===----------------------------------------------------------------------===//
#include "OpTranslators.h"
#include "TranslatorUtils.h"

#include "mlir/IR/TypeUtilities.h"

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

// fmod = 1 is C fmod (the dividend's sign); fmod = 0, only valid for
// integers, is Python's % (the divisor's sign).
LogicalResult translateMod(NodeContext &n) {
  Value a = n.getRequiredInput(0), b = n.getRequiredInput(1);
  if (!a || !b)
    return failure();
  bool fmod = n.getInt("fmod", 0) != 0;
  if (!fmod && isFloatTensor(a))
    return n.fail("fmod = 0 is not valid for floating-point inputs");
  Value y = fmod ? n.create<ModOp>(a, b) : n.create<FloorModOp>(a, b);
  n.setOutput(0, y);
  return success(y != nullptr);
}

// BitShift has no device kernel: ge.BitShift runs on the host CPU engine.
LogicalResult translateBitShift(NodeContext &n) {
  Value a = n.getRequiredInput(0), b = n.getRequiredInput(1);
  if (!a || !b)
    return failure();
  std::string direction = n.getString("direction", "");
  if (direction != "LEFT" && direction != "RIGHT")
    return n.fail("attribute 'direction' is '" + Twine(direction) +
                  "', BitShift takes LEFT or RIGHT");
  Type element = getElementTypeOrSelf(a.getType());
  if (!element.isUnsignedInteger())
    return n.fail("BitShift takes unsigned integers");
  Value y = n.create<BitShiftOp>(a, b, n.getBuilder().getStringAttr(direction));
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
// from then on. Constant float bounds become ge.Clip's f32 attributes;
// integer inputs (exact bounds) and bounds computed at run time become
// Minimum(Maximum(x, min), max), which gives max everywhere when min > max,
// as ONNX specifies.
std::optional<double> clipBoundAttr(NodeContext &n, StringRef attr,
                                    double attrDefault) {
  if (!n.hasAttr(attr))
    return std::nullopt;
  return n.getFloat(attr, attrDefault);
}

LogicalResult translateClip(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  Builder &b = n.getBuilder();
  Type et = getElementType(x);
  if (n.getOpset() < 11) {
    std::optional<double> lo = clipBoundAttr(n, "min", -FLT_MAX);
    std::optional<double> hi = clipBoundAttr(n, "max", FLT_MAX);
    if (n.hasFailed())
      return failure();
    if (lo && hi && *lo > *hi)
      lo = hi;
    FloatAttr loAttr = lo ? b.getF32FloatAttr(*lo) : FloatAttr();
    FloatAttr hiAttr = hi ? b.getF32FloatAttr(*hi) : FloatAttr();
    Value y = n.create<ClipOp>(x, loAttr, hiAttr);
    n.setOutput(0, y);
    return success(y != nullptr);
  }
  Value lo = n.getInput(1), hi = n.getInput(2);
  for (Value bound : {lo, hi})
    if (bound && (!getRank(bound) || *getRank(bound) != 0))
      return n.fail("the min and max inputs must be scalars");
  bool isFloat = isa<FloatType>(et);
  auto constantBound = [&](Value bound, unsigned i) -> std::optional<double> {
    if (!bound || !isFloat)
      return std::nullopt;
    auto values = n.getConstantFloats(i);
    return values && values->size() == 1 ? std::optional(values->front())
                                         : std::nullopt;
  };
  std::optional<double> loValue = constantBound(lo, 1),
                        hiValue = constantBound(hi, 2);
  if (isFloat && (!lo || loValue) && (!hi || hiValue)) {
    if (loValue && hiValue && *loValue > *hiValue)
      loValue = hiValue;
    FloatAttr loAttr = loValue ? b.getF32FloatAttr(*loValue) : FloatAttr();
    FloatAttr hiAttr = hiValue ? b.getF32FloatAttr(*hiValue) : FloatAttr();
    Value y = n.create<ClipOp>(x, loAttr, hiAttr);
    n.setOutput(0, y);
    return success(y != nullptr);
  }
  Value y = x;
  if (lo)
    y = n.create<MaximumOp>(y, lo);
  if (y && hi)
    y = n.create<MinimumOp>(y, hi);
  if (y == x)
    y = n.create<IdentityOp>(x);
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
      {"Mod", translateMod},
      {"BitShift", translateBitShift},
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
      {"Floor", translateFloatUnary<FloorOp>},
      {"Ceil", translateFloatUnary<CeilOp>},
      {"Round", translateFloatUnary<RoundOp>},
      {"Sin", translateFloatUnary<SinOp>},
      {"Cos", translateFloatUnary<CosOp>},
      {"Tan", translateFloatUnary<TanOp>},
      {"Asin", translateFloatUnary<AsinOp>},
      {"Acos", translateFloatUnary<AcosOp>},
      {"Atan", translateFloatUnary<AtanOp>},
      {"Sinh", translateFloatUnary<SinhOp>},
      {"Cosh", translateFloatUnary<CoshOp>},
      {"Asinh", translateFloatUnary<AsinhOp>},
      {"Acosh", translateFloatUnary<AcoshOp>},
      {"Atanh", translateFloatUnary<AtanhOp>},
      {"Neg", translateUnary<NegOp>},
      {"Abs", translateUnary<AbsOp>},
      {"Cast", translateCast},
      {"CastLike", translateCastLike},
      {"Clip", translateClip},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
