//===- grid_sample_test.cpp - grid_sample against a naive reference -------===//
//
// The reference follows the torch.nn.functional.grid_sample definition
// written independently: reflection by repeated folding (not fmod), taps
// and weights enumerated explicitly, in double. Every mode x padding x
// align_corners, grids reaching well outside [-1, 1], every tiling.
// Tolerance rtol 1e-5, atol 1e-5 (the kernel computes in f32 like PyTorch).
//
//===----------------------------------------------------------------------===//
#include "vector/vec_test_util.h"

#include <cmath>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

namespace {

struct Image {
  int64_t h, w;
  const float *data;
  double at(int64_t y, int64_t x) const {
    return y < 0 || y >= h || x < 0 || x >= w ? 0.0 : double(data[y * w + x]);
  }
};

/// Folds v into [lo, hi] by mirroring at both ends.
double fold(double v, double lo, double hi) {
  if (hi <= lo)
    return 0;
  while (v < lo || v > hi)
    v = v < lo ? 2 * lo - v : 2 * hi - v;
  return v;
}

double padded(double v, int64_t size, const std::string &padding, bool align) {
  if (padding == "reflection")
    v = align ? fold(v, 0, double(size - 1))
              : fold(v, -0.5, double(size) - 0.5);
  if (padding != "zeros")
    v = std::min(std::max(v, 0.0), double(size - 1));
  return v;
}

double cubic(double d) { // Keys kernel, A = -0.75, at distance |d|
  const double a = -0.75;
  d = std::fabs(d);
  if (d <= 1)
    return ((a + 2) * d - (a + 3)) * d * d + 1;
  if (d < 2)
    return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
  return 0;
}

double reference(const Image &im, double gx, double gy, const std::string &mode,
                 const std::string &padding, bool align) {
  auto unnorm = [&](double g, int64_t size) {
    return align ? (g + 1) / 2 * double(size - 1)
                 : ((g + 1) * double(size) - 1) / 2;
  };
  double x = unnorm(gx, im.w), y = unnorm(gy, im.h);
  if (mode == "bicubic") {
    double sum = 0, fx = std::floor(x), fy = std::floor(y);
    for (int i = -1; i <= 2; ++i)
      for (int j = -1; j <= 2; ++j) {
        double tx = padded(fx + j, im.w, padding, align);
        double ty = padded(fy + i, im.h, padding, align);
        sum += cubic(x - (fx + j)) * cubic(y - (fy + i)) *
               im.at(int64_t(ty), int64_t(tx));
      }
    return sum;
  }
  x = padded(x, im.w, padding, align);
  y = padded(y, im.h, padding, align);
  if (mode == "nearest")
    return im.at(int64_t(std::nearbyint(y)), int64_t(std::nearbyint(x)));
  double fx = std::floor(x), fy = std::floor(y), sum = 0;
  for (int i = 0; i <= 1; ++i)
    for (int j = 0; j <= 1; ++j)
      sum += (1 - std::fabs(x - (fx + j))) * (1 - std::fabs(y - (fy + i))) *
             im.at(int64_t(fy) + i, int64_t(fx) + j);
  return sum;
}

} // namespace

TEST(VecGridSample, ModesPaddingsAlignment) {
  const int64_t n = 2, c = 3, h = 4, w = 5, ho = 3, wo = 7;
  std::vector<float> x = randomFloats(size_t(n * c * h * w), 12, -2, 2);
  std::vector<float> grid =
      randomFloats(size_t(n * ho * wo * 2), 13, -1.7f, 1.7f);
  grid[0] = -1; // exact corners and the center
  grid[1] = -1;
  grid[2] = 1;
  grid[3] = 1;
  grid[4] = 0;
  grid[5] = 0;
  for (const char *mode : {"bilinear", "nearest", "bicubic"})
    for (const char *padding : {"zeros", "border", "reflection"})
      for (bool align : {false, true}) {
        std::vector<double> ref;
        for (int64_t b = 0; b < n; ++b)
          for (int64_t ch = 0; ch < c; ++ch) {
            Image im{h, w, x.data() + (b * c + ch) * h * w};
            for (int64_t i = 0; i < ho; ++i)
              for (int64_t j = 0; j < wo; ++j) {
                const float *g = &grid[size_t(((b * ho + i) * wo + j) * 2)];
                ref.push_back(reference(im, g[0], g[1], mode, padding, align));
              }
          }
        TilingContext ctx;
        ctx.inputs = {f32({n, c, h, w}), f32({n, ho, wo, 2})};
        ctx.outputs = {f32({n, c, ho, wo})};
        ctx.attrs.set("mode", std::string(mode));
        ctx.attrs.set("padding_mode", std::string(padding));
        ctx.attrs.set("align_corners", int64_t(align));
        forEachTiling(
            "grid_sample", ctx,
            [&](const TilingContext &tc, Isa isa, const TilingResult *forced,
                const std::string &where) {
              std::vector<float> y(ref.size(), -99.f);
              Status st = runKernel("grid_sample", tc, {x.data(), grid.data()},
                                    {y.data()}, isa, forced);
              ASSERT_TRUE(st.ok()) << st.toString();
              EXPECT_TRUE(allClose(y, ref, 1e-5, 1e-5))
                  << mode << " " << padding << " align " << align << " "
                  << where;
            });
      }
}

TEST(VecGridSample, Errors) {
  auto tileErr = [](TilingContext ctx) {
    TilingResult r;
    Status st = KernelRegistry::global().find("grid_sample")->tiling(ctx, &r);
    return st.ok() ? std::string("ok") : st.message();
  };
  TilingContext ctx;
  ctx.inputs = {f32({1, 1, 4, 4}), f32({1, 2, 2, 3})};
  ctx.outputs = {f32({1, 1, 2, 2})};
  EXPECT_NE(tileErr(ctx).find("grid) must be [N, H_out, W_out, 2]"),
            std::string::npos)
      << tileErr(ctx);
  ctx.inputs[1] = f32({1, 2, 2, 2});
  ctx.attrs.set("padding_mode", std::string("wrap"));
  EXPECT_NE(tileErr(ctx).find(
                "padding_mode \"wrap\" is not zeros, border or reflection"),
            std::string::npos)
      << tileErr(ctx);
}
