//===- gemm_bf16_avx2.cpp - bf16 Cube kernel bodies for avx2 --------------===//
//
// The shared kernel bodies instantiated for bf16 storage with this ISA's
// micro-kernel; a unit of its own per dtype keeps each compile small. The
// file name selects the compiler flags (see runtime/CMakeLists.txt).
//
//===----------------------------------------------------------------------===//

#define GEFLOW_CUBE_ISA avx2
#include "kernels/cube/gemm_ukernel_avx2.h"

#include "kernels/cube/conv2d_impl.h"
#include "kernels/cube/conv2d_transpose_impl.h"
#include "kernels/cube/gemm_entry.h"
#include "kernels/cube/matmul_impl.h"

namespace geflow::kernels::cube::avx2 {

int32_t matmulKernelBf16(const KernelArgs &args, uint32_t blockIdx,
                         uint32_t blockDim) {
  return matmulBody<BFloat>(args, blockIdx, blockDim);
}

int32_t conv2dKernelBf16(const KernelArgs &args, uint32_t blockIdx,
                         uint32_t blockDim) {
  return conv2dBody<BFloat>(args, blockIdx, blockDim);
}

int32_t conv2dTransposeKernelBf16(const KernelArgs &args, uint32_t blockIdx,
                                  uint32_t blockDim) {
  return conv2dTransposeBody<BFloat>(args, blockIdx, blockDim);
}

} // namespace geflow::kernels::cube::avx2
