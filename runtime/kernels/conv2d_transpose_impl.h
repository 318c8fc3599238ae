//===- conv2d_transpose_impl.h - conv2d_transpose kernel body -------------===//
//
// Per task (image, group, output-channel range): initialize the task's
// output planes with the bias, then for each chunk of input pixels run the
// GEMM into the column buffer and scatter-add it (col2im); finally apply
// the activation to the finished planes.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CONV2D_TRANSPOSE_IMPL_H
#define GEFLOW_KERNELS_CONV2D_TRANSPOSE_IMPL_H

#include "kernels/conv2d_im2col.h"
#include "kernels/conv2d_transpose_tiling.h"

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

/// Adds column rows [(co - coBase) * KH * KW ...] of pixels [p0, p1) onto the
/// output planes `out` (plane of channel co at out + co * OH * OW).
inline void col2im(const Conv2dTransposeTiling &t, const float *col,
                   int64_t ldCol, int64_t co0, int64_t co1, int64_t p0,
                   int64_t p1, float *out) {
  const int64_t khw = int64_t(t.kh) * t.kw;
  for (int64_t co = co0; co < co1; ++co) {
    float *plane = out + co * t.oh * t.ow;
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

inline int32_t conv2dTransposeBody(const KernelArgs &args, uint32_t blockIdx,
                                   uint32_t blockDim) {
  Conv2dTransposeTiling t;
  if (!decodeTiling(args, &t) || !isValidBlocking(t.blocking))
    return kBadTiling;
  if (args.numInputs < uint32_t(2 + t.hasBias) || args.numOutputs < 1)
    return kBadOperands;
  const auto *x = static_cast<const float *>(args.inputs[0]);
  const auto *filter = static_cast<const float *>(args.inputs[1]);
  const auto *bias =
      t.hasBias ? static_cast<const float *>(args.inputs[2]) : nullptr;
  auto *y = static_cast<float *>(args.outputs[0]);
  uint8_t *ws =
      static_cast<uint8_t *>(args.workspace) + blockIdx * t.wsBytesPerBlock;
  auto *wsA = reinterpret_cast<float *>(ws);
  auto *wsB = reinterpret_cast<float *>(ws + t.wsPackB);
  auto *col = reinterpret_cast<float *>(ws + t.wsCol);

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
    float *out = y + (img * t.cout + g * coutG) * planeOut;
    for (int64_t co = c0; co < c1; ++co) {
      float b = bias ? bias[g * coutG + co] : 0.0f;
      for (int64_t i = 0; i < planeOut; ++i)
        out[co * planeOut + i] = b;
    }
    StridedOperand<float> b{{x + (img * t.cin + g * K) * N, N, 1}, N, bl.nr};
    CMatrix c{col, t.pixelChunk, 16, c0 * khw, 0};
    for (int64_t p0 = 0; p0 < N; p0 += t.pixelChunk) {
      int64_t p1 = std::min(N, p0 + t.pixelChunk);
      c.j0 = p0;
      if (t.filterPacked) {
        PrepackedOperand a{filter + g * packedFloats(M, K, bl.mr), K, bl.mr};
        gemmRegion(bl, K, c0 * khw, c1 * khw, p0, p1, a, b, c, none, wsA, wsB);
      } else {
        // v(k = ci, r) = filter[ci, r] of the group: rows contiguous in r.
        StridedOperand<float> a{{filter + g * K * M, M, 1}, M, bl.mr};
        gemmRegion(bl, K, c0 * khw, c1 * khw, p0, p1, a, b, c, none, wsA, wsB);
      }
      col2im(t, col, t.pixelChunk, c0, c1, p0, p1, out);
    }
    if (ep.act != Activation::None)
      for (int64_t co = c0; co < c1; ++co)
        activateSpanDyn(ep.act, out + co * planeOut, planeOut, 0.0f, nullptr,
                        ep.alpha);
  }
  return 0;
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CONV2D_TRANSPOSE_IMPL_H
