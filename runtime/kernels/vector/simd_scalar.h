//===- simd_scalar.h - One-lane SIMD backend for the portable kernels -----===//
//
// Every vector-unit primitive is a template over a backend V that exposes
// the same small set of lane-wise operations on V::F (W floats) and masks
// V::M. This is the one-lane backend: plain C++, valid on any CPU. Its
// min/max follow the x86 minps/maxps rule (the second operand is returned
// when either is NaN) so the shared math in vec_math.h gives the same bits on
// every backend.
//
// Like every file included by the ISA-specific translation units, this lives
// in an anonymous namespace: each TU gets its own copy, so the linker can
// never merge an AVX-512 compiled inline function into the portable path.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_VECTOR_SIMD_SCALAR_H
#define GEFLOW_KERNELS_VECTOR_SIMD_SCALAR_H

#include "geflow/runtime/Half.h"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace geflow::kernels::vec {
namespace {

struct SimdScalar {
  using F = float;
  using M = bool;
  static constexpr int W = 1;

  static uint32_t bits(float x) {
    uint32_t u;
    std::memcpy(&u, &x, 4);
    return u;
  }
  static float fromBits(uint32_t u) {
    float x;
    std::memcpy(&x, &u, 4);
    return x;
  }

  static F loadu(const float *p) { return *p; }
  static void storeu(float *p, F v) { *p = v; }
  static F loadPartial(const float *p, int64_t n) { return n > 0 ? *p : 0.f; }
  static void storePartial(float *p, F v, int64_t n) {
    if (n > 0)
      *p = v;
  }
  static void streamStore(float *p, F v) { *p = v; }
  static void storeFence() {}

  static F set1(float v) { return v; }
  static F zero() { return 0.f; }
  static F add(F a, F b) { return a + b; }
  static F sub(F a, F b) { return a - b; }
  static F mul(F a, F b) { return a * b; }
  static F div(F a, F b) { return a / b; }
  // CPUs without AVX2 have no FMA unit: std::fma would be a libm call per
  // element, so the portable path multiplies and adds (one extra rounding;
  // VecMathTest holds it to the same bounds).
  static F fmadd(F a, F b, F c) { return a * b + c; }
  static F fnmadd(F a, F b, F c) { return c - a * b; }
  static F min(F a, F b) { return a < b ? a : b; }
  static F max(F a, F b) { return a > b ? a : b; }
  static F sqrt(F a) { return std::sqrt(a); }
  static F abs(F a) { return fromBits(bits(a) & 0x7fffffffu); }
  static F neg(F a) { return fromBits(bits(a) ^ 0x80000000u); }
  /// |mag| with the sign bit of `sign`.
  static F copySign(F mag, F sign) {
    return fromBits((bits(mag) & 0x7fffffffu) | (bits(sign) & 0x80000000u));
  }
  /// Round half to even without libm (SSE2 has no rounding instruction):
  /// adding 2^23 with a's sign leaves no fraction bits. Branch-free so the
  /// compiler can vectorize the one-lane loops; |a| >= 2^23 is integral.
  static F roundNearest(F a) {
    const float big = 8388608.f;
    float m = std::copysign(big, a);
    float r = (a + m) - m;
    return std::fabs(a) < big ? r : a;
  }
  static F floor(F a) {
    F r = roundNearest(a);
    return r > a ? r - 1.f : r;
  }
  /// 2^n for integral n in [-126, 127].
  static F pow2(F n) {
    // The int conversion of NaN would be undefined: convert 0 instead.
    float safe = n == n ? n : 0.f;
    F v =
        fromBits(static_cast<uint32_t>(static_cast<int32_t>(safe) + 127) << 23);
    return n == n ? v : n;
  }
  /// For a positive normal x: x = mantissa * 2^exponent, mantissa in [0.5, 1).
  /// y * 2^n for integral n in [-150, 128], rounded once: two exact
  /// power-of-two factors keep each exponent in the normal range.
  static F scale(F y, F n) {
    F n1 = floor(mul(n, set1(0.5f)));
    return mul(mul(y, pow2(n1)), pow2(sub(n, n1)));
  }
  static F exponentOf(F x) {
    return static_cast<float>(static_cast<int32_t>(bits(x) >> 23) - 126);
  }
  static F mantissaOf(F x) {
    return fromBits((bits(x) & 0x807fffffu) | 0x3f000000u);
  }

  static M cmpLt(F a, F b) { return a < b; }
  static M cmpLe(F a, F b) { return a <= b; }
  static M cmpGt(F a, F b) { return a > b; }
  static M cmpGe(F a, F b) { return a >= b; }
  static M cmpEq(F a, F b) { return a == b; }
  static M cmpNeq(F a, F b) { return !(a == b); }
  static M isNan(F a) { return a != a; }
  static M maskAnd(M a, M b) { return a && b; }
  static M maskOr(M a, M b) { return a || b; }
  /// m ? t : f, lane by lane.
  static F select(M m, F t, F f) { return m ? t : f; }

  static F loadF16(const uint16_t *p) { return rt::halfToFloat(*p); }
  static F loadF16Partial(const uint16_t *p, int64_t n) {
    return n > 0 ? rt::halfToFloat(*p) : 0.f;
  }
  static void storeF16(uint16_t *p, F v) { *p = rt::floatToHalf(v); }
  static void storeF16Partial(uint16_t *p, F v, int64_t n) {
    if (n > 0)
      *p = rt::floatToHalf(v);
  }
  static F loadBf16(const uint16_t *p) { return rt::bf16ToFloat(*p); }
  static F loadBf16Partial(const uint16_t *p, int64_t n) {
    return n > 0 ? rt::bf16ToFloat(*p) : 0.f;
  }
  static void storeBf16(uint16_t *p, F v) { *p = rt::floatToBf16(v); }
  static void storeBf16Partial(uint16_t *p, F v, int64_t n) {
    if (n > 0)
      *p = rt::floatToBf16(v);
  }

  static float hsum(F a) { return a; }
  static float hmax(F a) { return a; }
};

} // namespace
} // namespace geflow::kernels::vec

#endif // GEFLOW_KERNELS_VECTOR_SIMD_SCALAR_H
