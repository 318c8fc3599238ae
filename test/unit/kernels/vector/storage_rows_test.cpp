//===- storage_rows_test.cpp - f16/bf16 softmax, norms, reductions --------===//
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
// Every ISA and tiling of vec_test_util.h's forEachTiling; its small-UB socs
// make rows longer than a conversion chunk.
//
//===----------------------------------------------------------------------===//
#include "cube/low_precision_test_util.h"
#include "vector/vec_test_util.h"

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
        const LayerNormRows ln = layerNormRows(c.shape, c.axis);
        std::vector<float> xs =
            randomFloats(size_t(ln.rows * ln.cols), 4, -2, 2);
        for (float &v : xs)
          v += c.offset;
        StoredTensor x = storedFrom(dt.in, xs);
        StoredTensor gamma =
            storedRandom(paramDtype, size_t(ln.cols), 5, 0.5f, 2);
        StoredTensor beta = storedRandom(paramDtype, size_t(ln.cols), 6, -1, 1);
        const double eps = 1e-5;
        const LayerNormReference ref = refLayerNorm(
            x.values, ln.rows, ln.cols,
            c.inputs > 1 ? gamma.values : std::vector<float>(),
            c.inputs > 2 ? beta.values : std::vector<float>(), eps);
        TilingContext ctx =
            layerNormContext(c.shape, c.axis, c.inputs, c.outputs, dt.in,
                             paramDtype, dt.out, eps);
        std::vector<const void *> ins = {x.data(), gamma.data(), beta.data()};
        ins.resize(size_t(c.inputs));
        std::vector<std::vector<double>> refs = {ref.y, ref.mean, ref.rstd};
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
        const BatchNormLayout layout = batchNormLayout(c.shape, c.format);
        const int64_t C = layout.c;
        std::vector<float> xs =
            randomFloats(size_t(layout.elements()), 1, -3, 3);
        zeroPadLanes(xs, layout);
        StoredTensor scale = storedRandom(paramDtype, size_t(C), 2, 0.5f, 2);
        StoredTensor offset = storedRandom(paramDtype, size_t(C), 3, -1, 1);
        StoredTensor mean = storedRandom(paramDtype, size_t(C), 4, -1, 1);
        StoredTensor var = storedRandom(paramDtype, size_t(C), 5, 0.1f, 3);
        StoredTensor x = storedFrom(dt.in, xs);
        std::vector<double> ref =
            refBatchNorm(x.values, layout, scale.values, offset.values,
                         mean.values, var.values, 1e-3);
        TilingContext ctx = batchNormContext(c.shape, c.format, dt.in,
                                             paramDtype, dt.out, 1e-3);
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
        const std::set<int64_t> dims = reducedDims(axes, int64_t(shape.size()));
        const Shape outShape = reducedShape(shape, dims, /*keepDims=*/true);
        int64_t n = numel(shape), no = numel(outShape);
        StoredTensor x = storedRandom(dt.in, size_t(n), 21, -3, 3);
        ReduceReference ref = refReduce(names[kind], x.values, shape, dims);
        // reduce_sum is held to sum |x|, reduce_mean to the mean of |x|.
        if (kind == 1)
          for (int64_t o = 0; o < no; ++o)
            ref.absSum[size_t(o)] /= double(ref.count[size_t(o)]);
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
                              kind == 2
                                  ? 0
                                  : 1e-6 * ref.absSum[size_t(o)] +
                                        1e-6 * std::fabs(ref.value[size_t(o)]);
                        EXPECT_TRUE(closeToRounded(
                            y.values(), ref.value, scale, 1.0,
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
