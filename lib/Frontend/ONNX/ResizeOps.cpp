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

#include <cmath>

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
  return n.create<ResizeOp>(
      x, roi, scales, sizes, b.getStringAttr(mode), b.getStringAttr(coord),
      b.getStringAttr(nearestMode), b.getF32FloatAttr(cubicA),
      b.getBoolAttr(excludeOutside), b.getF32FloatAttr(extrapolation));
}

/// A 1-D f32 constant.
Value constantF32(NodeContext &n, ArrayRef<double> values) {
  SmallVector<float> narrowed(values.begin(), values.end());
  auto type =
      RankedTensorType::get({static_cast<int64_t>(values.size())}, f32(n));
  return n.constant(DenseElementsAttr::get(type, ArrayRef<float>(narrowed)));
}

/// Resize-18's `axes`, `keep_aspect_ratio_policy` and `antialias`, and
/// Resize-19's `half_pixel_symmetric`, rewritten to what the resize kernel
/// computes: full-rank constant scales/sizes/roi, and half_pixel where
/// half_pixel_symmetric means the same. What the kernel cannot compute
/// exactly is reported.
LogicalResult applyOpset18(NodeContext &n, Value x, StringRef mode,
                           std::string &coord, Value &roi, Value &scales,
                           Value sizesInput, DenseI64ArrayAttr &sizes) {
  SmallVector<int64_t> axes = n.getInts("axes");
  std::string policy = n.getString("keep_aspect_ratio_policy", "stretch");
  bool antialias = n.getInt("antialias", 0) != 0 && mode != "nearest";
  bool symmetric = coord == "half_pixel_symmetric" && n.getOpset() >= 19;
  if (policy != "stretch" && policy != "not_larger" && policy != "not_smaller")
    return n.fail("keep_aspect_ratio_policy '" + policy + "' is not valid");
  if (axes.empty() && policy == "stretch" && !antialias && !symmetric)
    return success();

  // Everything below needs the input's dims and constant scales or sizes.
  auto shape = getShape(x);
  if (!shape || llvm::any_of(*shape, ShapedType::isDynamic))
    return n.unsupported("Resize with axes, keep_aspect_ratio_policy, "
                         "antialias or half_pixel_symmetric needs a static "
                         "input shape");
  int64_t rank = shape->size();
  SmallVector<int64_t> dims;
  for (int64_t axis : axes.empty() ? iota(0, rank) : axes) {
    auto d = n.normalizeAxis(axis, rank, "axis");
    if (!d)
      return failure();
    dims.push_back(*d);
  }
  std::optional<SmallVector<double>> givenScales =
      scales ? n.getConstantFloats(2) : std::nullopt;
  std::optional<SmallVector<int64_t>> givenSizes =
      sizesInput ? n.getConstantInts(3) : std::nullopt;
  if (!givenScales && !givenSizes)
    return n.unsupported("Resize with axes, keep_aspect_ratio_policy, "
                         "antialias or half_pixel_symmetric needs constant "
                         "scales or sizes");
  size_t given = givenScales ? givenScales->size() : givenSizes->size();
  if (given != dims.size())
    return n.fail(Twine(givenScales ? "scales" : "sizes") + " has " +
                  Twine(given) + " entries for " + Twine(dims.size()) +
                  " axes");

  // Full-rank scales (when given or implied by the policy) and sizes.
  SmallVector<double> fullScales(rank, 1.0);
  SmallVector<int64_t> outSizes(*shape);
  bool haveScales = givenScales.has_value();
  if (givenScales) {
    for (auto [i, d] : llvm::enumerate(dims)) {
      fullScales[d] = static_cast<float>((*givenScales)[i]);
      outSizes[d] =
          static_cast<int64_t>(std::floor(fullScales[d] * (*shape)[d]));
    }
  } else if (policy == "stretch") {
    for (auto [i, d] : llvm::enumerate(dims))
      outSizes[d] = (*givenSizes)[i];
  } else {
    // One scale for every resized dim, the largest that fits in (not_larger)
    // or the smallest that covers (not_smaller) the given sizes.
    double scale = policy == "not_larger" ? INFINITY : 0;
    for (auto [i, d] : llvm::enumerate(dims)) {
      double ratio = static_cast<double>((*givenSizes)[i]) / (*shape)[d];
      scale = policy == "not_larger" ? std::min(scale, ratio)
                                     : std::max(scale, ratio);
    }
    for (int64_t d : dims) {
      fullScales[d] = scale;
      outSizes[d] = static_cast<int64_t>(std::floor(scale * (*shape)[d] + 0.5));
    }
    haveScales = true;
  }

  // The real scale of each resized dim, as the coordinate transform uses it.
  for (int64_t d : dims) {
    double scale = haveScales ? fullScales[d]
                              : static_cast<double>(outSizes[d]) / (*shape)[d];
    if (antialias && scale < 1)
      return n.unsupported(
          "antialias = 1 with " + Twine(mode) + " downsampling (dim " +
          Twine(d) + ": " + Twine((*shape)[d]) + " -> " + Twine(outSizes[d]) +
          ") is not supported: the resize kernel has no antialiasing filter "
          "(upsampling and nearest are exact)");
    // half_pixel_symmetric shifts by in/2 * (1 - out / (scale * in)): zero
    // when the output size is exactly scale * in.
    if (symmetric && static_cast<double>(outSizes[d]) != scale * (*shape)[d])
      return n.unsupported(
          "coordinate_transformation_mode 'half_pixel_symmetric' with a "
          "fractional output size (dim " +
          Twine(d) + ": " + Twine((*shape)[d]) +
          " x scale) is not supported: the resize "
          "kernel computes it as half_pixel only when the output size is "
          "exactly in x scale");
  }
  if (symmetric)
    coord = "half_pixel";

  if (roi && !axes.empty()) {
    auto given = n.getConstantFloats(1);
    if (!given || given->size() != 2 * dims.size())
      return n.unsupported("roi with axes must be a constant of 2 x axes "
                           "entries");
    SmallVector<double> full(rank, 0.0);
    full.append(rank, 1.0);
    for (auto [i, d] : llvm::enumerate(dims)) {
      full[d] = (*given)[i];
      full[rank + d] = (*given)[dims.size() + i];
    }
    roi = constantF32(n, full);
  }
  scales = haveScales ? constantF32(n, fullScales) : Value();
  sizes = n.getBuilder().getDenseI64ArrayAttr(outSizes);
  return success();
}

LogicalResult translateResize(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x || failed(requireFloat(n, x)))
    return failure();
  if (n.getOpset() < 11) {
    // Resize-10: scales input, asymmetric coordinates.
    Value scales = n.getRequiredInput(1);
    std::string mode = n.getString("mode", "nearest");
    Value y = scales
                  ? createResize(n, x, {}, castTo(n, scales, f32(n)), {}, mode,
                                 "asymmetric", "floor", -0.75f, false, 0.f)
                  : Value();
    n.setOutput(0, y);
    return success(y != nullptr);
  }
  std::string coord =
      n.getString("coordinate_transformation_mode", "half_pixel");
  Value roi = coord == "tf_crop_and_resize" ? nonEmptyInput(n, 1) : Value();
  Value scales = nonEmptyInput(n, 2), sizesInput = nonEmptyInput(n, 3);
  if (scales && sizesInput)
    return n.fail("scales and sizes cannot both be given");
  if (!scales && !sizesInput)
    return n.fail("one of scales and sizes must be given");
  std::string mode = n.getString("mode", "nearest");
  DenseI64ArrayAttr sizes;
  if (n.getOpset() >= 18 &&
      failed(applyOpset18(n, x, mode, coord, roi, scales, sizesInput, sizes)))
    return failure();
  if (sizesInput && !sizes)
    if (auto values = n.getConstantInts(3))
      sizes = n.getBuilder().getDenseI64ArrayAttr(*values);
  Value y = createResize(
      n, x, roi ? castTo(n, roi, f32(n)) : Value(),
      scales ? castTo(n, scales, f32(n)) : Value(), sizes, mode, coord,
      n.getString("nearest_mode", "round_prefer_floor"),
      n.getFloat("cubic_coeff_a", -0.75f), n.getInt("exclude_outside", 0) != 0,
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
  // GridSample-20 renames the modes (and allows any rank; ge's is 2-D).
  std::string mode =
      n.getString("mode", n.getOpset() >= 20 ? "linear" : "bilinear");
  if (n.getOpset() >= 20) {
    if (mode == "linear")
      mode = "bilinear";
    else if (mode == "cubic")
      mode = "bicubic";
    else if (mode != "nearest")
      return n.fail("mode '" + mode + "' is not linear, nearest or cubic");
    if (getRank(x) && *getRank(x) != 4)
      return n.unsupported("GridSample on a rank-" + Twine(*getRank(x)) +
                           " input is not supported (2-D images only)");
  }
  Value y = n.create<GridSampler2DOp>(
      x, castTo(n, grid, getElementType(x)), b.getStringAttr(mode),
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
