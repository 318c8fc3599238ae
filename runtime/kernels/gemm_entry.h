//===- gemm_entry.h - Per-ISA entry points of the Cube kernels ------------===//
//
// Each ISA's translation unit (gemm_kernels_<isa>.cpp) compiles the same
// kernel bodies with its own micro-kernel and flags into its own namespace;
// the registration code picks them up from here. The portable unit also
// provides the packing the PackFns run on the host at compile time.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_GEMM_ENTRY_H
#define GEFLOW_KERNELS_GEMM_ENTRY_H

#include "kernels/conv2d_tiling.h"
#include "kernels/gemm_common.h"

namespace geflow::kernels::cube {

#define GEFLOW_CUBE_ENTRY_POINTS(ns)                                           \
  namespace ns {                                                               \
  int32_t matmulKernel(const KernelArgs &args, uint32_t blockIdx,              \
                       uint32_t blockDim);                                     \
  int32_t conv2dKernel(const KernelArgs &args, uint32_t blockIdx,              \
                       uint32_t blockDim);                                     \
  int32_t conv2dTransposeKernel(const KernelArgs &args, uint32_t blockIdx,     \
                                uint32_t blockDim);                            \
  }

GEFLOW_CUBE_ENTRY_POINTS(portable)
GEFLOW_CUBE_ENTRY_POINTS(avx2)
GEFLOW_CUBE_ENTRY_POINTS(avx512)
#undef GEFLOW_CUBE_ENTRY_POINTS

namespace portable {
/// packPanels over a whole fp32 operand (k in [0, K), x in [0, extent)):
/// the PrepackedOperand layout.
void packWholeOperand(const float *base, int64_t ks, int64_t xs, int64_t extent,
                      int64_t K, int32_t width, float *dst);

/// Packs conv2d filter [Cout, Cin/groups, KH, KW] into the layout the conv
/// kernel named by `t.path` reads (see conv2d_tiling.h).
void packConvFilter(const Conv2dTiling &t, const float *filter, float *dst);
} // namespace portable

} // namespace geflow::kernels::cube

#endif // GEFLOW_KERNELS_GEMM_ENTRY_H
