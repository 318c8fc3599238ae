//===- VecNorm.cpp - layer_norm and batch_norm (inference) ----------------===//
//
// layer_norm normalizes each row of the trailing dims from begin_norm_axis
// (two passes: mean, then the centred sum of squares, so large means do not
// cancel the variance away), then applies gamma/beta in a third pass.
// batch_norm folds scale/offset/mean/variance into one multiply-add per
// element with per-channel a = scale / sqrt(var + eps), b = offset - mean a,
// on NCHW (channel dim 1 of any rank >= 2) or NC1HWC0 data.
//
//===----------------------------------------------------------------------===//
#include "kernels/KernelFamilies.h"
#include "kernels/vector/EwEngine.h"
#include "kernels/vector/NdShape.h"
#include "kernels/vector/VecRegistry.h"

#include <algorithm>
#include <cmath>

namespace geflow::kernels {

namespace {

using namespace vec;

//===----------------------------------------------------------------------===//
// layer_norm
//===----------------------------------------------------------------------===//

struct LayerNormTiling {
  int64_t rows, cols;
  float epsilon;
  uint8_t hasGamma, hasBeta, hasMean, hasRstd;
};

Status layerNormTiling(const TilingContext &ctx, TilingResult *result) {
  const std::string name = "layer_norm";
  GEFLOW_RETURN_IF_ERROR(checkArity(name, ctx, 1, 3, 1, 3));
  const TensorDesc &x = ctx.inputs[0];
  int64_t rank = static_cast<int64_t>(x.shape.size()), axis = 0;
  if (rank == 0)
    return invalidArgument(name + ": input 0 must have rank >= 1");
  GEFLOW_RETURN_IF_ERROR(normalizeAxis(
      name, ctx.attrs.getInt("begin_norm_axis", -1), rank, &axis));
  LayerNormTiling t{};
  t.rows = 1;
  t.cols = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < axis ? t.rows : t.cols) *= x.shape[d];
  t.epsilon = static_cast<float>(ctx.attrs.getFloat("epsilon", 1e-5));
  if (!(t.epsilon >= 0))
    return invalidArgument(name + ": epsilon must be >= 0");
  for (size_t i = 0; i < ctx.inputs.size(); ++i)
    GEFLOW_RETURN_IF_ERROR(checkDtype(name, "input " + std::to_string(i),
                                      ctx.inputs[i].dtype, DType::F32));
  for (size_t i = 1; i < ctx.inputs.size(); ++i)
    if (rt::numElements(ctx.inputs[i].shape) != t.cols)
      return invalidArgument(
          name + ": input " + std::to_string(i) + " (" +
          (i == 1 ? "gamma" : "beta") + ") has " +
          std::to_string(rt::numElements(ctx.inputs[i].shape)) +
          " elements, expected " + std::to_string(t.cols) +
          " (the normalized dims of input 0 " + shapeStr(x.shape) + ")");
  t.hasGamma = ctx.inputs.size() > 1;
  t.hasBeta = ctx.inputs.size() > 2;
  GEFLOW_RETURN_IF_ERROR(
      checkShape(name, "output 0", ctx.outputs[0].shape, x.shape));
  for (size_t k = 0; k < ctx.outputs.size(); ++k)
    GEFLOW_RETURN_IF_ERROR(checkDtype(name, "output " + std::to_string(k),
                                      ctx.outputs[k].dtype, DType::F32));
  for (size_t k = 1; k < ctx.outputs.size(); ++k)
    if (rt::numElements(ctx.outputs[k].shape) != t.rows)
      return invalidArgument(
          name + ": output " + std::to_string(k) + " (" +
          (k == 1 ? "mean" : "rstd") + ") has " +
          std::to_string(rt::numElements(ctx.outputs[k].shape)) +
          " elements, expected one per row: " + std::to_string(t.rows));
  t.hasMean = ctx.outputs.size() > 1;
  t.hasRstd = ctx.outputs.size() > 2;
  const SocInfo &soc = socOf(ctx);
  result->blockDim =
      chooseBlockDim(soc, std::max<int64_t>(t.rows, 1), t.rows * t.cols * 8);
  result->tilingData = encodeTiling(t);
  result->workspaceSize = 0;
  return Status::OK();
}

int32_t layerNormKernel(const VecOps &ops, const KernelArgs &args,
                        uint32_t blockIdx, uint32_t blockDim) {
  LayerNormTiling t;
  if (!decodeTiling(args, &t) ||
      args.numInputs != 1u + t.hasGamma + t.hasBeta ||
      args.numOutputs != 1u + t.hasMean + t.hasRstd)
    return kVecErrBadTiling;
  const float *x = static_cast<const float *>(args.inputs[0]);
  const float *gamma =
      t.hasGamma ? static_cast<const float *>(args.inputs[1]) : nullptr;
  const float *beta =
      t.hasBeta ? static_cast<const float *>(args.inputs[2]) : nullptr;
  float *y = static_cast<float *>(args.outputs[0]);
  float *meanOut = t.hasMean ? static_cast<float *>(args.outputs[1]) : nullptr;
  float *rstdOut = t.hasRstd ? static_cast<float *>(args.outputs[2]) : nullptr;
  int64_t begin, end;
  blockRange(t.rows, blockIdx, blockDim, &begin, &end);
  float invN = t.cols > 0 ? 1.f / static_cast<float>(t.cols) : 0.f;
  for (int64_t r = begin; r < end; ++r) {
    const float *xr = x + r * t.cols;
    float mean = ops.sum(xr, t.cols) * invN, sumDiff, sumSq;
    // Corrected two-pass: the centred sum fixes the rounding of the first
    // mean (large offsets), then var = (sum d^2 - (sum d)^2 / n) / n.
    ops.centeredMoments(xr, t.cols, mean, &sumDiff, &sumSq);
    float shift = sumDiff * invN;
    mean += shift;
    float var = std::max(sumSq * invN - shift * shift, 0.f);
    float rstd = 1.f / std::sqrt(var + t.epsilon);
    ops.normAffine(xr, y + r * t.cols, t.cols, mean, rstd, gamma, beta);
    if (meanOut)
      meanOut[r] = mean;
    if (rstdOut)
      rstdOut[r] = rstd;
  }
  return 0;
}

//===----------------------------------------------------------------------===//
// batch_norm (inference)
//===----------------------------------------------------------------------===//

struct BatchNormTiling {
  int64_t n, c, inner; // NCHW: [n, c, inner]; NC1HWC0: inner = H*W
  int64_t c1;          // NC1HWC0 only (0 for NCHW)
  int64_t total;       // elements of the (physical) data
  float epsilon;
  uint32_t pad;
};

Status batchNormTiling(const TilingContext &ctx, TilingResult *result) {
  const std::string name = "batch_norm";
  GEFLOW_RETURN_IF_ERROR(checkArity(name, ctx, 5, 5, 1, 1));
  const TensorDesc &x = ctx.inputs[0];
  const char *names[] = {"x", "scale", "offset", "mean", "variance"};
  for (size_t i = 0; i < 5; ++i)
    GEFLOW_RETURN_IF_ERROR(
        checkDtype(name, "input " + std::to_string(i) + " (" + names[i] + ")",
                   ctx.inputs[i].dtype, DType::F32));
  if (x.shape.size() < 2)
    return invalidArgument(name + ": input 0 has rank " +
                           std::to_string(x.shape.size()) +
                           ", expected >= 2 with channels at dim 1");
  BatchNormTiling t{};
  t.n = x.shape[0];
  t.c = x.shape[1];
  t.inner = 1;
  for (size_t d = 2; d < x.shape.size(); ++d)
    t.inner *= x.shape[d];
  for (size_t i = 1; i < 5; ++i)
    if (rt::numElements(ctx.inputs[i].shape) != t.c)
      return invalidArgument(name + ": input " + std::to_string(i) + " (" +
                             names[i] + ") has shape " +
                             shapeStr(ctx.inputs[i].shape) + ", expected " +
                             std::to_string(t.c) + " channels");
  const TensorDesc &y = ctx.outputs[0];
  GEFLOW_RETURN_IF_ERROR(checkDtype(name, "output 0", y.dtype, DType::F32));
  GEFLOW_RETURN_IF_ERROR(checkShape(name, "output 0", y.shape, x.shape));
  if (y.format != x.format)
    return invalidArgument(
        name + ": output format " + std::string(rt::formatName(y.format)) +
        " differs from input format " + std::string(rt::formatName(x.format)));
  if (x.format == Format::NC1HWC0) {
    if (x.shape.size() != 4)
      return invalidArgument(name +
                             ": NC1HWC0 input must have a 4-d logical shape");
    t.c1 = (t.c + rt::kC0 - 1) / rt::kC0;
    t.total = t.n * t.c1 * t.inner * rt::kC0;
  } else if (x.format == Format::ND || x.format == Format::NCHW) {
    t.total = t.n * t.c * t.inner;
  } else {
    return unsupported(name + ": input format " +
                       std::string(rt::formatName(x.format)) +
                       " is not supported (NCHW, ND or NC1HWC0)");
  }
  t.epsilon = static_cast<float>(ctx.attrs.getFloat("epsilon", 1e-5));
  if (!(t.epsilon >= 0))
    return invalidArgument(name + ": epsilon must be >= 0");
  const SocInfo &soc = socOf(ctx);
  result->blockDim =
      chooseBlockDim(soc, std::max<int64_t>(t.total / 256, 1), t.total * 8);
  result->tilingData = encodeTiling(t);
  // Per block: a and b for every (padded) channel.
  int64_t channels = t.c1 ? t.c1 * rt::kC0 : t.c;
  result->workspaceSize =
      uint64_t(result->blockDim) * uint64_t(channels * 8 + 64);
  return Status::OK();
}

int32_t batchNormKernel(const VecOps &ops, const KernelArgs &args,
                        uint32_t blockIdx, uint32_t blockDim) {
  BatchNormTiling t;
  if (!decodeTiling(args, &t) || args.numInputs != 5 || args.numOutputs != 1)
    return kVecErrBadTiling;
  auto in = [&](int i) { return static_cast<const float *>(args.inputs[i]); };
  const float *x = in(0);
  float *y = static_cast<float *>(args.outputs[0]);
  int64_t channels = t.c1 ? t.c1 * rt::kC0 : t.c;
  float *a = static_cast<float *>(args.workspace) +
             static_cast<int64_t>(blockIdx) * (channels * 2 + 16);
  float *b = a + channels;
  // Padded NC1HWC0 channels get a = b = 0, so they stay zero.
  for (int64_t c = 0; c < channels; ++c) {
    if (c < t.c) {
      a[c] = in(1)[c] / std::sqrt(in(4)[c] + t.epsilon);
      b[c] = in(2)[c] - in(3)[c] * a[c];
    } else {
      a[c] = b[c] = 0.f;
    }
  }
  int64_t begin, end;
  if (t.c1 == 0) { // NCHW: runs of one channel plane
    blockRange(t.total, blockIdx, blockDim, &begin, &end);
    for (int64_t f = begin; f < end;) {
      int64_t plane = f / t.inner, off = f % t.inner;
      int64_t len = std::min(t.inner - off, end - f);
      int64_t c = plane % t.c;
      ops.ternary(EwOp::MulAdd, x + f, true, &a[c], false, &b[c], false, y + f,
                  len);
      f += len;
    }
    return 0;
  }
  // NC1HWC0: C0 groups; a group's channels are c1 * C0 + [0, C0).
  int64_t groups = t.total / rt::kC0;
  blockRange(groups, blockIdx, blockDim, &begin, &end);
  for (int64_t g = begin; g < end;) {
    int64_t plane = g / t.inner, off = g % t.inner;
    int64_t len = std::min(t.inner - off, end - g);
    int64_t c1 = plane % t.c1;
    ops.affineRows(x + g * rt::kC0, y + g * rt::kC0, len, rt::kC0,
                   a + c1 * rt::kC0, b + c1 * rt::kC0);
    g += len;
  }
  return 0;
}

} // namespace

void registerNormKernels(KernelRegistry &registry) {
  KernelDef layerNorm{"layer_norm", layerNormTiling, nullptr, {}};
  addVecImpls<layerNormKernel>(&layerNorm, {DType::F32});
  registry.add(std::move(layerNorm));
  KernelDef batchNorm{"batch_norm", batchNormTiling, nullptr, {}};
  addVecImpls<batchNormKernel>(&batchNorm, {DType::F32});
  registry.add(std::move(batchNorm));
}

} // namespace geflow::kernels
