//===- softmax_test.cpp - softmax, log_softmax ----------------------------===//
//
// Against double-precision references, every ISA and tiling. Tolerances:
//   softmax      rtol 1e-5, atol 1e-7
//   log_softmax  rtol 1e-5, atol 1e-5 (values are O(|x|))
//
//===----------------------------------------------------------------------===//
#include "vector/vec_test_util.h"

#include <cmath>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

namespace {
using Shape = std::vector<int64_t>;

int64_t numel(const Shape &s) { return geflow::rt::numElements(s); }

} // namespace

TEST(VecSoftmax, AnyAxisShapesIsasTilings) {
  const std::vector<std::pair<Shape, int64_t>> cases = {
      {{7}, 0},          {{3, 17}, -1},     {{2, 5, 33}, 1},
      {{4, 3, 2, 9}, 0}, {{4, 3, 2, 9}, 2}, {{1, 1000}, -1},
      {{5, 1}, 1},       {{3, 40, 300}, 1}, {{2, 16, 3}, -2}};
  for (bool log : {false, true}) {
    const char *name = log ? "log_softmax" : "softmax";
    for (const auto &[shape, axis] : cases) {
      std::vector<float> x = randomFloats(size_t(numel(shape)), 9, -20, 20);
      int64_t a = axis < 0 ? axis + int64_t(shape.size()) : axis;
      std::vector<double> ref = refSoftmax(x, shape, a, log);
      TilingContext ctx;
      ctx.inputs = {f32(shape)};
      ctx.outputs = {f32(shape)};
      ctx.attrs.set("axis", axis);
      forEachTiling(name, ctx,
                    [&](const TilingContext &tc, Isa isa,
                        const TilingResult *forced, const std::string &w) {
                      std::vector<float> y(x.size(), -5.f);
                      Status st = runKernel(name, tc, {x.data()}, {y.data()},
                                            isa, forced);
                      ASSERT_TRUE(st.ok()) << st.toString();
                      EXPECT_TRUE(allClose(y, ref, 1e-5, log ? 1e-5 : 1e-7))
                          << name << " " << shapeName(shape) << " axis " << axis
                          << " " << w;
                    });
    }
  }
}

// Inputs near 1e4 (ulp 2^-10): log_softmax values of O(1) must keep their
// own precision, so (x - max) is formed before log(sum) is subtracted.
TEST(VecSoftmax, LogSoftmaxOfLargeInputs) {
  for (const auto &[shape, axis] :
       std::vector<std::pair<Shape, int64_t>>{{{3, 40}, 1}, {{2, 9, 33}, 1}}) {
    std::vector<float> x = randomFloats(size_t(numel(shape)), 11, -4, 4);
    for (float &v : x)
      v += 10000.f;
    std::vector<double> ref = refSoftmax(x, shape, axis, true);
    TilingContext ctx;
    ctx.inputs = {f32(shape)};
    ctx.outputs = {f32(shape)};
    ctx.attrs.set("axis", axis);
    forEachTiling("log_softmax", ctx,
                  [&](const TilingContext &tc, Isa isa,
                      const TilingResult *forced, const std::string &w) {
                    std::vector<float> y(x.size(), -5.f);
                    Status st = runKernel("log_softmax", tc, {x.data()},
                                          {y.data()}, isa, forced);
                    ASSERT_TRUE(st.ok()) << st.toString();
                    EXPECT_TRUE(allClose(y, ref, 1e-5, 1e-5))
                        << shapeName(shape) << " " << w;
                  });
  }
}

TEST(VecSoftmax, Errors) {
  TilingContext ctx;
  ctx.inputs = {f32({2, 3})};
  ctx.outputs = {f32({2, 3})};
  ctx.attrs.set("axis", int64_t(2));
  TilingResult r;
  Status st = KernelRegistry::global().find("softmax")->tiling(ctx, &r);
  EXPECT_NE(st.message().find("axis 2 is out of range for rank 2"),
            std::string::npos)
      << st.message();
  ctx.attrs.set("axis", int64_t(1));
  ctx.outputs = {f32({3, 2})};
  st = KernelRegistry::global().find("softmax")->tiling(ctx, &r);
  EXPECT_NE(st.message().find("output 0 has shape [3, 2], expected [2, 3]"),
            std::string::npos)
      << st.message();
}
