//===- registry.cpp - Registering the built-in host kernels ---------------===//
#include "kernels/host/host_kernels.h"

namespace geflow::rt {

void registerBuiltinHostKernels(HostOpRegistry &registry) {
#define GEFLOW_HOST_KERNEL(type, stem)                                         \
  registry.add(#type, kernels::host::hostRun##type,                            \
               kernels::host::hostCheck##type);
#include "kernels/host/host_kernels.def"
#undef GEFLOW_HOST_KERNEL
}

} // namespace geflow::rt
