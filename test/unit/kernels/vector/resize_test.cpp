//===- resize_test.cpp - resize against the ONNX reference algorithm ------===//
//
// The reference is a literal port of onnx/backend/test/case/node/resize.py:
// recursive 1-D interpolation, neighbours found by sorting distances in an
// edge-padded row. The kernel's closed form (base = ceil(s) - 1, taps
// clamped to the edge, separable weights) must agree with it for every
// mode, coordinate transformation, nearest rounding, cubic coefficient and
// exclude_outside, up- and downsampling, with scales given or derived from
// the output shape, on every tiling. Tolerance rtol 1e-6, atol 1e-6.
//
//===----------------------------------------------------------------------===//
#include "vector/vec_test_util.h"

#include "geflow/runtime/Half.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

namespace {
using Shape = std::vector<int64_t>;

struct Params {
  std::string mode = "nearest", coord = "half_pixel",
              nearest = "round_prefer_floor";
  double cubicA = -0.75;
  bool excludeOutside = false;
  double extrapolation = 0;
};

std::vector<double> coeffs(const Params &p, double ratio) {
  if (p.mode == "linear")
    return {1 - ratio, ratio};
  if (p.mode == "cubic") {
    double a = p.cubicA, r = ratio, q = 1 - ratio;
    return {((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
            ((a + 2) * r - (a + 3)) * r * r + 1,
            ((a + 2) * q - (a + 3)) * q * q + 1,
            ((a * (q + 1) - 5 * a) * (q + 1) + 8 * a) * (q + 1) - 4 * a};
  }
  if (ratio == std::floor(ratio))
    return {0, 1};
  if (p.nearest == "round_prefer_floor")
    return {double(ratio <= 0.5), double(ratio > 0.5)};
  if (p.nearest == "round_prefer_ceil")
    return {double(ratio < 0.5), double(ratio >= 0.5)};
  if (p.nearest == "floor")
    return {1, 0};
  return {0, 1};
}

/// interpolate_1d_with_x of the ONNX reference; nullopt = extrapolation.
double interp1d(const Params &p, const std::vector<double> &data, double scale,
                double x, const double *roi) {
  double inW = double(data.size()), outW = scale * inW, s;
  if (p.coord == "align_corners")
    s = outW == 1 ? 0 : x * (inW - 1) / (outW - 1);
  else if (p.coord == "asymmetric")
    s = x / scale;
  else if (p.coord == "tf_half_pixel_for_nn")
    s = (x + 0.5) / scale;
  else if (p.coord == "tf_crop_and_resize") {
    s = outW == 1 ? (roi[1] - roi[0]) * (inW - 1) / 2
                  : x * (roi[1] - roi[0]) * (inW - 1) / (outW - 1);
    s += roi[0] * (inW - 1);
    if (s < 0 || s > inW - 1)
      return p.extrapolation;
  } else if (p.coord == "pytorch_half_pixel")
    s = outW == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
  else
    s = (x + 0.5) / scale - 0.5;
  double sInt = std::floor(s);
  double ratio = s == sInt ? 1 : s - sInt;
  std::vector<double> c = coeffs(p, ratio);
  int n = int(c.size());
  // get_neighbor: n nearest indexes of an edge-padded row, ties to the
  // smaller index.
  int pad = (n + 1) / 2;
  std::vector<double> padded(data.size() + 2 * size_t(pad));
  for (size_t i = 0; i < padded.size(); ++i)
    padded[i] = data[size_t(
        std::clamp<int64_t>(int64_t(i) - pad, 0, int64_t(data.size()) - 1))];
  double xp = s + pad;
  std::vector<int64_t> order(padded.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return std::fabs(xp - double(a)) < std::fabs(xp - double(b));
  });
  order.resize(size_t(n));
  std::sort(order.begin(), order.end());
  if (p.excludeOutside) {
    double sum = 0;
    for (int k = 0; k < n; ++k) {
      int64_t idx = order[size_t(k)] - pad;
      if (idx < 0 || idx >= int64_t(data.size()))
        c[size_t(k)] = 0;
      sum += c[size_t(k)];
    }
    for (double &v : c)
      v /= sum;
  }
  double out = 0;
  for (int k = 0; k < n; ++k)
    out += c[size_t(k)] * padded[size_t(order[size_t(k)])];
  return out;
}

/// interpolate_nd_with_x: the first dim last, over inner interpolations.
double interpNd(const Params &p, const std::vector<double> &x,
                const Shape &shape, size_t dim, int64_t offset,
                const std::vector<double> &scales, const Shape &coord,
                const std::vector<double> &roi) {
  int64_t stride = 1;
  for (size_t d = dim + 1; d < shape.size(); ++d)
    stride *= shape[d];
  std::vector<double> row;
  for (int64_t i = 0; i < shape[dim]; ++i)
    row.push_back(dim + 1 == shape.size()
                      ? x[size_t(offset + i)]
                      : interpNd(p, x, shape, dim + 1, offset + i * stride,
                                 scales, coord, roi));
  double r[2] = {roi.empty() ? 0 : roi[dim],
                 roi.empty() ? 1 : roi[shape.size() + dim]};
  return interp1d(p, row, scales[dim], double(coord[dim]), r);
}

void checkResize(const Params &p, const Shape &in, const Shape &out,
                 std::vector<float> scales, std::vector<float> roi) {
  std::vector<float> x =
      randomFloats(size_t(geflow::rt::numElements(in)), 5, -2, 2);
  std::vector<double> xd(x.begin(), x.end());
  std::vector<double> sc;
  for (size_t d = 0; d < in.size(); ++d)
    sc.push_back(scales.empty() ? double(out[d]) / double(in[d])
                                : double(scales[d]));
  std::vector<double> roiD(roi.begin(), roi.end());
  int64_t total = geflow::rt::numElements(out);
  std::vector<double> ref;
  for (int64_t f = 0; f < total; ++f)
    ref.push_back(interpNd(p, xd, in, 0, 0, sc, unflatten(f, out), roiD));
  TilingContext ctx;
  ctx.inputs = {f32(in)};
  std::vector<const void *> ins = {x.data()};
  if (!roi.empty()) {
    ctx.inputs.push_back(f32({int64_t(roi.size())}));
    ins.push_back(roi.data());
  }
  if (!scales.empty()) {
    ctx.inputs.push_back(f32({int64_t(scales.size())}));
    ins.push_back(scales.data());
  }
  ctx.outputs = {f32(out)};
  ctx.attrs.set("mode", p.mode);
  ctx.attrs.set("coordinate_transformation_mode", p.coord);
  ctx.attrs.set("nearest_mode", p.nearest);
  ctx.attrs.set("cubic_coeff_a", p.cubicA);
  ctx.attrs.set("exclude_outside", int64_t(p.excludeOutside));
  ctx.attrs.set("extrapolation_value", p.extrapolation);
  ctx.attrs.set("has_roi", int64_t(!roi.empty()));
  ctx.attrs.set("has_scales", int64_t(!scales.empty()));
  std::string what = p.mode + " " + p.coord + " " + p.nearest + " " +
                     shapeName(in) + " -> " + shapeName(out);
  forEachTiling("resize", ctx,
                [&](const TilingContext &tc, Isa isa,
                    const TilingResult *forced, const std::string &w) {
                  std::vector<float> y(size_t(total), -99.f);
                  Status st =
                      runKernel("resize", tc, ins, {y.data()}, isa, forced);
                  ASSERT_TRUE(st.ok()) << st.toString();
                  EXPECT_TRUE(allClose(y, ref, 1e-6, 1e-6)) << what << " " << w;
                });
}

} // namespace

TEST(VecResize, MatchesTheOnnxReference) {
  const char *coords[] = {"half_pixel", "pytorch_half_pixel", "align_corners",
                          "asymmetric", "tf_half_pixel_for_nn"};
  for (const char *mode : {"nearest", "linear", "cubic"})
    for (const char *coord : coords) {
      Params p;
      p.mode = mode;
      p.coord = coord;
      // Scales derived from the output shape (sizes), up and down.
      checkResize(p, {1, 2, 4, 4}, {1, 2, 7, 9}, {}, {});
      checkResize(p, {2, 1, 5, 6}, {2, 1, 3, 2}, {}, {});
      // Scales given: the output is floor(in * scale).
      checkResize(p, {1, 1, 4, 4}, {1, 1, 2, 2}, {1, 1, 0.6f, 0.6f}, {});
      checkResize(p, {1, 3, 2, 3}, {1, 3, 5, 4}, {1, 1, 2.5f, 1.5f}, {});
      // Every dim resized, and a dim resized to one element.
      checkResize(p, {3, 5}, {4, 1}, {}, {});
    }
  // Rounding modes, also on integral source coordinates (asymmetric,
  // align_corners) and on exact halves (half_pixel at scale 2).
  for (const char *nearest : {"round_prefer_ceil", "floor", "ceil"})
    for (const char *coord : {"half_pixel", "asymmetric", "align_corners"}) {
      Params p;
      p.nearest = nearest;
      p.coord = coord;
      checkResize(p, {1, 1, 4, 4}, {1, 1, 7, 8}, {}, {});
      checkResize(p, {1, 1, 4, 4}, {1, 1, 3, 2}, {}, {});
    }
  Params cubic;
  cubic.mode = "cubic";
  cubic.cubicA = -0.5;
  cubic.excludeOutside = true;
  checkResize(cubic, {1, 1, 4, 4}, {1, 1, 8, 8}, {1, 1, 2, 2}, {});
  checkResize(cubic, {1, 1, 4, 4}, {1, 1, 3, 3}, {1, 1, 0.8f, 0.8f}, {});
  // tf_crop_and_resize: a crop inside the input, and one reaching out of
  // it (extrapolation_value).
  Params crop;
  crop.mode = "linear";
  crop.coord = "tf_crop_and_resize";
  crop.extrapolation = 10;
  checkResize(crop, {1, 1, 4, 4}, {1, 1, 3, 3}, {},
              {0, 0, 0.4f, 0.6f, 1, 1, 0.6f, 0.8f});
  checkResize(crop, {1, 1, 4, 4}, {1, 1, 3, 3}, {},
              {0, 0, 0.4f, 0.6f, 1, 1, 1.2f, 1.7f});
}

// f16/bf16 storage: inputs widened exactly, one rounding of the result.
TEST(VecResize, HalfPrecisionStorage) {
  Params p;
  p.mode = "cubic";
  const Shape in = {1, 2, 3, 4}, out = {1, 2, 5, 7};
  std::vector<float> x =
      randomFloats(size_t(geflow::rt::numElements(in)), 8, -2, 2);
  for (DType dt : {DType::F16, DType::BF16}) {
    bool half = dt == DType::F16;
    std::vector<uint16_t> xs;
    std::vector<double> xd;
    for (float v : x) {
      uint16_t h =
          half ? geflow::rt::floatToHalf(v) : geflow::rt::floatToBf16(v);
      xs.push_back(h);
      xd.push_back(half ? geflow::rt::halfToFloat(h)
                        : geflow::rt::bf16ToFloat(h));
    }
    std::vector<double> sc = {1, 1, 5.0 / 3, 7.0 / 4};
    int64_t total = geflow::rt::numElements(out);
    std::vector<double> ref;
    for (int64_t f = 0; f < total; ++f)
      ref.push_back(interpNd(p, xd, in, 0, 0, sc, unflatten(f, out), {}));
    TilingContext ctx;
    ctx.inputs = {desc(dt, in)};
    ctx.outputs = {desc(dt, out)};
    ctx.attrs.set("mode", p.mode);
    std::vector<uint16_t> y(static_cast<size_t>(total), 0);
    Status st = runKernel("resize", ctx, {xs.data()}, {y.data()});
    ASSERT_TRUE(st.ok()) << st.toString();
    std::vector<float> yf;
    for (uint16_t h : y)
      yf.push_back(half ? geflow::rt::halfToFloat(h)
                        : geflow::rt::bf16ToFloat(h));
    EXPECT_TRUE(allClose(yf, ref, half ? 1.0 / 2048 : 1.0 / 256, 1e-6))
        << geflow::rt::dtypeName(dt);
  }
}

TEST(VecResize, Errors) {
  auto tileErr = [](TilingContext ctx) {
    TilingResult r;
    Status st = KernelRegistry::global().find("resize")->tiling(ctx, &r);
    return st.ok() ? std::string("ok") : st.message();
  };
  TilingContext ctx;
  ctx.inputs = {f32({1, 1, 2, 2})};
  ctx.outputs = {f32({1, 1, 4, 4})};
  ctx.attrs.set("mode", std::string("bicubic"));
  EXPECT_NE(
      tileErr(ctx).find("mode \"bicubic\" is not nearest, linear or cubic"),
      std::string::npos)
      << tileErr(ctx);
  ctx.attrs.set("mode", std::string("linear"));
  ctx.attrs.set("coordinate_transformation_mode",
                std::string("tf_crop_and_resize"));
  EXPECT_NE(tileErr(ctx).find("tf_crop_and_resize needs the roi input"),
            std::string::npos)
      << tileErr(ctx);
  ctx.attrs.set("coordinate_transformation_mode", std::string("half_pixel"));
  ctx.attrs.set("has_scales", int64_t(1));
  EXPECT_NE(tileErr(ctx).find("expects 2 inputs (x, scales), got 1"),
            std::string::npos)
      << tileErr(ctx);
  ctx.inputs.push_back(f32({3}));
  EXPECT_NE(tileErr(ctx).find("input 1 (scales) has shape [3], expected [4]"),
            std::string::npos)
      << tileErr(ctx);
  ctx.inputs = {f32({1, 1, 2, 2})};
  ctx.attrs.set("has_scales", int64_t(0));
  ctx.outputs = {f32({4, 4})};
  EXPECT_NE(tileErr(ctx).find("expected rank 4"), std::string::npos)
      << tileErr(ctx);
}
