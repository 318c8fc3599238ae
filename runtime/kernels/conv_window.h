//===- conv_window.h - Sliding-window index ranges (conv, pool) -----------===//
//
// Per-ISA like the other kernel-body headers (include after defining
// GEFLOW_CUBE_ISA), so each ISA's copy of these inline helpers stays its own.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CONV_WINDOW_H
#define GEFLOW_KERNELS_CONV_WINDOW_H

#ifndef GEFLOW_CUBE_ISA
#error "conv_window.h belongs to a per-ISA translation unit"
#endif

#include "kernels/gemm_common.h"

#include <algorithm>
#include <cstdint>

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

/// [lo, hi): the t in [0, count) with 0 <= start + t * stride < extent, so
/// loops over t touch only in-bounds input and need no per-element test.
inline void validRange(int64_t start, int64_t stride, int64_t extent,
                       int64_t count, int64_t *lo, int64_t *hi) {
  int64_t l = start >= 0 ? 0 : ceilDiv(-start, stride);
  int64_t h = start > extent - 1 ? 0 : (extent - 1 - start) / stride + 1;
  *lo = std::min(l, count);
  *hi = std::max(*lo, std::min(h, count));
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CONV_WINDOW_H
