//===- gemm_entry.h - Per-ISA entry points of the Cube kernels ------------===//
//
// Each ISA's translation units (gemm_<isa>.cpp for fp32, gemm_f16_<isa>.cpp
// and gemm_bf16_<isa>.cpp for f16 / bf16 storage) compile the same kernel
// bodies with their micro-kernel and flags into the ISA's namespace; the
// registration code picks them up from here. The portable unit also provides
// the packing the PackFns run on the host at compile time.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_GEMM_ENTRY_H
#define GEFLOW_KERNELS_CUBE_GEMM_ENTRY_H

#include "kernels/cube/conv2d_tiling.h"
#include "kernels/cube/gemm_common.h"

namespace geflow::kernels::cube {

#define GEFLOW_CUBE_ENTRY_POINTS_FOR(suffix)                                   \
  int32_t matmulKernel##suffix(const KernelArgs &args, uint32_t blockIdx,      \
                               uint32_t blockDim);                             \
  int32_t conv2dKernel##suffix(const KernelArgs &args, uint32_t blockIdx,      \
                               uint32_t blockDim);                             \
  int32_t conv2dTransposeKernel##suffix(const KernelArgs &args,                \
                                        uint32_t blockIdx, uint32_t blockDim);
#define GEFLOW_CUBE_ENTRY_POINTS(ns)                                           \
  namespace ns {                                                               \
  GEFLOW_CUBE_ENTRY_POINTS_FOR()                                               \
  GEFLOW_CUBE_ENTRY_POINTS_FOR(F16)                                            \
  GEFLOW_CUBE_ENTRY_POINTS_FOR(Bf16)                                           \
  }

GEFLOW_CUBE_ENTRY_POINTS(portable)
GEFLOW_CUBE_ENTRY_POINTS(avx2)
GEFLOW_CUBE_ENTRY_POINTS(avx512)
#undef GEFLOW_CUBE_ENTRY_POINTS
#undef GEFLOW_CUBE_ENTRY_POINTS_FOR

namespace portable {
/// Packs a whole operand of `dtype` (k in [0, K), x in [0, extent)) into
/// the PrepackedPanels layout of `format`. dst must hold fp32 panels
/// (packedFloats words): bf16 pairs are packed as fp32 and narrowed in
/// place to their packedWords.
void packWholeOperand(const void *base, DType dtype, int64_t ks, int64_t xs,
                      int64_t extent, int64_t K, int32_t width,
                      PanelFormat format, float *dst);

/// Packs conv2d filter [Cout, Cin/groups, KH, KW] (stored as t.inDtype) into
/// the layout the conv kernel named by `t.path` reads (see conv2d_tiling.h),
/// groups convPackedFilterGroupWords apart; dst has fp32 room for one more
/// group.
void packConvFilter(const Conv2dTiling &t, const void *filter, float *dst);
} // namespace portable

} // namespace geflow::kernels::cube

#endif // GEFLOW_KERNELS_CUBE_GEMM_ENTRY_H
