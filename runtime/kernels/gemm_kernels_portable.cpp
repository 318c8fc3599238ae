//===- gemm_kernels_portable.cpp - Cube kernel bodies compiled for portable
//---===//
//
// Instantiates the shared kernel bodies with this ISA's micro-kernel. The
// file name selects the compiler flags (see runtime/CMakeLists.txt).
//
//===----------------------------------------------------------------------===//

#define GEFLOW_CUBE_ISA portable
#include "kernels/gemm_ukernel_portable.h"

#include "kernels/conv2d_impl.h"
#include "kernels/conv2d_transpose_impl.h"
#include "kernels/gemm_entry.h"
#include "kernels/matmul_impl.h"

namespace geflow::kernels::cube::portable {

int32_t matmulKernel(const KernelArgs &args, uint32_t blockIdx,
                     uint32_t blockDim) {
  return matmulBody(args, blockIdx, blockDim);
}

int32_t conv2dKernel(const KernelArgs &args, uint32_t blockIdx,
                     uint32_t blockDim) {
  return conv2dBody(args, blockIdx, blockDim);
}

int32_t conv2dTransposeKernel(const KernelArgs &args, uint32_t blockIdx,
                              uint32_t blockDim) {
  return conv2dTransposeBody(args, blockIdx, blockDim);
}

} // namespace geflow::kernels::cube::portable

namespace geflow::kernels::cube::portable {

void packWholeOperand(const float *base, int64_t ks, int64_t xs, int64_t extent,
                      int64_t K, int32_t width, float *dst) {
  packPanels(StridedView<float>{base, ks, xs}, extent, 0, K, 0, extent, width,
             dst);
}

void packConvFilter(const Conv2dTiling &t, const float *filter, float *dst) {
  const GemmBlocking &bl = t.blocking;
  const int64_t M = t.gemmM, N = t.gemmN, K = t.gemmK;
  for (int64_t g = 0; g < t.groups; ++g) {
    if (t.path == int32_t(ConvPath::GemmNchw))
      packWholeOperand(filter + g * M * K, 1, K, M, K, bl.mr,
                       dst + g * packedFloats(M, K, bl.mr));
    else if (t.path == int32_t(ConvPath::GemmNchwPixelRows))
      packWholeOperand(filter + g * N * K, 1, K, N, K, bl.nr,
                       dst + g * packedFloats(N, K, bl.nr));
    else
      packFilterC0Group(t, filter, g, dst + g * packedFloats(N, K, bl.nr));
  }
}

} // namespace geflow::kernels::cube::portable
