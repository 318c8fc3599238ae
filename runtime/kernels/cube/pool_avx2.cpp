//===- pool_avx2.cpp - Pool kernel body compiled for avx2 -----------------===//
//
// The file name selects the compiler flags (see runtime/CMakeLists.txt).
//
//===----------------------------------------------------------------------===//

#define GEFLOW_CUBE_ISA avx2
#include "kernels/cube/pool_impl.h"

namespace geflow::kernels::cube::avx2 {

int32_t poolKernel(const KernelArgs &args, uint32_t blockIdx,
                   uint32_t blockDim) {
  return poolBody(args, blockIdx, blockDim);
}

} // namespace geflow::kernels::cube::avx2
