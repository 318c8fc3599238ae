//===- gemm_activation.h - Activation epilogue math of the Cube kernels ---===//
//
// Branch-free float math, so that loops applying it vectorize with whatever
// ISA the including translation unit is compiled for (libm calls would
// not). Accuracy: exp ~2 ulp. Sigmoid, tanh, gelu and gelu_tanh spans run
// on vec_math.h (its stated bounds: sigmoid 3 ulp, tanh 2 ulp, gelu 16 ulp
// for x >= -1.3 and 5e-8 absolute below, gelu_tanh 16 ulp for |x| <= 3);
// the scalar forms here (within 2e-7 absolute / 1e-6 relative) serve
// single elements.
//
// Included only from per-ISA translation units, which define
// GEFLOW_CUBE_ISA to their namespace: each ISA gets its own copy of these
// inline functions instead of sharing one the linker picked.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_GEMM_ACTIVATION_H
#define GEFLOW_KERNELS_CUBE_GEMM_ACTIVATION_H

#ifndef GEFLOW_CUBE_ISA
#error "gemm_activation.h belongs to a per-ISA translation unit"
#endif

#include "kernels/cube/gemm_common.h"

// The transcendental activations run on the vector kernels' SIMD math (the
// same formulas as the standalone Gelu / Sigmoid / Tanh kernels), in the
// widest backend this translation unit is compiled for.
#if defined(__AVX512F__)
#include "kernels/vector/simd_avx512.h"
#elif defined(__AVX2__) && defined(__FMA__)
#include "kernels/vector/simd_avx2.h"
#else
#include "kernels/vector/simd_scalar.h"
#endif
#include "kernels/vector/vec_math.h"

#include <cstdint>
#include <cstring>

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

inline float floatFromBits(int32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

inline float clampf(float x, float lo, float hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

/// exp(x), saturating at exp(+-88) instead of overflowing; NaN stays NaN
/// (converting it to the exponent's integer would be undefined).
inline float expApprox(float x) {
  if (x != x)
    return x;
  x = clampf(x, -87.0f, 88.0f);
  float t = x * 1.44269504f;
  // Adding and subtracting 1.5 * 2^23 rounds to the nearest integer.
  float n = (t + 12582912.0f) - 12582912.0f;
  float r = x - n * 0.693145752f;
  r = r - n * 1.42860677e-6f;
  // Taylor series of exp on [-ln2/2, ln2/2]: the degree-7 term is < 1.3e-7.
  float p = 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  return p * floatFromBits((static_cast<int32_t>(n) + 127) << 23);
}

inline float sigmoidApprox(float x) { return 1.0f / (1.0f + expApprox(-x)); }

inline float tanhApprox(float x) {
  float a = x < 0 ? -x : x;
  // Near zero (1 - e) / (1 + e) cancels; use the odd Taylor series there
  // (its first omitted term is < 5e-8 for |x| < 0.5).
  float x2 = x * x;
  float p = 21844.0f / 6081075;
  p = p * x2 - 1382.0f / 155925;
  p = p * x2 + 62.0f / 2835;
  p = p * x2 - 17.0f / 315;
  p = p * x2 + 2.0f / 15;
  p = p * x2 - 1.0f / 3;
  float small = x + x * x2 * p;
  float e = expApprox(-2.0f * a);
  float big = (1.0f - e) / (1.0f + e);
  big = x < 0 ? -big : big;
  return a < 0.5f ? small : big;
}

/// erfc(z) for z >= 0 with relative error < 1.2e-7 (Numerical Recipes'
/// Chebyshev fit), so 0.5 * x * erfc(-x / sqrt2) keeps its precision for
/// negative x where 1 + erf(x) would cancel.
inline float erfcPositive(float z) {
  float t = 1.0f / (1.0f + 0.5f * z);
  float p = 0.17087277f;
  p = p * t - 0.82215223f;
  p = p * t + 1.48851587f;
  p = p * t - 1.13520398f;
  p = p * t + 0.27886807f;
  p = p * t - 0.18628806f;
  p = p * t + 0.09678418f;
  p = p * t + 0.37409196f;
  p = p * t + 1.00002368f;
  p = p * t - 1.26551223f;
  return t * expApprox(-z * z + p);
}

inline float geluApprox(float x) {
  float z = (x < 0 ? -x : x) * 0.70710678f;
  float c = erfcPositive(z);
  return 0.5f * x * (x < 0 ? c : 2.0f - c);
}

inline float geluTanhApprox(float x) {
  // 0.5 x (1 + tanh(u)) == x * sigmoid(2u): no cancellation for x < 0.
  float u = 0.797884561f * (x + 0.044715f * x * x * x);
  return x / (1.0f + expApprox(-2.0f * u));
}

template <Activation A> inline float activate(float v, float alpha) {
  if constexpr (A == Activation::None)
    return v;
  else if constexpr (A == Activation::Relu)
    return v > 0 ? v : 0.0f;
  else if constexpr (A == Activation::Relu6)
    return clampf(v, 0.0f, 6.0f);
  else if constexpr (A == Activation::Sigmoid)
    return sigmoidApprox(v);
  else if constexpr (A == Activation::Tanh)
    return tanhApprox(v);
  else if constexpr (A == Activation::Gelu)
    return geluApprox(v);
  else if constexpr (A == Activation::GeluTanh)
    return geluTanhApprox(v);
  else if constexpr (A == Activation::HardSwish)
    return v * clampf(v + 3.0f, 0.0f, 6.0f) * (1.0f / 6);
  else
    return v > 0 ? v : v * alpha;
}

#if defined(__AVX512F__)
using EpilogueSimd = vec::SimdAvx512;
#elif defined(__AVX2__) && defined(__FMA__)
using EpilogueSimd = vec::SimdAvx2;
#else
using EpilogueSimd = vec::SimdScalar;
#endif

/// Whether activation A has a SIMD form (the transcendental ones: their
/// scalar loops do not vectorize).
template <Activation A>
constexpr bool kSimdActivation =
    A == Activation::Sigmoid || A == Activation::Tanh ||
    A == Activation::Gelu || A == Activation::GeluTanh;

template <Activation A>
inline typename EpilogueSimd::F activateSimd(typename EpilogueSimd::F x) {
  using M = vec::VecMath<EpilogueSimd>;
  if constexpr (A == Activation::Sigmoid)
    return M::sigmoid(x);
  else if constexpr (A == Activation::Tanh)
    return M::tanh(x);
  else if constexpr (A == Activation::Gelu)
    return M::gelu(x);
  else
    return M::geluTanh(x);
}

/// dst[i] = act(src[i] + bias) for n floats; `bias` is a scalar added to
/// every element and `vbias` (when not null) a per-element bias.
template <Activation A>
inline void activateSpan(float *dst, int64_t n, float bias, const float *vbias,
                         float alpha) {
  if constexpr (kSimdActivation<A>) {
    using V = EpilogueSimd;
    const typename V::F b = V::set1(bias);
    auto input = [&](typename V::F x, int64_t i, int64_t count) {
      x = V::add(x, b);
      if (vbias)
        x = V::add(x, count == V::W ? V::loadu(vbias + i)
                                    : V::loadPartial(vbias + i, count));
      return x;
    };
    int64_t i = 0;
    for (; i + V::W <= n; i += V::W)
      V::storeu(dst + i, activateSimd<A>(input(V::loadu(dst + i), i, V::W)));
    if (i < n)
      V::storePartial(
          dst + i,
          activateSimd<A>(input(V::loadPartial(dst + i, n - i), i, n - i)),
          n - i);
    return;
  }
  if (vbias) {
    for (int64_t i = 0; i < n; ++i)
      dst[i] = activate<A>(dst[i] + bias + vbias[i], alpha);
  } else {
    for (int64_t i = 0; i < n; ++i)
      dst[i] = activate<A>(dst[i] + bias, alpha);
  }
}

/// dst[i] = act(dst[i] + bias + vbias[i] + res[i]) (vbias may be null): the
/// sums in the order the unfused graph computes them (the conv's bias
/// epilogue, then the residual Add), so fp32 results are bit-identical.
template <Activation A>
inline void activateSpanResidual(float *__restrict dst, int64_t n, float bias,
                                 const float *__restrict vbias,
                                 const float *__restrict res, float alpha) {
  if (vbias) {
    for (int64_t i = 0; i < n; ++i)
      dst[i] = activate<A>(dst[i] + bias + vbias[i] + res[i], alpha);
  } else {
    for (int64_t i = 0; i < n; ++i)
      dst[i] = activate<A>(dst[i] + bias + res[i], alpha);
  }
}

/// dst[i] = act(dst[i] + res[i]): the residual Add and activation after a
/// bias-only epilogue already ran on dst.
template <Activation A>
inline void addResidualSpan(float *__restrict dst, int64_t n,
                            const float *__restrict res, float alpha) {
  for (int64_t i = 0; i < n; ++i)
    dst[i] = activate<A>(dst[i] + res[i], alpha);
}

#define GEFLOW_FOR_EACH_ACTIVATION(CASE)                                       \
  CASE(None)                                                                   \
  CASE(Relu)                                                                   \
  CASE(Relu6)                                                                  \
  CASE(Sigmoid)                                                                \
  CASE(Tanh)                                                                   \
  CASE(Gelu)                                                                   \
  CASE(GeluTanh)                                                               \
  CASE(HardSwish)                                                              \
  CASE(LeakyRelu)

/// activateSpanResidual with the activation chosen at run time.
inline void activateSpanResidualDyn(Activation act, float *dst, int64_t n,
                                    float bias, const float *vbias, float alpha,
                                    const float *res) {
  switch (act) {
#define GEFLOW_CASE(A)                                                         \
  case Activation::A:                                                          \
    return activateSpanResidual<Activation::A>(dst, n, bias, vbias, res, alpha);
    GEFLOW_FOR_EACH_ACTIVATION(GEFLOW_CASE)
#undef GEFLOW_CASE
  }
}

/// addResidualSpan with the activation chosen at run time.
inline void addResidualSpanDyn(Activation act, float *dst, int64_t n,
                               const float *res, float alpha) {
  switch (act) {
#define GEFLOW_CASE(A)                                                         \
  case Activation::A:                                                          \
    return addResidualSpan<Activation::A>(dst, n, res, alpha);
    GEFLOW_FOR_EACH_ACTIVATION(GEFLOW_CASE)
#undef GEFLOW_CASE
  }
}

/// activateSpan with the activation chosen at run time.
inline void activateSpanDyn(Activation act, float *dst, int64_t n, float bias,
                            const float *vbias, float alpha) {
  switch (act) {
#define GEFLOW_CASE(A)                                                         \
  case Activation::A:                                                          \
    return activateSpan<Activation::A>(dst, n, bias, vbias, alpha);
    GEFLOW_FOR_EACH_ACTIVATION(GEFLOW_CASE)
#undef GEFLOW_CASE
  }
}

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#undef GEFLOW_FOR_EACH_ACTIVATION

#endif // GEFLOW_KERNELS_CUBE_GEMM_ACTIVATION_H
