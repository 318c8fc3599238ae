//===- HostWindowOps.cpp - MaxUnpool and RoiAlign -------------------------===//
//
// Both run on the host CPU engine (ge.MaxUnpool, ge.ROIAlign). MaxUnpool's
// output shape is output_shape when it is a constant, the shape ONNX knows
// when output_shape is computed at run time (the kernel checks the value),
// and otherwise (in - 1) * stride + kernel - pads per spatial dim. The
// indices address that default shape (without pads when output_shape is
// given: ONNX ignores them then); a larger output_shape pads at the end.
//
//===----------------------------------------------------------------------===//
#include "OpTranslators.h"
#include "TranslatorUtils.h"
#include "ValueShapedOps.h"

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

/// `name` with `count` entries each >= minValue (fill when absent).
std::optional<SmallVector<int64_t>> listAttr(NodeContext &n, StringRef name,
                                             int64_t count, int64_t fill,
                                             int64_t minValue) {
  SmallVector<int64_t> v = n.getInts(name);
  if (v.empty())
    return SmallVector<int64_t>(count, fill);
  if (static_cast<int64_t>(v.size()) != count) {
    (void)n.fail("attribute '" + name + "' has " + Twine(v.size()) +
                 " entries, expected " + Twine(count));
    return std::nullopt;
  }
  for (int64_t e : v)
    if (e < minValue || e > (int64_t(1) << 31)) {
      (void)n.fail("attribute '" + name + "' has the invalid entry " +
                   Twine(e));
      return std::nullopt;
    }
  return v;
}

/// MaxUnpool's default output shape from x's static shape.
std::optional<SmallVector<int64_t>> defaultUnpoolShape(NodeContext &n, Value x,
                                                       bool withPads) {
  auto shape = getShape(x);
  if (!shape || shape->size() < 3 ||
      llvm::any_of(*shape, ShapedType::isDynamic)) {
    (void)n.unsupported("MaxUnpool needs x of static shape and rank >= 3");
    return std::nullopt;
  }
  int64_t spatial = shape->size() - 2;
  if (!n.hasAttr("kernel_shape")) {
    (void)n.fail("attribute 'kernel_shape' is required");
    return std::nullopt;
  }
  auto kernel = listAttr(n, "kernel_shape", spatial, 1, 1);
  auto strides = listAttr(n, "strides", spatial, 1, 1);
  auto pads = listAttr(n, "pads", 2 * spatial, 0, 0);
  if (!kernel || !strides || !pads)
    return std::nullopt;
  SmallVector<int64_t> out(shape->take_front(2));
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t dim = ((*shape)[2 + i] - 1) * (*strides)[i] + (*kernel)[i];
    if (withPads)
      dim -= (*pads)[i] + (*pads)[spatial + i];
    if (dim < 1) {
      (void)n.fail("kernel_shape, strides and pads give the empty output "
                   "dim " +
                   Twine(dim));
      return std::nullopt;
    }
    out.push_back(dim);
  }
  return out;
}

LogicalResult translateMaxUnpool(NodeContext &n) {
  Value x = n.getRequiredInput(0), indices = n.getRequiredInput(1);
  if (!x || !indices)
    return failure();
  if (!getElementType(indices).isInteger(64))
    return n.fail("the indices I must be int64");
  // With output_shape the pads are ignored (ONNX): the indices address the
  // unpadded default shape, padded at the end to output_shape.
  Value outputShape = n.getInput(2);
  auto defaultShape = defaultUnpoolShape(n, x, !outputShape);
  if (!defaultShape)
    return failure();
  SmallVector<int64_t> shape = *defaultShape;
  if (outputShape) {
    if (!getElementType(outputShape).isInteger(64))
      return n.fail("output_shape must be int64");
    if (auto given = n.getConstantInts(2)) {
      shape.assign(given->begin(), given->end());
    } else {
      auto known = n.getKnownOutputShape(0);
      if (!known)
        return n.unsupported("output_shape is computed at run time, so the "
                             "output's shape must be known (ONNX shape "
                             "inference or the model's declaration)");
      shape = *known;
    }
    if (shape.size() != defaultShape->size())
      return n.fail("output_shape must hold " + Twine(defaultShape->size()) +
                    " dims, got " + Twine(shape.size()));
    if (!checkShapeDims(n, shape, "output_shape"))
      return failure();
  } else {
    outputShape = n.constantI64(shape);
  }
  auto y = n.createWithTypes<MaxUnpoolOp>(
      RankedTensorType::get(shape, getElementType(x)), x, indices, outputShape,
      n.getBuilder().getDenseI64ArrayAttr(*defaultShape));
  return finish(n, y.empty() ? Value() : y.front());
}

LogicalResult translateRoiAlign(NodeContext &n) {
  Value x = n.getRequiredInput(0), rois = n.getRequiredInput(1);
  Value batchIndices = n.getRequiredInput(2);
  if (!x || !rois || !batchIndices || failed(requireFloat(n, x)))
    return failure();
  if (getElementType(rois) != getElementType(x))
    return n.fail("rois must have X's element type");
  if (!getElementType(batchIndices).isInteger(64))
    return n.fail("batch_indices must be int64");
  std::string mode = n.getString("mode", "avg");
  if (mode != "avg" && mode != "max")
    return n.fail("mode must be 'avg' or 'max', got '" + mode + "'");
  // Opset 16 added the attribute and made half_pixel the default; RoiAlign-10
  // computes output_half_pixel.
  std::string transform =
      n.getString("coordinate_transformation_mode",
                  n.getOpset() >= 16 ? "half_pixel" : "output_half_pixel");
  if (transform != "half_pixel" && transform != "output_half_pixel")
    return n.fail("coordinate_transformation_mode must be 'half_pixel' or "
                  "'output_half_pixel', got '" +
                  transform + "'");
  int64_t height = n.getInt("output_height", 1);
  int64_t width = n.getInt("output_width", 1);
  int64_t sampling = n.getInt("sampling_ratio", 0);
  if (height < 1 || width < 1 || height > (int64_t(1) << 20) ||
      width > (int64_t(1) << 20))
    return n.fail("output_height and output_width must be in [1, 2^20], got " +
                  Twine(height) + " and " + Twine(width));
  if (sampling < 0 || sampling > (int64_t(1) << 20))
    return n.fail("sampling_ratio must be in [0, 2^20], got " +
                  Twine(sampling));
  Builder &b = n.getBuilder();
  return finish(n, n.create<ROIAlignOp>(
                       x, rois, batchIndices,
                       b.getF32FloatAttr(n.getFloat("spatial_scale", 1.0f)),
                       b.getI64IntegerAttr(height), b.getI64IntegerAttr(width),
                       b.getI64IntegerAttr(sampling), b.getStringAttr(mode),
                       b.getBoolAttr(transform == "half_pixel")));
}

} // namespace

ArrayRef<OpTranslator> getHostWindowTranslators() {
  static const OpTranslator table[] = {
      {"MaxUnpool", translateMaxUnpool},
      {"RoiAlign", translateRoiAlign},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
