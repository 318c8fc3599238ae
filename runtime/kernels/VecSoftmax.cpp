//===- VecSoftmax.cpp - softmax and log_softmax over any axis -------------===//
//
// The input is viewed as [outer, axis, inner]. With inner == 1 (the last
// axis) each row is reduced in place: max, exp(x - max) with its sum, then
// a scale (softmax) or a shift (log_softmax). Otherwise a block of inner
// columns is processed with per-column max/sum accumulators in the
// workspace, every step vectorized along the contiguous inner dim.
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

struct SoftmaxTiling {
  int64_t outer, axisLen, inner;
  /// Columns per work item when inner > 1 (work = outer * colBlocks).
  int64_t colTile, colBlocks;
  uint32_t log;
  uint32_t pad;
};

Status softmaxTilingImpl(const std::string &name, bool log,
                         const TilingContext &ctx, TilingResult *result) {
  GEFLOW_RETURN_IF_ERROR(checkArity(name, ctx, 1, 1, 1, 1));
  const TensorDesc &x = ctx.inputs[0];
  GEFLOW_RETURN_IF_ERROR(checkDtype(name, "input 0", x.dtype, DType::F32));
  GEFLOW_RETURN_IF_ERROR(
      checkDtype(name, "output 0", ctx.outputs[0].dtype, DType::F32));
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
  result->tilingData = encodeTiling(t);
  result->workspaceSize =
      t.inner == 1 ? 0
                   : uint64_t(result->blockDim) * uint64_t(t.colTile) * 8 + 64;
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

int32_t softmaxKernel(const VecOps &ops, const KernelArgs &args,
                      uint32_t blockIdx, uint32_t blockDim) {
  SoftmaxTiling t;
  if (!decodeTiling(args, &t) || args.numInputs != 1 || args.numOutputs != 1)
    return kVecErrBadTiling;
  const float *x = static_cast<const float *>(args.inputs[0]);
  float *y = static_cast<float *>(args.outputs[0]);
  if (t.axisLen == 0)
    return 0;
  int64_t slab = t.axisLen * t.inner, begin, end;
  if (t.inner == 1) {
    blockRange(t.outer, blockIdx, blockDim, &begin, &end);
    for (int64_t r = begin; r < end; ++r)
      softmaxRow(ops, x + r * slab, y + r * slab, t.axisLen, t.log);
    return 0;
  }
  float *mx = reinterpret_cast<float *>(
      (reinterpret_cast<uintptr_t>(args.workspace) + 63) & ~uintptr_t(63));
  mx += static_cast<int64_t>(blockIdx) * 2 * t.colTile;
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

void registerSoftmaxKernels(KernelRegistry &registry) {
  KernelDef softmax{"softmax", softmaxTiling, nullptr, {}};
  addVecImpls<softmaxKernel>(&softmax, {DType::F32});
  registry.add(std::move(softmax));
  KernelDef logSoftmax{"log_softmax", logSoftmaxTiling, nullptr, {}};
  addVecImpls<softmaxKernel>(&logSoftmax, {DType::F32});
  registry.add(std::move(logSoftmax));
}

} // namespace geflow::kernels
