//===- conv2d_winograd_tiling.h - Winograd F(m x m, 3 x 3) for conv2d -----===//
//
// What the conv2d tiling function, its tiling check, the filter packing and
// the per-ISA Winograd body share: the transform matrices (Lavin & Gray,
// interpolation points 0, +-1, +-2 and infinity), when the path applies, and
// the workspace layout that follows from a tiling's choices.
//
// Y = A^T [ (G g G^T) (.) (B^T d B) ] A per m x m output tile and channel
// pair, summed over input channels in the transform domain: alpha^2 GEMMs
// (alpha = m + 2) of [tiles x Cin] x [Cin x Cout].
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_CONV2D_WINOGRAD_TILING_H
#define GEFLOW_KERNELS_CUBE_CONV2D_WINOGRAD_TILING_H

#include "kernels/cube/conv2d_tiling.h"

#include <algorithm>

namespace geflow::kernels::cube {

/// The transform matrices of F(m x m, 3 x 3), alpha = m + 2 (m is 2 or 4;
/// entries past alpha / m are unused).
struct WinogradMatrices {
  float bt[6][6]; // B^T, alpha x alpha: input tile -> transform domain
  double g[6][3]; // G, alpha x 3: filter -> transform domain (in double)
  float at[4][6]; // A^T, m x alpha: transform domain -> output tile
};

inline constexpr WinogradMatrices kWinogradF2 = {
    {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}},
    {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}},
    {{1, 1, 1, 0}, {0, 1, -1, -1}}};

inline constexpr WinogradMatrices kWinogradF4 = {
    {{4, 0, -5, 0, 1, 0},
     {0, -4, -4, 1, 1, 0},
     {0, 4, -4, -1, 1, 0},
     {0, -2, -1, 2, 1, 0},
     {0, 2, -1, -2, 1, 0},
     {0, 4, 0, -5, 0, 1}},
    {{1.0 / 4, 0, 0},
     {-1.0 / 6, -1.0 / 6, -1.0 / 6},
     {-1.0 / 6, 1.0 / 6, -1.0 / 6},
     {1.0 / 24, 1.0 / 12, 1.0 / 6},
     {1.0 / 24, -1.0 / 12, 1.0 / 6},
     {0, 0, 1}},
    {{1, 1, 1, 1, 1, 0},
     {0, 1, -1, 2, -2, 0},
     {0, 1, 1, 4, 4, 0},
     {0, 1, -1, 8, -8, 1}}};

inline const WinogradMatrices &winogradMatrices(int32_t m) {
  return m == 4 ? kWinogradF4 : kWinogradF2;
}

/// Whether a conv can run as Winograd at all: NCHW, one group, a 3x3
/// window, stride 1, no dilation, a constant (prepacked) filter, not bf16:
/// direct bf16 GEMMs run on vdpbf16ps at twice the fp32 rate, which the
/// fp32 transform domain gives up (ResNet-18 under allow_mix_precision_bf16
/// measured 14.5 ms direct, 20.3 ms with Winograd).
inline bool winogradApplies(const Conv2dTiling &t, bool c0, bool filterConst) {
  return !c0 && filterConst && t.inDtype != int32_t(DType::BF16) &&
         t.groups == 1 && t.kh == 3 && t.kw == 3 && t.sh == 1 && t.sw == 1 &&
         t.dh == 1 && t.dw == 1 && t.oh > 0 && t.ow > 0 && t.cin > 0 &&
         t.cout > 0;
}

/// The output tile size worth using, 0 for direct convolution. A shape-only
/// cost model (so a program tiled on one soc checks on another, and a gear's
/// batch does not change the arithmetic): Winograd needs enough tiles per
/// image to reuse its (alpha^2 / 9 times larger) transformed filter, and
/// enough channels that the GEMMs, not the transforms, dominate.
inline int32_t chooseWinogradTile(const Conv2dTiling &t) {
  if (t.cin < 16 || t.cout < 16)
    return 0;
  auto tiles = [&](int64_t m) { return ceilDiv(t.oh, m) * ceilDiv(t.ow, m); };
  const double direct = double(t.oh) * t.ow * 9;
  for (int32_t m : {4, 2}) {
    const int64_t alpha = m + 2;
    const double wino = double(alpha * alpha) * roundUp(tiles(m), 8);
    if (tiles(m) >= 32 && direct >= 1.5 * wino)
      return m;
  }
  return 0;
}

/// Floats of the transforms' scratch (the input transform's, then the
/// output transform's): alpha padded input rows of tilesX * m + 2 floats,
/// their m column phases of tilesX + 1 and alpha x alpha rows of
/// row-transformed tiles; or 16 channels x m output rows of a tile row.
inline int64_t winogradRowFloats(const Conv2dTiling &t) {
  const int64_t m = t.winoM, alpha = m + 2, txp = roundUp(t.tilesX + 1, 16);
  const int64_t input = alpha * roundUp(t.tilesX * m + 2, 16) +
                        alpha * m * txp + alpha * alpha * txp;
  const int64_t output = 16 * m * roundUp(t.tilesX * m, 16);
  return std::max(input, output);
}

/// Tiles of one task's band (the rows of its GEMMs).
inline int64_t winogradBandTiles(const Conv2dTiling &t) {
  return t.tileRowsPerTask * t.tilesX;
}

/// Floats of one transform-domain point's V (band tiles in mr panels x Cin)
/// and M (band tiles x the task's output channels).
inline int64_t winogradVFloats(const Conv2dTiling &t) {
  return packedFloats(winogradBandTiles(t), t.cin, t.blocking.mr);
}
inline int64_t winogradMLd(const Conv2dTiling &t) {
  return roundUp(t.coutPerTask, 16);
}
inline int64_t winogradMFloats(const Conv2dTiling &t) {
  return winogradBandTiles(t) * winogradMLd(t);
}

/// Everything that follows from the choices (winoM, blocking, the band and
/// the cout split) and the shapes: GEMM dims, tasks, workspace offsets.
/// `biasBytes` is the f32 bias copy's size.
inline void deriveWinogradLayout(Conv2dTiling *t, uint64_t biasBytes) {
  const int64_t alpha = t->winoM + 2;
  t->tilesY = ceilDiv(t->oh, t->winoM);
  t->tilesX = ceilDiv(t->ow, t->winoM);
  t->gemmM = winogradBandTiles(*t);
  t->gemmN = t->cout;
  t->gemmK = t->cin;
  t->coutSplits = int32_t(ceilDiv(t->cout, t->coutPerTask));
  t->tasks = t->n * ceilDiv(t->tilesY, t->tileRowsPerTask) * t->coutSplits;
  t->wsPackB = t->wsFilter = t->wsStage = 0;
  t->wsBias = 0;
  t->wsOut = roundUp(biasBytes, 64);
  t->wsWinoV = t->wsOut;
  t->wsWinoM =
      t->wsWinoV + roundUp(alpha * alpha * winogradVFloats(*t) * 4, 64);
  t->wsWinoRows =
      t->wsWinoM + roundUp(alpha * alpha * winogradMFloats(*t) * 4, 64);
  t->wsBytesPerBlock = t->wsWinoRows + roundUp(winogradRowFloats(*t) * 4, 64);
}

} // namespace geflow::kernels::cube

#endif // GEFLOW_KERNELS_CUBE_CONV2D_WINOGRAD_TILING_H
