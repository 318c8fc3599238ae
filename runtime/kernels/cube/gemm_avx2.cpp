//===- gemm_avx2.cpp - Cube kernel bodies compiled for avx2 ---------------===//
//
// Instantiates the shared kernel bodies with this ISA's micro-kernel. The
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

} // namespace geflow::kernels::cube::avx2
