//===- cast_test.cpp - cast between every pair of dtypes ------------------===//
//
// All 64 dtype pairs on special values (ties, overflow, NaN, inf,
// denormals, out-of-range integers) and random data, against an
// independent reference of the documented semantics; exact.
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/Half.h"
#include "vector/vec_test_util.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::rt::DType;

namespace {

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
