//===- simd_avx2.h - 8-lane AVX2 + FMA backend of the vector primitives ---===//
//
// Same interface as SimdScalar (see there); only included by *_avx2.cpp
// translation units. Masks are full-width lane masks (all ones / all zeros);
// tails use vmaskmov so no lane outside [0, n) is read or written.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_VECTOR_SIMD_AVX2_H
#define GEFLOW_KERNELS_VECTOR_SIMD_AVX2_H

#include <cstdint>
#include <cstring>
#include <immintrin.h>

namespace geflow::kernels::vec {
namespace {

struct SimdAvx2 {
  using F = __m256;
  using M = __m256;
  static constexpr int W = 8;

  static __m256i tailMask(int64_t n) {
    alignas(32) static const int32_t kOnes[16] = {
        -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
    return _mm256_loadu_si256(reinterpret_cast<const __m256i *>(kOnes + 8 - n));
  }
  static F loadu(const float *p) { return _mm256_loadu_ps(p); }
  static void storeu(float *p, F v) { _mm256_storeu_ps(p, v); }
  static F loadPartial(const float *p, int64_t n) {
    return _mm256_maskload_ps(p, tailMask(n));
  }
  static void storePartial(float *p, F v, int64_t n) {
    _mm256_maskstore_ps(p, tailMask(n), v);
  }
  /// Non-temporal store; `p` must be 32-byte aligned.
  static void streamStore(float *p, F v) { _mm256_stream_ps(p, v); }
  static void storeFence() { _mm_sfence(); }

  static F set1(float v) { return _mm256_set1_ps(v); }
  static F zero() { return _mm256_setzero_ps(); }
  static F add(F a, F b) { return _mm256_add_ps(a, b); }
  static F sub(F a, F b) { return _mm256_sub_ps(a, b); }
  static F mul(F a, F b) { return _mm256_mul_ps(a, b); }
  static F div(F a, F b) { return _mm256_div_ps(a, b); }
  static F fmadd(F a, F b, F c) { return _mm256_fmadd_ps(a, b, c); }
  static F fnmadd(F a, F b, F c) { return _mm256_fnmadd_ps(a, b, c); }
  static F min(F a, F b) { return _mm256_min_ps(a, b); }
  static F max(F a, F b) { return _mm256_max_ps(a, b); }
  static F sqrt(F a) { return _mm256_sqrt_ps(a); }
  static F signMask() {
    return _mm256_castsi256_ps(_mm256_set1_epi32(int32_t(0x80000000u)));
  }
  static F abs(F a) { return _mm256_andnot_ps(signMask(), a); }
  static F neg(F a) { return _mm256_xor_ps(a, signMask()); }
  static F copySign(F mag, F sign) {
    return _mm256_or_ps(_mm256_andnot_ps(signMask(), mag),
                        _mm256_and_ps(signMask(), sign));
  }
  static F roundNearest(F a) {
    return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  static F floor(F a) {
    return _mm256_round_ps(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  }
  static F pow2(F n) {
    __m256i e = _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127));
    return _mm256_castsi256_ps(_mm256_slli_epi32(e, 23));
  }
  /// y * 2^n for integral n in [-150, 128], rounded once: two exact
  /// power-of-two factors keep each exponent in the normal range.
  static F scale(F y, F n) {
    F n1 = floor(mul(n, set1(0.5f)));
    return mul(mul(y, pow2(n1)), pow2(sub(n, n1)));
  }
  static F exponentOf(F x) {
    __m256i e = _mm256_srli_epi32(_mm256_castps_si256(x), 23);
    return _mm256_cvtepi32_ps(_mm256_sub_epi32(e, _mm256_set1_epi32(126)));
  }
  static F mantissaOf(F x) {
    __m256i m = _mm256_and_si256(_mm256_castps_si256(x),
                                 _mm256_set1_epi32(int32_t(0x807fffffu)));
    return _mm256_castsi256_ps(
        _mm256_or_si256(m, _mm256_set1_epi32(0x3f000000)));
  }

  static M cmpLt(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static M cmpLe(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
  static M cmpGt(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
  static M cmpGe(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_GE_OQ); }
  static M cmpEq(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
  static M cmpNeq(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_NEQ_UQ); }
  static M isNan(F a) { return _mm256_cmp_ps(a, a, _CMP_UNORD_Q); }
  static M maskAnd(M a, M b) { return _mm256_and_ps(a, b); }
  static M maskOr(M a, M b) { return _mm256_or_ps(a, b); }
  static F select(M m, F t, F f) { return _mm256_blendv_ps(f, t, m); }

  // AVX2 has no 16-bit masked moves: tails go through a stack buffer.
  static __m128i loadU16(const uint16_t *p) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
  }
  static __m128i loadU16Partial(const uint16_t *p, int64_t n) {
    alignas(16) uint16_t tmp[8] = {};
    std::memcpy(tmp, p, static_cast<size_t>(n) * 2);
    return _mm_load_si128(reinterpret_cast<const __m128i *>(tmp));
  }
  static void storeU16Partial(uint16_t *p, __m128i v, int64_t n) {
    alignas(16) uint16_t tmp[8];
    _mm_store_si128(reinterpret_cast<__m128i *>(tmp), v);
    std::memcpy(p, tmp, static_cast<size_t>(n) * 2);
  }
  static F loadF16(const uint16_t *p) { return _mm256_cvtph_ps(loadU16(p)); }
  static F loadF16Partial(const uint16_t *p, int64_t n) {
    return _mm256_cvtph_ps(loadU16Partial(p, n));
  }
  static __m128i toF16(F v) {
    return _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  static void storeF16(uint16_t *p, F v) {
    _mm_storeu_si128(reinterpret_cast<__m128i *>(p), toF16(v));
  }
  static void storeF16Partial(uint16_t *p, F v, int64_t n) {
    storeU16Partial(p, toF16(v), n);
  }
  static F fromBf16(__m128i h) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
  }
  static F loadBf16(const uint16_t *p) { return fromBf16(loadU16(p)); }
  static F loadBf16Partial(const uint16_t *p, int64_t n) {
    return fromBf16(loadU16Partial(p, n));
  }
  static __m128i toBf16(F v) {
    __m256i u = _mm256_castps_si256(v);
    __m256i odd =
        _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1));
    __m256i r = _mm256_srli_epi32(
        _mm256_add_epi32(_mm256_add_epi32(u, _mm256_set1_epi32(0x7fff)), odd),
        16);
    __m256i q =
        _mm256_or_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(0x40));
    r = _mm256_blendv_epi8(r, q, _mm256_castps_si256(isNan(v)));
    // Every lane is < 2^16, so the saturating pack is exact; it packs
    // within 128-bit halves, hence the cross-lane permute.
    __m256i p = _mm256_permute4x64_epi64(_mm256_packus_epi32(r, r), 0xd8);
    return _mm256_castsi256_si128(p);
  }
  static void storeBf16(uint16_t *p, F v) {
    _mm_storeu_si128(reinterpret_cast<__m128i *>(p), toBf16(v));
  }
  static void storeBf16Partial(uint16_t *p, F v, int64_t n) {
    storeU16Partial(p, toBf16(v), n);
  }

  static float hsum(F a) {
    __m128 s =
        _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
  static float hmax(F a) {
    __m128 s =
        _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
};

} // namespace
} // namespace geflow::kernels::vec

#endif // GEFLOW_KERNELS_VECTOR_SIMD_AVX2_H
