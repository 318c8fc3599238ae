//===- gemm_f16_portable.cpp - f16 Cube kernel bodies, portable -----------===//
//
// The shared kernel bodies instantiated for f16 storage with this ISA's
// micro-kernel; a unit of its own per dtype keeps each compile small. The
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

int32_t matmulKernelF16(const KernelArgs &args, uint32_t blockIdx,
                        uint32_t blockDim) {
  return matmulBody<Half>(args, blockIdx, blockDim);
}

int32_t conv2dKernelF16(const KernelArgs &args, uint32_t blockIdx,
                        uint32_t blockDim) {
  return conv2dBody<Half>(args, blockIdx, blockDim);
}

int32_t conv2dTransposeKernelF16(const KernelArgs &args, uint32_t blockIdx,
                                 uint32_t blockDim) {
  return conv2dTransposeBody<Half>(args, blockIdx, blockDim);
}

} // namespace geflow::kernels::cube::portable
