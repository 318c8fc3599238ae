//===- conv2d_transpose_impl.h - conv2d_transpose kernel body -------------===//
//
// Per task (image, group, output-channel range): initialize the task's
// output planes with the bias, then for each chunk of input pixels run the
// GEMM into the column buffer and scatter-add it (col2im); finally apply
// the activation to the finished planes. x and the filter are stored as T;
// f16/bf16 outputs accumulate in fp32 planes in the workspace and are
// rounded once at the end.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_CONV2D_TRANSPOSE_IMPL_H
#define GEFLOW_KERNELS_CUBE_CONV2D_TRANSPOSE_IMPL_H

#include "kernels/cube/conv2d_im2col.h"
#include "kernels/cube/conv2d_transpose_tiling.h"

#include <type_traits>

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

/// Adds column rows [(co - co0) * KH * KW ...] of pixels [p0, p1) onto the
/// output planes `out` (plane of channel co at out + (co - co0) * OH * OW).
inline void col2im(const Conv2dTransposeTiling &t, const float *col,
                   int64_t ldCol, int64_t co0, int64_t co1, int64_t p0,
                   int64_t p1, float *out) {
  const int64_t khw = int64_t(t.kh) * t.kw;
  for (int64_t co = co0; co < co1; ++co) {
    float *plane = out + (co - co0) * t.oh * t.ow;
    for (int64_t kh = 0; kh < t.kh; ++kh)
      for (int64_t kw = 0; kw < t.kw; ++kw) {
        const float *row = col + ((co - co0) * khw + kh * t.kw + kw) * ldCol;
        int64_t offW = kw * t.dw - t.padLeft;
        // Walk the chunk's input rows; each is a run of consecutive iw.
        for (int64_t p = p0; p < p1;) {
          int64_t ih = p / t.w, iw0 = p % t.w;
          int64_t run = std::min(t.w - iw0, p1 - p);
          int64_t oh = ih * t.sh - t.padTop + kh * t.dh;
          if (oh >= 0 && oh < t.oh) {
            float *dst = plane + oh * t.ow;
            const float *src = row + (p - p0);
            int64_t lo, hi;
            validRange(iw0 * t.sw + offW, t.sw, t.ow, run, &lo, &hi);
            int64_t base = iw0 * t.sw + offW;
            if (t.sw == 1)
              for (int64_t i = lo; i < hi; ++i)
                dst[base + i] += src[i];
            else
              for (int64_t i = lo; i < hi; ++i)
                dst[base + i * t.sw] += src[i];
          }
          p += run;
        }
      }
  }
}

template <typename T, bool Dp>
int32_t conv2dTransposeRun(const Conv2dTransposeTiling &t,
                           const KernelArgs &args, uint32_t blockIdx,
                           uint32_t blockDim) {
  const auto *x = static_cast<const T *>(args.inputs[0]);
  uint8_t *ws = static_cast<uint8_t *>(args.workspace) +
                uint64_t(blockIdx) * t.wsBytesPerBlock;
  const float *bias =
      channelsAsF32(DType(t.biasDtype), t.hasBias ? args.inputs[2] : nullptr,
                    t.cout, reinterpret_cast<float *>(ws + t.wsBias));
  auto *wsA = reinterpret_cast<float *>(ws);
  auto *wsB = reinterpret_cast<float *>(ws + t.wsPackB);
  auto *col = reinterpret_cast<float *>(ws + t.wsCol);
  const DType outDtype = DType(t.outDtype);
  const bool direct = outDtype == DType::F32;

  const GemmBlocking &bl = t.blocking;
  const int64_t M = t.gemmM, K = t.gemmK, N = t.gemmN;
  const int64_t coutG = t.cout / t.groups, khw = int64_t(t.kh) * t.kw;
  const int64_t planeOut = t.oh * t.ow;
  const EpilogueArgs none;
  const EpilogueArgs ep = makeEpilogue(t.epilogue);
  TaskRange range =
      blockTaskRange(t.n * t.groups * t.coSplits, blockIdx, blockDim);
  for (int64_t task = range.begin; task < range.end; ++task) {
    int64_t ig = task / t.coSplits, split = task % t.coSplits;
    int64_t img = ig / t.groups, g = ig % t.groups;
    int64_t c0 = split * t.coStep, c1 = std::min(coutG, c0 + t.coStep);
    // fp32 planes col2im accumulates into, from channel c0 on: the output
    // itself, or a stage holding this task's channels.
    const int64_t planes = (img * t.cout + g * coutG + c0) * planeOut;
    float *out = direct ? static_cast<float *>(args.outputs[0]) + planes
                        : reinterpret_cast<float *>(ws + t.wsPlanes);
    for (int64_t co = c0; co < c1; ++co) {
      float b = bias ? bias[g * coutG + co] : 0.0f;
      for (int64_t i = 0; i < planeOut; ++i)
        out[(co - c0) * planeOut + i] = b;
    }
    StridedOperand<T, Dp> b{{x + (img * t.cin + g * K) * N, N, 1}, N, bl.nr};
    CMatrix c{col, t.pixelChunk, 16, c0 * khw, 0};
    for (int64_t p0 = 0; p0 < N; p0 += t.pixelChunk) {
      int64_t p1 = std::min(N, p0 + t.pixelChunk);
      c.j0 = p0;
      auto run = [&](const auto &a) {
        gemmRegion(bl, K, c0 * khw, c1 * khw, p0, p1, a, b, c, none, wsA, wsB);
      };
      if (t.filterPacked) {
        const PanelFormat f = PanelFormat(t.panels);
        const auto *packed = static_cast<const float *>(args.inputs[1]) +
                             g * packedWords(M, K, bl.mr, f);
        if constexpr (Dp)
          run(PrepackedPanels<true>{packed, K, bl.mr});
        else if (f == PanelFormat::Bf16Pairs)
          run(PrepackedPairsAsF32{packed, K, bl.mr});
        else
          run(PrepackedOperand{packed, K, bl.mr});
      } else {
        // v(k = ci, r) = filter[ci, r] of the group: rows contiguous in r.
        const auto *filter = static_cast<const T *>(args.inputs[1]);
        run(StridedOperand<T, Dp>{{filter + g * K * M, M, 1}, M, bl.mr});
      }
      col2im(t, col, t.pixelChunk, c0, c1, p0, p1, out);
    }
    for (int64_t co = 0; co < c1 - c0; ++co) {
      if (ep.act != Activation::None)
        activateSpanDyn(ep.act, out + co * planeOut, planeOut, 0.0f, nullptr,
                        ep.alpha);
      if (!direct)
        storeRow(outDtype, out + co * planeOut, args.outputs[0],
                 planes + co * planeOut, planeOut);
    }
  }
  return 0;
}

/// conv2d_transpose with x and the filter stored as T (float, Half, BFloat).
template <typename T>
int32_t conv2dTransposeBody(const KernelArgs &args, uint32_t blockIdx,
                            uint32_t blockDim) {
  Conv2dTransposeTiling t;
  if (!decodeTiling(args, &t) || !isValidBlocking(t.blocking) ||
      t.inDtype != int32_t(dtypeOf<T>()))
    return kBadTiling;
  if (args.numInputs < uint32_t(2 + t.hasBias) || args.numOutputs < 1)
    return kBadOperands;
  const bool pairs = t.panels == int32_t(PanelFormat::Bf16Pairs);
  if (pairs && (!std::is_same_v<T, BFloat> || t.blocking.kc % 2))
    return kBadTiling;
  if constexpr (std::is_same_v<T, BFloat> && kHasBf16Dot)
    if (pairs && cpuHasBf16Dot())
      return conv2dTransposeRun<T, true>(t, args, blockIdx, blockDim);
  return conv2dTransposeRun<T, false>(t, args, blockIdx, blockDim);
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CUBE_CONV2D_TRANSPOSE_IMPL_H
