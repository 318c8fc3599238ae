//===- pool3d_avx512.cpp - 3-D pool body compiled for avx512 ---===//
//
// The file name selects the compiler flags (see runtime/CMakeLists.txt).
//
//===----------------------------------------------------------------------===//

#define GEFLOW_CUBE_ISA avx512
#include "kernels/cube/pool3d_impl.h"

namespace geflow::kernels::cube::avx512 {

int32_t pool3dKernel(const KernelArgs &args, uint32_t blockIdx,
                     uint32_t blockDim) {
  return pool3dBody(args, blockIdx, blockDim);
}

} // namespace geflow::kernels::cube::avx512
