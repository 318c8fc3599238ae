//===- conv2d_transpose_tiling.h - Tiling data of conv2d_transpose --------===//
//
// conv2d_transpose runs per (image, group) as a GEMM into a column buffer,
//   col[(co, kh, kw), p] = sum_ci filter[ci, co, kh, kw] * x[ci, p],
// followed by col2im, which scatters every column entry onto the output
// pixel it lands on. Tasks own disjoint output-channel ranges, so their
// scatters never collide. Fixed-width, append-only.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_CONV2D_TRANSPOSE_TILING_H
#define GEFLOW_KERNELS_CUBE_CONV2D_TRANSPOSE_TILING_H

#include "kernels/cube/gemm_common.h"

namespace geflow::kernels::cube {

struct Conv2dTransposeTiling {
  int64_t n = 0, cin = 0, h = 0, w = 0;
  int64_t cout = 0, oh = 0, ow = 0;
  int32_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
  int32_t padTop = 0, padLeft = 0;
  int32_t groups = 1;
  int32_t filterPacked = 0;
  int32_t hasBias = 0;
  int32_t reserved = 0;
  // GEMM per (image, group): M = (Cout/groups) * KH * KW, K = Cin/groups,
  // N = H * W input pixels, processed in chunks of pixelChunk columns.
  int64_t gemmM = 0, gemmK = 0, gemmN = 0;
  int64_t pixelChunk = 0;
  int64_t coStep = 0;   // output channels per task (rows coStep*KH*KW)
  int64_t coSplits = 0; // tasks per (image, group)
  GemmBlocking blocking;
  EpilogueSpec epilogue;
  int32_t reserved2 = 0;
  // What would be padding, named and zeroed: the bytes are tiling data.
  int32_t reserved3 = 0;
  uint64_t wsPackB = 0, wsCol = 0, wsBytesPerBlock = 0;
  // Storage dtypes (DType values): x and filter share inDtype; bias and y
  // are inDtype or f32.
  int32_t inDtype = 0;
  int32_t biasDtype = 0;
  int32_t outDtype = 0;
  int32_t panels = 0; // PanelFormat of the GEMM panels (and packed filter)
  // More per-block workspace, byte offsets: an f32 copy of an f16/bf16 bias
  // (all Cout) and, for f16/bf16 outputs, the fp32 planes of one task
  // (coStep * OH * OW floats) that col2im accumulates into.
  uint64_t wsBias = 0;
  uint64_t wsPlanes = 0;
};

} // namespace geflow::kernels::cube

#endif // GEFLOW_KERNELS_CUBE_CONV2D_TRANSPOSE_TILING_H
