//===- conv_window.h - Sliding-window index ranges (conv, pool) -----------===//
//
// Per-ISA like the other kernel-body headers (include after defining
// GEFLOW_CUBE_ISA), so each ISA's copy of these inline helpers stays its own.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_CONV_WINDOW_H
#define GEFLOW_KERNELS_CUBE_CONV_WINDOW_H

#ifndef GEFLOW_CUBE_ISA
#error "conv_window.h belongs to a per-ISA translation unit"
#endif

#include "kernels/cube/gemm_common.h"

#include <algorithm>
#include <cstdint>

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

/// [lo, hi): the t in [0, count) with 0 <= start + t * stride < extent, so
/// loops over t touch only in-bounds input and need no per-element test.
inline void validRange(int64_t start, int64_t stride, int64_t extent,
                       int64_t count, int64_t *lo, int64_t *hi) {
  // Called per packed row: strides 1 and 2 (nearly all convs) avoid the
  // integer divisions.
  int64_t l, h;
  if (stride == 1) {
    l = start >= 0 ? 0 : -start;
    h = extent - start;
  } else if (stride == 2) {
    l = start >= 0 ? 0 : (1 - start) >> 1;
    h = start > extent - 1 ? 0 : ((extent - 1 - start) >> 1) + 1;
  } else {
    l = start >= 0 ? 0 : ceilDiv(-start, stride);
    h = start > extent - 1 ? 0 : (extent - 1 - start) / stride + 1;
  }
  *lo = std::min(l, count);
  *hi = std::max(*lo, std::min(h, count));
}

/// Bits [lo, hi) of a 64-bit lane mask (0 <= lo <= hi <= 64).
inline uint64_t laneBits(int64_t lo, int64_t hi) {
  uint64_t upTo = hi >= 64 ? ~uint64_t(0) : (uint64_t(1) << hi) - 1;
  uint64_t below = lo >= 64 ? ~uint64_t(0) : (uint64_t(1) << lo) - 1;
  return upTo & ~below;
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CUBE_CONV_WINDOW_H
