//===- gemm_ukernel_avx2.h - AVX2 register micro-kernel -------------------===//
//
// The 6 x 16 register tile: 12 ymm accumulators, 2 ymm B loads and 6
// broadcasts per k step (the classic Haswell shape: 16 registers). Edges use
// smaller row counts and masked loads/stores for the last vector.
//
// C addressing as in the AVX-512 kernel: (i, j) at
// c + i * ldc + (j / 16) * cgs + j % 16; a 16-column sub-tile is exactly one
// C0 group, its two ymm halves at +0 and +8.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_GEMM_UKERNEL_AVX2_H
#define GEFLOW_KERNELS_CUBE_GEMM_UKERNEL_AVX2_H

#include <immintrin.h>

#include <algorithm>
#include <cstdint>

namespace geflow::kernels::cube::avx2 {

using TileFn = void (*)(const float *a, int64_t lda, const float *b,
                        int64_t ldb, int64_t kc, float *c, int64_t ldc,
                        __m256i lastMask, bool accumulate);

template <int M, int NV>
void tileKernel(const float *a, int64_t lda, const float *b, int64_t ldb,
                int64_t kc, float *c, int64_t ldc, __m256i lastMask,
                bool accumulate) {
  __m256 acc[M][NV];
#pragma GCC unroll 6
  for (int i = 0; i < M; ++i)
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v)
      acc[i][v] = _mm256_setzero_ps();
#pragma GCC unroll 2
  for (int64_t k = 0; k < kc; ++k) {
    __m256 bv[NV];
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v)
      bv[v] = _mm256_loadu_ps(b + 8 * v);
#pragma GCC unroll 6
    for (int i = 0; i < M; ++i) {
      __m256 av = _mm256_broadcast_ss(a + i);
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v)
        acc[i][v] = _mm256_fmadd_ps(av, bv[v], acc[i][v]);
    }
    a += lda;
    b += ldb;
  }
  const __m256i full = _mm256_set1_epi32(-1);
#pragma GCC unroll 6
  for (int i = 0; i < M; ++i) {
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) {
      float *p = c + i * ldc + 8 * v;
      __m256i mask = v == NV - 1 ? lastMask : full;
      __m256 r = acc[i][v];
      if (accumulate)
        r = _mm256_add_ps(r, _mm256_maskload_ps(p, mask));
      _mm256_maskstore_ps(p, mask, r);
    }
  }
}

template <int M>
static constexpr TileFn kTileRow[2] = {tileKernel<M, 1>, tileKernel<M, 2>};

static constexpr const TileFn *kTiles[6] = {kTileRow<1>, kTileRow<2>,
                                            kTileRow<3>, kTileRow<4>,
                                            kTileRow<5>, kTileRow<6>};

/// C[0:m, 0:n] (+)= A-panel x B-panel over kc steps, walking panels of any
/// width (lda >= m, ldb >= n) in 6 x 16 sub-tiles.
inline void microTile(const float *a, int64_t lda, const float *b, int64_t ldb,
                      int64_t kc, float *c, int64_t ldc, int64_t cgs, int64_t m,
                      int64_t n, bool accumulate) {
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (int64_t i0 = 0; i0 < m; i0 += 6) {
    int rows = static_cast<int>(std::min<int64_t>(6, m - i0));
    for (int64_t j0 = 0; j0 < n; j0 += 16) {
      int cols = static_cast<int>(std::min<int64_t>(16, n - j0));
      int nv = (cols + 7) / 8;
      __m256i mask =
          _mm256_cmpgt_epi32(_mm256_set1_epi32(cols - 8 * (nv - 1)), iota);
      kTiles[rows - 1][nv - 1](a + i0, lda, b + j0, ldb, kc,
                               c + i0 * ldc + (j0 / 16) * cgs, ldc, mask,
                               accumulate);
    }
  }
}

/// This unit has no bf16-pair micro-kernel: bf16 panels prepacked for one
/// are expanded to fp32 (see unpairPanels).
constexpr bool kHasBf16Dot = false;
inline bool cpuHasBf16Dot() { return false; }

/// The micro-kernel for fp32 panels (the only format this unit runs).
template <bool Pairs>
inline void runTile(const float *a, int64_t lda, const float *b, int64_t ldb,
                    int64_t kb, float *c, int64_t ldc, int64_t cgs, int64_t m,
                    int64_t n, bool accumulate) {
  static_assert(!Pairs, "bf16-pair panels need the AVX-512 unit");
  microTile(a, lda, b, ldb, kb, c, ldc, cgs, m, n, accumulate);
}

} // namespace geflow::kernels::cube::avx2

#endif // GEFLOW_KERNELS_CUBE_GEMM_UKERNEL_AVX2_H
