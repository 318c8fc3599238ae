//===- matmul_impl.h - matmul / batch_matmul kernel body ------------------===//
//
// Each block runs a contiguous range of (batch, row region, column region)
// tasks of the grid chosen by the tiling function. x1 is always packed on
// the fly; x2 is either prepacked (a constant weight) or packed on the fly.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_MATMUL_IMPL_H
#define GEFLOW_KERNELS_CUBE_MATMUL_IMPL_H

#include "kernels/cube/gemm_driver.h"
#include "kernels/cube/matmul_tiling.h"

#include <type_traits>

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

/// The block's tasks with operands of type T; Dp: bf16-pair panels and
/// vdpbf16ps.
template <typename T, bool Dp>
int32_t matmulRun(const MatmulTiling &t, const KernelArgs &args,
                  uint32_t blockIdx, uint32_t blockDim) {
  const auto *x1 = static_cast<const T *>(args.inputs[0]);
  const auto *x2 = static_cast<const T *>(args.inputs[1]);
  const GemmBlocking &bl = t.blocking;
  const GemmGrid &grid = t.grid;
  const bool pairs = t.panels == int32_t(PanelFormat::Bf16Pairs);
  const DType outDtype = DType(t.outDtype);
  const size_t outSize = rt::dtypeSize(outDtype);

  uint8_t *ws = static_cast<uint8_t *>(args.workspace) +
                uint64_t(blockIdx) * t.wsBytesPerBlock;
  auto *wsA = reinterpret_cast<float *>(ws);
  auto *wsB = wsA + roundUp(int64_t(bl.mc) * bl.kc, 16);
  auto *stage = reinterpret_cast<float *>(ws + t.wsStage);

  EpilogueArgs ep = makeEpilogue(t.epilogue);
  ep.colBias =
      channelsAsF32(DType(t.biasDtype), t.hasBias ? args.inputs[2] : nullptr,
                    t.N, reinterpret_cast<float *>(ws + t.wsBias));
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
    StridedOperand<T, Dp> a{
        {x1 + aMat * M * K, t.transA ? M : 1, t.transA ? 1 : K}, M, bl.mr};
    FinalStore out{static_cast<uint8_t *>(args.outputs[0]) +
                       b * M * N * outSize,
                   outDtype, N};
    auto run = [&](const auto &bOp) {
      gemmRegionTo(bl, K, m0, m1, n0, n1, a, bOp, out, ep, wsA, wsB, stage,
                   t.stage);
    };
    if (t.bPacked) {
      const auto *packed = reinterpret_cast<const float *>(x2);
      const int64_t per = packedWords(N, K, bl.nr, PanelFormat(t.panels));
      if constexpr (Dp) {
        run(PrepackedPanels<true>{packed + bMat * per, K, bl.nr});
      } else {
        if (pairs)
          run(PrepackedPairsAsF32{packed + bMat * per, K, bl.nr});
        else
          run(PrepackedOperand{packed + bMat * per, K, bl.nr});
      }
    } else {
      // B as v(k, j): x2 is [K, N] or [N, K] when transposed.
      run(StridedOperand<T, Dp>{
          {x2 + bMat * K * N, t.transB ? 1 : N, t.transB ? K : 1}, N, bl.nr});
    }
  }
  return 0;
}

/// matmul / batch_matmul with x1 and x2 stored as T (float, Half, BFloat).
template <typename T>
int32_t matmulBody(const KernelArgs &args, uint32_t blockIdx,
                   uint32_t blockDim) {
  MatmulTiling t;
  if (!decodeTiling(args, &t) || !isValidBlocking(t.blocking) ||
      t.inDtype != int32_t(dtypeOf<T>()))
    return kBadTiling;
  if (args.numInputs < uint32_t(2 + t.hasBias) || args.numOutputs < 1)
    return kBadOperands;
  const bool pairs = t.panels == int32_t(PanelFormat::Bf16Pairs);
  // Pair panels hold whole k pairs, so k blocks start on even k.
  if (pairs && (!std::is_same_v<T, BFloat> || t.blocking.kc % 2))
    return kBadTiling;
  if (DType(t.outDtype) != DType::F32 &&
      (t.stage.rows < t.blocking.mr || t.stage.rows % t.blocking.mr ||
       t.stage.cols < t.blocking.nr || t.stage.cols % t.blocking.nr))
    return kBadTiling;
  if constexpr (std::is_same_v<T, BFloat> && kHasBf16Dot)
    if (pairs && cpuHasBf16Dot())
      return matmulRun<T, true>(t, args, blockIdx, blockDim);
  return matmulRun<T, false>(t, args, blockIdx, blockDim);
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CUBE_MATMUL_IMPL_H
