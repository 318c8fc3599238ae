//===- gemm_ukernel_portable.h - Portable C++ micro-kernel ----------------===//
//
// A 4 x 8 accumulator tile in plain C++: with the x86-64 baseline (SSE2)
// the compiler keeps it in 8 xmm registers next to two B vectors; wider
// tiles spill. Same contract and C addressing as the AVX kernels: (i, j) at
// c + i * ldc + (j / 16) * cgs + j % 16.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_GEMM_UKERNEL_PORTABLE_H
#define GEFLOW_KERNELS_CUBE_GEMM_UKERNEL_PORTABLE_H

#include <algorithm>
#include <cstdint>

namespace geflow::kernels::cube::portable {

template <int M>
void tileKernel(const float *a, int64_t lda, const float *b, int64_t ldb,
                int64_t kc, float *c, int64_t ldc, int cols, bool accumulate) {
  float acc[M][8] = {};
  for (int64_t k = 0; k < kc; ++k) {
    for (int i = 0; i < M; ++i) {
      float av = a[i];
      for (int j = 0; j < 8; ++j)
        acc[i][j] += av * b[j];
    }
    a += lda;
    b += ldb;
  }
  for (int i = 0; i < M; ++i) {
    float *p = c + i * ldc;
    if (accumulate)
      for (int j = 0; j < cols; ++j)
        p[j] += acc[i][j];
    else
      for (int j = 0; j < cols; ++j)
        p[j] = acc[i][j];
  }
}

using TileFn = void (*)(const float *, int64_t, const float *, int64_t, int64_t,
                        float *, int64_t, int, bool);
static constexpr TileFn kTiles[4] = {tileKernel<1>, tileKernel<2>,
                                     tileKernel<3>, tileKernel<4>};

/// C[0:m, 0:n] (+)= A-panel x B-panel over kc steps. Panel widths are
/// multiples of 16 for B (a contract of every blocking), so the 8-wide
/// loads never leave the panel and never straddle a C0 group.
inline void microTile(const float *a, int64_t lda, const float *b, int64_t ldb,
                      int64_t kc, float *c, int64_t ldc, int64_t cgs, int64_t m,
                      int64_t n, bool accumulate) {
  for (int64_t i0 = 0; i0 < m; i0 += 4) {
    int rows = static_cast<int>(std::min<int64_t>(4, m - i0));
    for (int64_t j0 = 0; j0 < n; j0 += 8) {
      int cols = static_cast<int>(std::min<int64_t>(8, n - j0));
      kTiles[rows - 1](a + i0, lda, b + j0, ldb, kc,
                       c + i0 * ldc + (j0 / 16) * cgs + j0 % 16, ldc, cols,
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

} // namespace geflow::kernels::cube::portable

#endif // GEFLOW_KERNELS_CUBE_GEMM_UKERNEL_PORTABLE_H
