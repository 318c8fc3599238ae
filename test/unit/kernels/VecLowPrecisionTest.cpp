//===- VecLowPrecisionTest.cpp - f16/bf16 softmax, norms, reductions ------===//
//
// Data stored as f16 or bf16, results as that dtype or f32 (parameters of
// the norms as either), fp32 compute. Against double references from the
// rounded inputs with the fp32 kernels' tolerances plus one rounding of the
// result (u |ref|, u = 2^-11 for f16 outputs, 2^-8 for bf16, 2^-24 for
// f32):
//   softmax      rtol 1e-5 + u, atol 1e-7
//   log_softmax  rtol 1e-5 + u, atol 1e-5
//   layer_norm   rtol 1e-5 + u, atol 1e-5 (mean, rstd likewise)
//   batch_norm   rtol 1e-5 + u, atol 1e-6
//   reduce       sum/mean 1e-6 sum|x| + (1e-6 + u) |ref|; max exact
// Every ISA and tiling of VecTestUtil's forEachTiling; its small-UB socs
// make rows longer than a conversion chunk.
//
//===----------------------------------------------------------------------===//
#include "LowPrecisionTestUtil.h"
#include "VecTestUtil.h"

#include <cmath>
#include <set>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

namespace {
using Shape = std::vector<int64_t>;

int64_t numel(const Shape &s) { return geflow::rt::numElements(s); }

/// Runs `kernel` on every tiling and compares each output with `refs`.
void checkAllTilings(const std::string &kernel, const TilingContext &ctx,
                     const std::vector<const void *> &ins,
                     const std::vector<std::vector<double>> &refs, double rtol,
                     double atol, const std::string &what) {
  forEachTiling(
      kernel, ctx,
      [&](const TilingContext &tc, Isa isa, const TilingResult *forced,
          const std::string &w) {
        std::vector<OutputBuffer> outs;
        std::vector<void *> ptrs;
        for (size_t k = 0; k < refs.size(); ++k)
          outs.emplace_back(tc.outputs[k].dtype, refs[k].size());
        for (auto &o : outs)
          ptrs.push_back(o.data());
        Status st = runKernel(kernel, tc, ins, ptrs, isa, forced);
        ASSERT_TRUE(st.ok()) << st.toString();
        for (size_t k = 0; k < refs.size(); ++k) {
          double u = unitRoundoff(tc.outputs[k].dtype);
          EXPECT_TRUE(allClose(outs[k].values(), refs[k], rtol + u, atol))
              << kernel << " output " << k << " " << what << " " << w;
          EXPECT_TRUE(outs[k].guardIntact())
              << kernel << " wrote past output " << k;
        }
      });
}

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

TEST(VecLowPrecision, SoftmaxRowsChunksColumns) {
  const std::vector<std::pair<Shape, int64_t>> cases = {
      {{3, 17}, -1}, {{2, 1000}, 1}, {{2, 5, 33}, 1}, {{3, 40, 300}, 1}};
  for (const DtypeCase &dt : lowPrecisionCases())
    for (bool log : {false, true})
      for (const auto &[shape, axis] : cases) {
        const char *name = log ? "log_softmax" : "softmax";
        StoredTensor x = storedRandom(dt.in, size_t(numel(shape)), 9, -8, 8);
        int64_t a = axis < 0 ? axis + int64_t(shape.size()) : axis;
        TilingContext ctx;
        ctx.inputs = {desc(dt.in, shape)};
        ctx.outputs = {desc(dt.out, shape)};
        ctx.attrs.set("axis", axis);
        checkAllTilings(name, ctx, {x.data()},
                        {refSoftmax(x.values, shape, a, log)}, 1e-5,
                        log ? 1e-5 : 1e-7, dt.label() + " " + shapeName(shape));
      }
}

TEST(VecLowPrecision, LayerNormParamsAndStatsDtypes) {
  struct Case {
    Shape shape;
    int64_t axis;
    int inputs, outputs;
    float offset;
  };
  const Case cases[] = {{{4, 33}, -1, 3, 3, 0},
                        {{2, 3, 50}, 1, 3, 1, 4},
                        {{2, 2000}, 1, 2, 3, 30},
                        {{3, 7, 17}, 2, 1, 2, 0}};
  for (const DtypeCase &dt : lowPrecisionCases())
    for (const Case &c : cases)
      for (DType paramDtype : {dt.in, DType::F32}) {
        int64_t rank = int64_t(c.shape.size());
        int64_t axis = c.axis < 0 ? c.axis + rank : c.axis;
        int64_t rows = 1, cols = 1;
        for (int64_t d = 0; d < rank; ++d)
          (d < axis ? rows : cols) *= c.shape[size_t(d)];
        std::vector<float> xs = randomFloats(size_t(rows * cols), 4, -2, 2);
        for (float &v : xs)
          v += c.offset;
        StoredTensor x = storedFrom(dt.in, xs);
        StoredTensor gamma = storedRandom(paramDtype, size_t(cols), 5, 0.5f, 2);
        StoredTensor beta = storedRandom(paramDtype, size_t(cols), 6, -1, 1);
        const double eps = 1e-5;
        std::vector<double> y(xs.size()), mean(static_cast<size_t>(rows)),
            rstd(static_cast<size_t>(rows));
        for (int64_t r = 0; r < rows; ++r) {
          double m = 0, v = 0;
          for (int64_t i = 0; i < cols; ++i)
            m += x.values[size_t(r * cols + i)];
          m /= double(cols);
          for (int64_t i = 0; i < cols; ++i) {
            double d = x.values[size_t(r * cols + i)] - m;
            v += d * d;
          }
          double rs = 1 / std::sqrt(v / double(cols) + eps);
          mean[size_t(r)] = m;
          rstd[size_t(r)] = rs;
          for (int64_t i = 0; i < cols; ++i) {
            double g = c.inputs > 1 ? gamma.values[size_t(i)] : 1,
                   b = c.inputs > 2 ? beta.values[size_t(i)] : 0;
            y[size_t(r * cols + i)] =
                (x.values[size_t(r * cols + i)] - m) * rs * g + b;
          }
        }
        TilingContext ctx;
        ctx.inputs = {desc(dt.in, c.shape)};
        Shape paramShape(c.shape.begin() + axis, c.shape.end());
        for (int i = 1; i < c.inputs; ++i)
          ctx.inputs.push_back(desc(paramDtype, paramShape));
        ctx.outputs = {desc(dt.out, c.shape)};
        Shape statShape(c.shape.begin(), c.shape.begin() + axis);
        statShape.insert(statShape.end(), size_t(rank - axis), 1);
        for (int k = 1; k < c.outputs; ++k)
          ctx.outputs.push_back(desc(paramDtype, statShape));
        ctx.attrs.set("begin_norm_axis", c.axis);
        ctx.attrs.set("epsilon", eps);
        std::vector<const void *> ins = {x.data(), gamma.data(), beta.data()};
        ins.resize(size_t(c.inputs));
        std::vector<std::vector<double>> refs = {y, mean, rstd};
        refs.resize(size_t(c.outputs));
        checkAllTilings("layer_norm", ctx, ins, refs, 1e-5, 1e-5,
                        dt.label() + " params " +
                            std::string(geflow::rt::dtypeName(paramDtype)) +
                            " " + shapeName(c.shape));
      }
}

TEST(VecLowPrecision, BatchNormNchwAndNc1hwc0) {
  struct Case {
    Shape shape;
    Format format;
  };
  const Case cases[] = {{{2, 3, 5, 7}, Format::NCHW},
                        {{6, 5}, Format::ND},
                        {{1, 3, 40, 40}, Format::NCHW},
                        {{2, 20, 3, 5}, Format::NC1HWC0},
                        {{1, 33, 9, 9}, Format::NC1HWC0}};
  for (const DtypeCase &dt : lowPrecisionCases())
    for (const Case &c : cases)
      for (DType paramDtype : {dt.in, DType::F32}) {
        int64_t N = c.shape[0], C = c.shape[1],
                inner = numel(c.shape) / (N * C);
        bool nc1 = c.format == Format::NC1HWC0;
        int64_t C1 = (C + 15) / 16;
        int64_t total = nc1 ? N * C1 * inner * 16 : N * C * inner;
        std::vector<float> xs = randomFloats(size_t(total), 1, -3, 3);
        StoredTensor scale = storedRandom(paramDtype, size_t(C), 2, 0.5f, 2);
        StoredTensor offset = storedRandom(paramDtype, size_t(C), 3, -1, 1);
        StoredTensor mean = storedRandom(paramDtype, size_t(C), 4, -1, 1);
        StoredTensor var = storedRandom(paramDtype, size_t(C), 5, 0.1f, 3);
        std::vector<double> ref(xs.size());
        for (int64_t f = 0; f < total; ++f) {
          int64_t ch =
              nc1 ? (f / (inner * 16)) % C1 * 16 + f % 16 : (f / inner) % C;
          if (nc1 && ch >= C) {
            xs[size_t(f)] = 0; // zero padding
            continue;
          }
        }
        StoredTensor x = storedFrom(dt.in, xs);
        for (int64_t f = 0; f < total; ++f) {
          int64_t ch =
              nc1 ? (f / (inner * 16)) % C1 * 16 + f % 16 : (f / inner) % C;
          if (nc1 && ch >= C)
            continue;
          size_t k = size_t(ch);
          ref[size_t(f)] = (x.values[size_t(f)] - mean.values[k]) /
                               std::sqrt(double(var.values[k]) + 1e-3) *
                               scale.values[k] +
                           offset.values[k];
        }
        TilingContext ctx;
        ctx.inputs = {desc(dt.in, c.shape, c.format)};
        for (int i = 0; i < 4; ++i)
          ctx.inputs.push_back(desc(paramDtype, {C}));
        ctx.outputs = {desc(dt.out, c.shape, c.format)};
        ctx.attrs.set("epsilon", 1e-3);
        checkAllTilings(
            "batch_norm", ctx,
            {x.data(), scale.data(), offset.data(), mean.data(), var.data()},
            {ref}, 1e-5, 1e-6, dt.label() + " " + shapeName(c.shape));
      }
}

TEST(VecLowPrecision, ReduceSumMeanMax) {
  const std::vector<std::pair<Shape, std::vector<int64_t>>> cases = {
      {{7}, {}},
      {{3, 5}, {1}},
      {{2, 3, 4, 5}, {1, 3}},
      {{2, 3, 4, 5}, {3}},
      {{300, 37}, {0}},
      {{4, 3000}, {1}},
      {{2, 17, 33}, {-1, 0}}};
  const char *names[] = {"reduce_sum", "reduce_mean", "reduce_max"};
  for (const DtypeCase &dt : lowPrecisionCases())
    for (int kind = 0; kind < 3; ++kind)
      for (const auto &[shape, axes] : cases) {
        int64_t rank = int64_t(shape.size());
        std::set<int64_t> red;
        for (int64_t a : axes)
          red.insert(a < 0 ? a + rank : a);
        if (axes.empty())
          for (int64_t d = 0; d < rank; ++d)
            red.insert(d);
        Shape outShape, keptShape;
        for (int64_t d = 0; d < rank; ++d) {
          outShape.push_back(red.count(d) ? 1 : shape[size_t(d)]);
          keptShape.push_back(red.count(d) ? 1 : shape[size_t(d)]);
        }
        int64_t n = numel(shape), no = numel(outShape);
        StoredTensor x = storedRandom(dt.in, size_t(n), 21, -3, 3);
        std::vector<double> ref(size_t(no), kind == 2 ? -INFINITY : 0.0),
            absSum(size_t(no), 0.0);
        std::vector<int64_t> count(size_t(no), 0);
        for (int64_t f = 0; f < n; ++f) {
          auto idx = unflatten(f, shape);
          int64_t o = 0;
          for (int64_t d = 0; d < rank; ++d)
            o = o * keptShape[size_t(d)] + (red.count(d) ? 0 : idx[size_t(d)]);
          double v = x.values[size_t(f)];
          ref[size_t(o)] =
              kind == 2 ? std::max(ref[size_t(o)], v) : ref[size_t(o)] + v;
          absSum[size_t(o)] += std::fabs(v);
          ++count[size_t(o)];
        }
        if (kind == 1)
          for (int64_t o = 0; o < no; ++o) {
            ref[size_t(o)] /= double(count[size_t(o)]);
            absSum[size_t(o)] /= double(count[size_t(o)]);
          }
        TilingContext ctx;
        ctx.inputs = {desc(dt.in, shape)};
        ctx.outputs = {desc(dt.out, outShape)};
        ctx.attrs.set("axes", axes);
        forEachTiling(names[kind], ctx,
                      [&](const TilingContext &tc, Isa isa,
                          const TilingResult *forced, const std::string &w) {
                        OutputBuffer y(dt.out, size_t(no));
                        Status st = runKernel(names[kind], tc, {x.data()},
                                              {y.data()}, isa, forced);
                        ASSERT_TRUE(st.ok()) << st.toString();
                        EXPECT_TRUE(y.guardIntact()) << "wrote past the output";
                        std::vector<double> scale(static_cast<size_t>(no));
                        for (int64_t o = 0; o < no; ++o)
                          scale[size_t(o)] =
                              kind == 2 ? 0
                                        : 1e-6 * absSum[size_t(o)] +
                                              1e-6 * std::fabs(ref[size_t(o)]);
                        EXPECT_TRUE(closeToRounded(
                            y.values(), ref, scale, 1.0,
                            kind == 2 ? 0 : unitRoundoff(dt.out), 0))
                            << names[kind] << " " << dt.label() << " "
                            << shapeName(shape) << " " << w;
                      });
      }
}

TEST(VecLowPrecision, RejectsOtherDtypes) {
  auto message = [](const std::string &kernel, TilingContext ctx) {
    TilingResult r;
    return KernelRegistry::global().find(kernel)->tiling(ctx, &r).message();
  };
  TilingContext ctx;
  ctx.inputs = {desc(DType::F16, {2, 6})};
  ctx.outputs = {desc(DType::BF16, {2, 6})};
  EXPECT_NE(message("softmax", ctx)
                .find("softmax: output 0 has dtype "
                      "bfloat16, expected float16 or "
                      "float32"),
            std::string::npos)
      << message("softmax", ctx);
  ctx.outputs = {desc(DType::F16, {2, 6})};
  ctx.inputs.push_back(desc(DType::BF16, {6}));
  EXPECT_NE(message("layer_norm", ctx)
                .find("input 1 has dtype bfloat16, expected float16 or "
                      "float32"),
            std::string::npos)
      << message("layer_norm", ctx);
  ctx.inputs = {desc(DType::I32, {2, 6})};
  ctx.outputs = {desc(DType::I32, {2, 1})};
  ctx.attrs.set("axes", std::vector<int64_t>{1});
  EXPECT_NE(message("reduce_sum", ctx)
                .find("input 0 has dtype int32 (supported: float32, "
                      "float16, bfloat16)"),
            std::string::npos)
      << message("reduce_sum", ctx);
}

} // namespace
