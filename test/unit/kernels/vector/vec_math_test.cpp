//===- vec_math_test.cpp - Accuracy of the vector math and conversions ----===//
//
// Measures the error of every transcendental of the vector unit against
// double-precision libm, on every ISA implementation, and checks the bounds
// vec_math.h states. Also checks special values and the fp16/bf16
// conversions (exhaustively for 16-bit inputs).
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/Half.h"
#include "kernels/vector/vec_ops.h"
#include "vector/vec_test_util.h"

#include <cmath>
#include <limits>
#include <random>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::kernels::vec::VecOps;

namespace {

/// Equal for infinities, within rel * |expected| otherwise.
::testing::AssertionResult nearRel(float got, double expected, double rel) {
  if (std::isinf(expected)
          ? got == expected
          : std::fabs(got - expected) <= rel * std::fabs(expected))
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "got " << got << ", expected " << expected;
}

/// Error in units of the float ulp at the exact result.
double ulpError(float got, double exact) {
  if (std::isnan(exact))
    return std::isnan(got) ? 0 : 1e9;
  if (std::isinf(exact))
    return got == exact ? 0 : 1e9;
  double mag = std::max(std::fabs(exact),
                        double(std::numeric_limits<float>::denorm_min()));
  int e;
  std::frexp(mag, &e);
  // ulp of a float in [2^(e-1), 2^e), never below the denormal spacing.
  double ulp = std::ldexp(1.0, std::max(e - 24, -149));
  return std::fabs(double(got) - exact) / ulp;
}

std::vector<float> sampleRange(float lo, float hi, size_t n, uint32_t seed) {
  std::vector<float> x;
  for (size_t i = 0; i < n / 2; ++i) // a uniform grid
    x.push_back(lo + (hi - lo) * float(i) / float(n / 2));
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  while (x.size() < n)
    x.push_back(dist(gen));
  return x;
}

double gelu(double x) { return 0.5 * x * std::erfc(-x / std::sqrt(2.0)); }
double geluTanh(double x) {
  double u = std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x);
  return x / (1 + std::exp(-2 * u));
}
double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

/// Bound: |y - ref| <= maxUlp ulp(ref) + absTol.
struct Case {
  EwOp op;
  float lo, hi;
  double (*ref)(double);
  double maxUlp;
  double absTol = 0;
};

double expRef(double x) { return std::exp(x); }
double logRef(double x) { return std::log(x); }
double tanhRef(double x) { return std::tanh(x); }
double erfRef(double x) { return std::erf(x); }
double sinRef(double x) { return std::sin(x); }
double cosRef(double x) { return std::cos(x); }
double tanRef(double x) { return std::tan(x); }
double asinRef(double x) { return std::asin(x); }
double acosRef(double x) { return std::acos(x); }
double atanRef(double x) { return std::atan(x); }
double sinhRef(double x) { return std::sinh(x); }
double coshRef(double x) { return std::cosh(x); }
double asinhRef(double x) { return std::asinh(x); }
double acoshRef(double x) { return std::acosh(x); }
double atanhRef(double x) { return std::atanh(x); }
double floorRef(double x) { return std::floor(x); }
double ceilRef(double x) { return std::ceil(x); }
double roundRef(double x) { return std::nearbyint(x); } // half to even

} // namespace

TEST(VecMath, UlpErrorWithinStatedBounds) {
  const Case cases[] = {
      {EwOp::Exp, -103.f, 88.7f, expRef, 1},
      {EwOp::Exp, -1.f, 1.f, expRef, 1},
      {EwOp::Log, 1e-30f, 1e30f, logRef, 1},
      {EwOp::Log, 0.5f, 2.f, logRef, 1},
      {EwOp::Log, 1e-44f, 1e-38f, logRef, 1}, // denormal inputs
      {EwOp::Tanh, -10.f, 10.f, tanhRef, 2},
      {EwOp::Tanh, -0.7f, 0.7f, tanhRef, 2},
      {EwOp::Sigmoid, -80.f, 30.f, sigmoid, 3},
      {EwOp::Erf, -5.f, 5.f, erfRef, 2},
      {EwOp::Erf, -1.f, 1.f, erfRef, 2},
      {EwOp::Gelu, -1.3f, 12.f, gelu, 16},
      {EwOp::Gelu, -16.f, -1.3f, gelu, 16, 5e-8},
      {EwOp::GeluTanh, -12.f, 12.f, geluTanh, 32, 1e-9},
      {EwOp::GeluTanh, -3.f, 3.f, geluTanh, 16},
      {EwOp::Sin, -10.f, 10.f, sinRef, 2, 1e-7},
      {EwOp::Sin, -1e4f, 1e4f, sinRef, 2, 1e-7},
      {EwOp::Cos, -10.f, 10.f, cosRef, 2, 1e-7},
      {EwOp::Cos, -1e4f, 1e4f, cosRef, 2, 1e-7},
      {EwOp::Tan, -1.5f, 1.5f, tanRef, 4, 1e-7},
      {EwOp::Tan, -100.f, 100.f, tanRef, 4, 1e-7},
      {EwOp::Asin, -1.f, 1.f, asinRef, 3},
      {EwOp::Acos, -1.f, 1.f, acosRef, 3},
      {EwOp::Atan, -100.f, 100.f, atanRef, 3},
      {EwOp::Atan, -1.f, 1.f, atanRef, 3},
      {EwOp::Sinh, -89.f, 89.f, sinhRef, 3},
      {EwOp::Sinh, -1.5f, 1.5f, sinhRef, 3},
      {EwOp::Cosh, -89.f, 89.f, coshRef, 3},
      {EwOp::Asinh, -1e5f, 1e5f, asinhRef, 3},
      {EwOp::Asinh, -2.f, 2.f, asinhRef, 3},
      {EwOp::Acosh, 1.f, 1e5f, acoshRef, 3},
      {EwOp::Acosh, 1.f, 3.f, acoshRef, 3},
      {EwOp::Atanh, -0.9999f, 0.9999f, atanhRef, 3},
      {EwOp::Floor, -1e4f, 1e4f, floorRef, 0},
      {EwOp::Ceil, -1e4f, 1e4f, ceilRef, 0},
      {EwOp::Round, -1e4f, 1e4f, roundRef, 0},
      {EwOp::Round, -3e7f, 3e7f, roundRef, 0}, // beyond 2^23 all integral
  };
  for (Isa isa : isasToTest()) {
    const VecOps &ops = vec::vecOps(isa);
    for (const Case &c : cases) {
      std::vector<float> x = sampleRange(c.lo, c.hi, 200003, 7);
      std::vector<float> y(x.size());
      ops.unary(c.op, x.data(), y.data(), int64_t(x.size()), 0, 0);
      double worst = 0;
      float worstX = 0;
      for (size_t i = 0; i < x.size(); ++i) {
        double r = c.ref(double(x[i]));
        double e = ulpError(y[i], r);
        if (c.absTol > 0 && std::fabs(y[i] - r) <= c.absTol)
          e = 0;
        if (e > worst) {
          worst = e;
          worstX = x[i];
        }
      }
      EXPECT_LE(worst, c.maxUlp)
          << ewOpName(c.op) << " on " << isaName(isa) << " in [" << c.lo << ", "
          << c.hi << "]: worst at x = " << worstX;
    }
  }
}

TEST(VecMath, PowMatchesNumpySemantics) {
  struct P {
    float a, b;
    double expected;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const P cases[] = {{2, 10, 1024},   {-2, 3, -8},    {-2, 2, 4},
                     {-2, 0.5f, nan}, {0, 2, 0},      {0, -1, inf},
                     {5, 0, 1},       {1, nan, 1},    {nan, 0, 1},
                     {9, 0.5f, 3},    {10, -2, 0.01}, {-0.5f, -3, -8}};
  for (Isa isa : isasToTest()) {
    const VecOps &ops = vec::vecOps(isa);
    for (const P &p : cases) {
      float y;
      ops.binary(EwOp::Pow, &p.a, false, &p.b, false, &y, 1);
      if (std::isnan(p.expected))
        EXPECT_TRUE(std::isnan(y))
            << p.a << "^" << p.b << " on " << isaName(isa);
      else
        EXPECT_TRUE(nearRel(y, p.expected, 4e-7))
            << p.a << "^" << p.b << " on " << isaName(isa);
    }
    // Accuracy: 2 ulp + |b ln a| 2^-24 relative.
    std::vector<float> a = sampleRange(0.01f, 100.f, 20000, 3);
    std::vector<float> b = sampleRange(-4.f, 4.f, 20000, 4);
    std::vector<float> y(a.size());
    ops.binary(EwOp::Pow, a.data(), true, b.data(), true, y.data(),
               int64_t(a.size()));
    for (size_t i = 0; i < a.size(); ++i) {
      double e = std::pow(double(a[i]), double(b[i]));
      double bound = 2 + std::fabs(b[i] * std::log(double(a[i]))) * 2;
      ASSERT_LE(ulpError(y[i], e), bound) << a[i] << "^" << b[i];
    }
  }
}

TEST(VecMath, SpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float x[] = {nan, inf, -inf, 0.f, -0.f, 89.f, -200.f, 1e-45f};
  struct Expect {
    EwOp op;
    float y[8];
  };
  const Expect expects[] = {
      {EwOp::Exp, {nan, inf, 0, 1, 1, inf, 0, 1}},
      {EwOp::Log,
       {nan, inf, nan, -inf, -inf, std::log(89.f), nan, std::log(1e-45f)}},
      {EwOp::Tanh, {nan, 1, -1, 0, -0.f, 1, -1, 1e-45f}},
      {EwOp::Sigmoid, {nan, 1, 0, 0.5f, 0.5f, 1, 0, 0.5f}},
      {EwOp::Erf, {nan, 1, -1, 0, -0.f, 1, -1, 0}},
      {EwOp::Relu, {nan, inf, 0, 0, 0, 89, 0, 1e-45f}},
      {EwOp::Gelu, {nan, inf, 0, 0, 0, 89, 0, 0}},
      {EwOp::Floor, {nan, inf, -inf, 0, 0, 89, -200, 0}},
      {EwOp::Ceil, {nan, inf, -inf, 0, 0, 89, -200, 1}},
      {EwOp::Round, {nan, inf, -inf, 0, 0, 89, -200, 0}},
      {EwOp::Sin,
       {nan, nan, nan, 0, -0.f, std::sin(89.f), std::sin(-200.f), 1e-45f}},
      {EwOp::Atan,
       {nan, 1.5707964f, -1.5707964f, 0, -0.f, std::atan(89.f),
        std::atan(-200.f), 1e-45f}},
      {EwOp::Asin, {nan, nan, nan, 0, -0.f, nan, nan, 1e-45f}},
      {EwOp::Sinh, {nan, inf, -inf, 0, -0.f, std::sinh(89.f), -inf, 1e-45f}},
      {EwOp::Cosh, {nan, inf, inf, 1, 1, std::cosh(89.f), inf, 1}},
      {EwOp::Asinh,
       {nan, inf, -inf, 0, -0.f, std::asinh(89.f), std::asinh(-200.f), 1e-45f}},
      {EwOp::Acosh, {nan, inf, nan, nan, nan, std::acosh(89.f), nan, nan}},
      {EwOp::Atanh, {nan, nan, nan, 0, -0.f, nan, nan, 1e-45f}},
  };
  for (Isa isa : isasToTest()) {
    const VecOps &ops = vec::vecOps(isa);
    for (const Expect &e : expects) {
      float y[8];
      ops.unary(e.op, x, y, 8, 0, 0);
      for (int i = 0; i < 8; ++i) {
        if (std::isnan(e.y[i]))
          EXPECT_TRUE(std::isnan(y[i])) << ewOpName(e.op) << "(" << x[i] << ")";
        else if (e.op == EwOp::Erf && i == 7)
          EXPECT_NEAR(y[i], 1.1283791f * 1e-45f, 2e-45f);
        else
          EXPECT_TRUE(nearRel(y[i], e.y[i], 1e-6))
              << ewOpName(e.op) << "(" << x[i] << ") on " << isaName(isa);
      }
    }
    // max/min propagate NaN from either side, like numpy.maximum.
    float a[2] = {nan, 1.f}, b[2] = {1.f, nan}, y[2];
    ops.binary(EwOp::Max, a, true, b, true, y, 2);
    EXPECT_TRUE(std::isnan(y[0]) && std::isnan(y[1])) << isaName(isa);
    ops.binary(EwOp::Min, a, true, b, true, y, 2);
    EXPECT_TRUE(std::isnan(y[0]) && std::isnan(y[1])) << isaName(isa);
    EXPECT_TRUE(std::isnan(ops.max(a, 2)));
  }
}

TEST(VecMath, HalfConversionsAreExactAndMatchF16c) {
  // Every fp16 / bf16 value converts to float exactly and back unchanged.
  std::vector<uint16_t> all(65536);
  for (uint32_t i = 0; i < 65536; ++i)
    all[i] = uint16_t(i);
  std::vector<float> f(65536);
  std::vector<uint16_t> back(65536);
  for (Isa isa : isasToTest()) {
    const VecOps &ops = vec::vecOps(isa);
    ops.f16ToF32(all.data(), f.data(), 65536);
    ops.f32ToF16(f.data(), back.data(), 65536);
    for (uint32_t i = 0; i < 65536; ++i) {
      float ref = geflow::rt::halfToFloat(uint16_t(i));
      if (std::isnan(ref)) {
        ASSERT_TRUE(std::isnan(f[i])) << i;
        ASSERT_EQ(back[i] & 0x7c00, 0x7c00);
        continue;
      }
      ASSERT_EQ(geflow::rt::floatBits(f[i]), geflow::rt::floatBits(ref))
          << i << " " << isaName(isa);
      ASSERT_EQ(back[i], i) << isaName(isa);
    }
    ops.bf16ToF32(all.data(), f.data(), 65536);
    ops.f32ToBf16(f.data(), back.data(), 65536);
    for (uint32_t i = 0; i < 65536; ++i) {
      if (std::isnan(f[i]))
        continue;
      ASSERT_EQ(geflow::rt::floatBits(f[i]), i << 16);
      ASSERT_EQ(back[i], i) << isaName(isa);
    }
  }
  // float -> half / bf16 rounding (nearest even, overflow, denormals):
  // every ISA agrees with the scalar reference bit for bit.
  std::vector<float> x;
  std::mt19937 gen(11);
  std::uniform_int_distribution<uint32_t> bits;
  for (int i = 0; i < 200000; ++i) {
    float v = geflow::rt::bitsFloat(bits(gen));
    if (!std::isnan(v))
      x.push_back(v);
  }
  for (float v : {65504.f, 65519.f, 65520.f, 1e-8f, 2.98e-8f, 5.96e-8f, 6.1e-5f,
                  3.3895e38f, -0.f})
    x.push_back(v);
  std::vector<uint16_t> h(x.size()), b(x.size());
  for (Isa isa : isasToTest()) {
    const VecOps &ops = vec::vecOps(isa);
    ops.f32ToF16(x.data(), h.data(), int64_t(x.size()));
    ops.f32ToBf16(x.data(), b.data(), int64_t(x.size()));
    for (size_t i = 0; i < x.size(); ++i) {
      ASSERT_EQ(h[i], geflow::rt::floatToHalf(x[i]))
          << x[i] << " " << isaName(isa);
      ASSERT_EQ(b[i], geflow::rt::floatToBf16(x[i]))
          << x[i] << " " << isaName(isa);
    }
  }
  EXPECT_EQ(geflow::rt::floatToHalf(65520.f), 0x7c00); // rounds to inf
  EXPECT_EQ(geflow::rt::floatToHalf(65519.f), 0x7bff);
  EXPECT_EQ(geflow::rt::floatToHalf(2.9802322e-8f),
            0x0000); // 2^-25: tie to even
  EXPECT_EQ(geflow::rt::floatToHalf(2.9802326e-8f), 0x0001);
  EXPECT_EQ(geflow::rt::floatToBf16(1.00390625f), 0x3f80); // tie to even
  EXPECT_EQ(geflow::rt::floatToBf16(1.01171875f), 0x3f82);
}

TEST(VecMath, RowPrimitivesMatchReference) {
  for (Isa isa : isasToTest()) {
    const VecOps &ops = vec::vecOps(isa);
    for (int64_t n : {1, 3, 15, 16, 17, 33, 100, 1000}) {
      std::vector<float> x = randomFloats(size_t(n), uint32_t(n), -3, 3);
      double sum = 0, mx = -1e30, ssd = 0, es = 0;
      for (float v : x) {
        sum += v;
        mx = std::max(mx, double(v));
      }
      double mean = sum / double(n);
      for (float v : x) {
        ssd += (v - float(mean)) * double(v - float(mean));
        es += std::exp(double(v) - 1.0);
      }
      EXPECT_NEAR(ops.sum(x.data(), n), sum, 1e-5 * double(n)) << n;
      EXPECT_EQ(ops.max(x.data(), n), float(mx)) << n;
      float sd, sq;
      ops.centeredMoments(x.data(), n, float(mean), &sd, &sq);
      EXPECT_NEAR(sd, 0, 1e-5 * double(n));
      EXPECT_NEAR(sq, ssd, 1e-5 * ssd + 1e-6);
      std::vector<float> y(static_cast<size_t>(n));
      EXPECT_NEAR(ops.expShiftSum(x.data(), y.data(), n, 1.f), es, 1e-5 * es);
      for (int64_t i = 0; i < n; ++i)
        ASSERT_NEAR(y[size_t(i)], std::exp(double(x[size_t(i)]) - 1),
                    3e-7 * y[size_t(i)]);
      EXPECT_NEAR(ops.expShiftSum(x.data(), nullptr, n, 1.f), es, 1e-5 * es);
    }
  }
}
