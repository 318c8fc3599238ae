//===- IntegerOps.cpp - ConvInteger, MatMulInteger, QLinearConv/MatMul ----===//
//
// The integer products run on the host CPU engine as ge.QuantConv2D and
// ge.QuantBatchMatMul: 8-bit operands minus their zero points, accumulated
// exactly in int32 (a float decomposition would round sums above 2^24).
// QLinearConv and QLinearMatMul requantize that int32 result as ONNX
// Runtime does, in f32: Cast(Clip(Round(acc * (a_scale * b_scale /
// y_scale)) + y_zero_point)), round half to even. Zero points and scales
// may be computed at run time; absent zero points are 0.
//
//===----------------------------------------------------------------------===//
#include "ConvWindow.h"
#include "OpTranslators.h"
#include "TranslatorUtils.h"

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

bool isQuantType(Type t) { return t.isInteger(8); }

/// The 8-bit operand `name`, or a failure naming it.
Value quantOperand(NodeContext &n, unsigned i, StringRef name) {
  Value v = n.getRequiredInput(i);
  if (v && !isQuantType(getElementType(v))) {
    std::string type;
    llvm::raw_string_ostream(type) << getElementType(v);
    (void)n.fail(name + " must be int8 or uint8, got " + type);
    return {};
  }
  return v;
}

/// Zero point input `i` of `operand` (0 when absent): of the operand's type
/// and, when `perDim` names what, one element or a 1-D tensor of `count`.
Value zeroPoint(NodeContext &n, unsigned i, Value operand, StringRef name,
                int64_t count, StringRef perDim) {
  Type et = getElementType(operand);
  Value zp = n.getInput(i);
  if (!zp)
    return n.constantScalar(et, 0);
  if (getElementType(zp) != et) {
    (void)n.fail(name + " must have the type of the tensor it shifts");
    return {};
  }
  auto shape = getShape(zp);
  if (!shape)
    return zp;
  int64_t elements = 1;
  for (int64_t d : *shape)
    elements = ShapedType::isDynamic(d) ? ShapedType::kDynamic : elements * d;
  bool single = elements == 1 && shape->size() <= 1;
  bool perAxis = !perDim.empty() && shape->size() == 1 &&
                 (elements == count || ShapedType::isDynamic(count));
  if (!single && !perAxis) {
    std::string dims;
    for (int64_t d : *shape)
      dims += (dims.empty() ? "" : ", ") + std::to_string(d);
    (void)n.fail(name + " must hold one element" +
                 (perDim.empty()
                      ? Twine("")
                      : " or one per " + perDim + " (" + Twine(count) + ")") +
                 ", got shape [" + dims + "]");
    return {};
  }
  return zp;
}

/// 2-D windows of ConvInteger/QLinearConv in ge's NCHW attribute layout.
struct ConvAttrs {
  SmallVector<int64_t> strides, pads, dilations;
  int64_t groups;
};

std::optional<ConvAttrs> readConvAttrs(NodeContext &n, Value x, Value w) {
  auto xs = getShape(x), ws = getShape(w);
  if (!xs || !ws || xs->size() != 4 || ws->size() != 4) {
    (void)n.unsupported("only 2-D " + n.getOpType() +
                        " (4-D x and w) is supported");
    return std::nullopt;
  }
  if (ShapedType::isDynamic((*ws)[2]) || ShapedType::isDynamic((*ws)[3])) {
    (void)n.unsupported("the filter needs static spatial dims");
    return std::nullopt;
  }
  auto kernel = kernelOf(n, w, 2);
  if (!kernel)
    return std::nullopt;
  if ((*kernel)[0] != (*ws)[2] || (*kernel)[1] != (*ws)[3]) {
    (void)n.fail("kernel_shape differs from the filter's spatial dims");
    return std::nullopt;
  }
  std::optional<Window> window = readWindow(n, x, *kernel);
  if (!window)
    return std::nullopt;
  int64_t groups = n.getInt("group", 1);
  if (groups < 1) {
    (void)n.fail("group must be >= 1, got " + Twine(groups));
    return std::nullopt;
  }
  return ConvAttrs{window->geStrides(), window->gePads(), window->geDilations(),
                   groups};
}

/// The int32 convolution of inputs x (xIndex) and w (wIndex), their zero
/// points at xZpIndex/wZpIndex and an optional int32 bias.
Value integerConv(NodeContext &n, unsigned xIndex, unsigned xZpIndex,
                  unsigned wIndex, unsigned wZpIndex, Value bias) {
  Value x = quantOperand(n, xIndex, "x"), w = quantOperand(n, wIndex, "w");
  if (!x || !w)
    return {};
  std::optional<ConvAttrs> attrs = readConvAttrs(n, x, w);
  if (!attrs)
    return {};
  int64_t cout = (*getShape(w))[0];
  Value xZp = zeroPoint(n, xZpIndex, x, "x_zero_point", 1, "");
  Value wZp = zeroPoint(n, wZpIndex, w, "w_zero_point", cout, "output channel");
  if (!xZp || !wZp)
    return {};
  Type i32 = IntegerType::get(n.getContext(), 32);
  if (!bias) {
    if (ShapedType::isDynamic(cout)) {
      (void)n.unsupported("the filter needs a static output channel count");
      return {};
    }
    auto type = RankedTensorType::get({cout}, i32);
    bias = n.constant(DenseElementsAttr::get(type, APInt(32, 0)));
  } else if (getElementType(bias) != i32) {
    (void)n.fail("the bias B must be int32");
    return {};
  }
  return n.create<QuantConv2DOp>(x, w, bias, xZp, wZp, attrs->strides,
                                 attrs->pads, attrs->dilations,
                                 static_cast<uint64_t>(attrs->groups));
}

/// The int32 product of inputs a (aIndex) and b (bIndex) with their zero
/// points.
Value integerMatMul(NodeContext &n, unsigned aIndex, unsigned aZpIndex,
                    unsigned bIndex, unsigned bZpIndex) {
  Value a = quantOperand(n, aIndex, "A"), b = quantOperand(n, bIndex, "B");
  if (!a || !b)
    return {};
  auto as = getShape(a), bs = getShape(b);
  if (!as || !bs || as->size() < 2 || bs->size() < 2) {
    (void)n.unsupported(n.getOpType() +
                        " needs operands of known rank >= 2 (1-D operands "
                        "are not supported)");
    return {};
  }
  Value aZp = zeroPoint(n, aZpIndex, a, "a_zero_point", (*as)[as->size() - 2],
                        "row of A");
  Value bZp =
      zeroPoint(n, bZpIndex, b, "b_zero_point", bs->back(), "column of B");
  if (!aZp || !bZp)
    return {};
  return n.create<QuantBatchMatMulOp>(a, b, aZp, bZp);
}

/// A scale input: f32, one element or 1-D (per `what`).
Value scaleInput(NodeContext &n, unsigned i, StringRef name) {
  Value s = n.getRequiredInput(i);
  if (s && !getElementType(s).isF32()) {
    (void)n.fail(name + " must be float32");
    return {};
  }
  auto rank = s ? getRank(s) : std::nullopt;
  if (s && (!rank || *rank > 1)) {
    (void)n.fail(name + " must be a scalar or 1-D");
    return {};
  }
  return s;
}

/// A 1-D parameter with more than one element, reshaped to broadcast along
/// dim `axis` of a rank-`rank` result (per-channel / per-row scales).
Value alongDim(NodeContext &n, Value v, int64_t axis, int64_t rank) {
  auto shape = getShape(v);
  if (!v || !shape || shape->empty() || (*shape)[0] == 1 || axis == rank - 1)
    return v;
  return n.create<ExpandDimsOp>(v, iota(1, rank - axis));
}

/// Requantizes int32 `acc` to y_zero_point's type (uint8 when absent).
Value requantize(NodeContext &n, Value acc, Value aScale, Value bScale,
                 Value yScale, unsigned yZpIndex) {
  Value yZp = n.getInput(yZpIndex);
  Type qType = yZp ? getElementType(yZp)
                   : IntegerType::get(n.getContext(), 8, IntegerType::Unsigned);
  if (!isQuantType(qType)) {
    (void)n.fail("y_zero_point must be int8 or uint8");
    return {};
  }
  if (yZp && getRank(yZp) &&
      (*getRank(yZp) > 1 ||
       (*getRank(yZp) == 1 && *getShape(yZp) != ArrayRef<int64_t>{1}))) {
    (void)n.fail("y_zero_point must hold one element");
    return {};
  }
  Type f32 = Float32Type::get(n.getContext());
  Value scale = n.create<MulOp>(aScale, bScale);
  scale = scale ? n.create<RealDivOp>(scale, yScale) : Value();
  Value accF = scale ? castTo(n, acc, f32) : Value();
  Value y = accF ? n.create<MulOp>(accF, scale) : Value();
  y = y ? n.create<RoundOp>(y) : Value();
  Value yZpF = y && yZp ? castTo(n, yZp, f32) : Value();
  if (yZpF)
    y = n.create<AddOp>(y, yZpF);
  else if (yZp)
    y = Value();
  bool isUnsigned = qType.isUnsignedInteger();
  Builder &b = n.getBuilder();
  if (y)
    y = n.create<ClipOp>(y, b.getF32FloatAttr(isUnsigned ? 0 : -128),
                         b.getF32FloatAttr(isUnsigned ? 255 : 127));
  return y ? castTo(n, y, qType) : Value();
}

LogicalResult translateConvInteger(NodeContext &n) {
  return finish(n, integerConv(n, 0, 2, 1, 3, Value()));
}

LogicalResult translateMatMulInteger(NodeContext &n) {
  return finish(n, integerMatMul(n, 0, 2, 1, 3));
}

// x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale,
// y_zero_point, B.
LogicalResult translateQLinearConv(NodeContext &n) {
  Value xScale = scaleInput(n, 1, "x_scale");
  Value wScale = scaleInput(n, 4, "w_scale");
  Value yScale = scaleInput(n, 6, "y_scale");
  if (!xScale || !wScale || !yScale)
    return failure();
  Value acc = integerConv(n, 0, 2, 3, 5, n.getInput(8));
  if (!acc)
    return failure();
  auto cout = (*getShape(acc))[1];
  auto ws = getShape(wScale);
  if (ws && !ws->empty() && (*ws)[0] != 1 && (*ws)[0] != cout)
    return n.fail("w_scale must hold one element or one per output channel (" +
                  Twine(cout) + ")");
  return finish(
      n, requantize(n, acc, xScale, alongDim(n, wScale, 1, 4), yScale, 7));
}

// a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale,
// y_zero_point.
LogicalResult translateQLinearMatMul(NodeContext &n) {
  Value aScale = scaleInput(n, 1, "a_scale");
  Value bScale = scaleInput(n, 4, "b_scale");
  Value yScale = scaleInput(n, 6, "y_scale");
  if (!aScale || !bScale || !yScale)
    return failure();
  Value acc = integerMatMul(n, 0, 2, 3, 5);
  if (!acc)
    return failure();
  auto shape = *getShape(acc);
  int64_t rank = shape.size();
  auto as = getShape(aScale), bs = getShape(bScale);
  if (as && !as->empty() && (*as)[0] != 1 && (*as)[0] != shape[rank - 2])
    return n.fail("a_scale must hold one element or one per row of a");
  if (bs && !bs->empty() && (*bs)[0] != 1 && (*bs)[0] != shape[rank - 1])
    return n.fail("b_scale must hold one element or one per column of b");
  return finish(n, requantize(n, acc, alongDim(n, aScale, rank - 2, rank),
                              bScale, yScale, 7));
}

} // namespace

ArrayRef<OpTranslator> getIntegerTranslators() {
  static const OpTranslator table[] = {
      {"ConvInteger", translateConvInteger},
      {"MatMulInteger", translateMatMulInteger},
      {"QLinearConv", translateQLinearConv},
      {"QLinearMatMul", translateQLinearMatMul},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
