//===- gemm_pack_bf16.h - bf16-pair panels for vdpbf16ps (AVX-512) --------===//
//
// vdpbf16ps multiplies bf16 pairs: each 32-bit lane of an operand holds the
// values of two consecutive k. Panels in PanelFormat::Bf16Pairs are packed
// straight from bf16 storage with integer moves (no rounding: bf16 in, bf16
// out):
//  - x contiguous (xs == 1, e.g. a row-major B): two source rows k, k + 1
//    are zero-extended to 32 bits and merged, 16 columns per step;
//  - k contiguous (ks == 1, e.g. a row-major A): each pair already is one
//    32-bit word of the source line, so a panel is an 8 x 8 word transpose.
// Other layouts go element by element. Only the AVX-512 unit includes this.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_GEMM_PACK_BF16_H
#define GEFLOW_KERNELS_CUBE_GEMM_PACK_BF16_H

#ifndef GEFLOW_CUBE_ISA
#error "gemm_pack_bf16.h belongs to a per-ISA translation unit"
#endif
#if !defined(__AVX512F__) || !defined(__AVX512BW__)
#error "gemm_pack_bf16.h needs AVX-512 (F, BW)"
#endif

#include "kernels/cube/gemm_pack.h"

#include <immintrin.h>

#include <algorithm>
#include <cstdint>

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

inline __mmask16 firstLanes(int64_t n) {
  return n >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1);
}

/// Words (lo | hi << 16) of 16 columns from two bf16 rows (hi may be null:
/// the zero past an odd K). Only the first `n` columns are read.
inline __m512i pairWords(const uint16_t *lo, const uint16_t *hi, int64_t n) {
  __mmask16 m = firstLanes(n);
  __m512i l = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, lo));
  if (!hi)
    return l;
  __m512i h = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, hi));
  return _mm512_or_si512(l, _mm512_slli_epi32(h, 16));
}

/// 8 lines of 2 * n bf16 (word k of line i at lines[i] + 2k) to n rows of 8
/// words: dst[k * dstStride + i].
inline void transposeWords8(const uint16_t *const lines[8], int64_t n,
                            uint32_t *dst, int64_t dstStride) {
  int64_t k = 0;
  for (; k + 8 <= n; k += 8, dst += 8 * dstStride) {
    __m256 r[8];
    for (int i = 0; i < 8; ++i)
      r[i] = _mm256_castsi256_ps(_mm256_loadu_si256(
          reinterpret_cast<const __m256i *>(lines[i] + 2 * k)));
    __m256 t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
      t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
      u[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
      u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
      u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
      u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int j = 0; j < 4; ++j) {
      _mm256_storeu_ps(reinterpret_cast<float *>(dst + j * dstStride),
                       _mm256_permute2f128_ps(u[j], u[j + 4], 0x20));
      _mm256_storeu_ps(reinterpret_cast<float *>(dst + (j + 4) * dstStride),
                       _mm256_permute2f128_ps(u[j], u[j + 4], 0x31));
    }
  }
  for (; k < n; ++k, dst += dstStride)
    for (int i = 0; i < 8; ++i) {
      uint32_t w;
      std::memcpy(&w, lines[i] + 2 * k, 4);
      dst[i] = w;
    }
}

/// Packs v(k0 .. k0+kb, x0 .. x0+len) of a bf16 view into bf16-pair panels
/// of `width` (layout of PanelFormat::Bf16Pairs, depth ceil(kb / 2) words);
/// positions past `extent` and the k past kb are zero.
inline void packPairPanels(const StridedView<BFloat> &v, int64_t extent,
                           int64_t k0, int64_t kb, int64_t x0, int64_t len,
                           int32_t width, uint32_t *dst) {
  const int64_t kp = (kb + 1) / 2, full = kb / 2;
  const auto *base = reinterpret_cast<const uint16_t *>(v.base);
  for (int64_t q = 0; q < len; q += width, dst += kp * width) {
    int64_t cnt = std::min<int64_t>({width, len - q, extent - x0 - q});
    cnt = std::max<int64_t>(cnt, 0);
    const uint16_t *src = base + k0 * v.ks + (x0 + q) * v.xs;
    if (v.xs == 1) {
      for (int64_t p = 0; p < kp; ++p) {
        const uint16_t *lo = src + 2 * p * v.ks;
        const uint16_t *hi = p < full ? lo + v.ks : nullptr;
        uint32_t *d = dst + p * width;
        if (p + 4 < kp)
          for (int64_t x = 0; x < cnt; x += 32) {
            __builtin_prefetch(lo + 8 * v.ks + x);
            __builtin_prefetch(lo + 9 * v.ks + x);
          }
        for (int64_t x = 0; x < width; x += 16) {
          __m512i w = pairWords(lo + x, hi ? hi + x : nullptr, cnt - x);
          _mm512_mask_storeu_epi32(d + x, firstLanes(width - x), w);
        }
      }
      continue;
    }
    int64_t x = 0;
    if (v.ks == 1) {
      // Whole pairs are 32-bit words of each line: transpose 8 lines at a
      // time; an odd last k goes through the element loop below.
      for (; x + 8 <= cnt; x += 8) {
        const uint16_t *lines[8];
        for (int i = 0; i < 8; ++i)
          lines[i] = src + (x + i) * v.xs;
        transposeWords8(lines, full, dst + x, width);
      }
    }
    for (int64_t p = 0; p < kp; ++p) {
      uint32_t *d = dst + p * width;
      // Lines handled by the transpose still miss their odd last k.
      for (int64_t c = p < full ? x : 0; c < cnt; ++c) {
        const uint16_t *line = src + c * v.xs + 2 * p * v.ks;
        uint32_t hi = p < full ? line[v.ks] : 0;
        d[c] = (hi << 16) | line[0];
      }
      for (int64_t c = cnt; c < width; ++c)
        d[c] = 0;
    }
  }
}

/// pairPanelsInPlace with 16 columns per step (see gemm_pack.h for why the
/// forward pass is safe: each step loads before it stores).
inline void pairPanelsInPlaceAvx512(float *p, int64_t panels, int64_t kb,
                                    int32_t width) {
  const int64_t kp = (kb + 1) / 2;
  auto *words = reinterpret_cast<uint32_t *>(p);
  const __m512i hiMask = _mm512_set1_epi32(int32_t(0xFFFF0000u));
  for (int64_t q = 0; q < panels; ++q) {
    const auto *src = reinterpret_cast<const uint32_t *>(p + q * kb * width);
    uint32_t *dst = words + q * kp * width;
    for (int64_t pr = 0; pr < kp; ++pr) {
      const uint32_t *lo = src + 2 * pr * width;
      const bool hasHi = 2 * pr + 1 < kb;
      for (int32_t x = 0; x < width; x += 16) {
        __mmask16 m = firstLanes(width - x);
        __m512i l = _mm512_srli_epi32(_mm512_maskz_loadu_epi32(m, lo + x), 16);
        __m512i w = l;
        if (hasHi)
          w = _mm512_ternarylogic_epi32(
              _mm512_maskz_loadu_epi32(m, lo + width + x), hiMask, l, 0xEA);
        _mm512_mask_storeu_epi32(dst + pr * width + x, m, w);
      }
    }
  }
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CUBE_GEMM_PACK_BF16_H
