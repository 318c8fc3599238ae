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
// bf16-pair panels (PanelFormat::Bf16Pairs) run the same tile with
// vdpbf16ps: one instruction multiplies two k per lane, products exact and
// summed in fp32, so a k pair costs what one k costs in fp32 and the panels
// are half the bytes. The instruction flushes denormal inputs and results
// (below 2^-126) to zero.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_GEMM_UKERNEL_AVX512_H
#define GEFLOW_KERNELS_CUBE_GEMM_UKERNEL_AVX512_H

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

/// tileKernel over bf16-pair panels: `kp` pair steps, lda / ldb in words.
template <int M, int NV>
void tileKernelBf16(const uint32_t *a, int64_t lda, const uint32_t *b,
                    int64_t ldb, int64_t kp, float *c, int64_t ldc, int64_t cgs,
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
  for (int64_t k = 0; k < kp; ++k) {
    __m512bh bv[NV];
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v)
      bv[v] = (__m512bh)_mm512_loadu_si512(b + 16 * v);
#pragma GCC unroll 8
    for (int i = 0; i < M; ++i) {
      __m512bh av = (__m512bh)_mm512_set1_epi32(int32_t(a[i]));
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v)
        acc[i][v] = _mm512_dpbf16_ps(acc[i][v], av, bv[v]);
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
static constexpr TileFn kTileRow[3] = {tileKernel<M, 1>, tileKernel<M, 2>,
                                       tileKernel<M, 3>};

static constexpr const TileFn *kTiles[8] = {
    kTileRow<1>, kTileRow<2>, kTileRow<3>, kTileRow<4>,
    kTileRow<5>, kTileRow<6>, kTileRow<7>, kTileRow<8>};

using TileFnBf16 = void (*)(const uint32_t *a, int64_t lda, const uint32_t *b,
                            int64_t ldb, int64_t kp, float *c, int64_t ldc,
                            int64_t cgs, __mmask16 lastMask, bool accumulate);

template <int M>
static constexpr TileFnBf16 kTileRowBf16[3] = {
    tileKernelBf16<M, 1>, tileKernelBf16<M, 2>, tileKernelBf16<M, 3>};

static constexpr const TileFnBf16 *kTilesBf16[8] = {
    kTileRowBf16<1>, kTileRowBf16<2>, kTileRowBf16<3>, kTileRowBf16<4>,
    kTileRowBf16<5>, kTileRowBf16<6>, kTileRowBf16<7>, kTileRowBf16<8>};

/// Whether this CPU runs vdpbf16ps (the unit is compiled with it, but a
/// program tiled for one soc may run on another).
inline bool cpuHasBf16Dot() {
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bf16") != 0;
  }();
  return has;
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

/// microTile over bf16-pair panels of depth kb (kb / 2 rounded up words).
inline void microTileBf16(const uint32_t *a, int64_t lda, const uint32_t *b,
                          int64_t ldb, int64_t kb, float *c, int64_t ldc,
                          int64_t cgs, int64_t m, int64_t n, bool accumulate) {
  const int64_t kp = (kb + 1) / 2;
  for (int64_t i0 = 0; i0 < m; i0 += 8) {
    int rows = static_cast<int>(std::min<int64_t>(8, m - i0));
    for (int64_t j0 = 0; j0 < n; j0 += 48) {
      int cols = static_cast<int>(std::min<int64_t>(48, n - j0));
      int nv = (cols + 15) / 16;
      int tail = cols - 16 * (nv - 1);
      __mmask16 mask = static_cast<__mmask16>((1u << tail) - 1);
      kTilesBf16[rows - 1][nv - 1](a + i0, lda, b + j0, ldb, kp,
                                   c + i0 * ldc + (j0 / 16) * cgs, ldc, cgs,
                                   mask, accumulate);
    }
  }
}

/// This unit has a bf16-pair micro-kernel.
constexpr bool kHasBf16Dot = true;

/// The micro-kernel for panels in fp32 (Pairs false) or bf16 pairs.
template <bool Pairs>
inline void runTile(const float *a, int64_t lda, const float *b, int64_t ldb,
                    int64_t kb, float *c, int64_t ldc, int64_t cgs, int64_t m,
                    int64_t n, bool accumulate) {
  if constexpr (Pairs)
    microTileBf16(reinterpret_cast<const uint32_t *>(a), lda,
                  reinterpret_cast<const uint32_t *>(b), ldb, kb, c, ldc, cgs,
                  m, n, accumulate);
  else
    microTile(a, lda, b, ldb, kb, c, ldc, cgs, m, n, accumulate);
}

} // namespace geflow::kernels::cube::avx512

#endif // GEFLOW_KERNELS_CUBE_GEMM_UKERNEL_AVX512_H
