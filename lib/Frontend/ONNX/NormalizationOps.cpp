//===- NormalizationOps.cpp - Batch/Layer/Instance/GroupNorm, Softmax -===//
#include "OpTranslators.h"
#include "TranslatorUtils.h"

#include <algorithm>

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

/// BatchNormalization with training_mode = 1 (the ONNX reference): the
/// batch's own mean and (population) variance over every dim but 1
/// normalize x, and the running statistics move towards them by
/// 1 - momentum.
LogicalResult translateTrainingBatchNorm(NodeContext &n, ArrayRef<Value> in) {
  auto rank = n.requireRank(in[0], "BatchNormalization in training mode");
  if (!rank)
    return failure();
  if (*rank < 2)
    return n.fail("x must have rank >= 2");
  Type et = getElementType(in[0]);
  SmallVector<int64_t> axes = {0};
  axes.append(iota(2, *rank));
  // Statistics [C] and their broadcast form [C, 1, ...].
  SmallVector<int64_t> channelAxes = iota(1, *rank - 1);
  auto perChannel = [&](Value v) {
    return channelAxes.empty() ? v : n.create<ExpandDimsOp>(v, channelAxes);
  };
  Value mean = n.create<ReduceMeanOp>(in[0], axes, false);
  Value centered = mean ? n.create<SubOp>(in[0], perChannel(mean)) : Value();
  Value variance =
      centered ? n.create<ReduceMeanOp>(n.create<MulOp>(centered, centered),
                                        axes, false)
               : Value();
  if (!variance)
    return failure();
  Value eps = n.constantScalar(et, n.getFloat("epsilon", 1e-5f));
  Value normalized = n.create<MulOp>(
      centered, perChannel(n.create<RsqrtOp>(n.create<AddOp>(variance, eps))));
  Value scaled =
      normalized ? n.create<MulOp>(normalized, perChannel(in[1])) : Value();
  Value y = scaled ? n.create<AddOp>(scaled, perChannel(in[2])) : Value();
  double momentum = n.getFloat("momentum", 0.9f);
  auto running = [&](Value old, Value current) {
    Value kept = n.create<MulOp>(old, n.constantScalar(et, momentum));
    Value moved = n.create<MulOp>(current, n.constantScalar(et, 1 - momentum));
    return n.create<AddOp>(kept, moved);
  };
  n.setOutput(0, y);
  if (n.isOutputUsed(1))
    n.setOutput(1, running(in[3], mean));
  if (n.isOutputUsed(2))
    n.setOutput(2, running(in[4], variance));
  return success(y != nullptr && !n.hasFailed());
}

LogicalResult translateBatchNormalization(NodeContext &n) {
  SmallVector<Value> in;
  for (unsigned i = 0; i < 5; ++i)
    in.push_back(n.getRequiredInput(i));
  if (llvm::is_contained(in, Value()) || failed(requireFloat(n, in[0])))
    return failure();
  if (n.getOpset() < 9 && n.getInt("spatial", 1) != 1)
    return n.unsupported("spatial = 0 (per-element statistics) is not "
                         "supported");
  if (n.getOpset() >= 14 && n.getInt("training_mode", 0) != 0)
    return translateTrainingBatchNorm(n, in);
  if (failed(n.rejectOutputsFrom(
          1, "the running mean/variance outputs (training only)")))
    return failure();
  float epsilon = n.getFloat("epsilon", 1e-5f);
  Value y = n.create<BatchNormOp>(in[0], in[1], in[2], in[3], in[4],
                                  APFloat(epsilon), StringRef("NCHW"), false);
  n.setOutput(0, y);
  return success(y != nullptr);
}

/// LRN: x / (bias + alpha / size * sum of x^2 over the `size` channels
/// around each one)^beta. The window sum is `size` shifted slices of the
/// zero-padded squares.
LogicalResult translateLRN(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x || failed(requireFloat(n, x)))
    return failure();
  if (!n.hasAttr("size"))
    return n.fail("attribute 'size' is required");
  int64_t size = n.getInt("size", 1);
  if (size < 1)
    return n.fail("size must be >= 1");
  auto shape = getShape(x);
  if (!shape || shape->size() < 2 || ShapedType::isDynamic((*shape)[1]))
    return n.unsupported("LRN needs a static channel dim");
  int64_t rank = shape->size(), channels = (*shape)[1];
  Type et = getElementType(x);
  // Channels beyond the tensor add zeros, so a window wider than the
  // channels needs no more padding or slices (a huge `size` stays cheap).
  int64_t widest = std::max<int64_t>(channels - 1, 0);
  int64_t below = std::min((size - 1) / 2, widest);
  int64_t above = std::min(size / 2, widest); // ceil((size - 1) / 2)
  SmallVector<int64_t> paddings(2 * rank, 0);
  paddings[2] = below;
  paddings[3] = above;
  Value padded = n.create<PadOp>(n.create<MulOp>(x, x), paddings,
                                 StringRef("constant"), APFloat(0.0f));
  Value sum;
  for (int64_t k = 0; k <= below + above && padded; ++k) {
    SmallVector<int64_t> offsets(rank, 0), extents(rank, -1);
    offsets[1] = k;
    extents[1] = channels;
    Value window = n.create<SliceOp>(padded, offsets, extents);
    sum = sum && window ? n.create<AddOp>(sum, window) : window;
  }
  if (!sum)
    return failure();
  double alpha = n.getFloat("alpha", 1e-4f), beta = n.getFloat("beta", 0.75f),
         bias = n.getFloat("bias", 1.0f);
  Value base =
      n.create<AddOp>(n.create<MulOp>(sum, n.constantScalar(et, alpha / size)),
                      n.constantScalar(et, bias));
  Value denom =
      base ? n.create<PowOp>(base, n.constantScalar(et, beta)) : Value();
  Value y = denom ? n.create<RealDivOp>(x, denom) : Value();
  n.setOutput(0, y);
  return success(y != nullptr);
}

/// LayerNormalization's optional Mean and InvStdDev outputs, computed the
/// way the ONNX function body does: in the stash type (default f32).
LogicalResult layerNormStatistics(NodeContext &n, Value x,
                                  ArrayRef<int64_t> axes, double epsilon) {
  if (!n.isOutputUsed(1) && !n.isOutputUsed(2))
    return success();
  std::optional<Type> stash = n.getDataTypeAttr("stash_type", /*FLOAT=*/1);
  if (!stash)
    return failure();
  x = castTo(n, x, *stash);
  Value mean = x ? n.create<ReduceMeanOp>(x, axes, true) : Value();
  Value centered = mean ? n.create<SubOp>(x, mean) : Value();
  Value squared = centered ? n.create<MulOp>(centered, centered) : Value();
  Value variance =
      squared ? n.create<ReduceMeanOp>(squared, axes, true) : Value();
  Value shifted =
      variance ? n.create<AddOp>(variance, n.constantScalar(*stash, epsilon))
               : Value();
  Value invStdDev = shifted ? n.create<RsqrtOp>(shifted) : Value();
  n.setOutput(1, mean);
  n.setOutput(2, invStdDev);
  return success(invStdDev != nullptr);
}

LogicalResult translateLayerNormalization(NodeContext &n) {
  Value x = n.getRequiredInput(0), scale = n.getRequiredInput(1);
  Value bias = n.getInput(2);
  if (!x || !scale || failed(requireFloat(n, x)))
    return failure();
  std::optional<int64_t> rank = n.requireRank(x, "LayerNormalization");
  if (!rank)
    return failure();
  std::optional<int64_t> axis =
      n.normalizeAxis(n.getInt("axis", -1), *rank, "axis");
  if (!axis)
    return failure();
  float epsilon = n.getFloat("epsilon", 1e-5f);
  if (!bias) {
    // ge.LayerNorm always adds a beta: a zero one of scale's shape.
    auto scaleType = dyn_cast<RankedTensorType>(scale.getType());
    if (!scaleType || !scaleType.hasStaticShape())
      return n.unsupported("without B, Scale needs a static shape");
    bias = n.constant(DenseElementsAttr::get(
        scaleType, n.getBuilder().getZeroAttr(scaleType.getElementType())));
  }
  Value y =
      n.create<LayerNormOp>(x, scale, bias, static_cast<uint64_t>(*axis),
                            static_cast<uint64_t>(*axis), APFloat(epsilon));
  n.setOutput(0, y);
  if (!y)
    return failure();
  return layerNormStatistics(n, x, iota(*axis, *rank), epsilon);
}

// scale * (x - mean) / sqrt(variance + epsilon) + B, with mean and variance
// per instance and channel (over the spatial dims).
LogicalResult translateInstanceNormalization(NodeContext &n) {
  Value x = n.getRequiredInput(0), scale = n.getRequiredInput(1),
        bias = n.getRequiredInput(2);
  if (!x || !scale || !bias || failed(requireFloat(n, x)))
    return failure();
  std::optional<int64_t> rank = n.requireRank(x, "InstanceNormalization");
  if (!rank)
    return failure();
  if (*rank < 3)
    return n.fail("the input needs rank >= 3, got " + Twine(*rank));
  Type et = getElementType(x);
  SmallVector<int64_t> spatial = iota(2, *rank);
  // [C] -> [C, 1, ..., 1] so that it broadcasts over the spatial dims.
  SmallVector<int64_t> unitDims = iota(1, *rank - 1);
  Value mean = n.create<ReduceMeanOp>(x, spatial, true);
  Value centered = mean ? n.create<SubOp>(x, mean) : Value();
  Value squared = centered ? n.create<MulOp>(centered, centered) : Value();
  Value variance =
      squared ? n.create<ReduceMeanOp>(squared, spatial, true) : Value();
  Value shifted =
      variance
          ? n.create<AddOp>(variance,
                            n.constantScalar(et, n.getFloat("epsilon", 1e-5f)))
          : Value();
  Value invStd = shifted ? n.create<RsqrtOp>(shifted) : Value();
  Value normalized = invStd ? n.create<MulOp>(centered, invStd) : Value();
  Value scaleC = n.create<ExpandDimsOp>(scale, unitDims);
  Value biasC = n.create<ExpandDimsOp>(bias, unitDims);
  if (!normalized || !scaleC || !biasC)
    return failure();
  Value scaled = n.create<MulOp>(normalized, scaleC);
  Value y = scaled ? n.create<AddOp>(scaled, biasC) : Value();
  n.setOutput(0, y);
  return success(y != nullptr);
}

// GroupNormalization (opset 18; 21): x [N, C, ...] viewed as [N, G, -1] is
// normalized per group, then scaled and shifted per group (18: scale and
// bias of shape [G]) or per channel (21: [C]). Opset 21's stash_type 1
// computes the statistics in f32 whatever x is.
LogicalResult translateGroupNormalization(NodeContext &n) {
  Value x = n.getRequiredInput(0), scale = n.getRequiredInput(1),
        bias = n.getRequiredInput(2);
  if (!x || !scale || !bias || failed(requireFloat(n, x)))
    return failure();
  auto shape = getShape(x);
  if (!shape || shape->size() < 3 ||
      llvm::any_of(*shape, ShapedType::isDynamic))
    return n.unsupported("GroupNormalization needs a static input shape of "
                         "rank >= 3");
  int64_t groups = n.getInt("num_groups", 0);
  int64_t channels = (*shape)[1];
  if (groups <= 0 || channels % groups != 0)
    return n.fail("num_groups " + Twine(groups) + " does not divide the " +
                  Twine(channels) + " channels");
  bool perChannel = n.getOpset() >= 21;
  Type et = getElementType(x);
  Type computeType = et;
  if (perChannel) {
    int64_t stash = n.getInt("stash_type", 1);
    if (stash != 1)
      return n.unsupported("stash_type " + Twine(stash) +
                           " is not supported (only 1, float)");
    computeType = n.getBuilder().getF32Type();
  }
  int64_t rank = shape->size();
  SmallVector<int64_t> grouped = {(*shape)[0], groups, -1};
  Value g =
      n.create<ReshapeOp>(castTo(n, x, computeType), n.constantI64(grouped));
  Value mean =
      g ? n.create<ReduceMeanOp>(g, ArrayRef<int64_t>{2}, true) : Value();
  Value centered = mean ? n.create<SubOp>(g, mean) : Value();
  Value squared = centered ? n.create<MulOp>(centered, centered) : Value();
  Value variance =
      squared ? n.create<ReduceMeanOp>(squared, ArrayRef<int64_t>{2}, true)
              : Value();
  Value shifted =
      variance ? n.create<AddOp>(variance,
                                 n.constantScalar(computeType,
                                                  n.getFloat("epsilon", 1e-5f)))
               : Value();
  Value invStd = shifted ? n.create<RsqrtOp>(shifted) : Value();
  Value y = invStd ? n.create<MulOp>(centered, invStd) : Value();
  if (!y)
    return failure();
  y = castTo(n, y, et);
  if (!perChannel) {
    // [G] -> [G, 1] against [N, G, -1].
    Value scaleG = n.create<ExpandDimsOp>(scale, ArrayRef<int64_t>{1});
    Value biasG = n.create<ExpandDimsOp>(bias, ArrayRef<int64_t>{1});
    y = y && scaleG ? n.create<MulOp>(y, scaleG) : Value();
    y = y && biasG ? n.create<AddOp>(y, biasG) : Value();
  }
  y = y ? n.create<ReshapeOp>(y, n.constantI64(SmallVector<int64_t>(*shape)))
        : Value();
  if (y && perChannel) {
    // [C] -> [C, 1, ..., 1] against x.
    SmallVector<int64_t> unitDims = iota(1, rank - 1);
    Value scaleC = n.create<ExpandDimsOp>(scale, unitDims);
    Value biasC = n.create<ExpandDimsOp>(bias, unitDims);
    y = scaleC ? n.create<MulOp>(y, scaleC) : Value();
    y = y && biasC ? n.create<AddOp>(y, biasC) : Value();
  }
  n.setOutput(0, y);
  return success(y != nullptr);
}

// (x - mean) / (sqrt(mean(x^2) - mean^2) + 1e-9) over `axes`, as the ONNX
// function body computes it.
LogicalResult translateMeanVarianceNormalization(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x || failed(requireFloat(n, x)))
    return failure();
  SmallVector<int64_t> axes =
      n.hasAttr("axes") ? n.getInts("axes") : SmallVector<int64_t>{0, 2, 3};
  Type et = getElementType(x);
  Value mean = n.create<ReduceMeanOp>(x, axes, true);
  Value squares = n.create<MulOp>(x, x);
  Value meanOfSquares =
      squares ? n.create<ReduceMeanOp>(squares, axes, true) : Value();
  Value squaredMean = mean ? n.create<MulOp>(mean, mean) : Value();
  if (!meanOfSquares || !squaredMean)
    return failure();
  Value variance = n.create<SubOp>(meanOfSquares, squaredMean);
  Value std = variance ? n.create<SqrtOp>(variance) : Value();
  Value denom =
      std ? n.create<AddOp>(std, n.constantScalar(et, 1e-9)) : Value();
  Value centered = n.create<SubOp>(x, mean);
  Value y = denom && centered ? n.create<RealDivOp>(centered, denom) : Value();
  n.setOutput(0, y);
  return success(y != nullptr);
}

// Before opset 13, (Log)Softmax flattens the input to 2-D at `axis` and
// normalizes each row: that is a softmax over all dims from `axis` on
// jointly, which ge's multi-axis softmax computes directly.
template <typename OpTy> LogicalResult translateSoftmax(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x || failed(requireFloat(n, x)))
    return failure();
  std::optional<int64_t> rank = n.requireRank(x, n.getOpType());
  if (!rank)
    return failure();
  bool modern = n.getOpset() >= 13;
  int64_t rawAxis = n.getInt("axis", modern ? -1 : 1);
  if (*rank == 0)
    return n.fail("the input must have rank >= 1");
  std::optional<int64_t> axis = n.normalizeAxis(rawAxis, *rank, "axis");
  if (!axis)
    return failure();
  SmallVector<int64_t> axes =
      modern ? SmallVector<int64_t>{*axis} : iota(*axis, *rank);
  Value y = n.create<OpTy>(x, axes);
  n.setOutput(0, y);
  return success(y != nullptr);
}

} // namespace

ArrayRef<OpTranslator> getNormalizationTranslators() {
  static const OpTranslator table[] = {
      {"BatchNormalization", translateBatchNormalization},
      {"LRN", translateLRN},
      {"LayerNormalization", translateLayerNormalization},
      {"InstanceNormalization", translateInstanceNormalization},
      {"GroupNormalization", translateGroupNormalization},
      {"MeanVarianceNormalization", translateMeanVarianceNormalization},
      {"Softmax", translateSoftmax<SoftmaxOp>},
      {"LogSoftmax", translateSoftmax<LogSoftmaxOp>},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
