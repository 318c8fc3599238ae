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
  const int64_t tx = t.tilesX, txp = roundUp(tx, 16);
  const int64_t rowW = roundUp(tx * M + 2, 16);
  const int64_t mr = t.blocking.mr, vPer = winogradVFloats(t);
  float *tmp = rows + A * rowW; // [r][b][tile]
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
      // Along x: tmp[r][b][i] = sum_j B^T[b][j] row_r[i * M + j].
      for (int r = 0; r < A; ++r) {
        const float *row = rows + r * rowW;
        for (int b = 0; b < A; ++b) {
          float *dst = tmp + (r * A + b) * txp;
          for (int64_t i = 0; i < tx; ++i) {
            float s = 0;
#pragma GCC unroll 6
            for (int j = 0; j < A; ++j)
              if (wm.bt[b][j] != 0)
                s += wm.bt[b][j] * row[i * M + j];
            dst[i] = s;
          }
        }
      }
      // Along y, straight into the panels of V.
      const int64_t tile0 = (ty - ty0) * tx;
      for (int64_t i0 = 0; i0 < tx; i0 += 16) {
        const int64_t cnt = std::min<int64_t>(16, tx - i0);
        for (int a = 0; a < A; ++a)
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
            for (int64_t l = 0; l < cnt; ++l) {
              const int64_t tile = tile0 + i0 + l;
              vx[(tile / mr) * t.cin * mr + tile % mr] = acc[l];
            }
          }
      }
    }
  }
}

/// Step 3 for the band's tiles and channels [co0, co1) from M.
template <int M>
void winogradOutputTransform(const Conv2dTiling &t, const float *mBuf,
                             const float *bias, const ResidualView &res,
                             void *y, int64_t img, int64_t ty0, int64_t ty1,
                             int64_t co0, int64_t co1, const EpilogueArgs &ep) {
  constexpr int A = M + 2;
  constexpr const WinogradMatrices &wm = M == 4 ? kWinogradF4 : kWinogradF2;
  const DType outDt = DType(t.outDtype);
  const int64_t ld = winogradMLd(t), mPer = winogradMFloats(t);
  float mid[M][A][16];
  float out[M][M][16];
  float row[M];
  float resRow[M];
  // With a residual, the per-pixel step adds the bias only; the residual
  // Add and the activation run on each stored row, where the residual's
  // pixels are contiguous.
  const bool withRes = res.p != nullptr;
  const Activation pixelAct = withRes ? Activation::None : ep.act;
  for (int64_t ty = ty0; ty < ty1; ++ty)
    for (int64_t tx = 0; tx < t.tilesX; ++tx) {
      const int64_t tile = (ty - ty0) * t.tilesX + tx;
      const int64_t oy0 = ty * M, ox0 = tx * M;
      const int ny = int(std::min<int64_t>(M, t.oh - oy0));
      const int nx = int(std::min<int64_t>(M, t.ow - ox0));
      for (int64_t c = co0; c < co1; c += 16) {
        const int lanes = int(std::min<int64_t>(16, co1 - c));
        const float *src = mBuf + tile * ld + (c - co0);
        // Along y: mid[i][b] = sum_a A^T[i][a] m[a][b].
        for (int i = 0; i < M; ++i)
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
        // Along x, then bias and activation per channel lane.
        for (int i = 0; i < M; ++i)
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
            activateSpanDyn(pixelAct, out[i][j], lanes, 0.0f,
                            bias ? bias + c : nullptr, ep.alpha);
          }
        for (int l = 0; l < lanes; ++l) {
          const int64_t plane = ((img * t.cout + c + l) * t.oh) * t.ow;
          for (int i = 0; i < ny; ++i) {
            for (int j = 0; j < nx; ++j)
              row[j] = out[i][j][l];
            const int64_t at = plane + (oy0 + i) * t.ow + ox0;
            if (withRes)
              addResidualSpanDyn(ep.act, row, nx, res.run(at, nx, resRow),
                                 ep.alpha);
            storeRow(outDt, row, y, at, nx);
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
                             makeEpilogue(t.epilogue));
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CUBE_CONV2D_WINOGRAD_H
