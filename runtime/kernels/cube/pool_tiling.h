//===- pool_tiling.h - Tiling data of max_pool / avg_pool / global_avg_pool
//===//
//
// Pools run per plane (NCHW) or per 16-channel block (NC1HWC0), split into
// bands of output rows when there are few planes. Fixed-width, append-only.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_POOL_TILING_H
#define GEFLOW_KERNELS_CUBE_POOL_TILING_H

#include "kernels/cube/gemm_common.h"

#include <cstdint>

namespace geflow::kernels::cube {

enum class PoolKind : int32_t { Max = 0, Avg = 1, GlobalAvg = 2 };

struct PoolTiling {
  int64_t n = 0, c = 0, h = 0, w = 0, oh = 0, ow = 0;
  int32_t kind = 0; // PoolKind
  int32_t c0 = 0;   // NC1HWC0 layout: 16 channels per vector of lanes
  int32_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
  int32_t padTop = 0, padBottom = 0, padLeft = 0, padRight = 0;
  int32_t countIncludePad = 0;
  // max_pool: 1 when the kernel takes the window's maximum over its rows
  // first, into a column-maximum row (and its stride phases) in the
  // workspace; 0 in tilings written before (the tap-by-tap loops).
  int32_t separable = 0;
  int64_t planes = 0;      // n * c (NCHW) or n * C1 (NC1HWC0)
  int64_t rowsPerTask = 0; // output rows per task
  int64_t tasks = 0;
  // Storage dtypes (DType values): x is f32, f16 or bf16; y is x's dtype or
  // f32. f16/bf16 data goes through fp32 rows in the workspace:
  int32_t inDtype = 0;
  int32_t outDtype = 0;
  int64_t ringSlots = 0;      // converted input rows kept (a window's span)
  int64_t chunkPositions = 0; // global_avg_pool: positions per converted chunk
  uint64_t wsBytesPerBlock = 0;
};

/// A block's workspace, in floats from its start (each part a multiple of
/// 16): [output row][input row ring][column maxima][phases].
struct PoolWorkspace {
  int64_t ring = 0, col = 0, phases = 0, floats = 0;
};

/// The workspace layout of tiling `t` (its dtypes, format, kind, ring and
/// chunk sizes and `separable` set).
inline PoolWorkspace poolWorkspace(const PoolTiling &t) {
  const int64_t lanes = t.c0 ? 16 : 1;
  const bool lowIn = t.inDtype != int32_t(DType::F32);
  const bool lowOut = t.outDtype != int32_t(DType::F32);
  PoolWorkspace ws;
  // f16/bf16 planes: an fp32 output row and, for the input, a ring of the
  // rows one window spans (or a chunk of positions for global_avg_pool).
  int64_t at = lowIn || lowOut ? roundUp(t.ow * lanes, 16) : 0;
  ws.ring = at;
  if (lowIn)
    at += roundUp(t.kind == int32_t(PoolKind::GlobalAvg)
                      ? t.chunkPositions * lanes
                      : t.ringSlots * (t.w * lanes + 2),
                  16);
  ws.col = ws.phases = at;
  if (t.separable) {
    at += roundUp(t.w * lanes, 16);
    ws.phases = at;
    // NCHW rows with a column stride: the row split into its sw phases.
    if (!t.c0 && t.sw > 1)
      at += roundUp(int64_t(t.sw) * ceilDiv(t.w, t.sw), 16);
  }
  ws.floats = at;
  return ws;
}

} // namespace geflow::kernels::cube

#endif // GEFLOW_KERNELS_CUBE_POOL_TILING_H
