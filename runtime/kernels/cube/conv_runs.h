//===- conv_runs.h - Row-run copies of the im2col packers -----------------===//
//
// gatherRun / maskedRun copy one run of a packed im2col row: the in-bounds
// input elements, zeros elsewhere, as fp32 whatever the input's storage
// (float, Half, BFloat). They run once per packed row segment, so each ISA
// has its own: AVX-512 uses masked loads (no access to the lanes outside
// the input; 16-bit loads converted in registers) and a permute for stride
// 2, AVX2 masked loads for fp32 stride 1, the portable build plain loops.
// The implementation follows the flags of the including per-ISA
// translation unit.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_CONV_RUNS_H
#define GEFLOW_KERNELS_CUBE_CONV_RUNS_H

#ifndef GEFLOW_CUBE_ISA
#error "conv_runs.h belongs to a per-ISA translation unit"
#endif

#include "kernels/cube/convert.h"

#include <algorithm>
#include <cstdint>
#include <type_traits>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

#if defined(__AVX512F__)

/// 16 lanes of `mask` from src as fp32 (other lanes 0, never read).
inline __m512 loadLanes(__mmask16 mask, const float *src) {
  return _mm512_maskz_loadu_ps(mask, src);
}
inline __m512 loadLanes(__mmask16 mask, const Half *src) {
  return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(mask, src));
}
inline __m512 loadLanes(__mmask16 mask, const BFloat *src) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(
      _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(mask, src)), 16));
}

/// Bit t of an 8-bit mask moved to bit 2t: the even lanes of a 16-lane
/// load that feeds a stride-2 gather (a table: this runs per packed chunk).
inline __mmask16 spreadEven(uint32_t bits8) {
  struct Table {
    uint16_t v[256];
    constexpr Table() : v() {
      for (uint32_t b = 0; b < 256; ++b)
        for (int t = 0; t < 8; ++t)
          v[b] |= uint16_t(((b >> t) & 1u) << (2 * t));
    }
  };
  static constexpr Table kTable;
  return __mmask16(kTable.v[bits8 & 0xFF]);
}

/// dst[i] = src[i * stride] for lo <= i < hi and 0 for the other i < count;
/// only the elements in [lo, hi) are read. `room` >= count floats at dst
/// may be written: whole 16-lane chunks are stored unmasked as long as they
/// fit in it (the caller writes left to right, so lanes past `count` are
/// overwritten later), because masked stores are slow on some cores. The
/// im2col packers call this once per packed row segment.
template <typename T>
inline void gatherRun(float *dst, const T *src, int64_t count, int64_t lo,
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
      store(c, loadLanes(range(lo - c, hi - c), src + c));
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
      __m512 x0 = loadLanes(va, src + 2 * c);
      __m512 x1 = loadLanes(vb, src + 2 * c + 16);
      store(c, _mm512_maskz_permutex2var_ps(range(a, b), x0, even, x1));
    }
    return;
  }
  for (int64_t i = 0; i < count; ++i)
    dst[i] = i >= lo && i < hi ? toF32(src[i * stride]) : 0.0f;
}

/// dst[i] = bit i of `lanes` ? src[i * stride] : 0 for i < count <= 64;
/// only the selected elements are read. Stores like gatherRun (`room`).
template <typename T>
inline void maskedRun(float *dst, const T *src, int64_t count, uint64_t lanes,
                      int64_t stride, int64_t room) {
  auto store = [&](int64_t c, __m512 v) {
    if (c + 16 <= room)
      _mm512_storeu_ps(dst + c, v);
    else
      _mm512_mask_storeu_ps(dst + c, __mmask16((1u << (count - c)) - 1), v);
  };
  if (stride == 1) {
    for (int64_t c = 0; c < count; c += 16)
      store(c, loadLanes(__mmask16(lanes >> c), src + c));
    return;
  }
  if (stride == 2) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18,
                                           20, 22, 24, 26, 28, 30);
    for (int64_t c = 0; c < count; c += 16) {
      uint32_t m = uint32_t(lanes >> c) & 0xFFFF;
      __m512 x0 = loadLanes(spreadEven(m & 0xFF), src + 2 * c);
      __m512 x1 = loadLanes(spreadEven(m >> 8), src + 2 * c + 16);
      store(c, _mm512_maskz_permutex2var_ps(__mmask16(m), x0, even, x1));
    }
    return;
  }
  for (int64_t i = 0; i < count; ++i)
    dst[i] = (lanes >> i) & 1 ? toF32(src[i * stride]) : 0.0f;
}

#elif defined(__AVX2__)

/// dst[i] = src[i * stride] for lo <= i < hi and 0 for the other i < count;
/// only the elements in [lo, hi) are read (masked loads for stride 1).
/// `room` (>= count) is the writable space at dst; this kernel needs none.
template <typename T>
inline void gatherRun(float *dst, const T *src, int64_t count, int64_t lo,
                      int64_t hi, int64_t stride, int64_t room) {
  if (std::is_same_v<T, float> && stride == 1) {
    const auto *f = reinterpret_cast<const float *>(src);
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    int64_t c = 0;
    for (; c + 8 <= count; c += 8) {
      __m256i lane = _mm256_add_epi32(iota, _mm256_set1_epi32(int32_t(c)));
      __m256i valid = _mm256_and_si256(
          _mm256_cmpgt_epi32(lane, _mm256_set1_epi32(int32_t(lo - 1))),
          _mm256_cmpgt_epi32(_mm256_set1_epi32(int32_t(hi)), lane));
      _mm256_storeu_ps(dst + c, _mm256_maskload_ps(f + c, valid));
    }
    for (; c < count; ++c)
      dst[c] = c >= lo && c < hi ? f[c] : 0.0f;
    return;
  }
  for (int64_t i = 0; i < count; ++i)
    dst[i] = i >= lo && i < hi ? toF32(src[i * stride]) : 0.0f;
}

/// dst[i] = bit i of `lanes` ? src[i * stride] : 0 for i < count <= 64;
/// only the selected elements are read. `room` as in gatherRun.
template <typename T>
inline void maskedRun(float *dst, const T *src, int64_t count, uint64_t lanes,
                      int64_t stride, int64_t room) {
  for (int64_t i = 0; i < count; ++i)
    dst[i] = (lanes >> i) & 1 ? toF32(src[i * stride]) : 0.0f;
}

#else

/// dst[i] = src[i * stride] for lo <= i < hi and 0 for the other i < count;
/// only the elements in [lo, hi) are read. `room` (>= count) is the writable
/// space at dst; this kernel needs none.
template <typename T>
inline void gatherRun(float *dst, const T *src, int64_t count, int64_t lo,
                      int64_t hi, int64_t stride, int64_t room) {
  for (int64_t i = 0; i < lo; ++i)
    dst[i] = 0.0f;
  for (int64_t i = lo; i < hi; ++i)
    dst[i] = toF32(src[i * stride]);
  for (int64_t i = hi; i < count; ++i)
    dst[i] = 0.0f;
}

/// dst[i] = bit i of `lanes` ? src[i * stride] : 0 for i < count <= 64;
/// only the selected elements are read. `room` as in gatherRun.
template <typename T>
inline void maskedRun(float *dst, const T *src, int64_t count, uint64_t lanes,
                      int64_t stride, int64_t room) {
  for (int64_t i = 0; i < count; ++i)
    dst[i] = (lanes >> i) & 1 ? toF32(src[i * stride]) : 0.0f;
}

#endif

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CUBE_CONV_RUNS_H
