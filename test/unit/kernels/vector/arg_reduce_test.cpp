//===- arg_reduce_test.cpp - arg_max / arg_min ----------------------------===//
//
// Against a naive reference (numpy argmax/argmin: first index on ties, a
// NaN wins), over axes, column blocks wider than the kernel's, every dtype
// and tiling. Exact.
//
//===----------------------------------------------------------------------===//
#include "vector/vec_test_util.h"

#include "geflow/runtime/Half.h"

#include <cmath>
#include <cstring>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

namespace {
using Shape = std::vector<int64_t>;

/// Reference: index of the extreme of each column of [outer, n, inner].
std::vector<int64_t> refArg(const std::vector<double> &x, const Shape &s,
                            int64_t axis, bool isMax) {
  int64_t outer = 1, inner = 1, n = s[size_t(axis)];
  for (int64_t d = 0; d < int64_t(s.size()); ++d)
    if (d != axis)
      (d < axis ? outer : inner) *= s[size_t(d)];
  std::vector<int64_t> out;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      int64_t best = 0;
      for (int64_t k = 1; k < n; ++k) {
        double v = x[size_t((o * n + k) * inner + i)];
        double b = x[size_t((o * n + best) * inner + i)];
        if (std::isnan(b))
          break;
        if (std::isnan(v) || (isMax ? v > b : v < b))
          best = k;
      }
      out.push_back(best);
    }
  return out;
}

/// `values` stored as `dt` (rounded to f16 for F16), and read back.
std::vector<uint8_t> store(DType dt, std::vector<double> &values) {
  size_t es = geflow::rt::dtypeSize(dt);
  std::vector<uint8_t> bytes(values.size() * es);
  for (size_t i = 0; i < values.size(); ++i) {
    uint8_t *p = &bytes[i * es];
    double &v = values[i];
    switch (dt) {
    case DType::F32: {
      float f = float(v);
      std::memcpy(p, &f, 4);
      break;
    }
    case DType::F16: {
      uint16_t h = geflow::rt::floatToHalf(float(v));
      std::memcpy(p, &h, 2);
      v = geflow::rt::halfToFloat(h);
      break;
    }
    case DType::I8: {
      int8_t q = int8_t(v);
      std::memcpy(p, &q, 1);
      break;
    }
    case DType::I64: {
      // 2^60 + v: neighbours differ by less than a double's ulp there, so
      // only an exact int64 comparison orders them.
      int64_t q = (int64_t(1) << 60) + int64_t(v);
      std::memcpy(p, &q, 8);
      v = double(int64_t(v)); // order is the same as the stored values
      break;
    }
    default:
      ADD_FAILURE() << "unexpected dtype";
    }
  }
  return bytes;
}

} // namespace

TEST(VecArgReduce, AxesDtypesTiesNaNAndTilings) {
  const std::vector<std::pair<Shape, int64_t>> cases = {
      {{7}, 0},       {{3, 5}, 1},     {{3, 5}, 0},
      {{2, 3, 4}, 1}, {{2, 3, 4}, -1}, {{4, 9, 150}, 1},
      {{1, 1}, 0},    {{6, 1, 2}, 1},  {{2, 200}, 0}};
  for (bool isMax : {true, false}) {
    const char *name = isMax ? "arg_max" : "arg_min";
    for (DType dt : {DType::F32, DType::F16, DType::I8, DType::I64}) {
      for (DType odt : {DType::I64, DType::I32}) {
        for (const auto &[shape, axis] : cases) {
          int64_t a = axis < 0 ? axis + int64_t(shape.size()) : axis;
          size_t count = size_t(geflow::rt::numElements(shape));
          std::vector<float> r = randomFloats(count, 17, -6, 6);
          std::vector<double> x;
          for (size_t i = 0; i < count; ++i)
            x.push_back(std::round(r[i])); // many ties
          if (dt == DType::F32 || dt == DType::F16)
            for (size_t i = 5; i < count; i += 11)
              x[i] = NAN;
          std::vector<uint8_t> bytes = store(dt, x);
          std::vector<int64_t> ref = refArg(x, shape, a, isMax);
          Shape outShape = shape;
          outShape.erase(outShape.begin() + a);
          TilingContext ctx;
          ctx.inputs = {desc(dt, shape)};
          ctx.outputs = {desc(odt, outShape)};
          ctx.attrs.set("axis", axis);
          forEachTiling(
              name, ctx,
              [&](const TilingContext &tc, Isa isa, const TilingResult *forced,
                  const std::string &w) {
                std::vector<int64_t> y64(ref.size(), -7);
                std::vector<int32_t> y32(ref.size(), -7);
                void *out = odt == DType::I64 ? static_cast<void *>(y64.data())
                                              : y32.data();
                Status st =
                    runKernel(name, tc, {bytes.data()}, {out}, isa, forced);
                ASSERT_TRUE(st.ok()) << st.toString();
                for (size_t i = 0; i < ref.size(); ++i)
                  ASSERT_EQ(odt == DType::I64 ? y64[i] : y32[i], ref[i])
                      << name << " " << geflow::rt::dtypeName(dt) << " "
                      << shapeName(shape) << " axis " << axis << " element "
                      << i << " " << w;
              });
        }
      }
    }
  }
}

TEST(VecArgReduce, Errors) {
  auto tileErr = [](TilingContext ctx) {
    TilingResult r;
    Status st = KernelRegistry::global().find("arg_max")->tiling(ctx, &r);
    return st.ok() ? std::string("ok") : st.message();
  };
  TilingContext ctx;
  ctx.inputs = {f32({2, 3})};
  ctx.outputs = {f32({2})};
  ctx.attrs.set("axis", int64_t(1));
  EXPECT_NE(
      tileErr(ctx).find("output 0 has dtype float32, expected int32 or int64"),
      std::string::npos)
      << tileErr(ctx);
  ctx.outputs = {desc(DType::I64, {3})};
  EXPECT_NE(tileErr(ctx).find("output 0 has shape [3], expected [2] or [2, 1]"),
            std::string::npos)
      << tileErr(ctx);
  ctx.inputs = {f32({2, 0})};
  ctx.outputs = {desc(DType::I64, {2})};
  EXPECT_NE(tileErr(ctx).find("axis 1 of input 0 is empty"), std::string::npos)
      << tileErr(ctx);
  ctx.attrs.set("axis", int64_t(2));
  EXPECT_NE(tileErr(ctx).find("out of range"), std::string::npos)
      << tileErr(ctx);
}
