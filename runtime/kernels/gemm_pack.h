//===- gemm_pack.h - Packing GEMM operands into k-major panels ------------===//
//
// A panel set holds `len` rows of A (or columns of B) in panels of `width`:
// panel q stores elements x0 + q*width ... in k-major order,
//   dst[q * kb * width + k * width + x]   (k in [0, kb), x in [0, width)),
// with positions past the operand's extent zero-filled. The micro-kernel
// reads one panel row (width floats) per k step from consecutive memory.
//
// The source is any strided 2-D view v(k, x) = base[k * ks + x * xs]; for A
// x is the row index (v(k, i) = A(i, k)), for B the column index. Sources
// are templated on their element type and converted to fp32 on load, which
// is where fp16/bf16 storage plugs in (an fp32 panel, fp32 accumulation).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_GEMM_PACK_H
#define GEFLOW_KERNELS_GEMM_PACK_H

#ifndef GEFLOW_CUBE_ISA
#error "gemm_pack.h belongs to a per-ISA translation unit"
#endif

#if defined(__AVX2__)
#include "kernels/gemm_pack_x86.h"
#endif

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

#if !defined(__AVX2__)
/// dst[k * dstStride + i] = src[i * srcStride + k] for i < 8, k < n.
inline void transpose8(const float *src, int64_t srcStride, int64_t n,
                       float *dst, int64_t dstStride) {
  for (int64_t k = 0; k < n; ++k)
    for (int i = 0; i < 8; ++i)
      dst[k * dstStride + i] = src[i * srcStride + k];
}
#endif

/// Element -> fp32 conversion of packing sources; fp16/bf16 add overloads.
inline float toF32(float v) { return v; }

template <typename T> struct StridedView {
  const T *base = nullptr;
  int64_t ks = 0; // stride between consecutive k
  int64_t xs = 0; // stride between consecutive rows of A / columns of B
};

/// Packs v(k0 .. k0+kb, x0 .. x0+len) into panels of `width`; only the first
/// `extent - x0` positions exist, the rest of the last panel is zero.
template <typename T>
void packPanels(const StridedView<T> &v, int64_t extent, int64_t k0, int64_t kb,
                int64_t x0, int64_t len, int32_t width, float *dst) {
  for (int64_t q = 0; q < len; q += width, dst += kb * width) {
    int64_t cnt = std::min<int64_t>({width, len - q, extent - x0 - q});
    cnt = std::max<int64_t>(cnt, 0);
    const T *src = v.base + k0 * v.ks + (x0 + q) * v.xs;
    if (v.xs == 1) {
      // Rows of the panel are contiguous in the source: straight copies.
      for (int64_t k = 0; k < kb; ++k) {
        const T *row = src + k * v.ks;
        float *d = dst + k * width;
        // Rows a long stride apart (an NCHW image read as [C, H*W]) defeat
        // the hardware prefetcher: fetch 8 rows ahead.
        if (k + 8 < kb)
          for (int64_t x = 0; x < cnt; x += 64 / int64_t(sizeof(T)))
            __builtin_prefetch(row + 8 * v.ks + x);
        for (int64_t x = 0; x < cnt; ++x)
          d[x] = toF32(row[x]);
        for (int64_t x = cnt; x < width; ++x)
          d[x] = 0.0f;
      }
      continue;
    }
    if constexpr (std::is_same_v<T, float>) {
      // A full 8-wide panel from 8 k-contiguous lines (a row-major A): the
      // ISA's 8 x 8 transposes.
      if (width == 8 && cnt == 8 && v.ks == 1) {
        transpose8(src, v.xs, kb, dst, 8);
        continue;
      }
    }
    // k is the contiguous (or at least inner) source dimension: read
    // each source line in k chunks so reads stay sequential while the
    // strided writes hit a cache-resident panel.
    constexpr int64_t kChunk = 64;
    for (int64_t kk = 0; kk < kb; kk += kChunk) {
      int64_t kEnd = std::min(kb, kk + kChunk);
      for (int64_t x = 0; x < cnt; ++x) {
        const T *line = src + x * v.xs;
        for (int64_t k = kk; k < kEnd; ++k)
          dst[k * width + x] = toF32(line[k * v.ks]);
      }
      for (int64_t k = kk; k < kEnd; ++k)
        for (int64_t x = cnt; x < width; ++x)
          dst[k * width + x] = 0.0f;
    }
  }
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_GEMM_PACK_H
