//===- ValueShapedOps.cpp - Ops whose output shape depends on values ------===//
//
// Slice, Pad and ReduceSum with bounds, pads or axes computed at run time,
// Reshape with allowzero, TopK, NonZero, Compress, Unique and
// NonMaxSuppression. Their output shapes follow from input values, which
// geflow's static programs cannot wait for: the output shape comes from ONNX
// shape inference or the model's declaration (an unknown one is reported as
// unsupported), and the ops run on the host CPU engine, whose kernels check at
// run time that the values give that shape
// (dialects/ge/IR/GEValueShapedOps.td).
//
//===----------------------------------------------------------------------===//
#include "ValueShapedOps.h"
#include "OpTranslators.h"
#include "TranslatorUtils.h"

#include <limits>

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {

namespace {

/// Output `i`'s known static shape, or records "unsupported" saying that
/// `why` needs it.
std::optional<SmallVector<int64_t>>
requireKnownShape(NodeContext &n, unsigned i, const Twine &why) {
  auto shape = n.getKnownOutputShape(i);
  if (!shape)
    (void)n.unsupported(why + ", so its output shape must be known (ONNX "
                              "shape inference or the model's declaration)");
  return shape;
}

RankedTensorType tensorType(ArrayRef<int64_t> shape, Type elementType) {
  return RankedTensorType::get(shape, elementType);
}

} // namespace

bool hasRuntimeInput(NodeContext &n, ArrayRef<unsigned> indices) {
  for (unsigned i : indices)
    if (n.getInput(i) && !n.getConstantInts(i) && !n.getConstantFloats(i))
      return true;
  return false;
}

LogicalResult translateRuntimeSlice(NodeContext &n, Value x) {
  Value starts = n.getRequiredInput(1), ends = n.getRequiredInput(2);
  if (!starts || !ends)
    return failure();
  auto count = getShape(starts);
  if (!count || count->size() != 1 || ShapedType::isDynamic(count->front()))
    return n.unsupported("runtime starts must have a static 1-D shape");
  auto shape = requireKnownShape(n, 0,
                                 "the starts, ends, axes or steps are "
                                 "computed at run time");
  if (!shape)
    return failure();
  if (!(n.getInput(3) && n.getInput(4)) &&
      !checkShapedConstant(n, *count, "the default axes and steps"))
    return failure();
  Value axes =
      n.getInput(3) ? n.getInput(3) : n.constantI64(iota(0, count->front()));
  Value steps = n.getInput(4)
                    ? n.getInput(4)
                    : n.constantI64(SmallVector<int64_t>(count->front(), 1));
  auto y = n.createWithTypes<StridedSliceV2Op>(
      tensorType(*shape, getElementType(x)), x, starts, ends, axes, steps);
  return finish(n, y.empty() ? Value() : y.front());
}

LogicalResult translateRuntimePad(NodeContext &n, Value x, StringRef mode) {
  if (mode != "constant" && mode != "edge" && mode != "reflect")
    return n.unsupported("mode '" + mode +
                         "' with runtime pads is not "
                         "supported");
  if (n.getOpset() >= 18 && n.getInput(3))
    return n.unsupported("the axes input with runtime pads or "
                         "constant_value is not supported");
  Value pads = n.getRequiredInput(1);
  if (!pads)
    return failure();
  auto shape = requireKnownShape(n, 0,
                                 "the pads or constant_value are "
                                 "computed at run time");
  if (!shape)
    return failure();
  Type et = getElementType(x);
  Value value = n.getInput(2) ? n.getInput(2) : n.constantScalar(et, 0);
  if (getElementType(value) != et)
    return n.fail("constant_value must have the input's element type");
  auto y = n.createWithTypes<PadV3Op>(tensorType(*shape, et), x, pads, value,
                                      n.getBuilder().getStringAttr(mode));
  return finish(n, y.empty() ? Value() : y.front());
}

LogicalResult translateRuntimeReduceSum(NodeContext &n, Value x) {
  Value axes = n.getRequiredInput(1);
  if (!axes)
    return failure();
  auto shape =
      requireKnownShape(n, 0, "the axes input is computed at run time");
  if (!shape)
    return failure();
  OpBuilder &b = n.getBuilder();
  auto y = n.createWithTypes<ReduceSumAxesOp>(
      tensorType(*shape, getElementType(x)), x, axes,
      b.getBoolAttr(n.getInt("keepdims", 1) != 0),
      b.getBoolAttr(n.getInt("noop_with_empty_axes", 0) != 0));
  return finish(n, y.empty() ? Value() : y.front());
}

LogicalResult translateRuntimeReshape(NodeContext &n, Value x, Value shape) {
  auto known =
      requireKnownShape(n, 0, "the allowzero shape is read at run time");
  if (!known)
    return failure();
  auto y = n.createWithTypes<DynamicReshapeOp>(
      tensorType(*known, getElementType(x)), x, shape,
      n.getBuilder().getBoolAttr(true));
  return finish(n, y.empty() ? Value() : y.front());
}

namespace {

LogicalResult translateTopK(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  auto rank = n.requireRank(x, "TopK");
  if (!rank)
    return failure();
  auto axis = n.normalizeAxis(n.getInt("axis", -1), *rank, "axis");
  if (!axis)
    return failure();
  Value k;
  std::optional<SmallVector<int64_t>> kValue;
  if (n.getOpset() < 10) {
    kValue = SmallVector<int64_t>{n.getInt("k", -1)};
    k = n.constantI64(*kValue);
  } else {
    k = n.getRequiredInput(1);
    if (!k)
      return failure();
    kValue = n.getConstantInts(1);
  }
  if (kValue && kValue->size() != 1)
    return n.fail("k must hold one value");
  if (kValue && kValue->front() < 0)
    return n.fail("k = " + Twine(kValue->front()) + " is negative");
  auto xShape = *getShape(x);
  std::optional<SmallVector<int64_t>> shape;
  if (kValue && !ShapedType::isDynamic(xShape[*axis]) &&
      kValue->front() > xShape[*axis])
    return n.fail("k = " + Twine(kValue->front()) + " exceeds the length " +
                  Twine(xShape[*axis]) + " of axis " + Twine(*axis));
  if (kValue && llvm::none_of(xShape, ShapedType::isDynamic)) {
    shape = SmallVector<int64_t>(xShape);
    (*shape)[*axis] = kValue->front();
  } else {
    shape = n.getKnownOutputShape(0);
    if (!shape)
      shape = requireKnownShape(n, 1, "k is computed at run time");
    if (!shape)
      return failure();
  }
  OpBuilder &b = n.getBuilder();
  auto results = n.createWithTypes<TopKOp>(
      TypeRange{tensorType(*shape, getElementType(x)),
                tensorType(*shape, b.getI64Type())},
      x, k, b.getI64IntegerAttr(*axis),
      b.getBoolAttr(n.getOpset() < 11 || n.getInt("largest", 1) != 0),
      b.getBoolAttr(n.getOpset() < 11 || n.getInt("sorted", 1) != 0));
  if (results.empty())
    return failure();
  n.setOutput(0, results[0]);
  n.setOutput(1, results[1]);
  return success();
}

LogicalResult translateNonZero(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  auto shape = requireKnownShape(n, 0, "NonZero's count depends on values");
  if (!shape)
    return failure();
  auto y = n.createWithTypes<NonZeroOp>(
      tensorType(*shape, n.getBuilder().getI64Type()), x);
  return finish(n, y.empty() ? Value() : y.front());
}

/// Compress = Gather of the positions NonZero finds in the condition.
LogicalResult translateCompress(NodeContext &n) {
  Value x = n.getRequiredInput(0), condition = n.getRequiredInput(1);
  if (!x || !condition)
    return failure();
  auto rank = n.requireRank(x, "Compress");
  auto condShape = getShape(condition);
  if (!rank)
    return failure();
  if (!condShape || condShape->size() != 1)
    return n.fail("condition must be 1-D");
  auto shape = requireKnownShape(n, 0, "Compress's length depends on values");
  if (!shape)
    return failure();
  std::optional<int64_t> axis = 0;
  if (n.hasAttr("axis")) {
    axis = n.normalizeAxis(n.getInt("axis", 0), *rank, "axis");
    if (!axis)
      return failure();
  } else {
    auto xShape = *getShape(x);
    if (llvm::any_of(xShape, ShapedType::isDynamic))
      return n.unsupported("Compress without an axis needs a static input "
                           "shape");
    int64_t total = 1;
    for (int64_t d : xShape)
      total *= d;
    x = n.create<ReshapeOp>(x, n.constantI64({total}));
  }
  if (!x || static_cast<int64_t>(shape->size()) <= *axis)
    return failure();
  int64_t extent = (*getShape(x))[*axis];
  if (!ShapedType::isDynamic(extent) && condShape->front() > extent)
    return n.fail("condition has " + Twine(condShape->front()) +
                  " entries for an axis of length " + Twine(extent));
  int64_t count = (*shape)[*axis];
  Type i64 = n.getBuilder().getI64Type();
  auto positions =
      n.createWithTypes<NonZeroOp>(tensorType({1, count}, i64), condition);
  if (positions.empty())
    return failure();
  Value indices =
      n.create<ReshapeOp>(positions.front(), n.constantI64({count}));
  return finish(n, indices ? n.create<GatherV2Op>(x, indices,
                                                  static_cast<uint64_t>(*axis))
                           : Value());
}

LogicalResult translateUnique(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  auto xShape = getShape(x);
  if (!xShape || llvm::any_of(*xShape, ShapedType::isDynamic))
    return n.unsupported("Unique needs a static input shape");
  auto yShape = requireKnownShape(n, 0, "Unique's count depends on values");
  if (!yShape)
    return failure();
  OpBuilder &b = n.getBuilder();
  IntegerAttr axisAttr;
  int64_t length = 1;
  for (int64_t d : *xShape)
    length *= d;
  int64_t count = yShape->empty() ? 0 : (*yShape)[0];
  if (n.hasAttr("axis")) {
    auto axis = n.normalizeAxis(n.getInt("axis", 0), xShape->size(), "axis");
    if (!axis)
      return failure();
    if (yShape->size() != xShape->size())
      return n.fail("Y must have X's rank");
    axisAttr = b.getI64IntegerAttr(*axis);
    length = (*xShape)[*axis];
    count = (*yShape)[*axis];
  }
  Type i64 = b.getI64Type();
  auto results = n.createWithTypes<UniqueOp>(
      TypeRange{tensorType(*yShape, getElementType(x)),
                tensorType({count}, i64), tensorType({length}, i64),
                tensorType({count}, i64)},
      x, axisAttr, b.getBoolAttr(n.getInt("sorted", 1) != 0));
  if (results.empty())
    return failure();
  for (unsigned i = 0; i < 4; ++i)
    n.setOutput(i, results[i]);
  return success();
}

LogicalResult translateNonMaxSuppression(NodeContext &n) {
  Value boxes = n.getRequiredInput(0), scores = n.getRequiredInput(1);
  if (!boxes || !scores)
    return failure();
  auto shape =
      requireKnownShape(n, 0, "NonMaxSuppression's count depends on values");
  if (!shape)
    return failure();
  int64_t centerPointBox = n.getInt("center_point_box", 0);
  if (centerPointBox != 0 && centerPointBox != 1)
    return n.fail("center_point_box must be 0 or 1, not " +
                  Twine(centerPointBox));
  Type f32 = n.getBuilder().getF32Type();
  if (getElementType(boxes) != f32 || getElementType(scores) != f32)
    return n.unsupported("NonMaxSuppression takes float32 boxes and scores");
  Value maxOut = n.getInput(2) ? n.getInput(2) : n.constantI64({0});
  Value iou = n.getInput(3) ? n.getInput(3) : n.constantScalar(f32, 0.0);
  // No score threshold: every score counts (-inf is below them all).
  Value score =
      n.getInput(4)
          ? n.getInput(4)
          : n.constantScalar(f32, -std::numeric_limits<double>::infinity());
  auto y = n.createWithTypes<NonMaxSuppressionOp>(
      tensorType(*shape, n.getBuilder().getI64Type()), boxes, scores, maxOut,
      iou, score, n.getBuilder().getI64IntegerAttr(centerPointBox));
  return finish(n, y.empty() ? Value() : y.front());
}

} // namespace

ArrayRef<OpTranslator> getValueShapedTranslators() {
  static const OpTranslator table[] = {
      {"TopK", translateTopK},
      {"NonZero", translateNonZero},
      {"Compress", translateCompress},
      {"Unique", translateUnique},
      {"NonMaxSuppression", translateNonMaxSuppression},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
