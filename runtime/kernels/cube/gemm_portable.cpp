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

void packConvFilter(const Conv2dTiling &t, const void *filter, float *dst) {
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
    } else if (t.path == int32_t(ConvPath::GemmNchwPixelRows)) {
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
