//===- pool_portable.cpp - Pool kernel body compiled for portable ---------===//
//
// The file name selects the compiler flags (see runtime/CMakeLists.txt).
//
//===----------------------------------------------------------------------===//

#define GEFLOW_CUBE_ISA portable
#include "kernels/cube/pool_impl.h"

namespace geflow::kernels::cube::portable {

int32_t poolKernel(const KernelArgs &args, uint32_t blockIdx,
                   uint32_t blockDim) {
  return poolBody(args, blockIdx, blockDim);
}

} // namespace geflow::kernels::cube::portable
