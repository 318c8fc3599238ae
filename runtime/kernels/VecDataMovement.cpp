//===- VecDataMovement.cpp - The data-movement kernel family --------------===//
#include "kernels/KernelFamilies.h"
#include "kernels/vector/DataMovement.h"

namespace geflow::kernels {

void registerDataMovementKernels(KernelRegistry &registry) {
  vec::registerLayoutKernels(registry);
  vec::registerConcatSplitKernels(registry);
  vec::registerPadKernels(registry);
  vec::registerGatherKernels(registry);
  vec::registerSelectKernels(registry);
  vec::registerCastKernels(registry);
  vec::registerTransDataKernels(registry);
  vec::registerFillKernels(registry);
  vec::registerScatterKernels(registry);
}

} // namespace geflow::kernels
