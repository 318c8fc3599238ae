//===- conv2d_tiling.h - Tiling data of conv2d ----------------------------===//
//
// The contract between the conv2d tiling function (conv2d.cpp), its filter
// packing and the per-ISA kernel bodies. Fixed-width, append-only.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_CONV2D_TILING_H
#define GEFLOW_KERNELS_CUBE_CONV2D_TILING_H

#include "kernels/cube/gemm_common.h"

namespace geflow::kernels::cube {

/// How a conv2d runs.
enum class ConvPath : int32_t {
  /// NCHW as GEMM per (image, group): rows = output channels (the filter,
  /// packed in mr panels), columns = output pixels (implicit im2col, packed
  /// per block), K = (cin, kh, kw). Output rows are NCHW planes.
  GemmNchw = 0,
  /// NC1HWC0 as GEMM per (image, group): rows = output pixels (im2col of the
  /// C0-blocked input), columns = output channels (filter packed in nr
  /// panels), K = (kh, kw, cin). A 16-column group is one C0 block.
  GemmNc1hwc0 = 1,
  /// Depthwise (groups == Cin), direct: one output plane per task.
  DepthwiseNchw = 2,
  /// Depthwise with multiplier 1 on NC1HWC0, direct: 16 channels per vector.
  DepthwiseNc1hwc0 = 3,
  /// NCHW with few output pixels: the GEMM of GemmNchw transposed (rows =
  /// pixels, columns = output channels, the filter packed in nr panels) so
  /// the vector lanes run over channels instead of a short pixel row; tiles
  /// are staged and transposed into the NCHW planes.
  GemmNchwPixelRows = 4,
  /// 3x3 stride-1 NCHW convolution by Winograd F(m x m, 3 x 3)
  /// (conv2d_winograd_tiling.h): per task a band of m x m output tiles is
  /// transformed, (m+2)^2 GEMMs (rows = tiles, columns = output channels,
  /// the transformed filter prepacked in nr panels, K = Cin) run in the
  /// transform domain, and the inverse transform writes the outputs.
  WinogradNchw = 5,
  /// NCHW input, NC1HWC0 output (GE's small-channel first layer): rows =
  /// output pixels (the implicit im2col of GemmNchwPixelRows, K = (cin, kh,
  /// kw) with no channel padding), columns = output channels (filter in nr
  /// panels), stored straight into C0 blocks. groups == 1.
  GemmNchwToC0 = 6,
};

struct Conv2dTiling {
  int64_t n = 0, cin = 0, h = 0, w = 0; // logical input NCHW
  int64_t cout = 0, oh = 0, ow = 0;
  int32_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
  int32_t padTop = 0, padLeft = 0;
  int32_t groups = 1;
  int32_t path = 0;         // ConvPath
  int32_t filterPacked = 0; // input 1 arrives prepacked
  int32_t hasBias = 0;
  int32_t pointwise = 0; // 1x1, stride 1, no padding: B is the input itself
  int32_t staged = 0;    // tiles go through a staging buffer (pixel rows,
                         // or NC1HWC0 groups not starting on a C0 boundary)
  // The per-(image, group) GEMM.
  int64_t gemmM = 0, gemmN = 0, gemmK = 0;
  int64_t kChannels = 0; // NC1HWC0 path: K channels per (kh, kw)
  GemmBlocking blocking;
  GemmGrid grid;
  int64_t rowsPerTask = 0; // depthwise paths: output rows per task
  int64_t tasks = 0;       // total tasks dealt to blocks
  EpilogueSpec epilogue;
  int32_t directPhases = 0; // DepthwiseNchw: run on phase planes (wsStage)
  // What would be padding before wsPackB, named and zeroed: the struct's
  // bytes are the .gfm's tiling data and must not carry stack garbage.
  int32_t reserved2 = 0;
  // Per-block workspace: [pack A][pack B][filter][stage], byte offsets.
  uint64_t wsPackB = 0;
  uint64_t wsFilter = 0;
  uint64_t wsStage = 0;
  uint64_t wsBytesPerBlock = 0;
  // Storage dtypes (DType values): x and filter share inDtype; bias and y
  // are inDtype or f32.
  int32_t inDtype = 0;
  int32_t biasDtype = 0;
  int32_t outDtype = 0;
  int32_t panels = 0; // PanelFormat of the GEMM panels (and packed filter)
  // fp32 stage of f16/bf16 outputs on the unstaged GEMM paths.
  StageShape outStage;
  // Depthwise paths with f16/bf16 planes: converted input rows kept.
  int64_t ringSlots = 0;
  // More per-block workspace: [bias][out], byte offsets. `bias` is an f32
  // copy of an f16/bf16 bias; `out` the output stage (GEMM) or the row
  // buffers of the depthwise paths.
  uint64_t wsBias = 0;
  uint64_t wsOut = 0;
  // WinogradNchw: output tile size m (2 or 4), the cout split, the tile
  // grid, one task's band of tile rows and output channels (a multiple of
  // nr), and more per-block workspace: [V][M][rows], byte offsets.
  int32_t winoM = 0;
  int32_t coutSplits = 0;
  int64_t tilesY = 0, tilesX = 0;
  int64_t tileRowsPerTask = 0;
  int64_t coutPerTask = 0;
  uint64_t wsWinoV = 0;
  uint64_t wsWinoM = 0;
  uint64_t wsWinoRows = 0;
  // A fused residual Add: the last input, the output's shape, layout and
  // dtype (residualDtype), added in the epilogue before the activation.
  int32_t hasResidual = 0;
  int32_t residualDtype = 0;
};

/// Whether the NCHW depthwise path can run on phase planes: the padded input
/// band split by row and column parity (stride 2) or as is (stride 1), so
/// every tap is one contiguous pass over a flat band whatever the width.
inline bool depthwisePhasesApply(const Conv2dTiling &t) {
  return t.path == int32_t(ConvPath::DepthwiseNchw) && t.sh == t.sw &&
         (t.sh == 1 || t.sh == 2) && t.dh == 1 && t.dw == 1;
}

/// Geometry of the phase planes of a band of `rows` output rows: sh * sw
/// planes of hq x wq (one spare row, so flat passes may run past a row's
/// end into the next), then the rows x wq accumulator, then one input row
/// converted to fp32.
struct DepthwisePhaseShape {
  int64_t s, hq, wq;
  int64_t floats(const Conv2dTiling &t, int64_t rows) const {
    return s * s * hq * wq + rows * wq + t.w;
  }
};
inline DepthwisePhaseShape depthwisePhaseShape(const Conv2dTiling &t,
                                               int64_t rows) {
  const int64_t s = t.sh;
  return {s, rows + (t.kh - 1) / s + 1, t.ow + (t.kw - 1) / s + 1};
}

/// Bytes of the phase-plane workspace for bands of `rows` output rows.
inline uint64_t depthwisePhaseBytes(const Conv2dTiling &t, int64_t rows) {
  return roundUp(depthwisePhaseShape(t, rows).floats(t, rows) * 4, 64);
}

/// Words of the packed filter of one group for the GEMM paths.
inline int64_t convPackedFilterGroupWords(const Conv2dTiling &t) {
  const GemmBlocking &bl = t.blocking;
  const PanelFormat f = PanelFormat(t.panels);
  if (t.path == int32_t(ConvPath::GemmNchw))
    return packedWords(t.gemmM, t.gemmK, bl.mr, f);
  if (t.path == int32_t(ConvPath::WinogradNchw)) {
    // One fp32 [Cin x Cout] operand per transform-domain point.
    const int64_t alpha = t.winoM + 2;
    return alpha * alpha * packedFloats(t.gemmN, t.gemmK, bl.nr);
  }
  // GemmNc1hwc0, GemmNchwPixelRows and GemmNchwToC0: output channels are
  // the columns.
  return packedWords(t.gemmN, t.gemmK, bl.nr, f);
}

} // namespace geflow::kernels::cube

#endif // GEFLOW_KERNELS_CUBE_CONV2D_TILING_H
