//===- conv2d_winograd.h - Winograd conv2d kernel body --------------------===//
//
// One task of the WinogradNchw path (conv2d_winograd_tiling.h): a band of
// tile rows of one image times a range of output channels.
//  1. Input transform: per input channel and tile row, alpha padded input
//     rows (converted to fp32) are transformed along x, then along y, 16 or
//     more tiles per vector pass, into V, alpha^2 matrices [tiles x Cin] in
//     mr-row panels: the GEMMs' A operands, packed as they are written.
//     Tasks of the same band (other channel ranges) reuse V.
//  2. alpha^2 GEMMs M = V x U with the existing micro-kernels (U: the
//     transformed filter, prepacked in nr panels at compile time).
//  3. Output transform, 16 output channels per vector: A^T M A, bias and
//     activation, stored into the NCHW planes (f16/bf16 rounded once).
// Loops run over fixed-size lane arrays with constant coefficients, which
// the per-ISA flags vectorize (AVX-512, AVX2 or the portable baseline).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_CONV2D_WINOGRAD_H
#define GEFLOW_KERNELS_CUBE_CONV2D_WINOGRAD_H

#include "kernels/cube/conv2d_winograd_tiling.h"
#include "kernels/cube/convert.h"
#include "kernels/cube/gemm_driver.h"

#include <cstring>

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

/// Step 1 for tile rows [ty0, ty1) into V (see the file comment).
template <int M>
void winogradInputTransform(const Conv2dTiling &t, const void *x, int64_t img,
                            int64_t ty0, int64_t ty1, float *v, float *rows) {
  constexpr int A = M + 2;
  constexpr const WinogradMatrices &wm = M == 4 ? kWinogradF4 : kWinogradF2;
  const DType dt = DType(t.inDtype);
  const int64_t tx = t.tilesX, txp = roundUp(tx + 1, 16);
  const int64_t rowW = roundUp(tx * M + 2, 16);
  const int64_t mr = t.blocking.mr, vPer = winogradVFloats(t);
  float *phases = rows + A * rowW;   // [r][phase][tile]
  float *tmp = phases + A * M * txp; // [r][b][tile]
  for (int64_t ci = 0; ci < t.cin; ++ci) {
    const int64_t plane = (img * t.cin + ci) * t.h * t.w;
    for (int64_t ty = ty0; ty < ty1; ++ty) {
      // Padded input rows; ix = j - padLeft.
      for (int r = 0; r < A; ++r) {
        float *row = rows + r * rowW;
        const int64_t iy = ty * M + r - t.padTop;
        const int64_t j0 = std::clamp<int64_t>(t.padLeft, 0, rowW);
        const int64_t j1 = std::clamp<int64_t>(t.padLeft + t.w, j0, rowW);
        if (iy < 0 || iy >= t.h || j1 == j0) {
          std::memset(row, 0, size_t(rowW) * 4);
          continue;
        }
        std::memset(row, 0, size_t(j0) * 4);
        loadRow(dt, x, plane + iy * t.w + (j0 - t.padLeft), row + j0, j1 - j0);
        std::memset(row + j1, 0, size_t(rowW - j1) * 4);
      }
      // Column phases: element j of tile i is phase j % M at i + j / M, so
      // the transform along x runs on contiguous vectors of tiles.
      for (int r = 0; r < A; ++r) {
        const float *row = rows + r * rowW;
        float *ph = phases + r * M * txp;
        for (int64_t i = 0; i <= tx; ++i)
#pragma GCC unroll 4
          for (int p = 0; p < M; ++p)
            ph[p * txp + i] = i * M + p < rowW ? row[i * M + p] : 0.0f;
      }
      // Along x: tmp[r][b][i] = sum_j B^T[b][j] row_r[i * M + j].
      for (int r = 0; r < A; ++r) {
        const float *ph = phases + r * M * txp;
#pragma GCC unroll 6
        for (int b = 0; b < A; ++b) {
          float *dst = tmp + (r * A + b) * txp;
          for (int64_t i = 0; i < tx; ++i) {
            float s = 0;
#pragma GCC unroll 6
            for (int j = 0; j < A; ++j)
              if (wm.bt[b][j] != 0)
                s += wm.bt[b][j] * ph[(j % M) * txp + i + j / M];
            dst[i] = s;
          }
        }
      }
      // Along y, straight into the mr-row panels of V.
      const int64_t tile0 = (ty - ty0) * tx;
      for (int64_t i0 = 0; i0 < tx; i0 += 16) {
        const int64_t cnt = std::min<int64_t>(16, tx - i0);
        const int64_t first = tile0 + i0;
        for (int a = 0; a < A; ++a)
#pragma GCC unroll 6
          for (int b = 0; b < A; ++b) {
            float acc[16] = {};
#pragma GCC unroll 6
            for (int r = 0; r < A; ++r) {
              const float c = wm.bt[a][r];
              if (c == 0)
                continue;
              const float *src = tmp + (r * A + b) * txp + i0;
              for (int l = 0; l < 16; ++l)
                acc[l] += c * src[l];
            }
            float *vx = v + (a * A + b) * vPer + ci * mr;
            int64_t panel = first / mr, lane = first % mr;
            for (int64_t l = 0; l < cnt; ++l) {
              vx[panel * t.cin * mr + lane] = acc[l];
              if (++lane == mr) {
                lane = 0;
                ++panel;
              }
            }
          }
      }
    }
  }
}

/// Step 3 for the band's tiles and channels [co0, co1) from M: per tile row
/// and 16 channels, the tiles' outputs go into `rows` (16 channels x M
/// output rows), then bias, residual and activation run on whole output
/// rows, each stored once.
template <int M>
void winogradOutputTransform(const Conv2dTiling &t, const float *mBuf,
                             const float *bias, const ResidualView &res,
                             void *y, int64_t img, int64_t ty0, int64_t ty1,
                             int64_t co0, int64_t co1, const EpilogueArgs &ep,
                             float *rows) {
  constexpr int A = M + 2;
  constexpr const WinogradMatrices &wm = M == 4 ? kWinogradF4 : kWinogradF2;
  const DType outDt = DType(t.outDtype);
  const int64_t ld = winogradMLd(t), mPer = winogradMFloats(t);
  const int64_t rowLd = roundUp(t.tilesX * M, 16);
  float mid[M][A][16];
  float out[M][M][16];
  alignas(64) float resRow[256];
  for (int64_t ty = ty0; ty < ty1; ++ty) {
    const int64_t oy0 = ty * M;
    const int ny = int(std::min<int64_t>(M, t.oh - oy0));
    for (int64_t c = co0; c < co1; c += 16) {
      const int lanes = int(std::min<int64_t>(16, co1 - c));
      for (int64_t tx = 0; tx < t.tilesX; ++tx) {
        const int64_t tile = (ty - ty0) * t.tilesX + tx;
        const float *src = mBuf + tile * ld + (c - co0);
        // Along y: mid[i][b] = sum_a A^T[i][a] m[a][b].
#pragma GCC unroll 4
        for (int i = 0; i < M; ++i)
#pragma GCC unroll 6
          for (int b = 0; b < A; ++b) {
            float acc[16] = {};
#pragma GCC unroll 6
            for (int a = 0; a < A; ++a) {
              const float k = wm.at[i][a];
              if (k == 0)
                continue;
              const float *mv = src + (a * A + b) * mPer;
              for (int l = 0; l < 16; ++l)
                acc[l] += k * mv[l];
            }
            std::memcpy(mid[i][b], acc, sizeof(acc));
          }
        // Along x.
#pragma GCC unroll 4
        for (int i = 0; i < M; ++i)
#pragma GCC unroll 4
          for (int j = 0; j < M; ++j) {
            float acc[16] = {};
#pragma GCC unroll 6
            for (int b = 0; b < A; ++b) {
              const float k = wm.at[j][b];
              if (k == 0)
                continue;
              for (int l = 0; l < 16; ++l)
                acc[l] += k * mid[i][b][l];
            }
            std::memcpy(out[i][j], acc, sizeof(acc));
          }
        // Into the channels' output rows.
        float *dst = rows + tx * M;
        for (int l = 0; l < lanes; ++l)
          for (int i = 0; i < M; ++i)
            for (int j = 0; j < M; ++j)
              dst[(l * M + i) * rowLd + j] = out[i][j][l];
      }
      // Bias (the unfused conv's epilogue), then the residual Add and the
      // activation, per output row; pixels past the edge are not stored.
      for (int l = 0; l < lanes; ++l) {
        const int64_t plane = ((img * t.cout + c + l) * t.oh) * t.ow;
        const float b = bias ? bias[c + l] : 0.0f;
        for (int i = 0; i < ny; ++i) {
          float *row = rows + (l * M + i) * rowLd;
          const int64_t at = plane + (oy0 + i) * t.ow;
          if (!res.p) {
            activateSpanDyn(ep.act, row, t.ow, b, nullptr, ep.alpha);
          } else {
            if (bias)
              activateSpan<Activation::None>(row, t.ow, b, nullptr, 0.0f);
            for (int64_t x0 = 0; x0 < t.ow; x0 += 256) {
              const int64_t n = std::min<int64_t>(256, t.ow - x0);
              addResidualSpanDyn(ep.act, row + x0, n,
                                 res.run(at + x0, n, resRow), ep.alpha);
            }
          }
          storeRow(outDt, row, y, at, t.ow);
        }
      }
    }
  }
}

template <int M>
void winogradTask(const Conv2dTiling &t, const void *x, const float *filter,
                  const float *bias, const ResidualView &res, void *y,
                  uint8_t *ws, int64_t task, int64_t *transformedBand) {
  constexpr int A = M + 2;
  const int64_t bands = ceilDiv(t.tilesY, t.tileRowsPerTask);
  const int64_t split = task % t.coutSplits, band = task / t.coutSplits;
  const int64_t img = band / bands;
  const int64_t ty0 = (band % bands) * t.tileRowsPerTask;
  const int64_t ty1 = std::min(t.tilesY, ty0 + t.tileRowsPerTask);
  const int64_t co0 = split * t.coutPerTask;
  const int64_t co1 = std::min(t.cout, co0 + t.coutPerTask);
  const int64_t tiles = (ty1 - ty0) * t.tilesX;
  auto *v = reinterpret_cast<float *>(ws + t.wsWinoV);
  auto *m = reinterpret_cast<float *>(ws + t.wsWinoM);
  if (*transformedBand != band) {
    winogradInputTransform<M>(t, x, img, ty0, ty1, v,
                              reinterpret_cast<float *>(ws + t.wsWinoRows));
    *transformedBand = band;
  }
  const GemmBlocking &bl = t.blocking;
  const int64_t vPer = winogradVFloats(t), mPer = winogradMFloats(t);
  const int64_t uPer = packedFloats(t.gemmN, t.gemmK, bl.nr);
  for (int xi = 0; xi < A * A; ++xi) {
    PrepackedOperand a{v + xi * vPer, t.cin, bl.mr};
    PrepackedOperand b{filter + xi * uPer, t.cin, bl.nr};
    CMatrix c{m + xi * mPer, winogradMLd(t), 16, 0, co0};
    gemmRegion(bl, t.cin, 0, tiles, co0, co1, a, b, c, EpilogueArgs{}, nullptr,
               nullptr);
  }
  winogradOutputTransform<M>(t, m, bias, res, y, img, ty0, ty1, co0, co1,
                             makeEpilogue(t.epilogue),
                             reinterpret_cast<float *>(ws + t.wsWinoRows));
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CUBE_CONV2D_WINOGRAD_H
