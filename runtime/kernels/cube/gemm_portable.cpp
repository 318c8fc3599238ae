//===- gemm_portable.cpp - Cube kernel bodies compiled for portable -------===//
//
// Instantiates the shared kernel bodies with this ISA's micro-kernel. The
// file name selects the compiler flags (see runtime/CMakeLists.txt).
//
//===----------------------------------------------------------------------===//

#define GEFLOW_CUBE_ISA portable
#include "kernels/cube/gemm_ukernel_portable.h"

#include "kernels/cube/conv2d_impl.h"
#include "kernels/cube/conv2d_transpose_impl.h"
#include "kernels/cube/conv2d_winograd_tiling.h"
#include "kernels/cube/gemm_entry.h"
#include "kernels/cube/matmul_impl.h"

namespace geflow::kernels::cube::portable {

int32_t matmulKernel(const KernelArgs &args, uint32_t blockIdx,
                     uint32_t blockDim) {
  return matmulBody<float>(args, blockIdx, blockDim);
}

int32_t conv2dKernel(const KernelArgs &args, uint32_t blockIdx,
                     uint32_t blockDim) {
  return conv2dBody<float>(args, blockIdx, blockDim);
}

int32_t conv2dTransposeKernel(const KernelArgs &args, uint32_t blockIdx,
                              uint32_t blockDim) {
  return conv2dTransposeBody<float>(args, blockIdx, blockDim);
}

} // namespace geflow::kernels::cube::portable

namespace geflow::kernels::cube::portable {

namespace {

template <typename T>
void packWholeTyped(const T *base, int64_t ks, int64_t xs, int64_t extent,
                    int64_t K, int32_t width, PanelFormat format, float *dst) {
  packPanels(StridedView<T>{base, ks, xs}, extent, 0, K, 0, extent, width, dst);
  if (format == PanelFormat::Bf16Pairs)
    pairPanelsInPlace(dst, ceilDiv(extent, width), K, width);
}

} // namespace

void packWholeOperand(const void *base, DType dtype, int64_t ks, int64_t xs,
                      int64_t extent, int64_t K, int32_t width,
                      PanelFormat format, float *dst) {
  switch (dtype) {
  case DType::F16:
    return packWholeTyped(static_cast<const Half *>(base), ks, xs, extent, K,
                          width, format, dst);
  case DType::BF16:
    return packWholeTyped(static_cast<const BFloat *>(base), ks, xs, extent, K,
                          width, format, dst);
  default:
    return packWholeTyped(static_cast<const float *>(base), ks, xs, extent, K,
                          width, format, dst);
  }
}

/// U = G g G^T of every (output, input) channel pair, computed in double
/// and rounded once, into alpha^2 operands of [Cin x Cout] in nr panels.
static void packWinogradFilter(const Conv2dTiling &t, const void *filter,
                               float *dst) {
  const WinogradMatrices &wm = winogradMatrices(t.winoM);
  const int64_t alpha = t.winoM + 2, nr = t.blocking.nr;
  const int64_t uPer = packedFloats(t.gemmN, t.gemmK, nr);
  const DType dtype = DType(t.inDtype);
  std::fill(dst, dst + alpha * alpha * uPer, 0.0f);
  for (int64_t co = 0; co < t.cout; ++co)
    for (int64_t ci = 0; ci < t.cin; ++ci) {
      double g[3][3], gg[6][3];
      for (int r = 0; r < 3; ++r)
        for (int s = 0; s < 3; ++s)
          g[r][s] =
              loadValue(dtype, filter, ((co * t.cin + ci) * 3 + r) * 3 + s);
      for (int a = 0; a < alpha; ++a)
        for (int s = 0; s < 3; ++s)
          gg[a][s] = wm.g[a][0] * g[0][s] + wm.g[a][1] * g[1][s] +
                     wm.g[a][2] * g[2][s];
      float *panel = dst + (co / nr) * t.cin * nr + ci * nr + co % nr;
      for (int a = 0; a < alpha; ++a)
        for (int b = 0; b < alpha; ++b)
          panel[(a * alpha + b) * uPer] =
              float(gg[a][0] * wm.g[b][0] + gg[a][1] * wm.g[b][1] +
                    gg[a][2] * wm.g[b][2]);
    }
}

void packConvFilter(const Conv2dTiling &t, const void *filter, float *dst) {
  if (t.path == int32_t(ConvPath::WinogradNchw))
    return packWinogradFilter(t, filter, dst);
  const GemmBlocking &bl = t.blocking;
  const int64_t M = t.gemmM, N = t.gemmN, K = t.gemmK;
  const DType dtype = DType(t.inDtype);
  const PanelFormat format = PanelFormat(t.panels);
  const size_t es = rt::dtypeSize(dtype);
  const auto *f = static_cast<const uint8_t *>(filter);
  const int64_t per = convPackedFilterGroupWords(t);
  for (int64_t g = 0; g < t.groups; ++g) {
    float *d = dst + g * per;
    if (t.path == int32_t(ConvPath::GemmNchw)) {
      packWholeOperand(f + g * M * K * es, dtype, 1, K, M, K, bl.mr, format, d);
    } else if (t.path == int32_t(ConvPath::GemmNchwPixelRows) ||
               t.path == int32_t(ConvPath::GemmNchwToC0)) {
      packWholeOperand(f + g * N * K * es, dtype, 1, K, N, K, bl.nr, format, d);
    } else {
      if (dtype == DType::F16)
        packFilterC0Group(t, static_cast<const Half *>(filter), g, d);
      else if (dtype == DType::BF16)
        packFilterC0Group(t, static_cast<const BFloat *>(filter), g, d);
      else
        packFilterC0Group(t, static_cast<const float *>(filter), g, d);
      if (format == PanelFormat::Bf16Pairs)
        pairPanelsInPlace(d, ceilDiv(N, bl.nr), K, bl.nr);
    }
  }
}

} // namespace geflow::kernels::cube::portable
