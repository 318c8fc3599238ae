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
// are templated on their element type (float, Half, BFloat) and converted
// to fp32 on load (F16C / a shift), so f16/bf16 storage computes in fp32.
//
// bf16 operands on a soc with vdpbf16ps use bf16-pair panels instead
// (PanelFormat::Bf16Pairs): word p * width + x holds v(2p, x) in its low and
// v(2p + 1, x) in its high half. Generic code builds them from fp32 panels
// (pairPanelsInPlace); the AVX-512 unit packs them straight from bf16
// (gemm_pack_bf16.h).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_GEMM_PACK_H
#define GEFLOW_KERNELS_CUBE_GEMM_PACK_H

#ifndef GEFLOW_CUBE_ISA
#error "gemm_pack.h belongs to a per-ISA translation unit"
#endif

#if defined(__AVX2__)
#include "kernels/cube/gemm_pack_x86.h"
#endif

#include "kernels/cube/convert.h"

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
        if constexpr (std::is_same_v<T, float>) {
          for (int64_t x = 0; x < cnt; ++x)
            d[x] = row[x];
        } else {
          rowToF32(row, d, cnt);
        }
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
        if (!std::is_same_v<T, float> && v.ks == 1) {
          // Convert the contiguous chunk vector-wise, then scatter it.
          float tmp[kChunk];
          rowToF32(line + kk, tmp, kEnd - kk);
          for (int64_t k = kk; k < kEnd; ++k)
            dst[k * width + x] = tmp[k - kk];
          continue;
        }
        for (int64_t k = kk; k < kEnd; ++k)
          dst[k * width + x] = toF32(line[k * v.ks]);
      }
      for (int64_t k = kk; k < kEnd; ++k)
        for (int64_t x = cnt; x < width; ++x)
          dst[k * width + x] = 0.0f;
    }
  }
}

/// Rewrites `panels` consecutive fp32 panels of depth kb (panel stride
/// kb * width floats) as bf16-pair panels of depth ceil(kb / 2) (stride
/// ceil(kb / 2) * width words), in place. Every value must be a bf16 value
/// (the panels were packed from bf16 storage), so keeping the high half of
/// each float is exact. Words never move past floats not yet read, so a
/// forward pass is safe.
inline void pairPanelsInPlace(float *p, int64_t panels, int64_t kb,
                              int32_t width) {
  const int64_t kp = (kb + 1) / 2;
  auto *words = reinterpret_cast<uint32_t *>(p);
  for (int64_t q = 0; q < panels; ++q) {
    const float *src = p + q * kb * width;
    uint32_t *dst = words + q * kp * width;
    for (int64_t pr = 0; pr < kp; ++pr) {
      const float *lo = src + 2 * pr * width;
      const bool hasHi = 2 * pr + 1 < kb;
      for (int32_t x = 0; x < width; ++x) {
        uint32_t l, h = 0;
        std::memcpy(&l, lo + x, 4);
        if (hasHi)
          std::memcpy(&h, lo + width + x, 4);
        dst[pr * width + x] = (h & 0xFFFF0000u) | (l >> 16);
      }
    }
  }
}

/// Expands bf16-pair panels (depth in words, panel stride kpTotal * width)
/// back to fp32 panels of depth kb: what a unit without vdpbf16ps does with
/// weights prepacked for one. `src` points at pair row k0 / 2 of the first
/// panel.
inline void unpairPanels(const uint32_t *src, int64_t kpTotal, int64_t panels,
                         int64_t kb, int32_t width, float *dst) {
  for (int64_t q = 0; q < panels; ++q) {
    const uint32_t *s = src + q * kpTotal * width;
    float *d = dst + q * kb * width;
    for (int64_t k = 0; k < kb; ++k) {
      const uint32_t *row = s + (k / 2) * width;
      const int shift = (k & 1) ? 0 : 16;
      for (int32_t x = 0; x < width; ++x) {
        uint32_t bits = (row[x] << shift) & 0xFFFF0000u;
        std::memcpy(d + k * width + x, &bits, 4);
      }
    }
  }
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CUBE_GEMM_PACK_H
