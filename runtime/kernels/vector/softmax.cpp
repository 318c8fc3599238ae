//===- softmax.cpp - softmax and log_softmax over any axis ----------------===//
//
// The input is viewed as [outer, axis, inner]. With inner == 1 (the last
// axis) each row is reduced in place: max, exp(x - max) with its sum, then
// a scale (softmax) or a shift (log_softmax). Otherwise a block of inner
// columns is processed with per-column max/sum accumulators in the
// workspace, every step vectorized along the contiguous inner dim.
// x is f32, f16 or bf16, y that dtype or f32; f16/bf16 data is converted
// into fp32 rows (or UB-sized chunks of long rows) in the workspace, so the
// arithmetic is the fp32 path's and each result is rounded once.
//
//===----------------------------------------------------------------------===//
#include "kernels/common/kernel_families.h"
#include "kernels/vector/ew_engine.h"
#include "kernels/vector/nd_shape.h"
#include "kernels/vector/storage_rows.h"
#include "kernels/vector/vec_registry.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace geflow::kernels::vec {

namespace {

struct SoftmaxTiling {
  int64_t outer, axisLen, inner;
  /// Columns per work item when inner > 1 (work = outer * colBlocks).
  int64_t colTile, colBlocks;
  uint32_t log;
  uint32_t pad;
  // Storage dtypes (DType values); with either not f32 the kernel works on
  // fp32 buffers: wsFloats per block, rows up to `chunk` converted whole.
  uint32_t inDtype, outDtype;
  int64_t chunk;
  int64_t wsFloats;
};

Status softmaxTilingImpl(const std::string &name, bool log,
                         const TilingContext &ctx, TilingResult *result) {
  GEFLOW_RETURN_IF_ERROR(checkArity(name, ctx, 1, 1, 1, 1));
  const TensorDesc &x = ctx.inputs[0];
  GEFLOW_RETURN_IF_ERROR(checkFloatData(name, "input 0", x.dtype));
  GEFLOW_RETURN_IF_ERROR(
      checkStorage(name, "output 0", ctx.outputs[0].dtype, x.dtype, true));
  GEFLOW_RETURN_IF_ERROR(
      checkShape(name, "output 0", ctx.outputs[0].shape, x.shape));
  int64_t rank = static_cast<int64_t>(x.shape.size()), axis = 0;
  if (rank == 0)
    return invalidArgument(name + ": input 0 must have rank >= 1");
  GEFLOW_RETURN_IF_ERROR(
      normalizeAxis(name, ctx.attrs.getInt("axis", -1), rank, &axis));
  SoftmaxTiling t{};
  t.outer = 1;
  t.inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    t.outer *= x.shape[d];
  for (int64_t d = axis + 1; d < rank; ++d)
    t.inner *= x.shape[d];
  t.axisLen = x.shape[axis];
  t.log = log;
  const SocInfo &soc = socOf(ctx);
  // Two accumulator rows of colTile floats live in the workspace; the
  // axis column they summarize streams through L1/L2.
  t.colTile = std::clamp<int64_t>(
      static_cast<int64_t>(soc.ubSize) / 16 / 16 * 16, 16, 4096);
  t.colTile = std::min(t.colTile, std::max<int64_t>(t.inner, 1));
  t.colBlocks = (t.inner + t.colTile - 1) / t.colTile;
  int64_t work = t.inner == 1 ? t.outer : t.outer * t.colBlocks;
  int64_t bytes = t.outer * t.axisLen * t.inner * 8;
  result->blockDim = chooseBlockDim(soc, std::max<int64_t>(work, 1), bytes);
  t.inDtype = uint32_t(x.dtype);
  t.outDtype = uint32_t(ctx.outputs[0].dtype);
  t.chunk = storageChunk(soc);
  if (t.inDtype != uint32_t(DType::F32) || t.outDtype != uint32_t(DType::F32))
    // Rows: an input and an output chunk; columns: max, sum and one row.
    t.wsFloats = t.inner == 1 ? 2 * t.chunk : 3 * t.colTile;
  else
    t.wsFloats = t.inner == 1 ? 0 : 2 * t.colTile;
  result->tilingData = encodeTiling(t);
  result->workspaceSize =
      t.wsFloats ? uint64_t(result->blockDim) * uint64_t(t.wsFloats) * 4 + 64
                 : 0;
  return Status::OK();
}

Status softmaxTiling(const TilingContext &ctx, TilingResult *r) {
  return softmaxTilingImpl("softmax", false, ctx, r);
}
Status logSoftmaxTiling(const TilingContext &ctx, TilingResult *r) {
  return softmaxTilingImpl("log_softmax", true, ctx, r);
}

void softmaxRow(const VecOps &ops, const float *x, float *y, int64_t n,
                bool log) {
  float m = ops.max(x, n);
  if (log) {
    // (x - max) - log(sum), not x - (max + log(sum)): with a large max the
    // sum would round away the small log term.
    float logSum = std::log(ops.expShiftSum(x, nullptr, n, m));
    ops.binary(EwOp::Sub, x, true, &m, false, y, n);
    ops.binary(EwOp::Sub, y, true, &logSum, false, y, n);
  } else {
    float inv = 1.f / ops.expShiftSum(x, y, n, m);
    ops.binary(EwOp::Mul, y, true, &inv, false, y, n);
  }
}

/// Columns [c0, c0 + w) of one [axisLen, inner] slab.
void softmaxColumns(const VecOps &ops, const SoftmaxTiling &t, const float *x,
                    float *y, int64_t w, float *mx, float *sum) {
  const int64_t s = t.inner;
  std::copy(x, x + w, mx);
  for (int64_t a = 1; a < t.axisLen; ++a)
    ops.binary(EwOp::Max, mx, true, x + a * s, true, mx, w);
  std::fill(sum, sum + w, 0.f);
  for (int64_t a = 0; a < t.axisLen; ++a) {
    float *row = y + a * s;
    ops.binary(EwOp::Sub, x + a * s, true, mx, true, row, w);
    ops.unary(EwOp::Exp, row, row, w, 0, 0);
    ops.binary(EwOp::Add, sum, true, row, true, sum, w);
  }
  if (t.log) {
    // (x - max) - log(sum), as for rows.
    ops.unary(EwOp::Log, sum, sum, w, 0, 0);
    for (int64_t a = 0; a < t.axisLen; ++a) {
      ops.binary(EwOp::Sub, x + a * s, true, mx, true, y + a * s, w);
      ops.binary(EwOp::Sub, y + a * s, true, sum, true, y + a * s, w);
    }
  } else {
    ops.unary(EwOp::Reciprocal, sum, sum, w, 0, 0);
    for (int64_t a = 0; a < t.axisLen; ++a)
      ops.binary(EwOp::Mul, y + a * s, true, sum, true, y + a * s, w);
  }
}

/// One row of n elements (element offset `off`) with f16/bf16 storage on
/// either side: converted whole when it fits a chunk, else in three passes
/// over chunks (max, sum of exp, results), each converting its chunks.
void softmaxRowStored(const VecOps &ops, const SoftmaxTiling &t, const void *x,
                      void *y, int64_t off, float *inBuf, float *outBuf) {
  const DType in = DType(t.inDtype), out = DType(t.outDtype);
  const int64_t n = t.axisLen, chunk = t.chunk;
  if (n <= chunk) {
    const float *xr = rowIn(ops, in, x, off, n, inBuf);
    float *yr = rowOutPtr(out, y, off, outBuf);
    softmaxRow(ops, xr, yr, n, t.log);
    rowOut(ops, out, yr, y, off, n);
    return;
  }
  float m = -std::numeric_limits<float>::infinity();
  for (int64_t c = 0; c < n; c += chunk) {
    float cm =
        ops.max(rowIn(ops, in, x, off + c, std::min(chunk, n - c), inBuf),
                std::min(chunk, n - c));
    m = (cm != cm || m != m) ? std::numeric_limits<float>::quiet_NaN()
                             : std::max(m, cm);
  }
  float sum = 0.f;
  for (int64_t c = 0; c < n; c += chunk) {
    int64_t len = std::min(chunk, n - c);
    sum += ops.expShiftSum(rowIn(ops, in, x, off + c, len, inBuf), nullptr, len,
                           m);
  }
  // As in softmaxRow: (x - max) - log(sum) keeps small log terms.
  float scale = t.log ? std::log(sum) : 1.f / sum;
  for (int64_t c = 0; c < n; c += chunk) {
    int64_t len = std::min(chunk, n - c);
    const float *xc = rowIn(ops, in, x, off + c, len, inBuf);
    float *yc = rowOutPtr(out, y, off + c, outBuf);
    if (t.log) {
      ops.binary(EwOp::Sub, xc, true, &m, false, yc, len);
      ops.binary(EwOp::Sub, yc, true, &scale, false, yc, len);
    } else {
      ops.expShiftSum(xc, yc, len, m);
      ops.binary(EwOp::Mul, yc, true, &scale, false, yc, len);
    }
    rowOut(ops, out, yc, y, off + c, len);
  }
}

/// softmaxColumns with f16/bf16 storage: per-column max and sum in `mx` /
/// `sum`, one converted row of the slab at a time in `row`; exp(x - max) is
/// recomputed for the results instead of being kept in a rounded y.
void softmaxColumnsStored(const VecOps &ops, const SoftmaxTiling &t,
                          const void *x, void *y, int64_t off, int64_t w,
                          float *mx, float *sum, float *row) {
  const DType in = DType(t.inDtype), out = DType(t.outDtype);
  const int64_t s = t.inner;
  const float *r0 = rowIn(ops, in, x, off, w, row);
  std::copy(r0, r0 + w, mx);
  for (int64_t a = 1; a < t.axisLen; ++a)
    ops.binary(EwOp::Max, mx, true, rowIn(ops, in, x, off + a * s, w, row),
               true, mx, w);
  std::fill(sum, sum + w, 0.f);
  for (int64_t a = 0; a < t.axisLen; ++a) {
    ops.binary(EwOp::Sub, rowIn(ops, in, x, off + a * s, w, row), true, mx,
               true, row, w);
    ops.unary(EwOp::Exp, row, row, w, 0, 0);
    ops.binary(EwOp::Add, sum, true, row, true, sum, w);
  }
  ops.unary(t.log ? EwOp::Log : EwOp::Reciprocal, sum, sum, w, 0, 0);
  for (int64_t a = 0; a < t.axisLen; ++a) {
    ops.binary(EwOp::Sub, rowIn(ops, in, x, off + a * s, w, row), true, mx,
               true, row, w);
    if (t.log) {
      ops.binary(EwOp::Sub, row, true, sum, true, row, w);
    } else {
      ops.unary(EwOp::Exp, row, row, w, 0, 0);
      ops.binary(EwOp::Mul, row, true, sum, true, row, w);
    }
    rowOut(ops, out, row, y, off + a * s, w);
  }
}

/// softmax / log_softmax with f16/bf16 input or output.
int32_t softmaxStored(const VecOps &ops, const SoftmaxTiling &t,
                      const KernelArgs &args, uint32_t blockIdx,
                      uint32_t blockDim) {
  const void *x = args.inputs[0];
  void *y = args.outputs[0];
  float *ws = reinterpret_cast<float *>(
      (reinterpret_cast<uintptr_t>(args.workspace) + 63) & ~uintptr_t(63));
  ws += static_cast<int64_t>(blockIdx) * t.wsFloats;
  int64_t slab = t.axisLen * t.inner, begin, end;
  if (t.inner == 1) {
    blockRange(t.outer, blockIdx, blockDim, &begin, &end);
    for (int64_t r = begin; r < end; ++r)
      softmaxRowStored(ops, t, x, y, r * slab, ws, ws + t.chunk);
    return 0;
  }
  blockRange(t.outer * t.colBlocks, blockIdx, blockDim, &begin, &end);
  for (int64_t item = begin; item < end; ++item) {
    int64_t o = item / t.colBlocks, c0 = (item % t.colBlocks) * t.colTile;
    int64_t w = std::min(t.colTile, t.inner - c0);
    softmaxColumnsStored(ops, t, x, y, o * slab + c0, w, ws, ws + t.colTile,
                         ws + 2 * t.colTile);
  }
  return 0;
}

int32_t softmaxKernel(const VecOps &ops, const KernelArgs &args,
                      uint32_t blockIdx, uint32_t blockDim) {
  SoftmaxTiling t;
  if (!decodeTiling(args, &t) || args.numInputs != 1 || args.numOutputs != 1)
    return kVecErrBadTiling;
  if (t.axisLen == 0)
    return 0;
  if (t.inDtype != uint32_t(DType::F32) || t.outDtype != uint32_t(DType::F32)) {
    if (t.chunk < 1 ||
        t.wsFloats < (t.inner == 1 ? 2 * t.chunk : 3 * t.colTile))
      return kVecErrBadTiling;
    return softmaxStored(ops, t, args, blockIdx, blockDim);
  }
  const float *x = static_cast<const float *>(args.inputs[0]);
  float *y = static_cast<float *>(args.outputs[0]);
  int64_t slab = t.axisLen * t.inner, begin, end;
  if (t.inner == 1) {
    blockRange(t.outer, blockIdx, blockDim, &begin, &end);
    for (int64_t r = begin; r < end; ++r)
      softmaxRow(ops, x + r * slab, y + r * slab, t.axisLen, t.log);
    return 0;
  }
  float *mx = reinterpret_cast<float *>(
      (reinterpret_cast<uintptr_t>(args.workspace) + 63) & ~uintptr_t(63));
  mx += static_cast<int64_t>(blockIdx) * t.wsFloats;
  float *sum = mx + t.colTile;
  blockRange(t.outer * t.colBlocks, blockIdx, blockDim, &begin, &end);
  for (int64_t item = begin; item < end; ++item) {
    int64_t o = item / t.colBlocks, c0 = (item % t.colBlocks) * t.colTile;
    int64_t w = std::min(t.colTile, t.inner - c0);
    softmaxColumns(ops, t, x + o * slab + c0, y + o * slab + c0, w, mx, sum);
  }
  return 0;
}

} // namespace
} // namespace geflow::kernels::vec

namespace geflow::kernels {

void registerSoftmaxKernels(KernelRegistry &registry) {
  using namespace vec;
  KernelDef softmax{"softmax", softmaxTiling, nullptr, {}};
  addVecImpls<softmaxKernel>(&softmax, {DType::F32, DType::F16, DType::BF16});
  registry.add(std::move(softmax));
  KernelDef logSoftmax{"log_softmax", logSoftmaxTiling, nullptr, {}};
  addVecImpls<softmaxKernel>(&logSoftmax,
                             {DType::F32, DType::F16, DType::BF16});
  registry.add(std::move(logSoftmax));
}

} // namespace geflow::kernels
