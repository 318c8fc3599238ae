//===- norm_test.cpp - layer_norm, batch_norm -----------------------------===//
//
// Against double-precision references, every ISA and tiling. Tolerances:
//   layer_norm   rtol 1e-5, atol 1e-5 (mean/rstd outputs rtol 1e-5)
//   batch_norm   rtol 1e-5, atol 1e-6
//
//===----------------------------------------------------------------------===//
#include "vector/vec_test_util.h"

#include <cmath>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

namespace {
using Shape = std::vector<int64_t>;
} // namespace

TEST(VecLayerNorm, ShapesAffineAndStatsOutputs) {
  struct Case {
    Shape shape;
    int64_t axis;
    int inputs, outputs;
    float offset;
  };
  const Case cases[] = {{{4, 33}, -1, 3, 1, 0},   {{2, 3, 50}, 1, 3, 3, 0},
                        {{5, 1}, 1, 3, 1, 0},     {{2, 2000}, 1, 1, 1, 100},
                        {{3, 7, 17}, 2, 2, 2, 0}, {{1, 4, 4, 9}, -3, 3, 3, 5}};
  for (const Case &c : cases) {
    const LayerNormRows ln = layerNormRows(c.shape, c.axis);
    std::vector<float> x = randomFloats(size_t(ln.rows * ln.cols), 4, -2, 2);
    for (float &v : x)
      v += c.offset;
    std::vector<float> gamma = randomFloats(size_t(ln.cols), 5, 0.5f, 2);
    std::vector<float> beta = randomFloats(size_t(ln.cols), 6, -1, 1);
    const double eps = 1e-5;
    const LayerNormReference ref = refLayerNorm(
        x, ln.rows, ln.cols, c.inputs > 1 ? gamma : std::vector<float>(),
        c.inputs > 2 ? beta : std::vector<float>(), eps);
    TilingContext ctx =
        layerNormContext(c.shape, c.axis, c.inputs, c.outputs, DType::F32,
                         DType::F32, DType::F32, eps);
    std::vector<const void *> ins = {x.data(), gamma.data(), beta.data()};
    ins.resize(size_t(c.inputs));
    forEachTiling(
        "layer_norm", ctx,
        [&](const TilingContext &tc, Isa isa, const TilingResult *forced,
            const std::string &w) {
          std::vector<float> y(x.size()), mean(size_t(ln.rows)),
              rstd(size_t(ln.rows));
          std::vector<void *> outs = {y.data(), mean.data(), rstd.data()};
          outs.resize(size_t(c.outputs));
          Status st = runKernel("layer_norm", tc, ins, outs, isa, forced);
          ASSERT_TRUE(st.ok()) << st.toString();
          std::string what =
              shapeName(c.shape) + " axis " + std::to_string(c.axis) + " " + w;
          EXPECT_TRUE(allClose(y, ref.y, 1e-5, 1e-5)) << what;
          if (c.outputs > 1)
            EXPECT_TRUE(allClose(mean, ref.mean, 1e-5, 1e-6)) << what;
          if (c.outputs > 2)
            EXPECT_TRUE(allClose(rstd, ref.rstd, 1e-5, 0)) << what;
        });
  }
}

TEST(VecLayerNorm, Errors) {
  TilingContext ctx;
  ctx.inputs = {f32({2, 6}), f32({5})};
  ctx.outputs = {f32({2, 6})};
  TilingResult r;
  Status st = KernelRegistry::global().find("layer_norm")->tiling(ctx, &r);
  EXPECT_NE(st.message().find("input 1 (gamma) has 5 elements, expected 6"),
            std::string::npos)
      << st.message();
}

TEST(VecBatchNorm, NchwAndNc1hwc0) {
  struct Case {
    Shape shape;
    Format format;
  };
  const Case cases[] = {{{2, 3, 5, 7}, Format::NCHW},
                        {{1, 20, 4, 4}, Format::NCHW},
                        {{6, 5}, Format::ND},
                        {{2, 4, 9}, Format::ND},
                        {{2, 20, 3, 5}, Format::NC1HWC0},
                        {{1, 16, 7, 7}, Format::NC1HWC0},
                        {{3, 33, 1, 2}, Format::NC1HWC0}};
  for (const Case &c : cases) {
    const BatchNormLayout layout = batchNormLayout(c.shape, c.format);
    const int64_t C = layout.c;
    std::vector<float> x = randomFloats(size_t(layout.elements()), 1, -3, 3);
    zeroPadLanes(x, layout);
    std::vector<float> scale = randomFloats(size_t(C), 2, 0.5f, 2);
    std::vector<float> offset = randomFloats(size_t(C), 3, -1, 1);
    std::vector<float> mean = randomFloats(size_t(C), 4, -1, 1);
    std::vector<float> var = randomFloats(size_t(C), 5, 0.1f, 3);
    std::vector<double> ref =
        refBatchNorm(x, layout, scale, offset, mean, var, 1e-3);
    TilingContext ctx = batchNormContext(c.shape, c.format, DType::F32,
                                         DType::F32, DType::F32, 1e-3);
    forEachTiling("batch_norm", ctx,
                  [&](const TilingContext &tc, Isa isa,
                      const TilingResult *forced, const std::string &w) {
                    std::vector<float> y(x.size(), 77.f);
                    Status st =
                        runKernel("batch_norm", tc,
                                  {x.data(), scale.data(), offset.data(),
                                   mean.data(), var.data()},
                                  {y.data()}, isa, forced);
                    ASSERT_TRUE(st.ok()) << st.toString();
                    EXPECT_TRUE(allClose(y, ref, 1e-5, 1e-6))
                        << shapeName(c.shape) << " " << w;
                  });
  }
  TilingContext bad;
  bad.inputs = {f32({2, 3, 4, 4}), f32({3}), f32({3}), f32({4}), f32({3})};
  bad.outputs = {f32({2, 3, 4, 4})};
  TilingResult r;
  Status st = KernelRegistry::global().find("batch_norm")->tiling(bad, &r);
  EXPECT_NE(
      st.message().find("input 3 (mean) has shape [4], expected 3 channels"),
      std::string::npos)
      << st.message();
}
