//===- gemm_ukernel_avx512.h - AVX-512 register micro-kernel --------------===//
//
// The 8 x 48 register tile: 24 zmm accumulators, 3 zmm B loads and one
// broadcast of A per row and k step, i.e. 24 FMAs per 11 loads, which keeps
// both FMA pipes busy. Smaller tiles (rows 1..8, 1..3 vectors, masked last
// vector) cover the edges with the same code.
//
// C addressing: element (i, j) at c + i * ldc + (j / 16) * cgs + j % 16, so
// one micro-kernel writes both row-major C (cgs == 16) and NC1HWC0 outputs
// (ldc == 16, cgs == H * W * 16: a zmm is exactly one C0 group).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_GEMM_UKERNEL_AVX512_H
#define GEFLOW_KERNELS_GEMM_UKERNEL_AVX512_H

#include "kernels/gemm_pack_x86.h"

#include <immintrin.h>

#include <algorithm>
#include <cstdint>

namespace geflow::kernels::cube::avx512 {

using TileFn = void (*)(const float *a, int64_t lda, const float *b,
                        int64_t ldb, int64_t kc, float *c, int64_t ldc,
                        int64_t cgs, __mmask16 lastMask, bool accumulate);

template <int M, int NV>
void tileKernel(const float *a, int64_t lda, const float *b, int64_t ldb,
                int64_t kc, float *c, int64_t ldc, int64_t cgs,
                __mmask16 lastMask, bool accumulate) {
  __m512 acc[M][NV];
#pragma GCC unroll 8
  for (int i = 0; i < M; ++i) {
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) {
      acc[i][v] = _mm512_setzero_ps();
      _mm_prefetch(reinterpret_cast<const char *>(c + i * ldc + v * cgs),
                   _MM_HINT_T0);
    }
  }
#pragma GCC unroll 2
  for (int64_t k = 0; k < kc; ++k) {
    __m512 bv[NV];
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v)
      bv[v] = _mm512_loadu_ps(b + 16 * v);
#pragma GCC unroll 8
    for (int i = 0; i < M; ++i) {
      __m512 av = _mm512_set1_ps(a[i]);
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v)
        acc[i][v] = _mm512_fmadd_ps(av, bv[v], acc[i][v]);
    }
    a += lda;
    b += ldb;
  }
#pragma GCC unroll 8
  for (int i = 0; i < M; ++i) {
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) {
      float *p = c + i * ldc + v * cgs;
      __mmask16 mask = v == NV - 1 ? lastMask : __mmask16(0xFFFF);
      __m512 r = acc[i][v];
      if (accumulate)
        r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(mask, p));
      _mm512_mask_storeu_ps(p, mask, r);
    }
  }
}

template <int M>
constexpr TileFn kTileRow[3] = {tileKernel<M, 1>, tileKernel<M, 2>,
                                tileKernel<M, 3>};

inline constexpr const TileFn *kTiles[8] = {
    kTileRow<1>, kTileRow<2>, kTileRow<3>, kTileRow<4>,
    kTileRow<5>, kTileRow<6>, kTileRow<7>, kTileRow<8>};

/// Bit t of an 8-bit mask moved to bit 2t: the even lanes of a 16-lane
/// load that feeds a stride-2 gather.
inline __mmask16 spreadEven(uint32_t bits8) {
  uint32_t m = 0;
  for (int t = 0; t < 8; ++t)
    m |= ((bits8 >> t) & 1u) << (2 * t);
  return __mmask16(m);
}

/// dst[i] = src[i * stride] for lo <= i < hi and 0 for the other i < count;
/// only the elements in [lo, hi) are read. `room` >= count floats at dst
/// may be written: whole 16-lane chunks are stored unmasked as long as they
/// fit in it (the caller writes left to right, so lanes past `count` are
/// overwritten later), because masked stores are slow on some cores. The
/// im2col packers call this once per packed row segment.
inline void gatherRun(float *dst, const float *src, int64_t count, int64_t lo,
                      int64_t hi, int64_t stride, int64_t room) {
  // Lanes [a, b) of a 16-lane chunk as a mask.
  auto range = [](int64_t a, int64_t b) -> __mmask16 {
    a = std::clamp<int64_t>(a, 0, 16);
    b = std::clamp<int64_t>(b, 0, 16);
    return a >= b ? 0 : __mmask16(((1u << b) - 1) & ~((1u << a) - 1));
  };
  auto store = [&](int64_t c, __m512 v) {
    if (c + 16 <= room)
      _mm512_storeu_ps(dst + c, v);
    else
      _mm512_mask_storeu_ps(dst + c, range(0, count - c), v);
  };
  if (stride == 1) {
    for (int64_t c = 0; c < count; c += 16)
      store(c, _mm512_maskz_loadu_ps(range(lo - c, hi - c), src + c));
    return;
  }
  if (stride == 2) {
    // Output lane t reads element 2t of 32 loaded floats: the even lanes.
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18,
                                           20, 22, 24, 26, 28, 30);
    for (int64_t c = 0; c < count; c += 16) {
      int64_t a = lo - c, b = hi - c;
      __mmask16 va = range(2 * a, 2 * b) & 0x5555;
      __mmask16 vb = range(2 * a - 16, 2 * b - 16) & 0x5555;
      __m512 x0 = _mm512_maskz_loadu_ps(va, src + 2 * c);
      __m512 x1 = _mm512_maskz_loadu_ps(vb, src + 2 * c + 16);
      store(c, _mm512_maskz_permutex2var_ps(range(a, b), x0, even, x1));
    }
    return;
  }
  for (int64_t i = 0; i < count; ++i)
    dst[i] = i >= lo && i < hi ? src[i * stride] : 0.0f;
}

/// dst[i] = bit i of `lanes` ? src[i * stride] : 0 for i < count <= 64;
/// only the selected elements are read. Stores like gatherRun (`room`).
inline void maskedRun(float *dst, const float *src, int64_t count,
                      uint64_t lanes, int64_t stride, int64_t room) {
  auto store = [&](int64_t c, __m512 v) {
    if (c + 16 <= room)
      _mm512_storeu_ps(dst + c, v);
    else
      _mm512_mask_storeu_ps(dst + c, __mmask16((1u << (count - c)) - 1), v);
  };
  if (stride == 1) {
    for (int64_t c = 0; c < count; c += 16)
      store(c, _mm512_maskz_loadu_ps(__mmask16(lanes >> c), src + c));
    return;
  }
  if (stride == 2) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18,
                                           20, 22, 24, 26, 28, 30);
    for (int64_t c = 0; c < count; c += 16) {
      uint32_t m = uint32_t(lanes >> c) & 0xFFFF;
      __m512 x0 = _mm512_maskz_loadu_ps(spreadEven(m & 0xFF), src + 2 * c);
      __m512 x1 = _mm512_maskz_loadu_ps(spreadEven(m >> 8), src + 2 * c + 16);
      store(c, _mm512_maskz_permutex2var_ps(__mmask16(m), x0, even, x1));
    }
    return;
  }
  for (int64_t i = 0; i < count; ++i)
    dst[i] = (lanes >> i) & 1 ? src[i * stride] : 0.0f;
}

/// C[0:m, 0:n] (+)= A-panel x B-panel over kc steps. The panels may be wider
/// than the register tile (lda >= m, ldb >= n): they are walked in 8 x 48
/// sub-tiles, so panels packed for another ISA's tile still work.
inline void microTile(const float *a, int64_t lda, const float *b, int64_t ldb,
                      int64_t kc, float *c, int64_t ldc, int64_t cgs, int64_t m,
                      int64_t n, bool accumulate) {
  for (int64_t i0 = 0; i0 < m; i0 += 8) {
    int rows = static_cast<int>(std::min<int64_t>(8, m - i0));
    for (int64_t j0 = 0; j0 < n; j0 += 48) {
      int cols = static_cast<int>(std::min<int64_t>(48, n - j0));
      int nv = (cols + 15) / 16;
      int tail = cols - 16 * (nv - 1);
      __mmask16 mask = static_cast<__mmask16>((1u << tail) - 1);
      kTiles[rows - 1][nv - 1](a + i0, lda, b + j0, ldb, kc,
                               c + i0 * ldc + (j0 / 16) * cgs, ldc, cgs, mask,
                               accumulate);
    }
  }
}

} // namespace geflow::kernels::cube::avx512

#endif // GEFLOW_KERNELS_GEMM_UKERNEL_AVX512_H
