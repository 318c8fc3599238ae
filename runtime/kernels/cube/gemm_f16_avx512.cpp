//===- gemm_f16_avx512.cpp - f16 Cube kernel bodies for avx512 ------------===//
//
// The shared kernel bodies instantiated for f16 storage with this ISA's
// micro-kernel; a unit of its own per dtype keeps each compile small. The
// file name selects the compiler flags (see runtime/CMakeLists.txt).
//
//===----------------------------------------------------------------------===//
// GCC 12's AVX-512 headers trip -Wmaybe-uninitialized on their own
// _mm512_undefined_* helpers (GCC bug 105593, fixed in GCC 13).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define GEFLOW_CUBE_ISA avx512
#include "kernels/cube/gemm_ukernel_avx512.h"

#include "kernels/cube/conv2d_impl.h"
#include "kernels/cube/conv2d_transpose_impl.h"
#include "kernels/cube/gemm_entry.h"
#include "kernels/cube/matmul_impl.h"

namespace geflow::kernels::cube::avx512 {

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

} // namespace geflow::kernels::cube::avx512
