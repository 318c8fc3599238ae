//===- matmul_impl.h - matmul / batch_matmul kernel body ------------------===//
//
// Each block runs a contiguous range of (batch, row region, column region)
// tasks of the grid chosen by the tiling function. x1 is always packed on
// the fly; x2 is either prepacked (a constant weight) or packed on the fly.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_MATMUL_IMPL_H
#define GEFLOW_KERNELS_MATMUL_IMPL_H

#include "kernels/gemm_driver.h"
#include "kernels/matmul_tiling.h"

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

inline int32_t matmulBody(const KernelArgs &args, uint32_t blockIdx,
                          uint32_t blockDim) {
  MatmulTiling t;
  if (!decodeTiling(args, &t) || !isValidBlocking(t.blocking))
    return kBadTiling;
  if (args.numInputs < uint32_t(2 + t.hasBias) || args.numOutputs < 1)
    return kBadOperands;
  const auto *x1 = static_cast<const float *>(args.inputs[0]);
  const auto *x2 = static_cast<const float *>(args.inputs[1]);
  const auto *bias =
      t.hasBias ? static_cast<const float *>(args.inputs[2]) : nullptr;
  auto *y = static_cast<float *>(args.outputs[0]);
  const GemmBlocking &bl = t.blocking;
  const GemmGrid &grid = t.grid;

  auto *ws = reinterpret_cast<float *>(static_cast<uint8_t *>(args.workspace) +
                                       blockIdx * t.wsBytesPerBlock);
  float *wsA = ws;
  float *wsB = ws + roundUp(int64_t(bl.mc) * bl.kc, 16);

  EpilogueArgs ep = makeEpilogue(t.epilogue);
  ep.colBias = bias;
  const int64_t M = t.M, N = t.N, K = t.K;
  const int64_t regions = int64_t(grid.gm) * grid.gn;
  TaskRange range = blockTaskRange(t.batch * regions, blockIdx, blockDim);
  for (int64_t task = range.begin; task < range.end; ++task) {
    int64_t b = task / regions, region = task % regions;
    // Batch index -> matrix index of each operand (broadcast dims stride 0).
    int64_t aMat = 0, bMat = 0, rest = b;
    for (int d = t.batchRank - 1; d >= 0; --d) {
      int64_t idx = rest % t.batchDims[d];
      rest /= t.batchDims[d];
      aMat += idx * t.aBatchStride[d];
      bMat += idx * t.bBatchStride[d];
    }
    const Region r = gridRegion(grid, M, N, region);
    const int64_t m0 = r.m0, m1 = r.m1, n0 = r.n0, n1 = r.n1;

    // A as v(k, i): x1 is [M, K] (k contiguous) or [K, M] when transposed.
    StridedOperand<float> a{
        {x1 + aMat * M * K, t.transA ? M : 1, t.transA ? 1 : K}, M, bl.mr};
    CMatrix c{y + b * M * N, N};
    if (t.bPacked) {
      PrepackedOperand bOp{x2 + bMat * packedFloats(N, K, bl.nr), K, bl.nr};
      gemmRegion(bl, K, m0, m1, n0, n1, a, bOp, c, ep, wsA, wsB);
    } else {
      // B as v(k, j): x2 is [K, N] or [N, K] when transposed.
      StridedOperand<float> bOp{
          {x2 + bMat * K * N, t.transB ? 1 : N, t.transB ? K : 1}, N, bl.nr};
      gemmRegion(bl, K, m0, m1, n0, n1, a, bOp, c, ep, wsA, wsB);
    }
  }
  return 0;
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_MATMUL_IMPL_H
