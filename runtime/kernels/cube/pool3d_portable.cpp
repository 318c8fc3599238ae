//===- pool3d_portable.cpp - 3-D pool body compiled for portable ---===//
//
// The file name selects the compiler flags (see runtime/CMakeLists.txt).
//
//===----------------------------------------------------------------------===//

#define GEFLOW_CUBE_ISA portable
#include "kernels/cube/pool3d_impl.h"

namespace geflow::kernels::cube::portable {

int32_t pool3dKernel(const KernelArgs &args, uint32_t blockIdx,
                     uint32_t blockDim) {
  return pool3dBody(args, blockIdx, blockDim);
}

} // namespace geflow::kernels::cube::portable
