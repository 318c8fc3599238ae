//===- kernel_families.h - Registration entry point of each kernel family -===//
#ifndef GEFLOW_KERNELS_COMMON_KERNEL_FAMILIES_H
#define GEFLOW_KERNELS_COMMON_KERNEL_FAMILIES_H

#include "geflow/kernels/Registry.h"

namespace geflow::kernels {
#define GEFLOW_KERNEL_FAMILY(fn) void fn(KernelRegistry &registry);
#include "kernels/common/kernel_families.def"
#undef GEFLOW_KERNEL_FAMILY
} // namespace geflow::kernels

#endif
