//===- VecSoftmaxNormTest.cpp - softmax, log_softmax, layer/batch norm ----===//
//
// Against double-precision references, every ISA and tiling. Tolerances:
//   softmax      rtol 1e-5, atol 1e-7
//   log_softmax  rtol 1e-5, atol 1e-5 (values are O(|x|))
//   layer_norm   rtol 1e-5, atol 1e-5 (mean/rstd outputs rtol 1e-5)
//   batch_norm   rtol 1e-5, atol 1e-6
//
//===----------------------------------------------------------------------===//
#include "VecTestUtil.h"

#include <cmath>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

namespace {
using Shape = std::vector<int64_t>;

int64_t numel(const Shape &s) { return geflow::rt::numElements(s); }

std::vector<double> refSoftmax(const std::vector<float> &x, const Shape &s,
                               int64_t axis, bool log) {
  int64_t outer = 1, inner = 1, len = s[size_t(axis)];
  for (int64_t d = 0; d < axis; ++d)
    outer *= s[size_t(d)];
  for (size_t d = size_t(axis) + 1; d < s.size(); ++d)
    inner *= s[d];
  std::vector<double> y(x.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      auto at = [&](int64_t a) { return size_t((o * len + a) * inner + i); };
      double m = -INFINITY, sum = 0;
      for (int64_t a = 0; a < len; ++a)
        m = std::max(m, double(x[at(a)]));
      for (int64_t a = 0; a < len; ++a)
        sum += std::exp(x[at(a)] - m);
      for (int64_t a = 0; a < len; ++a)
        y[at(a)] =
            log ? x[at(a)] - m - std::log(sum) : std::exp(x[at(a)] - m) / sum;
    }
  return y;
}

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
    int64_t rank = int64_t(c.shape.size());
    int64_t axis = c.axis < 0 ? c.axis + rank : c.axis;
    int64_t rows = 1, cols = 1;
    for (int64_t d = 0; d < rank; ++d)
      (d < axis ? rows : cols) *= c.shape[size_t(d)];
    std::vector<float> x = randomFloats(size_t(rows * cols), 4, -2, 2);
    for (float &v : x)
      v += c.offset;
    std::vector<float> gamma = randomFloats(size_t(cols), 5, 0.5f, 2);
    std::vector<float> beta = randomFloats(size_t(cols), 6, -1, 1);
    const double eps = 1e-5;
    std::vector<double> ref(x.size()), refMean(static_cast<size_t>(rows)),
        refRstd(static_cast<size_t>(rows));
    for (int64_t r = 0; r < rows; ++r) {
      double m = 0, v = 0;
      for (int64_t i = 0; i < cols; ++i)
        m += x[size_t(r * cols + i)];
      m /= double(cols);
      for (int64_t i = 0; i < cols; ++i)
        v += (x[size_t(r * cols + i)] - m) * (x[size_t(r * cols + i)] - m);
      double rstd = 1 / std::sqrt(v / double(cols) + eps);
      refMean[size_t(r)] = m;
      refRstd[size_t(r)] = rstd;
      for (int64_t i = 0; i < cols; ++i) {
        double g = c.inputs > 1 ? gamma[size_t(i)] : 1,
               b = c.inputs > 2 ? beta[size_t(i)] : 0;
        ref[size_t(r * cols + i)] =
            (x[size_t(r * cols + i)] - m) * rstd * g + b;
      }
    }
    TilingContext ctx;
    ctx.inputs = {f32(c.shape)};
    Shape paramShape(c.shape.begin() + axis, c.shape.end());
    for (int i = 1; i < c.inputs; ++i)
      ctx.inputs.push_back(f32(paramShape));
    ctx.outputs = {f32(c.shape)};
    Shape statShape(c.shape.begin(), c.shape.begin() + axis);
    statShape.insert(statShape.end(), size_t(rank - axis), 1);
    for (int k = 1; k < c.outputs; ++k)
      ctx.outputs.push_back(f32(statShape));
    ctx.attrs.set("begin_norm_axis", c.axis);
    ctx.attrs.set("epsilon", eps);
    std::vector<const void *> ins = {x.data(), gamma.data(), beta.data()};
    ins.resize(size_t(c.inputs));
    forEachTiling(
        "layer_norm", ctx,
        [&](const TilingContext &tc, Isa isa, const TilingResult *forced,
            const std::string &w) {
          std::vector<float> y(x.size()), mean(static_cast<size_t>(rows)),
              rstd(static_cast<size_t>(rows));
          std::vector<void *> outs = {y.data(), mean.data(), rstd.data()};
          outs.resize(size_t(c.outputs));
          Status st = runKernel("layer_norm", tc, ins, outs, isa, forced);
          ASSERT_TRUE(st.ok()) << st.toString();
          std::string what =
              shapeName(c.shape) + " axis " + std::to_string(c.axis) + " " + w;
          EXPECT_TRUE(allClose(y, ref, 1e-5, 1e-5)) << what;
          if (c.outputs > 1)
            EXPECT_TRUE(allClose(mean, refMean, 1e-5, 1e-6)) << what;
          if (c.outputs > 2)
            EXPECT_TRUE(allClose(rstd, refRstd, 1e-5, 0)) << what;
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
    int64_t N = c.shape[0], C = c.shape[1], inner = numel(c.shape) / (N * C);
    bool nc1 = c.format == Format::NC1HWC0;
    int64_t C1 = (C + 15) / 16;
    int64_t total = nc1 ? N * C1 * inner * 16 : N * C * inner;
    std::vector<float> x = randomFloats(size_t(total), 1, -3, 3);
    std::vector<float> scale = randomFloats(size_t(C), 2, 0.5f, 2);
    std::vector<float> offset = randomFloats(size_t(C), 3, -1, 1);
    std::vector<float> mean = randomFloats(size_t(C), 4, -1, 1);
    std::vector<float> var = randomFloats(size_t(C), 5, 0.1f, 3);
    std::vector<double> ref(x.size());
    for (int64_t f = 0; f < total; ++f) {
      int64_t ch =
          nc1 ? (f / (inner * 16)) % C1 * 16 + f % 16 : (f / inner) % C;
      if (nc1 && ch >= C) {
        x[size_t(f)] = 0; // zero padding
        ref[size_t(f)] = 0;
        continue;
      }
      size_t k = size_t(ch);
      ref[size_t(f)] = (x[size_t(f)] - mean[k]) /
                           std::sqrt(double(var[k]) + 1e-3) * scale[k] +
                       offset[k];
    }
    TilingContext ctx;
    ctx.inputs = {desc(DType::F32, c.shape, c.format)};
    for (int i = 0; i < 4; ++i)
      ctx.inputs.push_back(f32({C}));
    ctx.outputs = {desc(DType::F32, c.shape, c.format)};
    ctx.attrs.set("epsilon", 1e-3);
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
