//===- elementwise_test.cpp - Single-op elementwise kernels ---------------===//
//
// Unary, binary and comparison kernels against a double-precision reference
// over shapes with odd sizes, size-1 dims, scalars, row/column and
// per-channel broadcasting; every ISA and tiling (vec_test_util.h).
// Tolerances (|got - ref| <= atol + rtol |ref|, ref in double):
//   exact ops (add sub mul div max min neg abs relu relu6 leaky_relu clip
//   sqrt reciprocal hardsigmoid, comparisons)     rtol 2^-24, atol 0
//   rsqrt, hardswish                              rtol 3e-7, atol 1e-7
//   exp log tanh sigmoid erf                      rtol 4e-7 (<= 3 ulp)
//   gelu gelu_tanh                                rtol 2e-6, atol 5e-8
//   pow                                           rtol 2e-6
//   f16 / bf16 storage: the f32 tolerance plus half an ulp of the storage
//   type (2^-11 / 2^-8 relative).
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/Half.h"
#include "vector/vec_test_util.h"

#include <cmath>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

namespace {

using Shape = std::vector<int64_t>;

struct UnaryCase {
  const char *name;
  double (*ref)(double);
  float lo, hi;
  double rtol, atol;
};

double relu6(double x) { return std::min(std::max(x, 0.0), 6.0); }
double sigmoidRef(double x) { return 1 / (1 + std::exp(-x)); }
double geluRef(double x) { return 0.5 * x * std::erfc(-x / std::sqrt(2.0)); }
double geluTanhRef(double x) {
  return 0.5 * x *
         (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
}
double hardswish(double x) { return x * relu6(x + 3) / 6; }

const double kExact = 1.0 / (1 << 24);

const UnaryCase kUnary[] = {
    {"copy", [](double x) { return x; }, -5, 5, 0, 0},
    {"neg", [](double x) { return -x; }, -5, 5, 0, 0},
    {"abs", [](double x) { return std::fabs(x); }, -5, 5, 0, 0},
    {"relu", [](double x) { return std::max(x, 0.0); }, -5, 5, 0, 0},
    {"relu6", relu6, -8, 8, 0, 0},
    {"sigmoid", sigmoidRef, -20, 20, 4e-7, 0},
    {"tanh", [](double x) { return std::tanh(x); }, -6, 6, 4e-7, 0},
    {"gelu", geluRef, -6, 6, 2e-6, 5e-8},
    {"gelu_tanh", geluTanhRef, -6, 6, 2e-6, 5e-8},
    {"hardswish", hardswish, -5, 5, 3e-7, 1e-7},
    {"exp", [](double x) { return std::exp(x); }, -80, 80, 4e-7, 0},
    {"log", [](double x) { return std::log(x); }, 1e-6f, 1e6f, 4e-7, 0},
    {"sqrt", [](double x) { return std::sqrt(x); }, 0, 100, kExact, 0},
    {"rsqrt", [](double x) { return 1 / std::sqrt(x); }, 1e-3f, 100, 3e-7, 0},
    {"reciprocal", [](double x) { return 1 / x; }, 0.1f, 10, kExact, 0},
    {"erf", [](double x) { return std::erf(x); }, -4, 4, 4e-7, 0},
    {"floor", [](double x) { return std::floor(x); }, -50, 50, 0, 0},
    {"ceil", [](double x) { return std::ceil(x); }, -50, 50, 0, 0},
    {"round", [](double x) { return std::nearbyint(x); }, -50, 50, 0, 0},
    {"sin", [](double x) { return std::sin(x); }, -20, 20, 3e-7, 1e-7},
    {"cos", [](double x) { return std::cos(x); }, -20, 20, 3e-7, 1e-7},
    {"tan", [](double x) { return std::tan(x); }, -1.5, 1.5, 5e-7, 1e-7},
    {"asin", [](double x) { return std::asin(x); }, -1, 1, 3e-7, 0},
    {"acos", [](double x) { return std::acos(x); }, -1, 1, 3e-7, 0},
    {"atan", [](double x) { return std::atan(x); }, -50, 50, 3e-7, 0},
    {"sinh", [](double x) { return std::sinh(x); }, -20, 20, 4e-7, 0},
    {"cosh", [](double x) { return std::cosh(x); }, -20, 20, 4e-7, 0},
    {"asinh", [](double x) { return std::asinh(x); }, -50, 50, 4e-7, 0},
    {"acosh", [](double x) { return std::acosh(x); }, 1, 50, 4e-7, 0},
    {"atanh", [](double x) { return std::atanh(x); }, -0.99f, 0.99f, 4e-7, 0},
};

/// Shapes for unary ops: odd sizes, size-1 dims, rank 0, non-multiples of
/// every vector width, a size that splits into many tiles.
const std::vector<Shape> kUnaryShapes = {
    {}, {1}, {7}, {16}, {17}, {3, 1, 5}, {2, 33, 9}, {1, 1}, {4099}, {3, 5000}};

std::vector<float> inputFor(const UnaryCase &c, int64_t n, uint32_t seed) {
  return randomFloats(static_cast<size_t>(n), seed, c.lo, c.hi);
}

} // namespace

TEST(VecElementwise, UnaryOpsAllShapesIsasTilings) {
  for (const UnaryCase &c : kUnary) {
    for (const Shape &shape : kUnaryShapes) {
      int64_t n = geflow::rt::numElements(shape);
      std::vector<float> x = inputFor(c, n, uint32_t(n) + 1);
      std::vector<double> ref(x.size());
      for (size_t i = 0; i < x.size(); ++i)
        ref[i] = c.ref(x[i]);
      TilingContext ctx;
      ctx.inputs = {f32(shape)};
      ctx.outputs = {f32(shape)};
      forEachTiling(c.name, ctx,
                    [&](const TilingContext &tc, Isa isa,
                        const TilingResult *forced, const std::string &where) {
                      std::vector<float> y(x.size(), -12345.f);
                      Status st = runKernel(c.name, tc, {x.data()}, {y.data()},
                                            isa, forced);
                      ASSERT_TRUE(st.ok()) << st.toString();
                      EXPECT_TRUE(allClose(y, ref, c.rtol, c.atol))
                          << c.name << " " << shapeName(shape) << " " << where;
                    });
    }
  }
}

TEST(VecElementwise, ParameterizedUnaryOps) {
  Shape shape = {5, 37};
  std::vector<float> x = randomFloats(185, 3, -8, 8);
  struct P {
    const char *name;
    std::vector<std::pair<std::string, double>> attrs;
    std::function<double(double)> ref;
  };
  std::vector<P> cases = {
      {"leaky_relu",
       {{"alpha", 0.1}},
       [](double v) { return v >= 0 ? v : double(0.1f) * v; }},
      {"leaky_relu",
       {},
       [](double v) { return v >= 0 ? v : double(0.01f) * v; }},
      {"hardsigmoid",
       {},
       [](double v) { return std::clamp(double(0.2f) * v + 0.5, 0.0, 1.0); }},
      {"hardsigmoid",
       {{"alpha", 1.0 / 6}, {"beta", 0.5}},
       [](double v) {
         return std::clamp(double(float(1.0 / 6)) * v + 0.5, 0.0, 1.0);
       }},
      {"clip",
       {{"min", -1.5}, {"max", 2.0}},
       [](double v) { return std::clamp(v, -1.5, 2.0); }},
      {"clip", {{"max", 0.25}}, [](double v) { return std::min(v, 0.25); }},
  };
  for (const P &p : cases) {
    TilingContext ctx;
    ctx.inputs = {f32(shape)};
    ctx.outputs = {f32(shape)};
    for (auto &[k, v] : p.attrs)
      ctx.attrs.set(k, v);
    std::vector<double> ref(x.size());
    for (size_t i = 0; i < x.size(); ++i)
      ref[i] = p.ref(x[i]);
    forEachTiling(
        p.name, ctx,
        [&](const TilingContext &tc, Isa isa, const TilingResult *forced,
            const std::string &w) {
          std::vector<float> y(x.size());
          ASSERT_TRUE(
              runKernel(p.name, tc, {x.data()}, {y.data()}, isa, forced).ok());
          EXPECT_TRUE(allClose(y, ref, 3e-7, 1e-7)) << p.name << " " << w;
        });
  }
}

namespace {

struct BinaryCase {
  const char *name;
  std::function<double(double, double)> ref;
  bool compare;
  double rtol;
};

const std::vector<BinaryCase> &binaryCases() {
  static const std::vector<BinaryCase> cases = {
      {"add", [](double a, double b) { return double(float(a + b)); }, false,
       kExact},
      {"sub", [](double a, double b) { return double(float(a - b)); }, false,
       kExact},
      {"mul", [](double a, double b) { return a * b; }, false, kExact},
      {"div", [](double a, double b) { return a / b; }, false, kExact},
      {"max", [](double a, double b) { return std::max(a, b); }, false, 0},
      {"min", [](double a, double b) { return std::min(a, b); }, false, 0},
      {"pow", [](double a, double b) { return std::pow(std::fabs(a), b); },
       false, 2e-6},
      // Remainders are exact (both signs of dividend and divisor occur).
      {"mod", [](double a, double b) { return std::fmod(a, b); }, false, 0},
      {"floor_mod",
       [](double a, double b) { return a - std::floor(a / b) * b; }, false,
       kExact},
      {"equal", [](double a, double b) { return double(a == b); }, true, 0},
      {"not_equal", [](double a, double b) { return double(a != b); }, true, 0},
      {"less", [](double a, double b) { return double(a < b); }, true, 0},
      {"less_equal", [](double a, double b) { return double(a <= b); }, true,
       0},
      {"greater", [](double a, double b) { return double(a > b); }, true, 0},
      {"greater_equal", [](double a, double b) { return double(a >= b); }, true,
       0},
  };
  return cases;
}

/// Broadcast pairs: same shape, scalar either side, row and column
/// broadcast, per-channel NCHW bias, both sides broadcast, size-1 dims.
const std::vector<std::pair<Shape, Shape>> kBinaryShapes = {
    {{37}, {37}},
    {{2, 3, 17}, {2, 3, 17}},
    {{5, 19}, {}},
    {{1}, {4, 23}},
    {{6, 21}, {21}},
    {{6, 21}, {6, 1}},
    {{2, 5, 7, 3}, {5, 1, 1}},
    {{2, 16, 9, 9}, {1, 16, 1, 1}},
    {{3, 1, 10}, {1, 4, 1}},
    {{1, 1, 1}, {1}},
    {{4, 1}, {1, 300}},
    {{3, 2000}, {3, 2000}},
};

} // namespace

TEST(VecElementwise, BinaryAndCompareWithBroadcasting) {
  for (const BinaryCase &c : binaryCases()) {
    for (const auto &[sa, sb] : kBinaryShapes) {
      Shape out = broadcastShape(sa, sb);
      int64_t na = geflow::rt::numElements(sa),
              nb = geflow::rt::numElements(sb),
              no = geflow::rt::numElements(out);
      bool isPow = std::string(c.name) == "pow";
      std::vector<float> a = randomFloats(size_t(na), 11, isPow ? 0.1f : -4, 4);
      std::vector<float> b = randomFloats(size_t(nb), 12, isPow ? -3 : -4, 4);
      if (c.compare) // make equality happen
        for (size_t i = 0; i < a.size(); i += 3)
          a[i] = b[i % b.size()];
      if (std::string(c.name) == "div" || std::string(c.name) == "mod" ||
          std::string(c.name) == "floor_mod")
        for (float &v : b)
          v = std::fabs(v) < 0.05f ? 0.5f : v;
      std::vector<double> ref(static_cast<size_t>(no));
      for (int64_t f = 0; f < no; ++f) {
        auto idx = unflatten(f, out);
        ref[size_t(f)] = c.ref(a[size_t(broadcastIndex(idx, sa, out))],
                               b[size_t(broadcastIndex(idx, sb, out))]);
      }
      TilingContext ctx;
      ctx.inputs = {f32(sa), f32(sb)};
      ctx.outputs = {desc(c.compare ? DType::Bool : DType::F32, out)};
      forEachTiling(c.name, ctx,
                    [&](const TilingContext &tc, Isa isa,
                        const TilingResult *forced, const std::string &w) {
                      std::vector<float> y(static_cast<size_t>(no), -7.f);
                      std::vector<uint8_t> yb(static_cast<size_t>(no), 7);
                      void *dst =
                          c.compare ? static_cast<void *>(yb.data()) : y.data();
                      Status st = runKernel(c.name, tc, {a.data(), b.data()},
                                            {dst}, isa, forced);
                      ASSERT_TRUE(st.ok()) << st.toString();
                      if (c.compare)
                        for (size_t i = 0; i < yb.size(); ++i)
                          y[i] = yb[i] == 1 ? 1.f : (yb[i] == 0 ? 0.f : -1.f);
                      EXPECT_TRUE(allClose(y, ref, c.rtol, 0))
                          << c.name << " " << shapeName(sa) << " "
                          << shapeName(sb) << " " << w;
                    });
    }
  }
}

TEST(VecElementwise, HalfAndBf16Storage) {
  for (DType dt : {DType::F16, DType::BF16}) {
    bool half = dt == DType::F16;
    auto toStore = [&](float v) {
      return half ? geflow::rt::floatToHalf(v) : geflow::rt::floatToBf16(v);
    };
    auto fromStore = [&](uint16_t v) {
      return half ? geflow::rt::halfToFloat(v) : geflow::rt::bf16ToFloat(v);
    };
    double rtol = half ? 1.0 / 2048 : 1.0 / 256;
    Shape sa = {3, 7, 19}, sb = {7, 1};
    std::vector<float> af = randomFloats(399, 1, -3, 3),
                       bf = randomFloats(7, 2, -3, 3);
    std::vector<uint16_t> a(af.size()), b(bf.size());
    for (size_t i = 0; i < a.size(); ++i)
      a[i] = toStore(af[i]);
    for (size_t i = 0; i < b.size(); ++i)
      b[i] = toStore(bf[i]);
    for (const char *name : {"add", "mul", "sigmoid"}) {
      bool unary = std::string(name) == "sigmoid";
      TilingContext ctx;
      ctx.inputs = {desc(dt, sa)};
      if (!unary)
        ctx.inputs.push_back(desc(dt, sb));
      ctx.outputs = {desc(dt, sa)};
      std::vector<double> ref(a.size());
      for (int64_t f = 0; f < 399; ++f) {
        double x = fromStore(a[size_t(f)]);
        double y =
            fromStore(b[size_t(broadcastIndex(unflatten(f, sa), sb, sa))]);
        ref[size_t(f)] = unary ? sigmoidRef(x)
                               : (std::string(name) == "add" ? x + y : x * y);
      }
      std::vector<const void *> ins = {a.data()};
      if (!unary)
        ins.push_back(b.data());
      forEachTiling(
          name, ctx,
          [&](const TilingContext &tc, Isa isa, const TilingResult *forced,
              const std::string &w) {
            std::vector<uint16_t> y(a.size());
            ASSERT_TRUE(runKernel(name, tc, ins, {y.data()}, isa, forced).ok());
            std::vector<float> yf(y.size());
            for (size_t i = 0; i < y.size(); ++i)
              yf[i] = fromStore(y[i]);
            EXPECT_TRUE(allClose(yf, ref, rtol, 1e-6))
                << name << " " << geflow::rt::dtypeName(dt) << " " << w;
          });
    }
  }
}

TEST(VecElementwise, IntegerArithmeticAndCompare) {
  Shape sa = {3, 1, 5}, sb = {4, 1};
  Shape out = {3, 4, 5};
  std::vector<int64_t> a64 = {INT64_MAX, -7, 7,    0, -1, 5, 9, -9,
                              100,       3,  -100, 1, 2,  3, 4};
  std::vector<int64_t> b64 = {2, -2, 3, -1};
  std::vector<int32_t> a32(a64.begin(), a64.end()), b32(b64.begin(), b64.end());
  a32[0] = INT32_MIN;
  struct I {
    const char *name;
    std::function<int64_t(int64_t, int64_t)> ref;
    bool cmp;
  };
  const I cases[] = {
      {"add",
       [](int64_t p, int64_t q) { return int64_t(uint64_t(p) + uint64_t(q)); },
       false},
      {"sub",
       [](int64_t p, int64_t q) { return int64_t(uint64_t(p) - uint64_t(q)); },
       false},
      {"mul",
       [](int64_t p, int64_t q) { return int64_t(uint64_t(p) * uint64_t(q)); },
       false},
      {"div",
       [](int64_t p, int64_t q) {
         return q == -1 ? int64_t(0 - uint64_t(p)) : p / q;
       },
       false},
      {"max", [](int64_t p, int64_t q) { return std::max(p, q); }, false},
      {"min", [](int64_t p, int64_t q) { return std::min(p, q); }, false},
      {"less", [](int64_t p, int64_t q) { return int64_t(p < q); }, true},
      {"equal", [](int64_t p, int64_t q) { return int64_t(p == q); }, true},
  };
  for (const I &c : cases) {
    for (DType dt : {DType::I32, DType::I64}) {
      TilingContext ctx;
      ctx.inputs = {desc(dt, sa), desc(dt, sb)};
      ctx.outputs = {desc(c.cmp ? DType::Bool : dt, out)};
      std::vector<int64_t> y64(60);
      std::vector<int32_t> y32(60);
      std::vector<uint8_t> yb(60);
      bool is64 = dt == DType::I64;
      void *dst = c.cmp ? static_cast<void *>(yb.data())
                        : (is64 ? static_cast<void *>(y64.data()) : y32.data());
      const void *pa =
          is64 ? static_cast<const void *>(a64.data()) : a32.data();
      const void *pb =
          is64 ? static_cast<const void *>(b64.data()) : b32.data();
      Status st = runKernel(c.name, ctx, {pa, pb}, {dst});
      ASSERT_TRUE(st.ok()) << c.name << ": " << st.toString();
      for (int64_t f = 0; f < 60; ++f) {
        auto idx = unflatten(f, out);
        size_t ia = size_t(broadcastIndex(idx, sa, out));
        size_t ib = size_t(broadcastIndex(idx, sb, out));
        int64_t p = is64 ? a64[ia] : a32[ia], q = is64 ? b64[ib] : b32[ib];
        int64_t want = c.ref(p, q);
        int64_t got =
            c.cmp ? yb[size_t(f)] : (is64 ? y64[size_t(f)] : y32[size_t(f)]);
        if (!is64 && !c.cmp)
          want = int32_t(uint32_t(uint64_t(want)));
        ASSERT_EQ(got, want) << c.name << " " << p << ", " << q << " "
                             << geflow::rt::dtypeName(dt);
      }
    }
  }
  // A zero divisor fails the task instead of trapping.
  TilingContext ctx;
  ctx.inputs = {desc(DType::I32, {2}), desc(DType::I32, {2})};
  ctx.outputs = {desc(DType::I32, {2})};
  int32_t p[2] = {1, 2}, q[2] = {1, 0}, y[2];
  Status st = runKernel("div", ctx, {p, q}, {y});
  EXPECT_EQ(st.code(), geflow::rt::ErrorCode::kTaskFailed);
  EXPECT_EQ(st.message(), "div failed with code 3: integer division by zero "
                          "has no result (2 / 0)");
}

// int8/uint8 wrap at their own width, pow is exact and wrapping (negative
// exponents truncate), and bools compare as 0/1.
template <typename T>
void checkSmallInts(DType dt, const std::vector<T> &a,
                    const std::vector<T> &b) {
  Shape sa = {int64_t(a.size()), 1}, sb = {int64_t(b.size())};
  Shape out = {int64_t(a.size()), int64_t(b.size())};
  struct I {
    const char *name;
    std::function<int64_t(int64_t, int64_t)> ref;
    bool cmp;
  };
  auto ipow = [](int64_t p, int64_t q) -> int64_t {
    if (q < 0)
      return p == 1 ? 1 : p == -1 ? (q % 2 ? -1 : 1) : 0;
    int64_t r = 1;
    for (int64_t i = 0; i < q; ++i)
      r = int64_t(uint64_t(r) * uint64_t(p));
    return r;
  };
  const I cases[] = {
      {"add", [](int64_t p, int64_t q) { return p + q; }, false},
      {"sub", [](int64_t p, int64_t q) { return p - q; }, false},
      {"mul", [](int64_t p, int64_t q) { return p * q; }, false},
      {"div", [](int64_t p, int64_t q) { return q == 0 ? 0 : p / q; }, false},
      {"max", [](int64_t p, int64_t q) { return std::max(p, q); }, false},
      {"min", [](int64_t p, int64_t q) { return std::min(p, q); }, false},
      {"pow", ipow, false},
      {"mod", [](int64_t p, int64_t q) { return q == -1 ? 0 : p % q; }, false},
      {"floor_mod",
       [](int64_t p, int64_t q) {
         int64_t r = q == -1 ? 0 : p % q;
         return r != 0 && ((r < 0) != (q < 0)) ? r + q : r;
       },
       false},
      {"greater_equal", [](int64_t p, int64_t q) { return int64_t(p >= q); },
       true},
      {"not_equal", [](int64_t p, int64_t q) { return int64_t(p != q); }, true},
  };
  for (const I &c : cases) {
    if (dt == DType::Bool && !c.cmp)
      continue;
    TilingContext ctx;
    ctx.inputs = {desc(dt, sa), desc(dt, sb)};
    ctx.outputs = {desc(c.cmp ? DType::Bool : dt, out)};
    std::vector<T> y(size_t(geflow::rt::numElements(out)));
    // No zero divisors, and no 0 to a negative power (both fail the task).
    std::vector<T> aa = a, bb = b;
    std::string name = c.name;
    if (name == "div" || name == "pow" || name == "mod" || name == "floor_mod")
      for (T &v : name == "pow" ? aa : bb)
        if (v == 0)
          v = T(3);
    std::vector<uint8_t> yb(y.size()); // comparisons write bools
    Status st = runKernel(c.name, ctx, {aa.data(), bb.data()},
                          {c.cmp ? static_cast<void *>(yb.data()) : y.data()});
    ASSERT_TRUE(st.ok()) << c.name << ": " << st.toString();
    for (size_t i = 0; i < a.size(); ++i)
      for (size_t j = 0; j < b.size(); ++j) {
        int64_t want = c.ref(int64_t(aa[i]), int64_t(bb[j]));
        if (!c.cmp)
          want = int64_t(T(want)); // wraps at T's width
        size_t f = i * b.size() + j;
        ASSERT_EQ(c.cmp ? int64_t(yb[f]) : int64_t(y[f]), want)
            << c.name << " " << int64_t(aa[i]) << ", " << int64_t(bb[j]) << " "
            << geflow::rt::dtypeName(dt);
      }
  }
}

TEST(VecElementwise, SmallIntegersPowAndBools) {
  checkSmallInts<int8_t>(DType::I8, {-128, -7, -1, 0, 1, 5, 100, 127},
                         {-1, -3, 2, 7, 0});
  checkSmallInts<uint8_t>(DType::U8, {0, 1, 7, 128, 200, 255},
                          {1, 2, 3, 0, 250});
  checkSmallInts<int64_t>(DType::I64, {-3, -1, 0, 1, 2, 7}, {-2, 0, 1, 3, 63});
  checkSmallInts<int32_t>(DType::I32, {-3, -1, 0, 1, 2, 7}, {-1, 0, 2, 31});
  checkSmallInts<uint8_t>(DType::Bool, {0, 1}, {1, 0});
  // 0 to a negative power fails the task, like a zero divisor.
  TilingContext ctx;
  ctx.inputs = {desc(DType::I32, {2}), desc(DType::I32, {2})};
  ctx.outputs = {desc(DType::I32, {2})};
  int32_t p[2] = {2, 0}, q[2] = {-1, -1}, y[2];
  Status st = runKernel("pow", ctx, {p, q}, {y});
  EXPECT_EQ(st.code(), geflow::rt::ErrorCode::kTaskFailed);
  EXPECT_EQ(st.message(), "pow failed with code 3: integer 0 to a negative "
                          "power has no result (0 ** -1)");
  // Bools are only compared.
  TilingContext bools;
  bools.inputs = {desc(DType::Bool, {2}), desc(DType::Bool, {2})};
  bools.outputs = {desc(DType::Bool, {2})};
  TilingResult r;
  st = KernelRegistry::global().find("add")->tiling(bools, &r);
  EXPECT_NE(st.message().find("bool inputs are only compared"),
            std::string::npos)
      << st.message();
}

TEST(VecElementwise, ClearErrors) {
  auto tileErr = [](const std::string &name, TilingContext ctx) {
    TilingResult r;
    Status st = KernelRegistry::global().find(name)->tiling(ctx, &r);
    return st.ok() ? std::string("ok") : st.message();
  };
  TilingContext ctx;
  ctx.inputs = {f32({2, 3}), f32({4, 3})};
  ctx.outputs = {f32({2, 3})};
  EXPECT_NE(tileErr("add", ctx).find("does not broadcast"), std::string::npos)
      << tileErr("add", ctx);
  ctx.inputs = {f32({2, 3}), f32({3})};
  ctx.outputs = {f32({3, 3})};
  EXPECT_NE(tileErr("mul", ctx).find("differs from the broadcast shape"),
            std::string::npos);
  ctx.outputs = {f32({2, 3})};
  ctx.inputs[1].dtype = DType::F16;
  EXPECT_NE(tileErr("sub", ctx).find("input 1 dtype float16 differs"),
            std::string::npos);
  ctx.inputs = {f32({2})};
  ctx.outputs = {desc(DType::F32, {2})};
  EXPECT_NE(tileErr("less", {}).find("expects 2 input(s)"), std::string::npos);
  TilingContext cmp;
  cmp.inputs = {f32({2}), f32({2})};
  cmp.outputs = {f32({2})};
  EXPECT_NE(tileErr("less", cmp).find("output dtype float32, expected bool"),
            std::string::npos);
  TilingContext clip;
  clip.inputs = {f32({2})};
  clip.outputs = {f32({2})};
  clip.attrs.set("min", 2.0);
  clip.attrs.set("max", 1.0);
  EXPECT_NE(tileErr("clip", clip).find("greater than max"), std::string::npos);
  TilingContext ints;
  ints.inputs = {desc(DType::I32, {2})};
  ints.outputs = {desc(DType::I32, {2})};
  EXPECT_NE(tileErr("relu", ints).find("int32 is not supported"),
            std::string::npos);
}
