//===- conv2d_impl.h - conv2d kernel body ---------------------------------===//
//
// Runs the block's share of tasks for the path the tiling chose (see
// ConvPath in conv2d_tiling.h). GEMM tasks are (image, group, row region,
// column region); depthwise tasks are (image, plane or C0 block, row band).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CONV2D_IMPL_H
#define GEFLOW_KERNELS_CONV2D_IMPL_H

#include "kernels/conv2d_depthwise.h"
#include "kernels/conv2d_im2col.h"

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

struct ConvBuffers {
  const float *x, *filter, *bias;
  float *y;
  uint8_t *ws; // this block's workspace
};

/// One region of the NCHW GEMM: rows = output channels of group g.
inline void convGemmNchwTask(const Conv2dTiling &t, const ConvBuffers &io,
                             int64_t img, int64_t g, int64_t region) {
  const GemmBlocking &bl = t.blocking;
  const int64_t M = t.gemmM, N = t.gemmN, K = t.gemmK, cinG = t.cin / t.groups;
  const Region r = gridRegion(t.grid, M, N, region);
  const int64_t m0 = r.m0, m1 = r.m1, n0 = r.n0, n1 = r.n1;
  auto *wsA = reinterpret_cast<float *>(io.ws);
  auto *wsB = reinterpret_cast<float *>(io.ws + t.wsPackB);
  EpilogueArgs ep = makeEpilogue(t.epilogue);
  ep.rowBias = io.bias ? io.bias + g * M : nullptr;
  CMatrix c{io.y + (img * t.cout + g * M) * N, N};
  const float *x = io.x + (img * t.cin + g * cinG) * t.h * t.w;

  auto withB = [&](const auto &a) {
    if (t.pointwise) {
      StridedOperand<float> b{{x, t.h * t.w, 1}, N, bl.nr};
      gemmRegion(bl, K, m0, m1, n0, n1, a, b, c, ep, wsA, wsB);
    } else {
      Im2colNchwOperand b{&t, x, bl.nr};
      gemmRegion(bl, K, m0, m1, n0, n1, a, b, c, ep, wsA, wsB);
    }
  };
  if (t.filterPacked)
    withB(
        PrepackedOperand{io.filter + g * packedFloats(M, K, bl.mr), K, bl.mr});
  else
    withB(StridedOperand<float>{{io.filter + g * M * K, 1, K}, M, bl.mr});
}

/// One region of the pixel-rows NCHW GEMM: rows = output pixels, columns =
/// output channels of group g, staged row-major and transposed into the
/// output planes.
inline void convGemmPixelRowsTask(const Conv2dTiling &t, const ConvBuffers &io,
                                  int64_t img, int64_t g, int64_t region) {
  const GemmBlocking &bl = t.blocking;
  const int64_t M = t.gemmM, N = t.gemmN, K = t.gemmK, cinG = t.cin / t.groups;
  const Region r = gridRegion(t.grid, M, N, region);
  const int64_t m0 = r.m0, m1 = r.m1, n0 = r.n0, n1 = r.n1;
  auto *wsA = reinterpret_cast<float *>(io.ws);
  auto *wsB = reinterpret_cast<float *>(io.ws + t.wsPackB);
  auto *stage = reinterpret_cast<float *>(io.ws + t.wsStage);
  EpilogueArgs ep = makeEpilogue(t.epilogue);
  ep.colBias = io.bias ? io.bias + g * N : nullptr;
  const int64_t ld = roundUp(t.grid.nStep, 16);
  CMatrix c{stage, ld, 16, m0, n0};
  const float *x = io.x + (img * t.cin + g * cinG) * t.h * t.w;

  auto withA = [&](const auto &b) {
    if (t.pointwise) {
      StridedOperand<float> a{{x, t.h * t.w, 1}, M, bl.mr};
      gemmRegion(bl, K, m0, m1, n0, n1, a, b, c, ep, wsA, wsB);
    } else {
      Im2colNchwOperand a{&t, x, bl.mr};
      gemmRegion(bl, K, m0, m1, n0, n1, a, b, c, ep, wsA, wsB);
    }
  };
  if (t.filterPacked)
    withA(
        PrepackedOperand{io.filter + g * packedFloats(N, K, bl.nr), K, bl.nr});
  else
    withA(StridedOperand<float>{{io.filter + g * N * K, 1, K}, N, bl.nr});

  // Staged [pixel][channel] -> NCHW planes, eight pixels at a time.
  float *y = io.y + (img * t.cout + g * N) * M;
  int64_t p = m0;
  for (; p + 8 <= m1; p += 8)
    transpose8(c.at(p, n0), ld, n1 - n0, y + n0 * M + p, M);
  for (; p < m1; ++p)
    for (int64_t co = n0; co < n1; ++co)
      y[co * M + p] = *c.at(p, co);
}

/// One region of the NC1HWC0 GEMM: rows = output pixels, columns = output
/// channels of group g. `packedGroup` remembers which group's filter this
/// block last packed into its workspace (non-constant filters).
inline void convGemmC0Task(const Conv2dTiling &t, const ConvBuffers &io,
                           int64_t img, int64_t g, int64_t region,
                           int64_t *packedGroup) {
  const GemmBlocking &bl = t.blocking;
  const int64_t M = t.gemmM, N = t.gemmN, K = t.gemmK;
  const int64_t plane16 = t.oh * t.ow * 16, co1 = ceilDiv(t.cout, 16);
  const Region r = gridRegion(t.grid, M, N, region);
  const int64_t m0 = r.m0, m1 = r.m1, n0 = r.n0, n1 = r.n1;
  auto *wsA = reinterpret_cast<float *>(io.ws);
  auto *wsB = reinterpret_cast<float *>(io.ws + t.wsPackB);

  const float *filter = io.filter + g * packedFloats(N, K, bl.nr);
  if (!t.filterPacked) {
    auto *packed = reinterpret_cast<float *>(io.ws + t.wsFilter);
    if (*packedGroup != g)
      packFilterC0Group(t, io.filter, g, packed);
    *packedGroup = g;
    filter = packed;
  }
  PrepackedOperand b{filter, K, bl.nr};
  int64_t cinImage = ceilDiv(t.cin, 16) * t.h * t.w * 16;
  Im2colC0Operand a{&t, io.x + img * cinImage,
                    t.groups == 1 ? 0 : g * (t.cin / t.groups)};
  EpilogueArgs ep = makeEpilogue(t.epilogue);
  ep.colBias = io.bias ? io.bias + g * N : nullptr;
  float *yImg = io.y + img * co1 * plane16;

  if (!t.staged) {
    CMatrix c{yImg + (g * N / 16) * plane16, 16, plane16};
    gemmRegion(bl, K, m0, m1, n0, n1, a, b, c, ep, wsA, wsB);
  } else {
    // The group's channels start inside a C0 block: compute the region
    // row-major, then scatter it channel by channel.
    auto *stage = reinterpret_cast<float *>(io.ws + t.wsStage);
    int64_t ld = roundUp(t.grid.nStep, 16);
    CMatrix c{stage, ld, 16, m0, n0};
    gemmRegion(bl, K, m0, m1, n0, n1, a, b, c, ep, wsA, wsB);
    for (int64_t p = m0; p < m1; ++p)
      for (int64_t j = n0; j < n1; ++j) {
        int64_t co = g * N + j;
        yImg[(co >> 4) * plane16 + p * 16 + (co & 15)] = *c.at(p, j);
      }
  }
  // Padded channels of the last C0 block stay zero whatever act(0) is.
  if (g == t.groups - 1 && n1 == N && t.cout % 16)
    for (int64_t p = m0; p < m1; ++p)
      for (int64_t l = t.cout % 16; l < 16; ++l)
        yImg[(co1 - 1) * plane16 + p * 16 + l] = 0.0f;
}

inline int32_t conv2dBody(const KernelArgs &args, uint32_t blockIdx,
                          uint32_t blockDim) {
  Conv2dTiling t;
  if (!decodeTiling(args, &t) || !isValidBlocking(t.blocking))
    return kBadTiling;
  if (args.numInputs < uint32_t(2 + t.hasBias) || args.numOutputs < 1)
    return kBadOperands;
  if (t.blocking.nr > kMaxIm2colWidth || t.blocking.mr > kMaxIm2colWidth)
    return kBadTiling;
  ConvBuffers io{
      static_cast<const float *>(args.inputs[0]),
      static_cast<const float *>(args.inputs[1]),
      t.hasBias ? static_cast<const float *>(args.inputs[2]) : nullptr,
      static_cast<float *>(args.outputs[0]),
      static_cast<uint8_t *>(args.workspace) + blockIdx * t.wsBytesPerBlock};
  const auto path = static_cast<ConvPath>(t.path);
  TaskRange range = blockTaskRange(t.tasks, blockIdx, blockDim);
  EpilogueArgs ep = makeEpilogue(t.epilogue);
  int64_t packedGroup = -1;
  const int64_t regions = int64_t(t.grid.gm) * t.grid.gn;
  const int64_t bands = ceilDiv(t.oh, std::max<int64_t>(1, t.rowsPerTask));
  for (int64_t task = range.begin; task < range.end; ++task) {
    switch (path) {
    case ConvPath::GemmNchw:
    case ConvPath::GemmNchwPixelRows:
    case ConvPath::GemmNc1hwc0: {
      int64_t ig = task / regions, img = ig / t.groups, g = ig % t.groups;
      if (path == ConvPath::GemmNchw)
        convGemmNchwTask(t, io, img, g, task % regions);
      else if (path == ConvPath::GemmNchwPixelRows)
        convGemmPixelRowsTask(t, io, img, g, task % regions);
      else
        convGemmC0Task(t, io, img, g, task % regions, &packedGroup);
      break;
    }
    case ConvPath::DepthwiseNchw:
    case ConvPath::DepthwiseNc1hwc0: {
      int64_t plane = task / bands, band = task % bands;
      int64_t oh0 = band * t.rowsPerTask;
      int64_t oh1 = std::min(t.oh, oh0 + t.rowsPerTask);
      if (path == ConvPath::DepthwiseNchw) {
        depthwiseNchwRows(t, io.x, io.filter, io.bias, io.y, plane / t.cout,
                          plane % t.cout, oh0, oh1, ep);
      } else {
        int64_t c1n = ceilDiv(t.cin, 16);
        depthwiseC0Rows(t, io.x, io.filter, io.bias, io.y, plane / c1n,
                        plane % c1n, oh0, oh1, ep,
                        reinterpret_cast<float *>(io.ws + t.wsFilter));
      }
      break;
    }
    default:
      return kBadTiling;
    }
  }
  return 0;
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CONV2D_IMPL_H
