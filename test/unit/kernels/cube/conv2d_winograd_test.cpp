//===- conv2d_winograd_test.cpp - Winograd conv2d against double ----------===//
//
// The WinogradNchw path (impl_mode=high_performance) on every ISA, against a
// float64 reference, next to direct convolution (high_precision) on the
// same operands.
//
// Error bound (fp32): |y - ref| <= 1e-5 * S + 1e-5 with the Winograd
// magnitude S = sum_ci |A^T| (|G g G^T| (.) |B^T d B|) |A| of the output (the
// same sum as the fp32 arithmetic, every term taken in absolute value, |bias|
// added), where direct convolution is held to 1e-5 * sum |x w| + 1e-5.
// S >= sum |x w|; the transforms of F(4,3) make it up to ~100x larger for
// some outputs, F(2,3)'s a few times, so Winograd's bound is looser: the
// test prints the measured max |y - ref| / (sum |x w| + |bias|) of both paths.
// f16/bf16 storage adds one rounding of the result (u |ref|).
//
//===----------------------------------------------------------------------===//

#include "cube/conv_test_util.h"
#include "kernels/cube/conv2d_tiling.h"
#include "kernels/cube/conv2d_winograd_tiling.h"

#include <cmath>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::kernels::cube::Conv2dTiling;
using geflow::kernels::cube::ConvPath;

namespace {

struct WinoCase {
  ConvCase conv;
  int32_t wantM; // the tile size the tiling must pick
};

std::vector<WinoCase> winoCases() {
  return {
      // F(4,3): odd sizes, partial edge tiles, a channel count off 16.
      {{2, 17, 26, 23, 20, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1}, 4},
      // F(4,3) with 64 channels (a ResNet stage, smaller).
      {{1, 64, 24, 24, 64, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1}, 4},
      // F(2,3): too few 4x4 tiles; uneven pads.
      {{1, 16, 12, 13, 24, 3, 3, {1, 1}, {1, 1, 0, 2}, {1, 1}, 1}, 2},
      // No padding, more output channels than one panel.
      {{1, 16, 30, 30, 100, 3, 3, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1}, 4},
  };
}

/// The Winograd magnitude S of every output (see the file comment).
std::vector<double> winogradScale(const ConvCase &c, int32_t m,
                                  const std::vector<float> &x,
                                  const std::vector<float> &f,
                                  const std::vector<float> &b) {
  const auto &wm = cube::winogradMatrices(m);
  const int alpha = m + 2;
  const int64_t oh = c.oh(), ow = c.ow();
  const int64_t tilesY = cube::ceilDiv(oh, m), tilesX = cube::ceilDiv(ow, m);
  // |U| per (co, ci): |G| |g| |G^T|.
  std::vector<double> u(c.cout * c.cin * alpha * alpha);
  for (int64_t co = 0; co < c.cout; ++co)
    for (int64_t ci = 0; ci < c.cin; ++ci)
      for (int a = 0; a < alpha; ++a)
        for (int bb = 0; bb < alpha; ++bb) {
          double s = 0;
          for (int r = 0; r < 3; ++r)
            for (int q = 0; q < 3; ++q)
              s += std::fabs(wm.g[a][r] * wm.g[bb][q]) *
                   std::fabs(f[((co * c.cin + ci) * 3 + r) * 3 + q]);
          u[((co * c.cin + ci) * alpha + a) * alpha + bb] = s;
        }
  std::vector<double> scale(c.n * c.cout * oh * ow, 0);
  std::vector<double> v(c.cin * alpha * alpha), mm(alpha * alpha);
  for (int64_t img = 0; img < c.n; ++img)
    for (int64_t ty = 0; ty < tilesY; ++ty)
      for (int64_t tx = 0; tx < tilesX; ++tx) {
        // |V| per ci: |B^T| |d| |B|.
        for (int64_t ci = 0; ci < c.cin; ++ci)
          for (int a = 0; a < alpha; ++a)
            for (int bb = 0; bb < alpha; ++bb) {
              double s = 0;
              for (int r = 0; r < alpha; ++r)
                for (int q = 0; q < alpha; ++q) {
                  int64_t iy = ty * m + r - c.pads[0],
                          ix = tx * m + q - c.pads[2];
                  if (iy < 0 || iy >= c.h || ix < 0 || ix >= c.w)
                    continue;
                  s += std::fabs(wm.bt[a][r] * wm.bt[bb][q]) *
                       std::fabs(x[((img * c.cin + ci) * c.h + iy) * c.w + ix]);
                }
              v[(ci * alpha + a) * alpha + bb] = s;
            }
        for (int64_t co = 0; co < c.cout; ++co) {
          std::fill(mm.begin(), mm.end(), 0.0);
          for (int64_t ci = 0; ci < c.cin; ++ci)
            for (int k = 0; k < alpha * alpha; ++k)
              mm[k] += u[(co * c.cin + ci) * alpha * alpha + k] *
                       v[ci * alpha * alpha + k];
          for (int i = 0; i < m; ++i)
            for (int j = 0; j < m; ++j) {
              int64_t oy = ty * m + i, ox = tx * m + j;
              if (oy >= oh || ox >= ow)
                continue;
              double s = b.empty() ? 0 : std::fabs(b[co]);
              for (int a = 0; a < alpha; ++a)
                for (int bb = 0; bb < alpha; ++bb)
                  s += std::fabs(wm.at[i][a] * wm.at[j][bb]) *
                       mm[a * alpha + bb];
              scale[((img * c.cout + co) * oh + oy) * ow + ox] = s;
            }
        }
      }
  return scale;
}

TilingContext withMode(const ConvCase &c, const SocInfo *soc,
                       const std::string &mode) {
  TilingContext ctx = convContext(c, soc);
  ctx.attrs.set("impl_mode", mode);
  return ctx;
}

Conv2dTiling tilingOf(const TilingContext &ctx) {
  TilingResult r;
  Status st = KernelRegistry::global().find("conv2d")->tiling(ctx, &r);
  EXPECT_TRUE(st.ok()) << st.toString();
  return decodeTilingResult<Conv2dTiling>(r);
}

struct Worst {
  double wino = 0, direct = 0;
};

/// Runs `c` both ways on `isa` and holds each to its bound.
void checkBothWays(const WinoCase &wc, const SocInfo &soc, Isa isa,
                   Worst *worst) {
  const ConvCase &c = wc.conv;
  SCOPED_TRACE(c.describe() + ranOn(isa, soc));
  StoredTensor x = storedRandom(c.dt.in, c.n * c.cin * c.h * c.w, 17);
  StoredTensor f = storedRandom(c.dt.in, c.cout * c.cin * 9, 18);
  StoredTensor b;
  if (c.bias)
    b = storedRandom(c.biasDtype, c.cout, 19);
  std::vector<double> ref, direct;
  convReference(c, x.values, f.values, b.values, &ref, &direct);
  std::vector<double> wino =
      winogradScale(c, wc.wantM, x.values, f.values, b.values);
  const double u = c.dt.out == DType::F32 ? 0 : unitRoundoff(c.dt.out);
  int64_t elems = c.n * c.cout * c.oh() * c.ow();
  std::vector<const void *> ins = {x.data(), f.data()};
  if (c.bias)
    ins.push_back(b.data());
  for (const char *mode : {"high_performance", "high_precision"}) {
    // bf16 inputs stay direct (winogradApplies).
    const bool fast =
        std::string(mode) == "high_performance" && c.dt.in != DType::BF16;
    TilingContext ctx = withMode(c, &soc, mode);
    Conv2dTiling t = tilingOf(ctx);
    ASSERT_EQ(t.path,
              int32_t(fast ? ConvPath::WinogradNchw : ConvPath::GemmNchw));
    if (fast)
      ASSERT_EQ(t.winoM, wc.wantM);
    OutputBuffer y(c.dt.out, elems);
    Status st = runKernel("conv2d", ctx, ins, {y.data()}, isa);
    ASSERT_TRUE(st.ok()) << st.toString();
    EXPECT_TRUE(y.guardIntact()) << "wrote past the output";
    std::vector<float> got = y.values();
    const std::vector<double> &scale = fast ? wino : direct;
    EXPECT_TRUE(closeToRounded(got, ref, scale, 1e-5, u, 1e-5)) << mode;
    double &w = fast ? worst->wino : worst->direct;
    for (int64_t i = 0; i < elems; ++i)
      w = std::max(w, std::fabs(got[i] - ref[i]) / (direct[i] + 1e-30));
  }
}

TEST(Conv2dWinograd, AgainstDoubleAndDirectOnEveryIsa) {
  Worst worst;
  std::vector<WinoCase> cases = winoCases();
  for (Isa isa : runnableIsas())
    for (size_t i = 0; i < cases.size(); ++i) {
      WinoCase wc = cases[i];
      wc.conv.bias = i % 2 == 0;
      wc.conv.act = activationNames()[(i * 2 + 1) % activationNames().size()];
      checkBothWays(wc, socVariant(isa), isa, &worst);
    }
  // Every activation with a bias, on the best ISA.
  for (const std::string &act : activationNames()) {
    WinoCase wc = cases[0];
    wc.conv.bias = true;
    wc.conv.act = act;
    checkBothWays(wc, socVariant(SocInfo::host().isa), SocInfo::host().isa,
                  &worst);
  }
  std::printf("max |y - ref| / sum|x w|: winograd %.3g, direct %.3g\n",
              worst.wino, worst.direct);
}

TEST(Conv2dWinograd, BandsAndChannelSplitsOfSocVariants) {
  // One core with a tiny L2 (one tile row per band), 3 and 8 cores (cout
  // split across tasks when bands are few).
  Worst worst;
  for (Isa isa : runnableIsas())
    for (uint32_t cores : {1u, 3u, 8u})
      for (uint64_t l2 : {uint64_t(0), uint64_t(16384)})
        for (const WinoCase &wc : winoCases())
          checkBothWays(wc, socVariant(isa, cores, 0, l2), isa, &worst);
}

TEST(Conv2dWinograd, StorageDtypes) {
  Worst worst;
  for (const auto &[soc, isa] : cubeSocsAndIsas())
    for (const DtypeCase &dt : lowPrecisionCases()) {
      WinoCase wc = winoCases()[0];
      wc.conv.dt = dt;
      wc.conv.bias = true;
      wc.conv.biasDtype = dt.in;
      wc.conv.act = "relu";
      checkBothWays(wc, soc, isa, &worst);
      wc = winoCases()[2];
      wc.conv.dt = dt;
      checkBothWays(wc, soc, isa, &worst);
    }
}

TEST(Conv2dWinograd, ChosenOnlyWhereItApplies) {
  SocInfo soc = socVariant(SocInfo::host().isa);
  auto pathOf = [&](ConvCase c, const std::string &mode) {
    return tilingOf(withMode(c, &soc, mode)).path;
  };
  const ConvCase base = winoCases()[0].conv;
  const int32_t wino = int32_t(ConvPath::WinogradNchw);
  EXPECT_EQ(pathOf(base, "high_performance"), wino);
  // Direct convolution: the default, high_precision, and every shape
  // Winograd does not cover.
  EXPECT_NE(tilingOf(convContext(base, &soc)).path, wino);
  EXPECT_NE(pathOf(base, "high_precision"), wino);
  ConvCase c = base;
  c.strides = {2, 2};
  EXPECT_NE(pathOf(c, "high_performance"), wino);
  c = base;
  c.constFilter = false;
  EXPECT_NE(pathOf(c, "high_performance"), wino);
  c = base;
  c.dt = {DType::BF16, DType::BF16};
  EXPECT_NE(pathOf(c, "high_performance"), wino);
  c.dt = {DType::F16, DType::F16};
  EXPECT_EQ(pathOf(c, "high_performance"), wino);
  c = base;
  c.format = Format::NC1HWC0;
  EXPECT_NE(pathOf(c, "high_performance"), wino);
  c = base;
  c.dilations = {2, 2};
  EXPECT_NE(pathOf(c, "high_performance"), wino);
  c = base;
  c.cin = c.cout = 8;
  EXPECT_NE(pathOf(c, "high_performance"), wino);
  // 7x7 outputs: too few tiles to reuse the transformed filter.
  c = {1, 64, 7, 7, 64, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1};
  EXPECT_NE(pathOf(c, "high_performance"), wino);
  // 14x14 outputs: F(2,3).
  c.h = c.w = 14;
  Conv2dTiling t = tilingOf(withMode(c, &soc, "high_performance"));
  EXPECT_EQ(t.path, wino);
  EXPECT_EQ(t.winoM, 2);

  TilingResult r;
  Status st = KernelRegistry::global().find("conv2d")->tiling(
      withMode(base, &soc, "fastest"), &r);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("impl_mode 'fastest'"), std::string::npos)
      << st.message();
}

} // namespace
