//===- vec_math.h - Transcendental functions over any SIMD backend --------===//
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
//   rounded once before exp),
//   sin, cos 2 ulp + 1e-7 absolute for |x| <= 1e4 (near their zeros the
//   reduced argument's rounding is absolute), tan 4 ulp + 1e-7 absolute,
//   asin, acos, atan, sinh, cosh, asinh, acosh, atanh 3 ulp (the Cephes
//   single-precision polynomials and reductions).
// Special values follow C99/numpy: exp(-inf) = 0, exp(+inf) = inf,
// log(0) = -inf, log(x < 0) = NaN, NaN in -> NaN out.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_VECTOR_VEC_MATH_H
#define GEFLOW_KERNELS_VECTOR_VEC_MATH_H

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

  static F ceil(F x) { return V::neg(V::floor(V::neg(x))); }

  static F nan() { return c(std::numeric_limits<float>::quiet_NaN()); }

  /// x = q pi/2 + r, |r| <= pi/4, with pi/2 in three parts (Cody-Waite):
  /// q * part1 is exact while |q| < 2^16, so r keeps full precision for
  /// |x| up to ~1e5. Returns q mod 4 (in 0..3, exact in floats).
  static F quadrant(F x, F *r) {
    F q = V::roundNearest(V::mul(x, c(0.636619772367581343f)));
    F t = V::fnmadd(q, c(1.5703125f), x);
    t = V::fnmadd(q, c(4.837512969970703125e-4f), t);
    *r = V::fnmadd(q, c(7.54978995489188216e-8f), t);
    return V::fnmadd(c(4.f), V::floor(V::mul(q, c(0.25f))), q);
  }
  /// sin and cos of |r| <= pi/4 (Cephes sinf/cosf polynomials).
  static F sinPoly(F r) {
    F z = V::mul(r, r);
    F p = c(-1.9515295891e-4f);
    p = V::fmadd(p, z, c(8.3321608736e-3f));
    p = V::fmadd(p, z, c(-1.6666654611e-1f));
    return V::fmadd(V::mul(p, z), r, r);
  }
  static F cosPoly(F r) {
    F z = V::mul(r, r);
    F p = c(2.443315711809948e-5f);
    p = V::fmadd(p, z, c(-1.388731625493765e-3f));
    p = V::fmadd(p, z, c(4.166664568298827e-2f));
    return V::fmadd(V::mul(z, z), p, V::fnmadd(c(0.5f), z, c(1.f)));
  }
  /// sin(x) (shift 0) or cos(x) = sin(x + pi/2) (shift 1): quadrant m
  /// gives sin r, cos r, -sin r, -cos r.
  static F sinShifted(F x, float shift) {
    F r;
    F m = V::add(quadrant(x, &r), c(shift));
    m = V::select(V::cmpGe(m, c(4.f)), V::sub(m, c(4.f)), m);
    M odd = V::maskOr(V::cmpEq(m, c(1.f)), V::cmpEq(m, c(3.f)));
    F v = V::select(odd, cosPoly(r), sinPoly(r));
    return V::select(V::cmpGe(m, c(2.f)), V::neg(v), v);
  }
  static F sin(F x) { return sinShifted(x, 0.f); }
  static F cos(F x) { return sinShifted(x, 1.f); }
  /// tan r for even quadrants, -1 / tan r = -cos r / sin r for odd ones.
  static F tan(F x) {
    F r;
    F m = quadrant(x, &r);
    M odd = V::maskOr(V::cmpEq(m, c(1.f)), V::cmpEq(m, c(3.f)));
    F s = sinPoly(r), co = cosPoly(r);
    return V::select(odd, V::neg(V::div(co, s)), V::div(s, co));
  }

  /// Cephes atanf: |x| reduced below tan(pi/8) by atan(x) = pi/2 +
  /// atan(-1/x) (|x| > tan(3pi/8)) or pi/4 + atan((x-1)/(x+1)).
  static F atan(F x) {
    F a = V::abs(x);
    M big = V::cmpGt(a, c(2.414213562373095f));
    M mid = V::cmpGt(a, c(0.4142135623730950f));
    F base = V::select(big, c(1.5707963267948966f),
                       V::select(mid, c(0.7853981633974483f), V::zero()));
    F t = V::select(
        big, V::div(c(-1.f), a),
        V::select(mid, V::div(V::sub(a, c(1.f)), V::add(a, c(1.f))), a));
    F z = V::mul(t, t);
    F p = c(8.05374449538e-2f);
    p = V::fmadd(p, z, c(-1.38776856032e-1f));
    p = V::fmadd(p, z, c(1.99777106478e-1f));
    p = V::fmadd(p, z, c(-3.33329491539e-1f));
    return V::copySign(V::add(base, V::fmadd(V::mul(p, z), t, t)), x);
  }

  /// asin(t) for |t| <= 0.5 given z = t^2 (Cephes asinf polynomial).
  static F asinPoly(F t, F z) {
    F p = c(4.2163199048e-2f);
    p = V::fmadd(p, z, c(2.4181311049e-2f));
    p = V::fmadd(p, z, c(4.5470025998e-2f));
    p = V::fmadd(p, z, c(7.4953002686e-2f));
    p = V::fmadd(p, z, c(1.6666752422e-1f));
    return V::fmadd(V::mul(p, z), t, t);
  }
  /// Above |x| = 0.5: asin|x| = pi/2 - 2 asin(sqrt((1 - |x|) / 2)).
  static F asin(F x) {
    F a = V::abs(x);
    M hi = V::cmpGt(a, c(0.5f));
    F zh = V::mul(c(0.5f), V::sub(c(1.f), a));
    F t = V::select(hi, V::sqrt(zh), a);
    F s = asinPoly(t, V::select(hi, zh, V::mul(a, a)));
    s = V::select(hi, V::fnmadd(c(2.f), s, c(1.5707963267948966f)), s);
    s = V::select(V::cmpGt(a, c(1.f)), nan(), s);
    return V::copySign(s, x);
  }
  /// acos x = pi/2 - asin x for |x| <= 0.5, 2 asin(sqrt((1 - x) / 2))
  /// above, pi - 2 asin(sqrt((1 + x) / 2)) below.
  static F acos(F x) {
    F a = V::abs(x);
    M hi = V::cmpGt(a, c(0.5f));
    F zh = V::mul(c(0.5f), V::sub(c(1.f), a));
    F t = V::select(hi, V::sqrt(zh), x);
    F s = asinPoly(t, V::select(hi, zh, V::mul(x, x)));
    F twice = V::add(s, s);
    F r = V::select(V::cmpLt(x, c(0.f)), V::sub(c(3.141592653589793f), twice),
                    twice);
    r = V::select(hi, r, V::sub(c(1.5707963267948966f), s));
    return V::select(V::cmpGt(a, c(1.f)), nan(), r);
  }

  /// e^|x| / 2, finite up to |x| = 89.4 where e^|x| itself overflows:
  /// e^(|x| - c) e^(c - ln 2) with c = 0.693359375 (|x| - c is exact).
  static F halfExp(F a) {
    return V::mul(exp(V::sub(a, c(0.693359375f))), c(1.0002122169548875f));
  }
  /// Cephes sinhf: a polynomial below |x| = 1, e^|x|/2 - e^-|x|/2 above.
  static F sinh(F x) {
    F a = V::abs(x);
    F z = V::mul(x, x);
    F p = c(2.03721912945e-4f);
    p = V::fmadd(p, z, c(8.33028376239e-3f));
    p = V::fmadd(p, z, c(1.66667160211e-1f));
    F small = V::fmadd(V::mul(p, z), x, x);
    F h = halfExp(a);
    F large = V::copySign(V::sub(h, V::div(c(0.25f), h)), x);
    return V::select(V::cmpGt(a, c(1.f)), large, small);
  }
  static F cosh(F x) {
    F h = halfExp(V::abs(x));
    return V::add(h, V::div(c(0.25f), h));
  }
  /// Cephes asinhf: a polynomial below |x| = 0.5, log(|x| + sqrt(x^2 + 1))
  /// up to 1500 and log|x| + ln 2 beyond (x^2 would overflow).
  static F asinh(F x) {
    F a = V::abs(x);
    F z = V::mul(a, a);
    F p = c(2.0122003309e-2f);
    p = V::fmadd(p, z, c(-4.2699340972e-2f));
    p = V::fmadd(p, z, c(7.4847586088e-2f));
    p = V::fmadd(p, z, c(-1.6666288134e-1f));
    F small = V::fmadd(V::mul(p, z), a, a);
    F mid = log(V::add(a, V::sqrt(V::add(z, c(1.f)))));
    F huge = V::add(log(a), c(0.693147180559945309f));
    F r = V::select(V::cmpLt(a, c(0.5f)), small,
                    V::select(V::cmpGt(a, c(1500.f)), huge, mid));
    return V::copySign(r, x);
  }
  /// Cephes acoshf: sqrt(z) P(z) for z = x - 1 < 0.5, log(x + sqrt(z (x +
  /// 1))) up to 1500, log x + ln 2 beyond; NaN below 1.
  static F acosh(F x) {
    F z = V::sub(x, c(1.f));
    F p = c(1.7596881071e-3f);
    p = V::fmadd(p, z, c(-7.5272886713e-3f));
    p = V::fmadd(p, z, c(2.6454905019e-2f));
    p = V::fmadd(p, z, c(-1.1784741703e-1f));
    p = V::fmadd(p, z, c(1.4142135263f));
    F small = V::mul(p, V::sqrt(z));
    F mid = log(V::add(x, V::sqrt(V::mul(z, V::add(x, c(1.f))))));
    F huge = V::add(log(x), c(0.693147180559945309f));
    F r = V::select(V::cmpLt(z, c(0.5f)), small,
                    V::select(V::cmpGt(x, c(1500.f)), huge, mid));
    return V::select(V::cmpLt(x, c(1.f)), nan(), r);
  }
  /// Cephes atanhf: a polynomial below |x| = 0.5, log((1 + x) / (1 - x)) / 2
  /// above (+-inf at +-1, NaN beyond).
  static F atanh(F x) {
    F z = V::mul(x, x);
    F p = c(1.81740078349e-1f);
    p = V::fmadd(p, z, c(8.24370301058e-2f));
    p = V::fmadd(p, z, c(1.46691431730e-1f));
    p = V::fmadd(p, z, c(1.99782164500e-1f));
    p = V::fmadd(p, z, c(3.33337300303e-1f));
    F small = V::fmadd(V::mul(p, z), x, x);
    F large =
        V::mul(c(0.5f), log(V::div(V::add(c(1.f), x), V::sub(c(1.f), x))));
    return V::select(V::cmpLt(V::abs(x), c(0.5f)), small, large);
  }
};

} // namespace
} // namespace geflow::kernels::vec

#endif // GEFLOW_KERNELS_VECTOR_VEC_MATH_H
