//===- VecCastTransDataTest.cpp - cast, trans_data, fill, range -----------===//
//
// cast: all 64 dtype pairs on special values (ties, overflow, NaN, inf,
// denormals, out-of-range integers) and random data, against an
// independent reference of the documented semantics; exact.
// trans_data: NCHW <-> NC1HWC0 and ND <-> FRACTAL_NZ against index
// formulas, including zero padding; exact.
//
//===----------------------------------------------------------------------===//
#include "VecTestUtil.h"
#include "geflow/runtime/Half.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::rt::DType;

namespace {

using Shape = std::vector<int64_t>;
const DType kAll[] = {DType::F32, DType::F16, DType::BF16, DType::I8,
                      DType::U8,  DType::I32, DType::I64,  DType::Bool};

bool isFloatT(DType t) {
  return t == DType::F32 || t == DType::F16 || t == DType::BF16;
}

/// A source value: floats as double (exact for f32/f16/bf16), ints as
/// int64.
struct Value {
  bool isFloat;
  double f;
  int64_t i;
};

Value read(DType t, const uint8_t *p) {
  switch (t) {
  case DType::F32: {
    float v;
    std::memcpy(&v, p, 4);
    return {true, v, 0};
  }
  case DType::F16: {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return {true, geflow::rt::halfToFloat(h), 0};
  }
  case DType::BF16: {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return {true, geflow::rt::bf16ToFloat(h), 0};
  }
  case DType::I8:
    return {false, 0, int8_t(*p)};
  case DType::U8:
  case DType::Bool:
    return {false, 0, *p};
  case DType::I32: {
    int32_t v;
    std::memcpy(&v, p, 4);
    return {false, 0, v};
  }
  default: {
    int64_t v;
    std::memcpy(&v, p, 8);
    return {false, 0, v};
  }
  }
}

/// The documented cast of `v` to `t`, as raw bits.
uint64_t convert(Value v, DType t) {
  uint64_t bits = 0;
  auto put = [&](auto x) { std::memcpy(&bits, &x, sizeof(x)); };
  if (t == DType::Bool) {
    put(uint8_t(v.isFloat ? v.f != 0 || std::isnan(v.f) : v.i != 0));
    return bits;
  }
  if (isFloatT(t)) {
    float f = v.isFloat ? float(v.f) : float(v.i);
    if (t == DType::F32)
      put(f);
    else if (t == DType::F16)
      put(geflow::rt::floatToHalf(f));
    else
      put(geflow::rt::floatToBf16(f));
    return bits;
  }
  int64_t i;
  if (v.isFloat) {
    double lim = t == DType::I64 ? 9223372036854775808.0 : 2147483648.0;
    bool ok = v.f >= -lim && v.f < lim;
    int64_t indefinite = t == DType::I64 ? std::numeric_limits<int64_t>::min()
                                         : std::numeric_limits<int32_t>::min();
    i = ok ? int64_t(std::trunc(v.f)) : indefinite;
  } else {
    i = v.i;
  }
  switch (t) {
  case DType::I8:
    put(int8_t(uint8_t(uint64_t(i))));
    break;
  case DType::U8:
    put(uint8_t(uint64_t(i)));
    break;
  case DType::I32:
    put(int32_t(uint32_t(uint64_t(i))));
    break;
  default:
    put(i);
    break;
  }
  return bits;
}

std::vector<uint8_t> sourceData(DType t, size_t *count) {
  std::vector<double> fv = {
      0,        -0.0,      1.5,   -1.5,  2.5,   -2.7,       127.9, 128, 255.5,
      256,      -129,      65504, 65519, 65520, 1e10,       -1e10, 3e9, -3e9,
      INFINITY, -INFINITY, NAN,   1e-8,  1e-40, 1.00390625, 0.1};
  std::vector<int64_t> iv = {0,
                             1,
                             -1,
                             127,
                             128,
                             255,
                             256,
                             -129,
                             2147483647,
                             -2147483648LL,
                             4294967296LL + 5,
                             (1LL << 24) + 1,
                             (1LL << 53) + 1,
                             std::numeric_limits<int64_t>::min()};
  std::vector<float> rnd = randomFloats(3000, 3, -300, 300);
  size_t es = geflow::rt::dtypeSize(t);
  std::vector<uint8_t> bytes;
  auto push = [&](uint64_t b) {
    bytes.resize(bytes.size() + es);
    std::memcpy(&bytes[bytes.size() - es], &b, es);
  };
  for (double f : fv)
    push(convert({true, f, 0}, t));
  for (int64_t i : iv)
    push(convert({false, 0, i}, t));
  for (float f : rnd)
    push(convert({true, f, 0}, t));
  *count = bytes.size() / es;
  return bytes;
}

} // namespace

TEST(VecCast, AllPairsMatchDocumentedSemantics) {
  for (DType from : kAll) {
    size_t n;
    std::vector<uint8_t> src = sourceData(from, &n);
    size_t ies = geflow::rt::dtypeSize(from);
    for (DType to : kAll) {
      size_t oes = geflow::rt::dtypeSize(to);
      TilingContext ctx;
      ctx.inputs = {desc(from, {int64_t(n)})};
      ctx.outputs = {desc(to, {int64_t(n)})};
      forEachTiling("cast", ctx,
                    [&](const TilingContext &tc, Isa isa,
                        const TilingResult *forced, const std::string &w) {
                      std::vector<uint8_t> dst(n * oes, 0xEE);
                      Status st = runKernel("cast", tc, {src.data()},
                                            {dst.data()}, isa, forced);
                      ASSERT_TRUE(st.ok()) << st.toString();
                      for (size_t i = 0; i < n; ++i) {
                        Value v = read(from, &src[i * ies]);
                        uint64_t want = convert(v, to), got = 0;
                        std::memcpy(&got, &dst[i * oes], oes);
                        if (isFloatT(to) && v.isFloat && std::isnan(v.f)) {
                          Value g = read(to, &dst[i * oes]);
                          ASSERT_TRUE(std::isnan(g.f)) << "NaN lost";
                          continue;
                        }
                        ASSERT_EQ(got, want)
                            << geflow::rt::dtypeName(from) << " -> "
                            << geflow::rt::dtypeName(to) << " element " << i
                            << " (value " << (v.isFloat ? v.f : double(v.i))
                            << ") " << w;
                      }
                    });
    }
  }
}

TEST(VecTransData, Nchw5hdRoundTrip) {
  const Shape shapes[] = {
      {2, 20, 3, 5}, {1, 16, 4, 4}, {1, 3, 1, 1}, {2, 33, 9, 10}};
  for (DType dt : {DType::F32, DType::F16, DType::I64, DType::U8}) {
    size_t es = geflow::rt::dtypeSize(dt);
    for (const Shape &s : shapes) {
      int64_t N = s[0], C = s[1], HW = s[2] * s[3], C1 = (C + 15) / 16;
      int64_t n = N * C * HW, np = N * C1 * HW * 16;
      std::vector<uint8_t> x(size_t(n) * es);
      for (size_t i = 0; i < x.size(); ++i)
        x[i] = uint8_t(i * 7 + 1);
      TilingContext to;
      to.inputs = {desc(dt, s, Format::NCHW)};
      to.outputs = {desc(dt, s, Format::NC1HWC0)};
      TilingContext back;
      back.inputs = to.outputs;
      back.outputs = to.inputs;
      forEachTiling(
          "trans_data", to,
          [&](const TilingContext &tc, Isa isa, const TilingResult *forced,
              const std::string &w) {
            std::vector<uint8_t> y(size_t(np) * es, 0xAA);
            ASSERT_TRUE(
                runKernel("trans_data", tc, {x.data()}, {y.data()}, isa, forced)
                    .ok());
            for (int64_t f = 0; f < np; ++f) {
              int64_t c0 = f % 16, hw = (f / 16) % HW,
                      c1 = (f / (16 * HW)) % C1, b = f / (16 * HW * C1),
                      c = c1 * 16 + c0;
              for (size_t k = 0; k < es; ++k) {
                uint8_t want =
                    c < C ? x[size_t(((b * C + c) * HW + hw)) * es + k] : 0;
                ASSERT_EQ(y[size_t(f) * es + k], want)
                    << shapeName(s) << " " << f << " " << w;
              }
            }
            std::vector<uint8_t> z(x.size(), 0x55);
            ASSERT_TRUE(
                runKernel("trans_data", back, {y.data()}, {z.data()}, isa)
                    .ok());
            ASSERT_EQ(z, x) << "round trip " << shapeName(s) << " " << w;
          });
    }
  }
}

TEST(VecTransData, FractalNzRoundTrip) {
  const Shape shapes[] = {{2, 20, 35}, {16, 16}, {5, 3}, {3, 2, 17, 40}};
  for (DType dt : {DType::F32, DType::F16}) {
    size_t es = geflow::rt::dtypeSize(dt);
    for (const Shape &s : shapes) {
      int64_t M = s[s.size() - 2], N = s.back(),
              B = geflow::rt::numElements(s) / (M * N);
      int64_t M1 = (M + 15) / 16, N1 = (N + 15) / 16;
      int64_t np = B * N1 * M1 * 256;
      std::vector<uint8_t> x(size_t(B * M * N) * es);
      for (size_t i = 0; i < x.size(); ++i)
        x[i] = uint8_t(i * 13 + 3);
      TilingContext to;
      to.inputs = {desc(dt, s, Format::ND)};
      to.outputs = {desc(dt, s, Format::FRACTAL_NZ)};
      TilingContext back;
      back.inputs = to.outputs;
      back.outputs = to.inputs;
      forEachTiling(
          "trans_data", to,
          [&](const TilingContext &tc, Isa isa, const TilingResult *forced,
              const std::string &w) {
            std::vector<uint8_t> y(size_t(np) * es, 0xAA);
            ASSERT_TRUE(
                runKernel("trans_data", tc, {x.data()}, {y.data()}, isa, forced)
                    .ok());
            for (int64_t f = 0; f < np; ++f) {
              int64_t j = f % 16, i = (f / 16) % 16, m1 = (f / 256) % M1,
                      n1 = (f / (256 * M1)) % N1, b = f / (256 * M1 * N1),
                      m = m1 * 16 + i, nn = n1 * 16 + j;
              for (size_t k = 0; k < es; ++k) {
                uint8_t want = m < M && nn < N
                                   ? x[size_t((b * M + m) * N + nn) * es + k]
                                   : 0;
                ASSERT_EQ(y[size_t(f) * es + k], want)
                    << shapeName(s) << " " << f << " " << w;
              }
            }
            std::vector<uint8_t> z(x.size(), 0x55);
            ASSERT_TRUE(
                runKernel("trans_data", back, {y.data()}, {z.data()}, isa)
                    .ok());
            ASSERT_EQ(z, x) << "round trip " << shapeName(s) << " " << w;
          });
    }
  }
  TilingContext bad;
  bad.inputs = {desc(DType::F32, {2, 3}, Format::NHWC)};
  bad.outputs = {desc(DType::F32, {2, 3}, Format::FRACTAL_Z)};
  TilingResult r;
  Status st = KernelRegistry::global().find("trans_data")->tiling(bad, &r);
  EXPECT_NE(st.message().find("NHWC -> FRACTAL_Z is not supported"),
            std::string::npos)
      << st.message();
}

TEST(VecFill, FillAndRange) {
  TilingContext ctx;
  ctx.outputs = {desc(DType::F32, {3, 5})};
  ctx.attrs.set("value", 2.5);
  std::vector<float> y(15);
  ASSERT_TRUE(runKernel("fill", ctx, {}, {y.data()}).ok());
  for (float v : y)
    EXPECT_EQ(v, 2.5f);
  TilingContext r;
  r.outputs = {desc(DType::I64, {6})};
  r.attrs.set("start", int64_t(-3));
  r.attrs.set("delta", int64_t(2));
  std::vector<int64_t> ri(6);
  ASSERT_TRUE(runKernel("range", r, {}, {ri.data()}).ok());
  EXPECT_EQ(ri, (std::vector<int64_t>{-3, -1, 1, 3, 5, 7}));
  r.outputs = {desc(DType::F32, {4})};
  r.attrs.set("start", 0.5);
  r.attrs.set("delta", 0.25);
  std::vector<float> rf(4);
  ASSERT_TRUE(runKernel("range", r, {}, {rf.data()}).ok());
  EXPECT_EQ(rf, (std::vector<float>{0.5f, 0.75f, 1.f, 1.25f}));
  TilingContext bad;
  bad.outputs = {desc(DType::F32, {4})};
  TilingResult res;
  EXPECT_NE(
      KernelRegistry::global().find("fill")->tiling(bad, &res).message().find(
          "needs attribute `value`"),
      std::string::npos);
}
