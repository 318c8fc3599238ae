//===- VecMath.h - Transcendental functions over any SIMD backend ---------===//
//
// One implementation of exp/log/tanh/erf/... for every backend, so the
// portable, AVX2 and AVX-512 kernels compute the same formulas (the
// portable backend rounds a*b+c twice where the others fuse it; the stated
// bounds hold for all three). Polynomials are the Cephes
// single-precision ones (exp, log, tanh) and N. Juffa's erff; the measured
// maximum errors over all floats in the tested ranges (VecMathTest) are:
//   exp 1 ulp, log 1 ulp, tanh 2 ulp, sigmoid 3 ulp, erf 2 ulp,
//   gelu 16 ulp for x >= -1.3 and 5e-8 absolute below (1 + erf(z) for
//   z < -0.93 is the erf tail, accurate to 1 ulp of erf, i.e. absolutely:
//   the same accuracy as PyTorch's float formula there),
//   gelu_tanh 16 ulp for |x| <= 3, 32 ulp + 1e-9 absolute beyond (the
//   rounding of u is amplified by exp(-2u)),
//   pow: 2 ulp + |b * ln a| * 2^-24 relative (the product b ln a is
//   rounded once before exp).
// Special values follow C99/numpy: exp(-inf) = 0, exp(+inf) = inf,
// log(0) = -inf, log(x < 0) = NaN, NaN in -> NaN out.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_VECTOR_VECMATH_H
#define GEFLOW_KERNELS_VECTOR_VECMATH_H

#include <limits>

namespace geflow::kernels::vec {
namespace {

template <class V> struct VecMath {
  using F = typename V::F;
  using M = typename V::M;

  static F c(float v) { return V::set1(v); }

  static F exp(F x) {
    // Beyond [kLo, kHi] exp is 0 or overflows (V::scale rounds to inf), so
    // clamping changes no result; max/min return their second operand for
    // NaN, so NaN flows through.
    const float kHi = 89.f, kLo = -104.f;
    F xc = V::min(c(kHi), V::max(c(kLo), x));
    F n = V::roundNearest(V::mul(xc, c(1.44269504088896341f)));
    F r = V::fnmadd(n, c(0.693359375f), xc);
    r = V::fnmadd(n, c(-2.12194440e-4f), r);
    F p = c(1.9875691500e-4f);
    p = V::fmadd(p, r, c(1.3981999507e-3f));
    p = V::fmadd(p, r, c(8.3334519073e-3f));
    p = V::fmadd(p, r, c(4.1665795894e-2f));
    p = V::fmadd(p, r, c(1.6666665459e-1f));
    p = V::fmadd(p, r, c(5.0000001201e-1f));
    F y = V::add(V::fmadd(p, V::mul(r, r), r), c(1.f));
    return V::scale(y, n);
  }

  static F log(F x) {
    const float kMinNormal = std::numeric_limits<float>::min();
    M tiny = V::cmpLt(x, c(kMinNormal));
    // Scale denormals into the normal range first.
    F xs = V::select(tiny, V::mul(x, c(8388608.f)), x);
    F e = V::add(V::exponentOf(xs), V::select(tiny, c(-23.f), c(0.f)));
    F m = V::mantissaOf(xs); // [0.5, 1)
    M lowHalf = V::cmpLt(m, c(0.707106769084930419921875f));
    e = V::sub(e, V::select(lowHalf, c(1.f), c(0.f)));
    m = V::add(V::sub(m, c(1.f)), V::select(lowHalf, m, c(0.f)));
    F z = V::mul(m, m);
    F y = c(7.0376836292e-2f);
    y = V::fmadd(y, m, c(-1.1514610310e-1f));
    y = V::fmadd(y, m, c(1.1676998740e-1f));
    y = V::fmadd(y, m, c(-1.2420140846e-1f));
    y = V::fmadd(y, m, c(1.4249322787e-1f));
    y = V::fmadd(y, m, c(-1.6668057665e-1f));
    y = V::fmadd(y, m, c(2.0000714765e-1f));
    y = V::fmadd(y, m, c(-2.4999993993e-1f));
    y = V::fmadd(y, m, c(3.3333331174e-1f));
    y = V::mul(y, V::mul(m, z));
    y = V::fmadd(e, c(-2.12194440e-4f), y);
    y = V::fnmadd(c(0.5f), z, y);
    F r = V::add(m, y);
    r = V::fmadd(e, c(0.693359375f), r);
    const float inf = std::numeric_limits<float>::infinity();
    r = V::select(V::cmpEq(x, c(0.f)), c(-inf), r);
    r = V::select(V::cmpEq(x, c(inf)), c(inf), r);
    r = V::select(V::cmpLt(x, c(0.f)),
                  c(std::numeric_limits<float>::quiet_NaN()), r);
    return V::select(V::isNan(x), x, r);
  }

  static F sigmoid(F x) {
    return V::div(c(1.f), V::add(c(1.f), exp(V::neg(x))));
  }

  static F tanh(F x) {
    F ax = V::abs(x);
    F z = V::mul(x, x);
    F p = c(-5.70498872745e-3f);
    p = V::fmadd(p, z, c(2.06390887954e-2f));
    p = V::fmadd(p, z, c(-5.37397155531e-2f));
    p = V::fmadd(p, z, c(1.33314422036e-1f));
    p = V::fmadd(p, z, c(-3.33332819422e-1f));
    F small = V::fmadd(V::mul(p, z), x, x);
    // 1 - 2 / (e^{2|x|} + 1): no cancellation for |x| >= 0.625.
    F e = exp(V::add(ax, ax));
    F large = V::sub(c(1.f), V::div(c(2.f), V::add(e, c(1.f))));
    large = V::copySign(large, x);
    return V::select(V::cmpLt(ax, c(0.625f)), small, large);
  }

  /// erf(a) split as: for |a| <= kErfSplit the polynomial value `small`;
  /// above it erf(a) = sign(a) (1 - tail) with tail = erfc(|a|) > 0 (kept
  /// separate so gelu can use 1 + erf(a) = tail for a < 0 without
  /// cancellation).
  static constexpr float kErfSplit = 0.927734375f;
  static void erfParts(F a, F *small, F *tail) {
    F t = V::abs(a);
    F s = V::mul(a, a);
    F r = c(-5.96761703e-4f);
    r = V::fmadd(r, s, c(4.99119423e-3f));
    r = V::fmadd(r, s, c(-2.67681349e-2f));
    r = V::fmadd(r, s, c(1.12819925e-1f));
    r = V::fmadd(r, s, c(-3.76125336e-1f));
    r = V::fmadd(r, s, c(1.28379166e-1f));
    *small = V::fmadd(r, a, a);
    F q = V::fmadd(c(-1.72853470e-5f), t, c(3.83197126e-4f));
    F u = V::fmadd(c(-3.88396438e-3f), t, c(2.42546219e-2f));
    q = V::fmadd(q, s, u);
    q = V::fmadd(q, t, c(-1.06777877e-1f));
    q = V::fmadd(q, t, c(-6.34846687e-1f));
    q = V::fmadd(q, t, c(-1.28717512e-1f));
    q = V::fmadd(q, t, V::neg(t));
    *tail = exp(q);
  }

  static F erf(F a) {
    F small, tail;
    erfParts(a, &small, &tail);
    F large = V::copySign(V::sub(c(1.f), tail), a);
    return V::select(V::cmpGt(V::abs(a), c(kErfSplit)), large, small);
  }

  static F gelu(F x) {
    F z = V::mul(x, c(0.707106781186547524f));
    F small, tail;
    erfParts(z, &small, &tail);
    F onePlusLarge = V::select(V::cmpLt(z, c(0.f)), tail, V::sub(c(2.f), tail));
    F onePlus = V::select(V::cmpGt(V::abs(z), c(kErfSplit)), onePlusLarge,
                          V::add(c(1.f), small));
    F y = V::mul(V::mul(c(0.5f), x), onePlus);
    // Below -14 the result underflows; this also makes gelu(-inf) = -0
    // instead of -inf * 0.
    return V::select(V::cmpLt(x, c(-14.f)), V::neg(V::zero()), y);
  }

  /// 0.5 x (1 + tanh(u)) == x sigmoid(2u): the sigmoid form has no
  /// cancellation for negative x.
  static F geluTanh(F x) {
    F x2 = V::mul(x, x);
    F u = V::mul(
        x, V::fmadd(c(0.0356774081363001f), x2, c(0.797884560802865355f)));
    F y = V::div(x, V::add(c(1.f), exp(V::mul(c(-2.f), u))));
    return V::select(V::cmpLt(x, c(-14.f)), V::neg(V::zero()), y);
  }

  static F pow(F a, F b) {
    F y = exp(V::mul(b, log(V::abs(a))));
    M neg = V::cmpLt(a, c(0.f));
    F bHalf = V::mul(b, c(0.5f));
    M bInt = V::cmpEq(V::roundNearest(b), b);
    M bOdd = V::maskAnd(bInt, V::cmpNeq(V::roundNearest(bHalf), bHalf));
    y = V::select(V::maskAnd(neg, bOdd), V::neg(y), y);
    // A negative base with a non-integer exponent has no real power.
    M bFrac = V::cmpNeq(V::roundNearest(b), b);
    y = V::select(V::maskAnd(neg, bFrac),
                  c(std::numeric_limits<float>::quiet_NaN()), y);
    M one = V::maskOr(V::cmpEq(b, c(0.f)), V::cmpEq(a, c(1.f)));
    return V::select(one, c(1.f), y);
  }
};

} // namespace
} // namespace geflow::kernels::vec

#endif // GEFLOW_KERNELS_VECTOR_VECMATH_H
