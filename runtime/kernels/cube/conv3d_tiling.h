//===- conv3d_tiling.h - Tiling data of conv3d / conv3d_transpose ---------===//
//
// Both kernels compute one output depth slice at a time as a product
// y[co, p] = sum_k w[co, k] col[k, p] over a chunk of the slice's pixels p:
// col holds, for every input depth the slice reads (the "active" kd taps),
// the im2col rows (ci, kh, kw). A task is (image, group, output depth,
// pixel chunk). Fixed-width, append-only.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_CONV3D_TILING_H
#define GEFLOW_KERNELS_CUBE_CONV3D_TILING_H

#include "kernels/cube/gemm_common.h"

#include <cstdint>

namespace geflow::kernels::cube {

struct Conv3dTiling {
  // x [n, cin, d, h, w]; y [n, cout, od, oh, ow].
  int64_t n = 0, cin = 0, d = 0, h = 0, w = 0;
  int64_t cout = 0, od = 0, oh = 0, ow = 0;
  int32_t kd = 1, kh = 1, kw = 1;
  int32_t sd = 1, sh = 1, sw = 1;
  int32_t dd = 1, dh = 1, dw = 1;
  int32_t padFront = 0, padTop = 0, padLeft = 0;
  int32_t groups = 1;
  int32_t transpose = 0; // 1: conv3d_transpose (filter [cin, cout/g, ...])
  int32_t hasBias = 0;
  int32_t inDtype = 0, biasDtype = 0, outDtype = 0; // DType values
  int32_t reserved = 0;
  int64_t chunk = 0;  // output pixels per task (a multiple of 64)
  int64_t chunks = 0; // chunks per output depth slice
  int64_t tasks = 0;  // n * groups * od * chunks
  uint64_t wsBytesPerBlock = 0;
};

/// Channels and im2col depth of one group.
inline int64_t conv3dCinPerGroup(const Conv3dTiling &t) {
  return t.cin / t.groups;
}
inline int64_t conv3dCoutPerGroup(const Conv3dTiling &t) {
  return t.cout / t.groups;
}
/// im2col rows per kd tap: (ci, kh, kw).
inline int64_t conv3dPlaneK(const Conv3dTiling &t) {
  return conv3dCinPerGroup(t) * t.kh * t.kw;
}

/// A block's workspace in floats (each part a multiple of 16): the group's
/// filter as fp32 [kd][cout/g][ci, kh, kw], the column buffer [kd][ci, kh,
/// kw][chunk], one output row block [4][chunk] and the bias as fp32.
struct Conv3dWorkspace {
  int64_t filter = 0, col = 0, rows = 0, bias = 0, floats = 0;
};

inline Conv3dWorkspace conv3dWorkspace(const Conv3dTiling &t) {
  Conv3dWorkspace ws;
  int64_t at = 0;
  ws.filter = at;
  at += roundUp(int64_t(t.kd) * conv3dCoutPerGroup(t) * conv3dPlaneK(t), 16);
  ws.col = at;
  at += roundUp(int64_t(t.kd) * conv3dPlaneK(t) * t.chunk, 16);
  ws.rows = at;
  at += 4 * t.chunk;
  ws.bias = at;
  at += roundUp(t.cout, 16);
  ws.floats = at;
  return ws;
}

} // namespace geflow::kernels::cube

#endif // GEFLOW_KERNELS_CUBE_CONV3D_TILING_H
