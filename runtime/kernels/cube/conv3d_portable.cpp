//===- conv3d_portable.cpp - conv3d bodies compiled for portable ---===//
//
// The file name selects the compiler flags (see runtime/CMakeLists.txt).
//
//===----------------------------------------------------------------------===//

#define GEFLOW_CUBE_ISA portable
#include "kernels/cube/conv3d_impl.h"

namespace geflow::kernels::cube::portable {

int32_t conv3dKernel(const KernelArgs &args, uint32_t blockIdx,
                     uint32_t blockDim) {
  return conv3dBody<float>(args, blockIdx, blockDim);
}
int32_t conv3dKernelF16(const KernelArgs &args, uint32_t blockIdx,
                        uint32_t blockDim) {
  return conv3dBody<Half>(args, blockIdx, blockDim);
}
int32_t conv3dKernelBf16(const KernelArgs &args, uint32_t blockIdx,
                         uint32_t blockDim) {
  return conv3dBody<BFloat>(args, blockIdx, blockDim);
}

} // namespace geflow::kernels::cube::portable
