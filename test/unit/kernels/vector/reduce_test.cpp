//===- reduce_test.cpp - reduce_sum / mean / max / prod -------------------===//
//
// Every combination of reduced axes over shapes with odd and size-1 dims,
// keep_dims on and off, every ISA and tiling. Tolerances: sum and mean
// |err| <= 1e-6 * sum|x| (+ rtol 1e-6); max is exact; prod rtol
// 1.2e-7 * (factors + 1).
//
//===----------------------------------------------------------------------===//
#include "vector/vec_test_util.h"

#include <cmath>
#include <set>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

namespace {
using Shape = std::vector<int64_t>;
}

TEST(VecReduce, AllAxisSetsShapesIsasTilings) {
  const std::vector<std::pair<Shape, std::vector<int64_t>>> cases = {
      {{7}, {}},           {{3, 5}, {1}},          {{3, 5}, {0}},
      {{3, 5}, {0, 1}},    {{2, 3, 4, 5}, {1, 3}}, {{2, 3, 4, 5}, {0, 2}},
      {{2, 3, 4, 5}, {3}}, {{2, 3, 4, 5}, {-4}},   {{2, 3, 4, 5}, {1, 2}},
      {{3, 1, 4}, {1}},    {{3, 1, 4}, {0, 2}},    {{300, 37}, {0}},
      {{4, 3000}, {1}},    {{2, 17, 33}, {-1, 0}}, {{1, 1}, {0}}};
  const char *names[] = {"reduce_sum", "reduce_mean", "reduce_max",
                         "reduce_prod"};
  for (int kind = 0; kind < 4; ++kind) {
    for (const auto &[shape, axes] : cases) {
      for (bool keep : {true, false}) {
        const std::set<int64_t> dims = reducedDims(axes, int64_t(shape.size()));
        const Shape outShape = reducedShape(shape, dims, keep);
        int64_t n = geflow::rt::numElements(shape);
        int64_t no = geflow::rt::numElements(outShape);
        std::vector<float> x = randomFloats(size_t(n), 21, -3, 3);
        if (kind == 3) // products of factors near +-1 stay in range
          for (float &v : x)
            v = (v < 0 ? -1.f : 1.f) * (0.8f + std::fabs(v) * 0.15f);
        const ReduceReference ref = refReduce(names[kind], x, shape, dims);
        TilingContext ctx;
        ctx.inputs = {f32(shape)};
        ctx.outputs = {f32(outShape)};
        ctx.attrs.set("axes", axes);
        ctx.attrs.set("keep_dims", int64_t(keep));
        forEachTiling(names[kind], ctx,
                      [&](const TilingContext &tc, Isa isa,
                          const TilingResult *forced, const std::string &w) {
                        std::vector<float> y(size_t(no), 123.f);
                        Status st = runKernel(names[kind], tc, {x.data()},
                                              {y.data()}, isa, forced);
                        ASSERT_TRUE(st.ok()) << st.toString();
                        for (int64_t o = 0; o < no; ++o) {
                          // A product rounds once per factor in f32.
                          double want = ref.value[size_t(o)];
                          double tol =
                              kind == 2 ? 0
                              : kind == 3
                                  ? 1.2e-7 * double(ref.count[size_t(o)] + 1) *
                                        std::fabs(want)
                                  : 1e-6 * ref.absSum[size_t(o)] +
                                        1e-6 * std::fabs(want);
                          ASSERT_NEAR(y[size_t(o)], want, tol)
                              << names[kind] << " " << shapeName(shape)
                              << " axes " << axes.size() << " keep " << keep
                              << " out " << o << " " << w;
                        }
                      });
      }
    }
  }
}

TEST(VecReduce, Errors) {
  auto err = [](TilingContext ctx) {
    TilingResult r;
    return KernelRegistry::global()
        .find("reduce_sum")
        ->tiling(ctx, &r)
        .message();
  };
  TilingContext ctx;
  ctx.inputs = {f32({2, 3})};
  ctx.outputs = {f32({2})};
  ctx.attrs.set("axes", std::vector<int64_t>{1, -1});
  EXPECT_NE(err(ctx).find("is listed twice"), std::string::npos) << err(ctx);
  ctx.attrs.set("axes", std::vector<int64_t>{1});
  EXPECT_NE(
      err(ctx).find("output 0 (keep_dims=1) has shape [2], expected [2, 1]"),
      std::string::npos)
      << err(ctx);
  ctx.attrs.set("keep_dims", int64_t(0));
  EXPECT_EQ(err(ctx), "");
}
