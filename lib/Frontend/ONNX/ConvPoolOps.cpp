//===- ConvPoolOps.cpp - Conv, ConvTranspose and pooling ------------------===//
//
// ONNX describes windows per spatial dim (kernel_shape, strides, dilations,
// pads = [x1_begin, x2_begin, ..., x1_end, x2_end], auto_pad). ge's 2-D ops
// take 4-entry NCHW strides/dilations/ksize and pads = [top, bottom, left,
// right]. 1-D windows become 2-D ones over a height of 1 (ExpandDims before,
// Squeeze after). 3-D windows (NCDHW) map to ge's 3-D ops (5-entry
// strides/dilations/ksize, pads = [front, back, top, bottom, left, right]);
// LpPool, GlobalLpPool and dilated AveragePool of any rank run as 3-D pools
// over unit depths.
//
//===----------------------------------------------------------------------===//
#include "ConvWindow.h"
#include "OpTranslators.h"
#include "TranslatorUtils.h"

#include <cmath>

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

/// Number of spatial dims of `x` when ge's ops can run the window (1, 2 or
/// 3); records why not otherwise.
std::optional<int64_t> windowRank(NodeContext &n, Value x) {
  std::optional<int64_t> rank = n.requireRank(x, n.getOpType());
  if (!rank)
    return std::nullopt;
  if (*rank >= 3 && *rank <= 5)
    return *rank - 2;
  (void)n.unsupported(Twine(*rank - 2) + "-D " + n.getOpType() +
                      " is not supported (ge has 1-D, 2-D and 3-D windows)");
  return std::nullopt;
}

Value insertUnitHeight(NodeContext &n, Value v) {
  return n.create<ExpandDimsOp>(v, ArrayRef<int64_t>{2});
}

/// Inserts unit spatial dims after N and C until `v` is 5-D (NCDHW).
Value insertUnitDims(NodeContext &n, Value v, int64_t count) {
  if (count == 0 || !v)
    return v;
  SmallVector<int64_t> axes;
  for (int64_t i = 0; i < count; ++i)
    axes.push_back(2 + i);
  return n.create<ExpandDimsOp>(v, axes);
}

/// Undoes insertUnitDims on a result.
LogicalResult setLiftedOutput(NodeContext &n, Value y, int64_t count) {
  if (y && count > 0) {
    SmallVector<int64_t> axes;
    for (int64_t i = 0; i < count; ++i)
      axes.push_back(2 + i);
    y = n.create<SqueezeOp>(y, axes);
  }
  n.setOutput(0, y);
  return success(y != nullptr);
}

/// Undoes insertUnitHeight on the result of a lifted 1-D window.
LogicalResult setWindowOutput(NodeContext &n, Value y, bool lifted) {
  if (y && lifted)
    y = n.create<SqueezeOp>(y, ArrayRef<int64_t>{2});
  n.setOutput(0, y);
  return success(y != nullptr);
}

LogicalResult translateConv(NodeContext &n) {
  Value x = n.getRequiredInput(0), filter = n.getRequiredInput(1);
  Value bias = n.getInput(2);
  if (!x || !filter || failed(requireFloat(n, x)))
    return failure();
  std::optional<int64_t> spatial = windowRank(n, x);
  if (!spatial)
    return failure();
  auto kernel = kernelOf(n, filter, *spatial);
  if (!kernel)
    return failure();
  std::optional<Window> w = readWindow(n, x, *kernel);
  if (!w)
    return failure();
  if (*spatial == 3) {
    Value y = n.create<Conv3DOp>(
        x, filter, bias, w->ge3DStrides(), w->ge3DPads(), w->ge3DDilations(),
        static_cast<uint64_t>(n.getInt("group", 1)), StringRef("NCDHW"));
    n.setOutput(0, y);
    return success(y != nullptr);
  }
  bool lifted = *spatial == 1;
  if (lifted) {
    w->liftTo2D();
    x = insertUnitHeight(n, x);
    filter = insertUnitHeight(n, filter);
    if (!x || !filter)
      return failure();
  }
  Value y = n.create<Conv2DOp>(x, filter, bias, /*residual=*/Value(),
                               w->geStrides(), w->gePads(), w->geDilations(),
                               static_cast<uint64_t>(n.getInt("group", 1)),
                               StringRef("NCHW"));
  return setWindowOutput(n, y, lifted);
}

/// ConvTranspose padding when `output_shape` (or SAME auto_pad) fixes the
/// output size: the total padding is what makes the size come out, split as
/// ONNX specifies; a negative total is extra output at the end, which is
/// what output_padding adds.
LogicalResult transposedPadding(NodeContext &n, Window &w, Value x,
                                ArrayRef<int64_t> outputShape,
                                SmallVectorImpl<int64_t> &outputPadding,
                                bool upper) {
  auto in = spatialDims(x);
  if (!in || llvm::any_of(*in, ShapedType::isDynamic))
    return n.unsupported(
        "output_shape / auto_pad needs static spatial input dims");
  w.padBegin.clear();
  w.padEnd.clear();
  for (size_t i = 0; i < w.kernel.size(); ++i) {
    int64_t span = (w.kernel[i] - 1) * w.dilations[i] + 1;
    int64_t total = w.strides[i] * ((*in)[i] - 1) + outputPadding[i] + span -
                    outputShape[i];
    if (total < 0) {
      outputPadding[i] -= total;
      total = 0;
    }
    int64_t half = total / 2;
    w.padBegin.push_back(upper ? half : total - half);
    w.padEnd.push_back(upper ? total - half : half);
  }
  return success();
}

LogicalResult translateConvTranspose(NodeContext &n) {
  Value x = n.getRequiredInput(0), filter = n.getRequiredInput(1);
  Value bias = n.getInput(2);
  if (!x || !filter || failed(requireFloat(n, x)))
    return failure();
  std::optional<int64_t> spatial = windowRank(n, x);
  if (!spatial)
    return failure();
  auto kernel = kernelOf(n, filter, *spatial);
  auto outputPadding = perDim(n, "output_padding", *spatial, 0, 0);
  if (!kernel || !outputPadding)
    return failure();
  // readWindow computes SAME pads for a convolution; transposed ones differ.
  std::string autoPad = n.getString("auto_pad", "NOTSET");
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  Window w;
  if (same) {
    auto strides = perDim(n, "strides", *spatial, 1, 1);
    auto dilations = perDim(n, "dilations", *spatial, 1, 1);
    if (!strides || !dilations)
      return failure();
    w.kernel = *kernel;
    w.strides = *strides;
    w.dilations = *dilations;
  } else {
    std::optional<Window> read = readWindow(n, x, *kernel);
    if (!read)
      return failure();
    w = *read;
  }
  SmallVector<int64_t> outputShape = n.getInts("output_shape");
  // Checked as given: INT64_MIN would pass below as a dynamic dim.
  for (int64_t d : outputShape)
    if (d < 1 || d > (int64_t(1) << 31))
      return n.fail("output_shape holds " + Twine(d) +
                    "; each entry must be 1 to 2^31");
  if (!outputShape.empty() || same) {
    if (outputShape.empty()) {
      auto in = spatialDims(x);
      if (in)
        for (auto [dim, stride] : llvm::zip(*in, w.strides))
          outputShape.push_back(ShapedType::isDynamic(dim) ? dim
                                                           : dim * stride);
    }
    // output_shape may list N and C too; the spatial dims are the last ones.
    if (static_cast<int64_t>(outputShape.size()) < *spatial)
      return n.fail("output_shape has fewer entries than spatial dims");
    if (llvm::any_of(outputShape, [](int64_t d) {
          return !ShapedType::isDynamic(d) && (d < 1 || d > (int64_t(1) << 31));
        }))
      return n.fail("output_shape has an invalid entry");
    ArrayRef<int64_t> spatialOut =
        ArrayRef<int64_t>(outputShape).take_back(*spatial);
    if (failed(transposedPadding(n, w, x, spatialOut, *outputPadding,
                                 autoPad == "SAME_UPPER")))
      return failure();
  }
  if (*spatial == 3) {
    SmallVector<int64_t> geOutputPadding = {
        0, 0, (*outputPadding)[0], (*outputPadding)[1], (*outputPadding)[2]};
    Value y = n.create<Conv3DTransposeOp>(
        x, filter, bias, w.ge3DStrides(), w.ge3DPads(), w.ge3DDilations(),
        geOutputPadding, static_cast<uint64_t>(n.getInt("group", 1)),
        StringRef("NCDHW"));
    n.setOutput(0, y);
    return success(y != nullptr);
  }
  bool lifted = *spatial == 1;
  if (lifted) {
    w.liftTo2D();
    outputPadding->insert(outputPadding->begin(), 0);
    x = insertUnitHeight(n, x);
    filter = insertUnitHeight(n, filter);
    if (!x || !filter)
      return failure();
  }
  SmallVector<int64_t> geOutputPadding = {0, 0, (*outputPadding)[0],
                                          (*outputPadding)[1]};
  Value y = n.create<Conv2DTransposeOp>(
      x, filter, bias, w.geStrides(), w.gePads(), w.geDilations(),
      geOutputPadding, static_cast<uint64_t>(n.getInt("group", 1)),
      StringRef("NCHW"));
  return setWindowOutput(n, y, lifted);
}

/// The window of MaxPool, AveragePool and LpPool (kernel_shape required).
std::optional<Window> readPoolWindow(NodeContext &n, Value x, int64_t spatial) {
  if (!n.hasAttr("kernel_shape")) {
    (void)n.fail("attribute 'kernel_shape' is required");
    return std::nullopt;
  }
  auto kernel = perDim(n, "kernel_shape", spatial, 1, 1);
  if (!kernel)
    return std::nullopt;
  return readWindow(n, x, *kernel);
}

/// Runs a pool of any window rank as a 3-D one over unit depths: builds the
/// op from the lifted window and input, squeezes the result back.
template <typename Build>
LogicalResult poolAs3D(NodeContext &n, Value x, Window w, int64_t spatial,
                       Build build) {
  w.liftTo3D();
  int64_t added = 3 - spatial;
  x = insertUnitDims(n, x, added);
  if (!x)
    return failure();
  return setLiftedOutput(n, build(x, w), added);
}

bool ceilModeOf(NodeContext &n) {
  return n.getOpset() >= 10 && n.getInt("ceil_mode", 0) != 0;
}

/// MaxPool with its Indices output: ge.MaxPoolWithArgmax on the host.
LogicalResult maxPoolWithIndices(NodeContext &n, Value x, const Window &w,
                                 bool ceil, bool lifted) {
  int64_t order = n.getInt("storage_order", 0);
  if (order != 0 && order != 1)
    return n.fail("storage_order must be 0 or 1, got " + Twine(order));
  SmallVector<Value> results = n.createMulti<MaxPoolWithArgmaxOp>(
      2, x, w.geKsize(), w.geStrides(), w.gePads(), w.geDilations(), ceil,
      order);
  if (results.empty())
    return failure();
  for (unsigned i = 0; i < 2; ++i) {
    Value y = results[i];
    if (lifted)
      y = n.create<SqueezeOp>(y, ArrayRef<int64_t>{2});
    n.setOutput(i, y);
    if (!y)
      return failure();
  }
  return success();
}

LogicalResult translateMaxPool(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  // 8-bit integers (MaxPool-12) are exact in f32: the device pools floats.
  Type et = getElementType(x);
  bool integer = et.isInteger(8);
  if (!integer && failed(requireFloat(n, x)))
    return failure();
  std::optional<int64_t> spatial = windowRank(n, x);
  if (!spatial)
    return failure();
  std::optional<Window> w = readPoolWindow(n, x, *spatial);
  if (!w)
    return failure();
  bool ceil = ceilModeOf(n);
  bool lifted = *spatial == 1;
  if (n.getNumOutputs() > 1 && n.isOutputUsed(1)) {
    if (*spatial == 3)
      return n.fail("the Indices output of a 3-D MaxPool is not supported");
    if (lifted && !(x = insertUnitHeight(n, x)))
      return failure();
    if (lifted)
      w->liftTo2D();
    return maxPoolWithIndices(n, x, *w, ceil, lifted);
  }
  if (integer && !(x = castTo(n, x, Float32Type::get(n.getContext()))))
    return failure();
  if (*spatial == 3)
    return poolAs3D(n, x, *w, 3, [&](Value v, const Window &lw) -> Value {
      Value pooled = n.create<MaxPool3DOp>(v, lw.ge3DKsize(), lw.ge3DStrides(),
                                           lw.ge3DPads(), lw.ge3DDilations(),
                                           ceil, StringRef("NCDHW"));
      return pooled && integer ? castTo(n, pooled, et) : pooled;
    });
  if (lifted) {
    w->liftTo2D();
    if (!(x = insertUnitHeight(n, x)))
      return failure();
  }
  Value y = n.create<MaxPoolOp>(x, w->geKsize(), w->geStrides(), w->gePads(),
                                w->geDilations(), ceil, StringRef("NCHW"));
  if (y && integer)
    y = castTo(n, y, et);
  return setWindowOutput(n, y, lifted);
}

LogicalResult translateAveragePool(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x || failed(requireFloat(n, x)))
    return failure();
  std::optional<int64_t> spatial = windowRank(n, x);
  if (!spatial)
    return failure();
  std::optional<Window> w = readPoolWindow(n, x, *spatial);
  if (!w)
    return failure();
  bool ceil = ceilModeOf(n);
  bool includePad = n.getInt("count_include_pad", 0) != 0;
  bool dilated = llvm::any_of(w->dilations, [](int64_t d) { return d != 1; });
  // ge.AvgPool has no dilations: dilated windows of any rank run in 3-D.
  if (*spatial == 3 || dilated)
    return poolAs3D(
        n, x, *w, *spatial, [&](Value v, const Window &lw) -> Value {
          return n.create<AvgPool3DOp>(v, lw.ge3DKsize(), lw.ge3DStrides(),
                                       lw.ge3DPads(), lw.ge3DDilations(), ceil,
                                       includePad, /*divisor_override=*/0,
                                       StringRef("NCDHW"));
        });
  bool lifted = *spatial == 1;
  if (lifted) {
    w->liftTo2D();
    if (!(x = insertUnitHeight(n, x)))
      return failure();
  }
  Value y = n.create<AvgPoolOp>(x, w->geKsize(), w->geStrides(), w->gePads(),
                                ceil, !includePad, StringRef("NCHW"));
  return setWindowOutput(n, y, lifted);
}

/// LpPool's / GlobalLpPool's `p`: an int from LpPool-2 on, a float in
/// version 1 (accepted when it is a whole number).
std::optional<int64_t> lpOrder(NodeContext &n) {
  int64_t p = 2;
  if (n.hasAttr("p")) {
    if (n.getOpset() < 2) {
      float f = n.getFloat("p", 2.0f);
      if (f != std::floor(f) || f < 1 || f > 64) {
        (void)n.unsupported("attribute 'p' = " + std::to_string(f) +
                            " is not supported (whole numbers 1..64)");
        return std::nullopt;
      }
      p = static_cast<int64_t>(f);
    } else {
      p = n.getInt("p", 2);
    }
  }
  if (p < 1 || p > 64) {
    (void)n.fail("attribute 'p' = " + Twine(p) + " must be in [1, 64]");
    return std::nullopt;
  }
  return p;
}

LogicalResult translateLpPool(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x || failed(requireFloat(n, x)))
    return failure();
  std::optional<int64_t> spatial = windowRank(n, x);
  if (!spatial)
    return failure();
  std::optional<Window> w = readPoolWindow(n, x, *spatial);
  std::optional<int64_t> p = lpOrder(n);
  if (!w || !p)
    return failure();
  bool ceil = ceilModeOf(n);
  return poolAs3D(n, x, *w, *spatial, [&](Value v, const Window &lw) -> Value {
    return n.create<LpPool3DOp>(v, lw.ge3DKsize(), lw.ge3DStrides(),
                                lw.ge3DPads(), lw.ge3DDilations(), ceil, *p,
                                StringRef("NCDHW"));
  });
}

/// GlobalLpPool: an LpPool3D whose window is the whole (static) spatial
/// extent, over unit dims up to NCDHW.
LogicalResult translateGlobalLpPool(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x || failed(requireFloat(n, x)))
    return failure();
  std::optional<int64_t> spatial = windowRank(n, x);
  std::optional<int64_t> p = lpOrder(n);
  if (!spatial || !p)
    return failure();
  auto in = spatialDims(x);
  if (!in || llvm::any_of(*in, ShapedType::isDynamic))
    return n.unsupported("GlobalLpPool needs static spatial input dims");
  Window w;
  w.kernel = *in;
  w.strides.assign(*spatial, 1);
  w.dilations.assign(*spatial, 1);
  w.padBegin.assign(*spatial, 0);
  w.padEnd.assign(*spatial, 0);
  return poolAs3D(n, x, w, *spatial, [&](Value v, const Window &lw) -> Value {
    return n.create<LpPool3DOp>(v, lw.ge3DKsize(), lw.ge3DStrides(),
                                lw.ge3DPads(), lw.ge3DDilations(),
                                /*ceil_mode=*/false, *p, StringRef("NCDHW"));
  });
}

/// Global pooling of any rank: a keep-dims reduction over the spatial dims
/// (ge.GlobalAvgPool for the common 4-D case).
template <typename ReduceOpTy>
LogicalResult translateGlobalPool(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x || failed(requireFloat(n, x)))
    return failure();
  std::optional<int64_t> rank = n.requireRank(x, n.getOpType());
  if (!rank)
    return failure();
  if (*rank < 3)
    return n.fail("the input needs rank >= 3, got " + Twine(*rank));
  Value y;
  if (std::is_same_v<ReduceOpTy, ReduceMeanOp> && *rank == 4)
    y = n.create<GlobalAvgPoolOp>(x, StringRef("NCHW"));
  else
    y = n.create<ReduceOpTy>(x, iota(2, *rank), /*keep_dims=*/true);
  n.setOutput(0, y);
  return success(y != nullptr);
}

} // namespace

ArrayRef<OpTranslator> getConvPoolTranslators() {
  static const OpTranslator table[] = {
      {"Conv", translateConv},
      {"ConvTranspose", translateConvTranspose},
      {"MaxPool", translateMaxPool},
      {"AveragePool", translateAveragePool},
      {"GlobalAveragePool", translateGlobalPool<ReduceMeanOp>},
      {"GlobalMaxPool", translateGlobalPool<ReduceMaxOp>},
      {"LpPool", translateLpPool},
      {"GlobalLpPool", translateGlobalLpPool},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
