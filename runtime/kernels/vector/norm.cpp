//===- norm.cpp - layer_norm and batch_norm (inference) -------------------===//
//
// layer_norm normalizes each row of the trailing dims from begin_norm_axis
// (two passes: mean, then the centred sum of squares, so large means do not
// cancel the variance away), then applies gamma/beta in a third pass.
// batch_norm folds scale/offset/mean/variance into one multiply-add per
// element with per-channel a = scale / sqrt(var + eps), b = offset - mean a,
// on NCHW (channel dim 1 of any rank >= 2) or NC1HWC0 data.
// Data is f32, f16 or bf16 (D); parameters, results and statistics are D or
// f32. f16/bf16 rows are converted into fp32 workspace buffers (whole rows
// when they fit a UB-sized chunk, else chunk by chunk in every pass) and
// rounded once when stored.
//
//===----------------------------------------------------------------------===//
#include "kernels/common/kernel_families.h"
#include "kernels/vector/ew_engine.h"
#include "kernels/vector/nd_shape.h"
#include "kernels/vector/storage_rows.h"
#include "kernels/vector/vec_registry.h"

#include <algorithm>
#include <cmath>

namespace geflow::kernels::vec {

namespace {

//===----------------------------------------------------------------------===//
// layer_norm
//===----------------------------------------------------------------------===//

struct LayerNormTiling {
  int64_t rows, cols;
  float epsilon;
  uint8_t hasGamma, hasBeta, hasMean, hasRstd;
  // Storage dtypes (DType values) of x, gamma, beta, y, mean, rstd; when any
  // is not f32 the kernel works on fp32 buffers (wsFloats per block).
  uint8_t dtypes[6];
  uint8_t pad[2];
  int64_t chunk;
  int64_t wsFloats;
};

bool allF32(const uint8_t *dtypes, int n) {
  for (int i = 0; i < n; ++i)
    if (dtypes[i] != uint8_t(DType::F32))
      return false;
  return true;
}

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
  const DType d = x.dtype;
  GEFLOW_RETURN_IF_ERROR(checkFloatData(name, "input 0", d));
  for (size_t i = 1; i < ctx.inputs.size(); ++i)
    GEFLOW_RETURN_IF_ERROR(checkStorage(name, "input " + std::to_string(i),
                                        ctx.inputs[i].dtype, d, true));
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
    GEFLOW_RETURN_IF_ERROR(checkStorage(name, "output " + std::to_string(k),
                                        ctx.outputs[k].dtype, d, true));
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
  for (int i = 0; i < 6; ++i)
    t.dtypes[i] = uint8_t(DType::F32);
  for (size_t i = 0; i < ctx.inputs.size(); ++i)
    t.dtypes[i] = uint8_t(ctx.inputs[i].dtype);
  for (size_t k = 0; k < ctx.outputs.size(); ++k)
    t.dtypes[3 + k] = uint8_t(ctx.outputs[k].dtype);
  t.chunk = storageChunk(soc);
  // x, gamma, beta and y buffers of a chunk each.
  t.wsFloats = allF32(t.dtypes, 6) ? 0 : 4 * t.chunk;
  result->tilingData = encodeTiling(t);
  result->workspaceSize =
      t.wsFloats ? uint64_t(result->blockDim) * uint64_t(t.wsFloats) * 4 + 64
                 : 0;
  return Status::OK();
}

/// Row statistics as layerNormKernel computes them, over the fp32 values
/// `load(c0, len)` hands out chunk by chunk (c0 multiples of `chunk`).
template <class Load>
void rowStats(const VecOps &ops, int64_t cols, int64_t chunk, float eps,
              Load &&load, float *mean, float *rstd) {
  float invN = cols > 0 ? 1.f / static_cast<float>(cols) : 0.f;
  float sum = 0.f;
  for (int64_t c = 0; c < cols; c += chunk)
    sum +=
        ops.sum(load(c, std::min(chunk, cols - c)), std::min(chunk, cols - c));
  float m = sum * invN, sumDiff = 0.f, sumSq = 0.f;
  for (int64_t c = 0; c < cols; c += chunk) {
    float d, q;
    int64_t len = std::min(chunk, cols - c);
    ops.centeredMoments(load(c, len), len, m, &d, &q);
    sumDiff += d;
    sumSq += q;
  }
  // The corrected two-pass variance of layerNormKernel.
  float shift = sumDiff * invN;
  *mean = m + shift;
  float var = std::max(sumSq * invN - shift * shift, 0.f);
  *rstd = 1.f / std::sqrt(var + eps);
}

/// layer_norm with f16/bf16 storage somewhere: fp32 chunks in the workspace.
int32_t layerNormStored(const VecOps &ops, const LayerNormTiling &t,
                        const KernelArgs &args, uint32_t blockIdx,
                        uint32_t blockDim) {
  const DType dx = DType(t.dtypes[0]), dg = DType(t.dtypes[1]),
              db = DType(t.dtypes[2]), dy = DType(t.dtypes[3]),
              dm = DType(t.dtypes[4]), dr = DType(t.dtypes[5]);
  const void *x = args.inputs[0];
  const void *gamma = t.hasGamma ? args.inputs[1] : nullptr;
  const void *beta = t.hasBeta ? args.inputs[2] : nullptr;
  void *y = args.outputs[0];
  float *ws = reinterpret_cast<float *>(
      (reinterpret_cast<uintptr_t>(args.workspace) + 63) & ~uintptr_t(63));
  ws += static_cast<int64_t>(blockIdx) * t.wsFloats;
  float *xBuf = ws, *gBuf = ws + t.chunk, *bBuf = ws + 2 * t.chunk,
        *yBuf = ws + 3 * t.chunk;
  const int64_t cols = t.cols, chunk = t.chunk;
  const bool whole = cols <= chunk;
  // A row that fits one chunk is converted once; gamma and beta then too,
  // for every row of the block.
  const float *g = nullptr, *b = nullptr;
  if (whole) {
    g = gamma ? rowIn(ops, dg, gamma, 0, cols, gBuf) : nullptr;
    b = beta ? rowIn(ops, db, beta, 0, cols, bBuf) : nullptr;
  }
  int64_t begin, end;
  blockRange(t.rows, blockIdx, blockDim, &begin, &end);
  for (int64_t r = begin; r < end; ++r) {
    const int64_t off = r * cols;
    const float *xWhole = whole ? rowIn(ops, dx, x, off, cols, xBuf) : nullptr;
    auto load = [&](int64_t c, int64_t len) {
      return whole ? xWhole + c : rowIn(ops, dx, x, off + c, len, xBuf);
    };
    float mean, rstd;
    rowStats(ops, cols, chunk, t.epsilon, load, &mean, &rstd);
    for (int64_t c = 0; c < cols; c += chunk) {
      int64_t len = std::min(chunk, cols - c);
      const float *gc =
          gamma ? (whole ? g : rowIn(ops, dg, gamma, c, len, gBuf)) : nullptr;
      const float *bc =
          beta ? (whole ? b : rowIn(ops, db, beta, c, len, bBuf)) : nullptr;
      float *yc = rowOutPtr(dy, y, off + c, yBuf);
      ops.normAffine(load(c, len), yc, len, mean, rstd, gc, bc);
      rowOut(ops, dy, yc, y, off + c, len);
    }
    if (t.hasMean)
      storeValue(dm, args.outputs[1], r, mean);
    if (t.hasRstd)
      storeValue(dr, args.outputs[2], r, rstd);
  }
  return 0;
}

int32_t layerNormKernel(const VecOps &ops, const KernelArgs &args,
                        uint32_t blockIdx, uint32_t blockDim) {
  LayerNormTiling t;
  if (!decodeTiling(args, &t) ||
      args.numInputs != 1u + t.hasGamma + t.hasBeta ||
      args.numOutputs != 1u + t.hasMean + t.hasRstd)
    return kVecErrBadTiling;
  if (!allF32(t.dtypes, 6)) {
    if (t.chunk < 1 || t.wsFloats < 4 * t.chunk)
      return kVecErrBadTiling;
    return layerNormStored(ops, t, args, blockIdx, blockDim);
  }
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
  // Storage dtypes (DType values) of x, scale, offset, mean, variance, y;
  // f16/bf16 x or y go through fp32 chunks (two buffers of `chunk` floats
  // after a block's a/b).
  uint8_t dtypes[6];
  uint8_t pad2[2];
  int64_t chunk;
  int64_t wsFloats; // per block
};

Status batchNormTiling(const TilingContext &ctx, TilingResult *result) {
  const std::string name = "batch_norm";
  GEFLOW_RETURN_IF_ERROR(checkArity(name, ctx, 5, 5, 1, 1));
  const TensorDesc &x = ctx.inputs[0];
  const char *names[] = {"x", "scale", "offset", "mean", "variance"};
  const DType d = x.dtype;
  GEFLOW_RETURN_IF_ERROR(checkFloatData(name, "input 0 (x)", d));
  for (size_t i = 1; i < 5; ++i)
    GEFLOW_RETURN_IF_ERROR(
        checkStorage(name, "input " + std::to_string(i) + " (" + names[i] + ")",
                     ctx.inputs[i].dtype, d, true));
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
  GEFLOW_RETURN_IF_ERROR(checkStorage(name, "output 0", y.dtype, d, true));
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
  for (size_t i = 0; i < 5; ++i)
    t.dtypes[i] = uint8_t(ctx.inputs[i].dtype);
  t.dtypes[5] = uint8_t(y.dtype);
  t.chunk = storageChunk(soc);
  // Per block: a and b for every (padded) channel, then for f16/bf16 data
  // an input and an output chunk.
  int64_t channels = t.c1 ? t.c1 * rt::kC0 : t.c;
  t.wsFloats = channels * 2 + 16;
  if (d != DType::F32 || y.dtype != DType::F32)
    t.wsFloats += 2 * t.chunk;
  result->tilingData = encodeTiling(t);
  result->workspaceSize = uint64_t(result->blockDim) * uint64_t(t.wsFloats) * 4;
  return Status::OK();
}

/// The affine pass of batch_norm with f16/bf16 data, through two fp32
/// chunks after the block's a / b (channels * 2 + 16 floats in).
int32_t batchNormStored(const VecOps &ops, const BatchNormTiling &t,
                        const KernelArgs &args, const float *a, const float *b,
                        uint32_t blockIdx, uint32_t blockDim) {
  const DType dx = DType(t.dtypes[0]), dy = DType(t.dtypes[5]);
  const void *x = args.inputs[0];
  void *y = args.outputs[0];
  int64_t channels = t.c1 ? t.c1 * rt::kC0 : t.c;
  float *xBuf = const_cast<float *>(a) + channels * 2 + 16;
  float *yBuf = xBuf + t.chunk;
  int64_t begin, end;
  if (t.c1 == 0) { // NCHW: runs of one channel plane, chunk by chunk
    blockRange(t.total, blockIdx, blockDim, &begin, &end);
    for (int64_t f = begin; f < end;) {
      int64_t plane = f / t.inner, off = f % t.inner;
      int64_t len = std::min({t.inner - off, end - f, t.chunk});
      int64_t c = plane % t.c;
      float *yc = rowOutPtr(dy, y, f, yBuf);
      ops.ternary(EwOp::MulAdd, rowIn(ops, dx, x, f, len, xBuf), true, &a[c],
                  false, &b[c], false, yc, len);
      rowOut(ops, dy, yc, y, f, len);
      f += len;
    }
    return 0;
  }
  // NC1HWC0: runs of C0 groups of one C1 block, a chunk of groups at a time.
  const int64_t chunkGroups = t.chunk / rt::kC0;
  int64_t groups = t.total / rt::kC0;
  blockRange(groups, blockIdx, blockDim, &begin, &end);
  for (int64_t g = begin; g < end;) {
    int64_t plane = g / t.inner, off = g % t.inner;
    int64_t len = std::min({t.inner - off, end - g, chunkGroups});
    int64_t c1 = plane % t.c1;
    int64_t e0 = g * rt::kC0, n = len * rt::kC0;
    float *yc = rowOutPtr(dy, y, e0, yBuf);
    ops.affineRows(rowIn(ops, dx, x, e0, n, xBuf), yc, len, rt::kC0,
                   a + c1 * rt::kC0, b + c1 * rt::kC0);
    rowOut(ops, dy, yc, y, e0, n);
    g += len;
  }
  return 0;
}

int32_t batchNormKernel(const VecOps &ops, const KernelArgs &args,
                        uint32_t blockIdx, uint32_t blockDim) {
  BatchNormTiling t;
  if (!decodeTiling(args, &t) || args.numInputs != 5 || args.numOutputs != 1)
    return kVecErrBadTiling;
  auto in = [&](int i, int64_t c) {
    return valueAt(DType(t.dtypes[i]), args.inputs[i], c);
  };
  int64_t channels = t.c1 ? t.c1 * rt::kC0 : t.c;
  if (t.wsFloats < channels * 2 + 16)
    return kVecErrBadTiling;
  float *a = static_cast<float *>(args.workspace) +
             static_cast<int64_t>(blockIdx) * t.wsFloats;
  float *b = a + channels;
  // Padded NC1HWC0 channels get a = b = 0, so they stay zero.
  for (int64_t c = 0; c < channels; ++c) {
    if (c < t.c) {
      a[c] = in(1, c) / std::sqrt(in(4, c) + t.epsilon);
      b[c] = in(2, c) - in(3, c) * a[c];
    } else {
      a[c] = b[c] = 0.f;
    }
  }
  const DType dx = DType(t.dtypes[0]), dy = DType(t.dtypes[5]);
  if (dx != DType::F32 || dy != DType::F32) {
    if (t.chunk < rt::kC0 || t.wsFloats < channels * 2 + 16 + 2 * t.chunk)
      return kVecErrBadTiling;
    return batchNormStored(ops, t, args, a, b, blockIdx, blockDim);
  }
  const float *x = static_cast<const float *>(args.inputs[0]);
  float *y = static_cast<float *>(args.outputs[0]);
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
} // namespace geflow::kernels::vec

namespace geflow::kernels {

void registerNormKernels(KernelRegistry &registry) {
  using namespace vec;
  KernelDef layerNorm{"layer_norm", layerNormTiling, nullptr, {}};
  addVecImpls<layerNormKernel>(&layerNorm,
                               {DType::F32, DType::F16, DType::BF16});
  registry.add(std::move(layerNorm));
  KernelDef batchNorm{"batch_norm", batchNormTiling, nullptr, {}};
  addVecImpls<batchNormKernel>(&batchNorm,
                               {DType::F32, DType::F16, DType::BF16});
  registry.add(std::move(batchNorm));
}

} // namespace geflow::kernels
