//===- ResizeOps.cpp - Resize, Upsample, GridSample -----------------------===//
//
// Both become ge.Resize. Constant `sizes` are its sizes attribute; `scales`
// stay an operand (the kernel reads them at run time, so they may be
// computed), and constant scales also give the result shape. With neither
// constant, the result shape comes from ONNX shape inference or the
// model's declared output. An empty scales/sizes tensor (opset 11 passes an
// empty scales with sizes) counts as absent; roi only matters for
// tf_crop_and_resize; both are f32 whatever x is. Upsample (opset 7-9) is
// Resize with asymmetric coordinates and nearest rounded down. GridSample is
// ge.GridSampler2D.
//
//===----------------------------------------------------------------------===//
#include "OpTranslators.h"
#include "TranslatorUtils.h"

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

/// roi and scales are f32 whatever x is (the kernel reads them so).
Type f32(NodeContext &n) { return n.getBuilder().getF32Type(); }

/// Input `i` unless it is absent or statically empty.
Value nonEmptyInput(NodeContext &n, unsigned i) {
  Value v = n.getInput(i);
  if (!v)
    return {};
  auto shape = getShape(v);
  if (shape && llvm::is_contained(*shape, 0))
    return {};
  return v;
}

Value createResize(NodeContext &n, Value x, Value roi, Value scales,
                   DenseI64ArrayAttr sizes, StringRef mode, StringRef coord,
                   StringRef nearestMode, float cubicA, bool excludeOutside,
                   float extrapolation) {
  Builder &b = n.getBuilder();
  return n.create<ResizeOp>(x, roi, scales, sizes, b.getStringAttr(mode),
                            b.getStringAttr(coord), b.getStringAttr(nearestMode),
                            b.getF32FloatAttr(cubicA), b.getBoolAttr(excludeOutside),
                            b.getF32FloatAttr(extrapolation));
}

LogicalResult translateResize(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x || failed(requireFloat(n, x)))
    return failure();
  if (n.getOpset() < 11) {
    // Resize-10: scales input, asymmetric coordinates.
    Value scales = n.getRequiredInput(1);
    std::string mode = n.getString("mode", "nearest");
    Value y = scales ? createResize(n, x, {}, castTo(n, scales, f32(n)), {}, mode,
                                    "asymmetric", "floor", -0.75f, false, 0.f)
                     : Value();
    n.setOutput(0, y);
    return success(y != nullptr);
  }
  std::string coord = n.getString("coordinate_transformation_mode", "half_pixel");
  Value roi = coord == "tf_crop_and_resize" ? nonEmptyInput(n, 1) : Value();
  Value scales = nonEmptyInput(n, 2), sizesInput = nonEmptyInput(n, 3);
  if (scales && sizesInput)
    return n.fail("scales and sizes cannot both be given");
  if (!scales && !sizesInput)
    return n.fail("one of scales and sizes must be given");
  DenseI64ArrayAttr sizes;
  if (sizesInput)
    if (auto values = n.getConstantInts(3))
      sizes = n.getBuilder().getDenseI64ArrayAttr(*values);
  Value y = createResize(n, x, roi ? castTo(n, roi, f32(n)) : Value(),
                         scales ? castTo(n, scales, f32(n)) : Value(), sizes,
                         n.getString("mode", "nearest"), coord,
                         n.getString("nearest_mode", "round_prefer_floor"),
                         n.getFloat("cubic_coeff_a", -0.75f),
                         n.getInt("exclude_outside", 0) != 0,
                         n.getFloat("extrapolation_value", 0.f));
  n.setOutput(0, y);
  return success(y != nullptr);
}

LogicalResult translateUpsample(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x || failed(requireFloat(n, x)))
    return failure();
  Value scales;
  if (n.getOpset() < 9) {
    SmallVector<float> given = n.getFloats("scales");
    auto type = RankedTensorType::get({static_cast<int64_t>(given.size())},
                                      n.getBuilder().getF32Type());
    scales = n.constant(DenseElementsAttr::get(type, ArrayRef<float>(given)));
  } else {
    scales = n.getRequiredInput(1);
  }
  std::string mode = n.getString("mode", "nearest");
  Value y = scales ? createResize(n, x, {}, castTo(n, scales, f32(n)), {}, mode,
                                  "asymmetric", "floor", -0.75f, false, 0.f)
                   : Value();
  n.setOutput(0, y);
  return success(y != nullptr);
}

LogicalResult translateGridSample(NodeContext &n) {
  Value x = n.getRequiredInput(0), grid = n.getRequiredInput(1);
  if (!x || !grid || failed(requireFloat(n, x)))
    return failure();
  Builder &b = n.getBuilder();
  Value y = n.create<GridSampler2DOp>(
      x, castTo(n, grid, getElementType(x)), b.getStringAttr(n.getString("mode", "bilinear")),
      b.getStringAttr(n.getString("padding_mode", "zeros")),
      b.getBoolAttr(n.getInt("align_corners", 0) != 0));
  n.setOutput(0, y);
  return success(y != nullptr);
}

} // namespace

ArrayRef<OpTranslator> getResizeTranslators() {
  static const OpTranslator table[] = {
      {"Resize", translateResize},
      {"Upsample", translateUpsample},
      {"GridSample", translateGridSample},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
