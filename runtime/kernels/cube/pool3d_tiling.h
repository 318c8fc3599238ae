//===- pool3d_tiling.h - Tiling data of max_pool3d / avg_pool3d / lp_pool3d
//===//
//
// 3-D pools run per (n, c) volume, split into bands of output rows (od, oh)
// flattened. Fixed-width, append-only.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_POOL3D_TILING_H
#define GEFLOW_KERNELS_CUBE_POOL3D_TILING_H

#include "kernels/cube/gemm_common.h"

#include <cstdint>

namespace geflow::kernels::cube {

enum class Pool3dKind : int32_t { Max = 0, Avg = 1, Lp = 2 };

struct Pool3dTiling {
  int64_t n = 0, c = 0, d = 0, h = 0, w = 0, od = 0, oh = 0, ow = 0;
  int32_t kind = 0; // Pool3dKind
  int32_t kd = 1, kh = 1, kw = 1;
  int32_t sd = 1, sh = 1, sw = 1;
  int32_t dd = 1, dh = 1, dw = 1;
  // [front, back, top, bottom, left, right]
  int32_t pads[6] = {0, 0, 0, 0, 0, 0};
  int32_t countIncludePad = 0;       // avg: padded taps count in the divisor
  int32_t divisorOverride = 0;       // avg: fixed divisor when > 0
  int32_t p = 2;                     // lp: the norm's order
  int32_t inDtype = 0, outDtype = 0; // DType values
  int32_t reserved = 0;
  int64_t rowsPerTask = 0; // output rows (od, oh) per task
  int64_t tasks = 0;
  uint64_t wsBytesPerBlock = 0;
};

/// A block's workspace in floats: the fp32 output row, one fp32 input row
/// (converted, or |x|^p for lp) and the divisors of the row's columns.
struct Pool3dWorkspace {
  int64_t out = 0, in = 0, counts = 0, floats = 0;
};

inline Pool3dWorkspace pool3dWorkspace(const Pool3dTiling &t) {
  Pool3dWorkspace ws;
  ws.out = 0;
  ws.in = roundUp(t.ow, 16);
  ws.counts = ws.in + roundUp(t.w, 16);
  ws.floats = ws.counts + roundUp(t.ow, 16);
  return ws;
}

} // namespace geflow::kernels::cube

#endif // GEFLOW_KERNELS_CUBE_POOL3D_TILING_H
