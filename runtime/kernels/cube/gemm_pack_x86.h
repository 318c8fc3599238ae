//===- gemm_pack_x86.h - 8 x 8 transposing pack with AVX ------------------===//
//
// Packing a row-major A into 8-row panels transposes 8 x kb blocks; done
// element by element it costs about as much as a tenth of the GEMM for
// square sizes. Eight ymm loads, the classic unpack / shuffle / permute
// transpose and eight stores move 64 floats instead. Included by
// gemm_pack.h in the AVX2 and AVX-512 translation units.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_GEMM_PACK_X86_H
#define GEFLOW_KERNELS_CUBE_GEMM_PACK_X86_H

#ifndef GEFLOW_CUBE_ISA
#error "gemm_pack_x86.h belongs to a per-ISA translation unit"
#endif

#include <immintrin.h>

#include <cstdint>

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

/// dst[k * dstStride + i] = src[i * srcStride + k] for i < 8, k < n: eight
/// source lines become n destination lines of 8 (packing a row-major A into
/// an 8-wide panel when dstStride == 8, or writing staged pixel-row conv
/// tiles into NCHW planes).
inline void transpose8(const float *src, int64_t srcStride, int64_t n,
                       float *dst, int64_t dstStride) {
  int64_t k = 0;
  for (; k + 8 <= n; k += 8, dst += 8 * dstStride) {
    __m256 r[8];
    for (int i = 0; i < 8; ++i)
      r[i] = _mm256_loadu_ps(src + i * srcStride + k);
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
      _mm256_storeu_ps(dst + j * dstStride,
                       _mm256_permute2f128_ps(u[j], u[j + 4], 0x20));
      _mm256_storeu_ps(dst + (j + 4) * dstStride,
                       _mm256_permute2f128_ps(u[j], u[j + 4], 0x31));
    }
  }
  for (; k < n; ++k, dst += dstStride)
    for (int i = 0; i < 8; ++i)
      dst[i] = src[i * srcStride + k];
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CUBE_GEMM_PACK_X86_H
