//===- vec_ops_impl.h - The VecOps table, generic over a SIMD backend -----===//
//
// Included once by each ISA translation unit, which instantiates
// makeVecOps<Backend>(). Everything here is in an anonymous namespace and
// uses no standard-library templates, so nothing compiled with one ISA's
// flags can be picked by the linker for another ISA's code.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_VECTOR_VEC_OPS_IMPL_H
#define GEFLOW_KERNELS_VECTOR_VEC_OPS_IMPL_H

#include "kernels/vector/vec_math.h"
#include "kernels/vector/vec_ops.h"

#include <cmath>
#include <limits>

namespace geflow::kernels::vec {
namespace {

template <class V> struct VecOpsImpl {
  using F = typename V::F;
  using Math = VecMath<V>;
  static constexpr int W = V::W;

  static F operand(bool isVec, const float *p, int64_t i, F splat) {
    return isVec ? V::loadu(p + i) : splat;
  }
  static F operandTail(bool isVec, const float *p, int64_t i, int64_t n,
                       F splat) {
    return isVec ? V::loadPartial(p + i, n) : splat;
  }

  /// y[i] = f(a, b, c) where each operand is a vector or a broadcast scalar.
  /// The flags are template parameters so every loop has fixed loads.
  template <bool VA, bool VB, bool VC, class Fn>
  static void loop(const float *a, const float *b, const float *c, float *y,
                   int64_t n, Fn f) {
    F sa = VA ? V::zero() : V::set1(*a);
    F sb = VB ? V::zero() : V::set1(*b);
    F sc = VC ? V::zero() : V::set1(*c);
    int64_t i = 0;
    for (; i + W <= n; i += W)
      V::storeu(y + i, f(operand(VA, a, i, sa), operand(VB, b, i, sb),
                         operand(VC, c, i, sc)));
    if (i < n) {
      int64_t r = n - i;
      V::storePartial(y + i,
                      f(operandTail(VA, a, i, r, sa),
                        operandTail(VB, b, i, r, sb),
                        operandTail(VC, c, i, r, sc)),
                      r);
    }
  }

  template <class Fn>
  static void map1(const float *x, float *y, int64_t n, Fn f) {
    static const float dummy = 0.f;
    loop<true, false, false>(x, &dummy, &dummy, y, n,
                             [&](F a, F, F) { return f(a); });
  }

  template <class Fn>
  static void map2(const float *a, bool va, const float *b, bool vb, float *y,
                   int64_t n, Fn f) {
    static const float dummy = 0.f;
    auto g = [&](F x, F z, F) { return f(x, z); };
    if (va && vb)
      loop<true, true, false>(a, b, &dummy, y, n, g);
    else if (va)
      loop<true, false, false>(a, b, &dummy, y, n, g);
    else if (vb)
      loop<false, true, false>(a, b, &dummy, y, n, g);
    else
      loop<false, false, false>(a, b, &dummy, y, n, g);
  }

  template <class Fn>
  static void map3(const float *a, bool va, const float *b, bool vb,
                   const float *c, bool vc, float *y, int64_t n, Fn f) {
    switch ((va ? 4 : 0) | (vb ? 2 : 0) | (vc ? 1 : 0)) {
    case 0:
      return loop<false, false, false>(a, b, c, y, n, f);
    case 1:
      return loop<false, false, true>(a, b, c, y, n, f);
    case 2:
      return loop<false, true, false>(a, b, c, y, n, f);
    case 3:
      return loop<false, true, true>(a, b, c, y, n, f);
    case 4:
      return loop<true, false, false>(a, b, c, y, n, f);
    case 5:
      return loop<true, false, true>(a, b, c, y, n, f);
    case 6:
      return loop<true, true, false>(a, b, c, y, n, f);
    default:
      return loop<true, true, true>(a, b, c, y, n, f);
    }
  }

  static F one() { return V::set1(1.f); }
  static F bool01(typename V::M m) { return V::select(m, one(), V::zero()); }

  static void unary(EwOp op, const float *x, float *y, int64_t n, float p0,
                    float p1) {
    const F zero = V::zero();
    switch (op) {
    case EwOp::Copy:
      return map1(x, y, n, [](F v) { return v; });
    case EwOp::Neg:
      return map1(x, y, n, [](F v) { return V::neg(v); });
    case EwOp::Abs:
      return map1(x, y, n, [](F v) { return V::abs(v); });
    // max/min(c, v) return v when v is NaN: activations propagate NaN.
    case EwOp::Relu:
      return map1(x, y, n, [&](F v) { return V::max(zero, v); });
    case EwOp::Relu6:
      return map1(x, y, n,
                  [&](F v) { return V::min(V::set1(6.f), V::max(zero, v)); });
    case EwOp::Sigmoid:
      return map1(x, y, n, Math::sigmoid);
    case EwOp::Tanh:
      return map1(x, y, n, Math::tanh);
    case EwOp::Gelu:
      return map1(x, y, n, Math::gelu);
    case EwOp::GeluTanh:
      return map1(x, y, n, Math::geluTanh);
    case EwOp::HardSwish:
      return map1(x, y, n, [&](F v) {
        F r6 = V::min(V::set1(6.f), V::max(zero, V::add(v, V::set1(3.f))));
        return V::mul(v, V::mul(r6, V::set1(1.f / 6.f)));
      });
    case EwOp::Exp:
      return map1(x, y, n, Math::exp);
    case EwOp::Log:
      return map1(x, y, n, Math::log);
    case EwOp::Sqrt:
      return map1(x, y, n, [](F v) { return V::sqrt(v); });
    case EwOp::Rsqrt:
      return map1(x, y, n, [](F v) { return V::div(one(), V::sqrt(v)); });
    case EwOp::Reciprocal:
      return map1(x, y, n, [](F v) { return V::div(one(), v); });
    case EwOp::Erf:
      return map1(x, y, n, Math::erf);
    case EwOp::Floor:
      return map1(x, y, n, [](F v) { return V::floor(v); });
    case EwOp::Ceil:
      return map1(x, y, n, Math::ceil);
    case EwOp::Round:
      return map1(x, y, n, [](F v) { return V::roundNearest(v); });
    case EwOp::Sin:
      return map1(x, y, n, Math::sin);
    case EwOp::Cos:
      return map1(x, y, n, Math::cos);
    case EwOp::Tan:
      return map1(x, y, n, Math::tan);
    case EwOp::Asin:
      return map1(x, y, n, Math::asin);
    case EwOp::Acos:
      return map1(x, y, n, Math::acos);
    case EwOp::Atan:
      return map1(x, y, n, Math::atan);
    case EwOp::Sinh:
      return map1(x, y, n, Math::sinh);
    case EwOp::Cosh:
      return map1(x, y, n, Math::cosh);
    case EwOp::Asinh:
      return map1(x, y, n, Math::asinh);
    case EwOp::Acosh:
      return map1(x, y, n, Math::acosh);
    case EwOp::Atanh:
      return map1(x, y, n, Math::atanh);
    case EwOp::LeakyRelu: {
      F alpha = V::set1(p0);
      return map1(x, y, n, [&](F v) {
        return V::select(V::cmpGe(v, zero), v, V::mul(alpha, v));
      });
    }
    case EwOp::HardSigmoid: {
      F alpha = V::set1(p0), beta = V::set1(p1);
      return map1(x, y, n, [&](F v) {
        return V::min(one(), V::max(zero, V::fmadd(alpha, v, beta)));
      });
    }
    default:
      return;
    }
  }

  /// numpy.maximum / minimum: NaN in either operand gives NaN. The raw
  /// instructions return their second operand on NaN, so patch lanes where
  /// the first is NaN.
  static F maxNan(F a, F b) { return V::select(V::isNan(a), a, V::max(a, b)); }
  static F minNan(F a, F b) { return V::select(V::isNan(a), a, V::min(a, b)); }

  /// fmod is exact but has no short vector form (the quotient may need
  /// far more than 24 bits), so remainders are computed one by one with
  /// std::fmod; floor_mod moves a non-zero remainder to the divisor's sign.
  /// A zero divisor gives NaN.
  static void remainder(bool floorMod, const float *a, bool va, const float *b,
                        bool vb, float *y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      float p = a[va ? i : 0], q = b[vb ? i : 0];
      float r = std::fmod(p, q);
      if (floorMod && r != 0.f && ((r < 0.f) != (q < 0.f)))
        r += q;
      y[i] = r;
    }
  }

  static void binary(EwOp op, const float *a, bool va, const float *b, bool vb,
                     float *y, int64_t n) {
    switch (op) {
    case EwOp::Add:
      return map2(a, va, b, vb, y, n, [](F p, F q) { return V::add(p, q); });
    case EwOp::Sub:
      return map2(a, va, b, vb, y, n, [](F p, F q) { return V::sub(p, q); });
    case EwOp::Mul:
      return map2(a, va, b, vb, y, n, [](F p, F q) { return V::mul(p, q); });
    case EwOp::Div:
      return map2(a, va, b, vb, y, n, [](F p, F q) { return V::div(p, q); });
    case EwOp::Max:
      return map2(a, va, b, vb, y, n, maxNan);
    case EwOp::Min:
      return map2(a, va, b, vb, y, n, minNan);
    case EwOp::Pow:
      return map2(a, va, b, vb, y, n, Math::pow);
    case EwOp::Mod:
    case EwOp::FloorMod:
      return remainder(op == EwOp::FloorMod, a, va, b, vb, y, n);
    case EwOp::Equal:
      return map2(a, va, b, vb, y, n,
                  [](F p, F q) { return bool01(V::cmpEq(p, q)); });
    case EwOp::NotEqual:
      return map2(a, va, b, vb, y, n,
                  [](F p, F q) { return bool01(V::cmpNeq(p, q)); });
    case EwOp::Less:
      return map2(a, va, b, vb, y, n,
                  [](F p, F q) { return bool01(V::cmpLt(p, q)); });
    case EwOp::LessEqual:
      return map2(a, va, b, vb, y, n,
                  [](F p, F q) { return bool01(V::cmpLe(p, q)); });
    case EwOp::Greater:
      return map2(a, va, b, vb, y, n,
                  [](F p, F q) { return bool01(V::cmpGt(p, q)); });
    case EwOp::GreaterEqual:
      return map2(a, va, b, vb, y, n,
                  [](F p, F q) { return bool01(V::cmpGe(p, q)); });
    default:
      return;
    }
  }

  static void ternary(EwOp op, const float *a, bool va, const float *b, bool vb,
                      const float *c, bool vc, float *y, int64_t n) {
    switch (op) {
    case EwOp::Select:
      return map3(a, va, b, vb, c, vc, y, n, [](F k, F t, F f) {
        return V::select(V::cmpNeq(k, V::zero()), t, f);
      });
    case EwOp::MulAdd:
      return map3(a, va, b, vb, c, vc, y, n,
                  [](F p, F q, F r) { return V::fmadd(p, q, r); });
    case EwOp::Clip:
      // max(lo, x) then min(hi, .): NaN x stays NaN.
      return map3(a, va, b, vb, c, vc, y, n,
                  [](F x, F lo, F hi) { return V::min(hi, V::max(lo, x)); });
    default:
      return;
    }
  }

  static float sum(const float *x, int64_t n) {
    // Four accumulators: latency hiding and shorter addition chains.
    F s0 = V::zero(), s1 = V::zero(), s2 = V::zero(), s3 = V::zero();
    int64_t i = 0;
    for (; i + 4 * W <= n; i += 4 * W) {
      s0 = V::add(s0, V::loadu(x + i));
      s1 = V::add(s1, V::loadu(x + i + W));
      s2 = V::add(s2, V::loadu(x + i + 2 * W));
      s3 = V::add(s3, V::loadu(x + i + 3 * W));
    }
    for (; i + W <= n; i += W)
      s0 = V::add(s0, V::loadu(x + i));
    if (i < n)
      s1 = V::add(s1, V::loadPartial(x + i, n - i));
    return V::hsum(V::add(V::add(s0, s1), V::add(s2, s3)));
  }

  static float max(const float *x, int64_t n) {
    const float ninf = -std::numeric_limits<float>::infinity();
    F m0 = V::set1(ninf), m1 = m0;
    int64_t i = 0;
    for (; i + 2 * W <= n; i += 2 * W) {
      m0 = maxNan(V::loadu(x + i), m0);
      m1 = maxNan(V::loadu(x + i + W), m1);
    }
    for (; i + W <= n; i += W)
      m0 = maxNan(V::loadu(x + i), m0);
    F m = maxNan(m0, m1);
    // The horizontal max may drop NaN lanes: test for them explicitly.
    if (V::hsum(bool01(V::isNan(m))) != 0.f)
      return std::numeric_limits<float>::quiet_NaN();
    float r = V::hmax(m);
    for (; i < n; ++i) { // scalar tail: padding lanes must not take part
      if (x[i] != x[i])
        return x[i];
      r = x[i] > r ? x[i] : r;
    }
    return r;
  }

  static void centeredMoments(const float *x, int64_t n, float mean,
                              float *sumDiff, float *sumSq) {
    F m = V::set1(mean), d0 = V::zero(), d1 = V::zero(), s0 = V::zero(),
      s1 = V::zero();
    int64_t i = 0;
    for (; i + 2 * W <= n; i += 2 * W) {
      F a = V::sub(V::loadu(x + i), m), b = V::sub(V::loadu(x + i + W), m);
      d0 = V::add(d0, a);
      d1 = V::add(d1, b);
      s0 = V::fmadd(a, a, s0);
      s1 = V::fmadd(b, b, s1);
    }
    for (; i + W <= n; i += W) {
      F a = V::sub(V::loadu(x + i), m);
      d0 = V::add(d0, a);
      s0 = V::fmadd(a, a, s0);
    }
    float sd = V::hsum(V::add(d0, d1)), sq = V::hsum(V::add(s0, s1));
    for (; i < n; ++i) { // scalar tail: padding lanes must not add (0-m)^2
      float a = x[i] - mean;
      sd += a;
      sq += a * a;
    }
    *sumDiff = sd;
    *sumSq = sq;
  }

  static float expShiftSum(const float *x, float *y, int64_t n, float shift) {
    F sh = V::set1(shift), s0 = V::zero(), s1 = V::zero();
    int64_t i = 0;
    for (; i + 2 * W <= n; i += 2 * W) {
      F e0 = Math::exp(V::sub(V::loadu(x + i), sh));
      F e1 = Math::exp(V::sub(V::loadu(x + i + W), sh));
      if (y) {
        V::storeu(y + i, e0);
        V::storeu(y + i + W, e1);
      }
      s0 = V::add(s0, e0);
      s1 = V::add(s1, e1);
    }
    for (; i + W <= n; i += W) {
      F e = Math::exp(V::sub(V::loadu(x + i), sh));
      if (y)
        V::storeu(y + i, e);
      s0 = V::add(s0, e);
    }
    float tailSum = 0.f;
    if (i < n) {
      F e = Math::exp(V::sub(V::loadPartial(x + i, n - i), sh));
      if (y)
        V::storePartial(y + i, e, n - i);
      // Padding lanes hold exp(0 - shift): add only the real ones.
      float lanes[W];
      V::storeu(lanes, e);
      for (int64_t j = 0; j < n - i; ++j)
        tailSum += lanes[j];
    }
    return V::hsum(V::add(s0, s1)) + tailSum;
  }

  static void normAffine(const float *x, float *y, int64_t n, float mean,
                         float rstd, const float *gamma, const float *beta) {
    F m = V::set1(mean), r = V::set1(rstd);
    static const float zero = 0.f, oneS = 1.f;
    const float *g = gamma ? gamma : &oneS;
    const float *b = beta ? beta : &zero;
    map3(x, true, g, gamma != nullptr, b, beta != nullptr, y, n,
         [&](F v, F gv, F bv) {
           return V::fmadd(V::mul(V::sub(v, m), r), gv, bv);
         });
  }

  static void affineRows(const float *x, float *y, int64_t rows, int64_t len,
                         const float *a, const float *b) {
    for (int64_t r = 0; r < rows; ++r)
      map3(x + r * len, true, a, true, b, true, y + r * len, len,
           [](F v, F p, F q) { return V::fmadd(v, p, q); });
  }

  static void streamCopy(float *dst, const float *src, int64_t n) {
    constexpr uintptr_t kAlign = sizeof(F);
    int64_t i = 0;
    // Peel until dst is aligned for the streaming store.
    int64_t head = static_cast<int64_t>(
        ((kAlign - (reinterpret_cast<uintptr_t>(dst) % kAlign)) % kAlign) / 4);
    if (head > n)
      head = n;
    for (; i < head; ++i)
      dst[i] = src[i];
    if (reinterpret_cast<uintptr_t>(dst + i) % kAlign == 0)
      for (; i + W <= n; i += W)
        V::streamStore(dst + i, V::loadu(src + i));
    for (; i < n; ++i)
      dst[i] = src[i];
  }
  static void storeFence() { V::storeFence(); }

  static void f16ToF32(const uint16_t *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + W <= n; i += W)
      V::storeu(y + i, V::loadF16(x + i));
    if (i < n)
      V::storePartial(y + i, V::loadF16Partial(x + i, n - i), n - i);
  }
  static void f32ToF16(const float *x, uint16_t *y, int64_t n) {
    int64_t i = 0;
    for (; i + W <= n; i += W)
      V::storeF16(y + i, V::loadu(x + i));
    if (i < n)
      V::storeF16Partial(y + i, V::loadPartial(x + i, n - i), n - i);
  }
  static void bf16ToF32(const uint16_t *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + W <= n; i += W)
      V::storeu(y + i, V::loadBf16(x + i));
    if (i < n)
      V::storePartial(y + i, V::loadBf16Partial(x + i, n - i), n - i);
  }
  static void f32ToBf16(const float *x, uint16_t *y, int64_t n) {
    int64_t i = 0;
    for (; i + W <= n; i += W)
      V::storeBf16(y + i, V::loadu(x + i));
    if (i < n)
      V::storeBf16Partial(y + i, V::loadPartial(x + i, n - i), n - i);
  }

  static VecOps table(Isa isa) {
    VecOps t;
    t.isa = isa;
    t.unary = unary;
    t.binary = binary;
    t.ternary = ternary;
    t.sum = sum;
    t.max = max;
    t.centeredMoments = centeredMoments;
    t.expShiftSum = expShiftSum;
    t.normAffine = normAffine;
    t.affineRows = affineRows;
    t.streamCopy = streamCopy;
    t.storeFence = storeFence;
    t.f16ToF32 = f16ToF32;
    t.f32ToF16 = f32ToF16;
    t.bf16ToF32 = bf16ToF32;
    t.f32ToBf16 = f32ToBf16;
    return t;
  }
};

} // namespace
} // namespace geflow::kernels::vec

#endif // GEFLOW_KERNELS_VECTOR_VEC_OPS_IMPL_H
