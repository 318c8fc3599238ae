//===- simd_avx512.h - 16-lane AVX-512 backend of the vector primitives ---===//
//
// Same interface as SimdScalar (see there); only included by *_avx512.cpp
// translation units, which are compiled with the AVX-512 flags. Tails use
// masked loads and stores, so no lane outside [0, n) is ever touched.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_VECTOR_SIMD_AVX512_H
#define GEFLOW_KERNELS_VECTOR_SIMD_AVX512_H

#include <cstdint>
#include <immintrin.h>

namespace geflow::kernels::vec {
namespace {

struct SimdAvx512 {
  using F = __m512;
  using M = __mmask16;
  static constexpr int W = 16;

  static M tailMask(int64_t n) {
    return static_cast<M>((1u << static_cast<unsigned>(n)) - 1u);
  }
  static F loadu(const float *p) { return _mm512_loadu_ps(p); }
  static void storeu(float *p, F v) { _mm512_storeu_ps(p, v); }
  static F loadPartial(const float *p, int64_t n) {
    return _mm512_maskz_loadu_ps(tailMask(n), p);
  }
  static void storePartial(float *p, F v, int64_t n) {
    _mm512_mask_storeu_ps(p, tailMask(n), v);
  }
  /// Non-temporal store; `p` must be 64-byte aligned.
  static void streamStore(float *p, F v) { _mm512_stream_ps(p, v); }
  static void storeFence() { _mm_sfence(); }

  static F set1(float v) { return _mm512_set1_ps(v); }
  static F zero() { return _mm512_setzero_ps(); }
  static F add(F a, F b) { return _mm512_add_ps(a, b); }
  static F sub(F a, F b) { return _mm512_sub_ps(a, b); }
  static F mul(F a, F b) { return _mm512_mul_ps(a, b); }
  static F div(F a, F b) { return _mm512_div_ps(a, b); }
  static F fmadd(F a, F b, F c) { return _mm512_fmadd_ps(a, b, c); }
  static F fnmadd(F a, F b, F c) { return _mm512_fnmadd_ps(a, b, c); }
  static F min(F a, F b) { return _mm512_min_ps(a, b); }
  static F max(F a, F b) { return _mm512_max_ps(a, b); }
  static F sqrt(F a) { return _mm512_sqrt_ps(a); }
  static F abs(F a) {
    return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(a),
                                                _mm512_set1_epi32(0x7fffffff)));
  }
  static F neg(F a) {
    return _mm512_castsi512_ps(_mm512_xor_si512(
        _mm512_castps_si512(a), _mm512_set1_epi32(int32_t(0x80000000u))));
  }
  static F copySign(F mag, F sign) {
    // ternlog 0xCA computes A ? B : C bit by bit, A being the sign mask.
    return _mm512_castsi512_ps(_mm512_ternarylogic_epi32(
        _mm512_set1_epi32(int32_t(0x80000000u)), _mm512_castps_si512(sign),
        _mm512_castps_si512(mag), 0xca));
  }
  static F roundNearest(F a) {
    return _mm512_roundscale_ps(a,
                                _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  static F floor(F a) {
    return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  }
  /// y * 2^n for integral n, rounded once (overflow to inf, denormals).
  static F scale(F y, F n) { return _mm512_scalef_ps(y, n); }
  static F pow2(F n) {
    __m512i e = _mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127));
    return _mm512_castsi512_ps(_mm512_slli_epi32(e, 23));
  }
  static F exponentOf(F x) {
    __m512i e = _mm512_srli_epi32(_mm512_castps_si512(x), 23);
    return _mm512_cvtepi32_ps(_mm512_sub_epi32(e, _mm512_set1_epi32(126)));
  }
  static F mantissaOf(F x) {
    __m512i m = _mm512_and_si512(_mm512_castps_si512(x),
                                 _mm512_set1_epi32(int32_t(0x807fffffu)));
    return _mm512_castsi512_ps(
        _mm512_or_si512(m, _mm512_set1_epi32(0x3f000000)));
  }

  static M cmpLt(F a, F b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static M cmpLe(F a, F b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
  static M cmpGt(F a, F b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
  static M cmpGe(F a, F b) { return _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ); }
  static M cmpEq(F a, F b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
  static M cmpNeq(F a, F b) { return _mm512_cmp_ps_mask(a, b, _CMP_NEQ_UQ); }
  static M isNan(F a) { return _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q); }
  static M maskAnd(M a, M b) { return static_cast<M>(a & b); }
  static M maskOr(M a, M b) { return static_cast<M>(a | b); }
  static F select(M m, F t, F f) { return _mm512_mask_blend_ps(m, f, t); }

  static F loadF16(const uint16_t *p) {
    return _mm512_cvtph_ps(
        _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p)));
  }
  static F loadF16Partial(const uint16_t *p, int64_t n) {
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(tailMask(n), p));
  }
  static __m256i toF16(F v) {
    return _mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  static void storeF16(uint16_t *p, F v) {
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(p), toF16(v));
  }
  static void storeF16Partial(uint16_t *p, F v, int64_t n) {
    _mm256_mask_storeu_epi16(p, tailMask(n), toF16(v));
  }
  static F fromBf16(__m256i h) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
  }
  static F loadBf16(const uint16_t *p) {
    return fromBf16(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(p)));
  }
  static F loadBf16Partial(const uint16_t *p, int64_t n) {
    return fromBf16(_mm256_maskz_loadu_epi16(tailMask(n), p));
  }
  /// Round to nearest even in integer arithmetic (vcvtneps2bf16 would
  /// flush denormals, unlike the portable path).
  static __m256i toBf16(F v) {
    __m512i u = _mm512_castps_si512(v);
    __m512i odd =
        _mm512_and_si512(_mm512_srli_epi32(u, 16), _mm512_set1_epi32(1));
    __m512i r = _mm512_srli_epi32(
        _mm512_add_epi32(_mm512_add_epi32(u, _mm512_set1_epi32(0x7fff)), odd),
        16);
    __m512i q =
        _mm512_or_si512(_mm512_srli_epi32(u, 16), _mm512_set1_epi32(0x40));
    r = _mm512_mask_blend_epi32(isNan(v), r, q);
    return _mm512_cvtepi32_epi16(r);
  }
  static void storeBf16(uint16_t *p, F v) {
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(p), toBf16(v));
  }
  static void storeBf16Partial(uint16_t *p, F v, int64_t n) {
    _mm256_mask_storeu_epi16(p, tailMask(n), toBf16(v));
  }

  static float hsum(F a) { return _mm512_reduce_add_ps(a); }
  static float hmax(F a) { return _mm512_reduce_max_ps(a); }
};

} // namespace
} // namespace geflow::kernels::vec

#endif // GEFLOW_KERNELS_VECTOR_SIMD_AVX512_H
