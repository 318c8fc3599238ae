//===- ConstantOps.cpp - Constant, ConstantOfShape, Range -----------------===//
//
// These produce constants: ge.Const ops (folded, so that shapes computed
// from them fold further). ConstantOfShape and Range need constant inputs.
//
//===----------------------------------------------------------------------===//
#include "OpTranslators.h"
#include "TranslatorUtils.h"

#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

LogicalResult translateConstant(NodeContext &n) {
  Builder &b = n.getBuilder();
  if (n.hasAttr("value"))
    return finish(n, n.getTensorAttrAsConstant("value"));
  if (n.hasAttr("value_float"))
    return finish(
        n, n.constantScalar(b.getF32Type(), n.getFloat("value_float", 0)));
  if (n.hasAttr("value_int"))
    return finish(n,
                  n.constantScalar(b.getI64Type(), n.getInt("value_int", 0)));
  if (n.hasAttr("value_ints"))
    return finish(n, n.constantI64(n.getInts("value_ints")));
  if (n.hasAttr("value_floats")) {
    SmallVector<float> values = n.getFloats("value_floats");
    auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                      b.getF32Type());
    return finish(
        n, n.constant(DenseElementsAttr::get(type, ArrayRef<float>(values))));
  }
  if (n.hasAttr("sparse_value"))
    return n.unsupported("sparse constants are not supported");
  if (n.hasAttr("value_string") || n.hasAttr("value_strings"))
    return n.unsupported("string constants are not supported");
  return n.fail("has no value attribute");
}

LogicalResult translateConstantOfShape(NodeContext &n) {
  // A shape computed at run time: the output shape ONNX knows.
  std::optional<SmallVector<int64_t>> dims =
      n.getInput(0) && !n.getConstantInts(0)
          ? n.getKnownOutputShape(0)
          : n.requireConstantInts(0, "the shape input");
  if (!dims && !n.hasFailed())
    return n.unsupported("the shape input must be a constant (ge takes it as "
                         "an attribute) or the output shape known");
  if (!dims || !checkShapeDims(n, *dims, "the shape"))
    return failure();
  Attribute element = n.getBuilder().getF32FloatAttr(0);
  if (n.hasAttr("value")) {
    Value value = n.getTensorAttrAsConstant("value");
    DenseElementsAttr attr;
    if (!value || !matchPattern(value, m_Constant(&attr)))
      return failure();
    if (attr.getNumElements() != 1)
      return n.fail("attribute 'value' must hold one element");
    element = attr.getValues<Attribute>()[0];
  }
  Type et = cast<TypedAttr>(element).getType();
  auto type = RankedTensorType::get(*dims, et);
  return finish(n, n.constant(DenseElementsAttr::get(type, element)));
}

/// Range with bounds computed at run time and a length ONNX knows:
/// start + [0, 1, ..., n-1] * delta, exact for integers.
LogicalResult translateRuntimeRange(NodeContext &n, Value start, Value delta) {
  auto shape = n.getKnownOutputShape(0);
  if (!shape) {
    // A length read off the users (a function body's Range feeding an
    // output of declared length) is checked against the bounds at run
    // time by the host op.
    auto fromUsers = n.getOutputShapeFromUsers(0);
    if (fromUsers && fromUsers->size() == 1) {
      Type et = getElementType(start);
      auto y = n.createWithTypes<RangeOp>(
          TypeRange{RankedTensorType::get(*fromUsers, et)}, start,
          castTo(n, n.getInput(1), et), castTo(n, delta, et));
      return finish(n, y.empty() ? Value() : y.front());
    }
  }
  if (!shape || shape->size() != 1)
    return n.unsupported("start, limit and delta must be constant scalars, or "
                         "the output length known");
  Value positions =
      iotaConstant(n, *shape, getElementType(start), "the output positions");
  if (!positions)
    return failure();
  Value offsets = n.create<MulOp>(positions, delta);
  return finish(n, offsets ? n.create<AddOp>(start, offsets) : Value());
}

LogicalResult translateRange(NodeContext &n) {
  Value start = n.getRequiredInput(0);
  if (!start || !n.getRequiredInput(1) || !n.getRequiredInput(2))
    return failure();
  auto first = n.getConstantFloats(0), limit = n.getConstantFloats(1),
       delta = n.getConstantFloats(2);
  if (!first || !limit || !delta)
    return translateRuntimeRange(n, start, n.getInput(2));
  if (first->size() != 1 || limit->size() != 1 || delta->size() != 1)
    return n.fail("start, limit and delta must be scalars");
  double s = first->front(), l = limit->front(), d = delta->front();
  if (d == 0)
    return n.fail("delta must not be 0");
  double steps = std::ceil((l - s) / d);
  // A Range is folded into a constant here; beyond this size it would be
  // a weight nobody wants (and NaN/inf bounds are no range at all).
  constexpr double kMaxCount = 1 << 24;
  if (!(steps <= kMaxCount))
    return n.unsupported("a Range of more than 2^24 elements is not "
                         "supported");
  int64_t count = std::max<int64_t>(0, static_cast<int64_t>(steps));
  Type et = getElementType(start);
  auto type = RankedTensorType::get({count}, et);
  if (auto floatType = dyn_cast<FloatType>(et)) {
    SmallVector<APFloat> values;
    for (int64_t i = 0; i < count; ++i) {
      APFloat v(s + i * d);
      bool lostInfo;
      v.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &lostInfo);
      values.push_back(v);
    }
    return finish(n, n.constant(DenseElementsAttr::get(type, values)));
  }
  SmallVector<APInt> values;
  unsigned width = et.getIntOrFloatBitWidth();
  for (int64_t i = 0; i < count; ++i)
    values.push_back(APInt(width, static_cast<int64_t>(s + i * d),
                           /*isSigned=*/true, /*implicitTrunc=*/true));
  return finish(n, n.constant(DenseElementsAttr::get(type, values)));
}

// Ones on diagonal k of a matrix shaped like the (static 2-D) input.
LogicalResult translateEyeLike(NodeContext &n) {
  Value like = n.getRequiredInput(0);
  if (!like)
    return failure();
  auto type = dyn_cast<RankedTensorType>(like.getType());
  if (!type || type.getRank() != 2 || !type.hasStaticShape())
    return n.unsupported("EyeLike needs a static 2-D input");
  Type et = type.getElementType();
  if (n.hasAttr("dtype")) {
    std::optional<Type> dtype = n.getDataTypeAttr("dtype", 1);
    if (!dtype)
      return failure();
    et = *dtype;
  }
  int64_t k = n.getInt("k", 0), rows = type.getDimSize(0),
          cols = type.getDimSize(1);
  Builder &b = n.getBuilder();
  Attribute one = isa<FloatType>(et) ? Attribute(b.getFloatAttr(et, 1))
                                     : Attribute(b.getIntegerAttr(et, 1));
  Attribute zero = b.getZeroAttr(et);
  if (!checkShapedConstant(n, {rows, cols}, "the output"))
    return failure();
  SmallVector<Attribute> values;
  values.reserve(rows * cols);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      values.push_back(j - i == k ? one : zero);
  return finish(n, n.constant(DenseElementsAttr::get(
                       RankedTensorType::get({rows, cols}, et), values)));
}

} // namespace

ArrayRef<OpTranslator> getConstantTranslators() {
  static const OpTranslator table[] = {
      {"Constant", translateConstant},
      {"ConstantOfShape", translateConstantOfShape},
      {"Range", translateRange},
      {"EyeLike", translateEyeLike},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
