//===- pool3d_test.cpp - max_pool3d / avg_pool3d / lp_pool3d vs reference -===//
//
// A naive double-precision reference over the stored (rounded) input.
// Tolerances: max_pool3d exact; avg_pool3d |y - ref| <= 1e-5 * mean |x| of
// the window + 1e-7; lp_pool3d |y - ref| <= 1e-5 * |ref| + 1e-7; f16/bf16
// outputs add one rounding, u * |ref| (u = 2^-11 for f16, 2^-8 for bf16).
// Every case runs in f32, f16 -> f16/f32 and bf16 -> bf16/f32 on every ISA
// the CPU has (portable, AVX2, AVX-512) and on soc variants (1, 2, 3, 7
// cores: one band per volume up to single-row bands). Outputs are pre-filled
// with NaN and checked one element past the end.
//
//===----------------------------------------------------------------------===//

#include "cube/low_precision_test_util.h"

#include <gtest/gtest.h>

#include <limits>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

namespace {

struct Pool3dCase {
  std::string kernel; // max_pool3d, avg_pool3d, lp_pool3d
  std::vector<int64_t> x, ksize;
  std::vector<int64_t> strides = {1, 1, 1}, pads = {0, 0, 0, 0, 0, 0},
                       dilations = {1, 1, 1};
  bool ceilMode = false, countIncludePad = false;
  int64_t divisorOverride = 0, p = 2;

  std::string describe() const {
    std::ostringstream os;
    os << kernel << " x " << cube::shapeString(x) << " k "
       << cube::shapeString(ksize) << " s " << cube::shapeString(strides)
       << " p " << cube::shapeString(pads) << " d "
       << cube::shapeString(dilations) << " ceil=" << ceilMode
       << " incl=" << countIncludePad << " div=" << divisorOverride
       << " p=" << p;
    return os.str();
  }
};

int64_t extent(int64_t in, int64_t p0, int64_t p1, int64_t span, int64_t s,
               bool ceil) {
  int64_t num = in + p0 + p1 - span;
  int64_t out = (ceil ? (num + s - 1) / s : num / s) + 1;
  if (ceil && (out - 1) * s >= in + p0)
    --out;
  return out;
}

void pool3dReference(const Pool3dCase &c, const std::vector<float> &x,
                     std::vector<int64_t> *shape, std::vector<double> *ref,
                     std::vector<double> *scale) {
  int64_t in[3] = {c.x[2], c.x[3], c.x[4]}, out[3];
  for (int i = 0; i < 3; ++i)
    out[i] =
        extent(in[i], c.pads[2 * i], c.pads[2 * i + 1],
               c.dilations[i] * (c.ksize[i] - 1) + 1, c.strides[i], c.ceilMode);
  *shape = {c.x[0], c.x[1], out[0], out[1], out[2]};
  const bool isMax = c.kernel == "max_pool3d", isLp = c.kernel == "lp_pool3d";
  for (int64_t plane = 0; plane < c.x[0] * c.x[1]; ++plane)
    for (int64_t od = 0; od < out[0]; ++od)
      for (int64_t oh = 0; oh < out[1]; ++oh)
        for (int64_t ow = 0; ow < out[2]; ++ow) {
          int64_t o[3] = {od, oh, ow};
          double best = -std::numeric_limits<double>::infinity(), sum = 0,
                 abs = 0;
          int64_t valid = 0, padded = 1;
          for (int i = 0; i < 3; ++i) {
            int64_t taps = 0;
            for (int64_t k = 0; k < c.ksize[i]; ++k)
              taps += o[i] * c.strides[i] - c.pads[2 * i] + k * c.dilations[i] <
                      in[i] + c.pads[2 * i + 1];
            padded *= taps;
          }
          for (int64_t kd = 0; kd < c.ksize[0]; ++kd)
            for (int64_t kh = 0; kh < c.ksize[1]; ++kh)
              for (int64_t kw = 0; kw < c.ksize[2]; ++kw) {
                int64_t k[3] = {kd, kh, kw}, pos[3];
                bool inside = true;
                for (int i = 0; i < 3; ++i) {
                  pos[i] = o[i] * c.strides[i] - c.pads[2 * i] +
                           k[i] * c.dilations[i];
                  inside = inside && pos[i] >= 0 && pos[i] < in[i];
                }
                if (!inside)
                  continue;
                double v =
                    x[((plane * in[0] + pos[0]) * in[1] + pos[1]) * in[2] +
                      pos[2]];
                best = std::max(best, v);
                sum += isLp ? std::pow(std::fabs(v), double(c.p)) : v;
                abs += std::fabs(v);
                ++valid;
              }
          if (isMax) {
            ref->push_back(best);
            scale->push_back(0);
          } else if (isLp) {
            double r = std::pow(sum, 1.0 / double(c.p));
            ref->push_back(r);
            scale->push_back(r);
          } else {
            int64_t count = c.divisorOverride   ? c.divisorOverride
                            : c.countIncludePad ? padded
                                                : valid;
            ref->push_back(sum / double(count));
            scale->push_back(abs / double(count));
          }
        }
}

void checkPool3d(const Pool3dCase &c, DtypeCase dt, const SocInfo &soc,
                 Isa isa) {
  SCOPED_TRACE(c.describe() + " " + dt.label() + ranOn(isa, soc));
  StoredTensor x =
      storedRandom(dt.in, geflow::rt::numElements(c.x), 11, -2.f, 2.f);
  std::vector<int64_t> shape;
  std::vector<double> ref, scale;
  pool3dReference(c, x.values, &shape, &ref, &scale);
  TilingContext ctx;
  ctx.inputs = {desc(dt.in, c.x)};
  ctx.outputs = {desc(dt.out, shape)};
  ctx.attrs.set("ksize", c.ksize);
  ctx.attrs.set("strides", c.strides);
  ctx.attrs.set("pads", c.pads);
  ctx.attrs.set("dilations", c.dilations);
  ctx.attrs.set("ceil_mode", int64_t(c.ceilMode));
  ctx.attrs.set("count_include_pad", int64_t(c.countIncludePad));
  ctx.attrs.set("divisor_override", c.divisorOverride);
  ctx.attrs.set("p", c.p);
  ctx.soc = &soc;
  OutputBuffer y(dt.out, ref.size());
  Status st = runKernel(c.kernel, ctx, {x.data()}, {y.data()}, isa);
  ASSERT_TRUE(st.ok()) << st.toString();
  EXPECT_TRUE(y.guardIntact()) << "wrote past the output";
  Tolerance tol = c.kernel == "max_pool3d"
                      ? Tolerance{0, 0, false}
                      : Tolerance{1e-5, 1e-7, dt.out != DType::F32};
  EXPECT_TRUE(withinTolerance(y.values(), ref, scale, tol, dt.out));
}

std::vector<Pool3dCase> cases() {
  std::vector<Pool3dCase> out;
  auto add = [&](std::string kernel, std::vector<int64_t> x,
                 std::vector<int64_t> k) -> Pool3dCase & {
    Pool3dCase c;
    c.kernel = std::move(kernel);
    c.x = std::move(x);
    c.ksize = std::move(k);
    out.push_back(c);
    return out.back();
  };
  for (const char *kernel : {"max_pool3d", "avg_pool3d", "lp_pool3d"}) {
    add(kernel, {1, 3, 8, 8, 8}, {2, 2, 2}); // ONNX *_3d_default shapes
    Pool3dCase &a = add(kernel, {2, 3, 7, 9, 11}, {3, 3, 3});
    a.strides = {2, 2, 2};
    a.pads = {1, 1, 1, 1, 1, 1};
    Pool3dCase &b = add(kernel, {1, 2, 6, 7, 10}, {2, 3, 2});
    b.strides = {1, 2, 3};
    b.pads = {0, 1, 1, 0, 1, 1};
    b.ceilMode = true;
    Pool3dCase &d = add(kernel, {1, 2, 9, 8, 12}, {2, 2, 3});
    d.dilations = {2, 3, 1};
    d.strides = {2, 1, 2};
    d.pads = {1, 0, 0, 1, 2, 0};
    d.ceilMode = true;
  }
  Pool3dCase &incl = add("avg_pool3d", {1, 3, 5, 6, 7}, {3, 3, 3});
  incl.strides = {2, 2, 2};
  incl.pads = {1, 1, 1, 1, 1, 1};
  incl.countIncludePad = true;
  Pool3dCase &inclCeil = add("avg_pool3d", {1, 2, 6, 7, 10}, {2, 3, 2});
  inclCeil.strides = {2, 2, 3};
  inclCeil.pads = {1, 0, 1, 1, 0, 1};
  inclCeil.ceilMode = true;
  inclCeil.countIncludePad = true;
  Pool3dCase &div = add("avg_pool3d", {1, 2, 4, 5, 6}, {2, 2, 2});
  div.pads = {1, 1, 0, 0, 1, 0};
  div.divisorOverride = 5;
  for (int64_t p : {1, 3}) {
    Pool3dCase &lp = add("lp_pool3d", {1, 2, 5, 6, 7}, {2, 3, 2});
    lp.pads = {1, 0, 1, 1, 0, 1};
    lp.strides = {1, 2, 1};
    lp.p = p;
  }
  return out;
}

TEST(Pool3dTest, EveryCaseDtypeAndIsa) {
  std::vector<DtypeCase> dts = {{DType::F32, DType::F32}};
  for (const DtypeCase &d : lowPrecisionCases())
    dts.push_back(d);
  for (const Pool3dCase &c : cases())
    for (const DtypeCase &dt : dts)
      for (Isa isa : runnableIsas())
        checkPool3d(c, dt, socVariant(isa), isa);
}

TEST(Pool3dTest, SocVariants) {
  for (const Pool3dCase &c : cases())
    for (Isa isa : runnableIsas())
      for (uint32_t cores : {1u, 3u, 7u})
        checkPool3d(c, {DType::F32, DType::F32}, socVariant(isa, cores), isa);
}

TEST(Pool3dTest, RejectsBadAttributes) {
  auto tile = [](const std::string &k, std::vector<int64_t> x, AttrMap attrs) {
    TilingContext ctx;
    ctx.inputs = {f32(std::move(x))};
    ctx.attrs = std::move(attrs);
    TilingResult r;
    return KernelRegistry::global().find(k)->tiling(ctx, &r).toString();
  };
  AttrMap none;
  EXPECT_NE(tile("max_pool3d", {1, 1, 4, 4, 4}, none)
                .find("missing attribute "
                      "'ksize'"),
            std::string::npos);
  AttrMap k;
  k.set("ksize", std::vector<int64_t>{2, 2, 2});
  EXPECT_NE(tile("avg_pool3d", {1, 1, 4, 4}, k).find("must be 5-D"),
            std::string::npos);
  AttrMap pads = k;
  pads.set("pads", std::vector<int64_t>{0, 2, 0, 0, 0, 0});
  EXPECT_NE(tile("avg_pool3d", {1, 1, 4, 4, 4}, pads).find("smaller than"),
            std::string::npos);
  AttrMap big;
  big.set("ksize", std::vector<int64_t>{5, 1, 1});
  EXPECT_NE(tile("max_pool3d", {1, 1, 4, 4, 4}, big).find("does not fit"),
            std::string::npos);
  AttrMap p = k;
  p.set("p", int64_t(0));
  EXPECT_NE(tile("lp_pool3d", {1, 1, 4, 4, 4}, p).find("p 0"),
            std::string::npos);
}

} // namespace
