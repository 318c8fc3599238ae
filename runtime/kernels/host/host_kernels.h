//===- host_kernels.h - The built-in host kernels' entry points -*- C++ -*-===//
#ifndef GEFLOW_KERNELS_HOST_HOST_KERNELS_H
#define GEFLOW_KERNELS_HOST_HOST_KERNELS_H

#include "geflow/runtime/HostOps.h"

namespace geflow::kernels::host {
#define GEFLOW_HOST_KERNEL(type, stem)                                         \
  rt::Status hostRun##type(const rt::HostCallArgs &args);                      \
  rt::Status hostCheck##type(const std::vector<TensorDesc> &inputs,            \
                             const std::vector<TensorDesc> &outputs,           \
                             const AttrMap &attrs);
#include "kernels/host/host_kernels.def"
#undef GEFLOW_HOST_KERNEL
} // namespace geflow::kernels::host

#endif
