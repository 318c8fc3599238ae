//===- Conv2dTest.cpp - conv2d against a naive reference ------------------===//
//
// Tolerance (fp32): |y - ref| <= 1e-5 * sum |x * w| + 1e-5 over the window,
// reference accumulated in double, activation applied exactly. NC1HWC0
// outputs must also keep their padded channels at exactly 0.
//
//===----------------------------------------------------------------------===//

#include "ConvTestUtil.h"
#include "kernels/conv2d_tiling.h"

#include <array>
#include <limits>
#include <tuple>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::kernels::cube::Conv2dTiling;
using geflow::kernels::cube::ConvPath;
namespace rt = geflow::rt;

namespace {

constexpr double kRtol = 1e-5, kAtol = 1e-5;

struct ConvCase {
  int64_t n, cin, h, w, cout, kh, kw;
  std::vector<int64_t> strides, pads, dilations;
  int64_t groups;
  Format format = Format::NCHW;
  bool bias = false;
  bool constFilter = true;
  std::string act = "none";

  int64_t oh() const {
    return (h + pads[0] + pads[1] - dilations[0] * (kh - 1) - 1) / strides[0] +
           1;
  }
  int64_t ow() const {
    return (w + pads[2] + pads[3] - dilations[1] * (kw - 1) - 1) / strides[1] +
           1;
  }
  std::string describe() const {
    std::ostringstream os;
    os << "conv2d x [" << n << "," << cin << "," << h << "," << w << "] w ["
       << cout << "," << cin / groups << "," << kh << "," << kw << "] s "
       << cube::shapeString(strides) << " p " << cube::shapeString(pads)
       << " d " << cube::shapeString(dilations) << " g " << groups << " "
       << rt::formatName(format) << " bias=" << bias << " const=" << constFilter
       << " act=" << act;
    return os.str();
  }
};

/// Naive NCHW reference with the absolute-sum scale per output.
void convReference(const ConvCase &c, const std::vector<float> &x,
                   const std::vector<float> &f, const std::vector<float> &b,
                   std::vector<double> *ref, std::vector<double> *scale) {
  int64_t oh = c.oh(), ow = c.ow(), cinG = c.cin / c.groups,
          coutG = c.cout / c.groups;
  ref->assign(c.n * c.cout * oh * ow, 0);
  scale->assign(ref->size(), 0);
  for (int64_t i = 0; i < c.n; ++i)
    for (int64_t co = 0; co < c.cout; ++co)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t xo = 0; xo < ow; ++xo) {
          double s = b.empty() ? 0 : b[co], sc = std::fabs(s);
          int64_t g = co / coutG;
          for (int64_t ci = 0; ci < cinG; ++ci)
            for (int64_t ky = 0; ky < c.kh; ++ky)
              for (int64_t kx = 0; kx < c.kw; ++kx) {
                int64_t iy = y * c.strides[0] - c.pads[0] + ky * c.dilations[0];
                int64_t ix =
                    xo * c.strides[1] - c.pads[2] + kx * c.dilations[1];
                if (iy < 0 || iy >= c.h || ix < 0 || ix >= c.w)
                  continue;
                double v =
                    double(x[((i * c.cin + g * cinG + ci) * c.h + iy) * c.w +
                             ix]) *
                    f[((co * cinG + ci) * c.kh + ky) * c.kw + kx];
                s += v;
                sc += std::fabs(v);
              }
          int64_t o = ((i * c.cout + co) * oh + y) * ow + xo;
          (*ref)[o] = activationRef(c.act, s, 0.1);
          (*scale)[o] = sc;
        }
}

TilingContext convContext(const ConvCase &c, const SocInfo *soc) {
  TilingContext ctx;
  ctx.inputs.push_back(f32({c.n, c.cin, c.h, c.w}, c.format));
  ctx.inputs.push_back(f32({c.cout, c.cin / c.groups, c.kh, c.kw}));
  ctx.inputs[1].isConst = c.constFilter;
  if (c.bias)
    ctx.inputs.push_back(f32({c.cout}));
  ctx.outputs.push_back(f32({c.n, c.cout, c.oh(), c.ow()}, c.format));
  ctx.attrs.set("strides", c.strides);
  ctx.attrs.set("pads", c.pads);
  ctx.attrs.set("dilations", c.dilations);
  ctx.attrs.set("groups", c.groups);
  ctx.attrs.set("activation", c.act);
  ctx.attrs.set("alpha", 0.1);
  ctx.soc = soc;
  return ctx;
}

void checkConv(const ConvCase &c, const SocInfo &soc, Isa isa,
               const TilingResult *forced = nullptr) {
  SCOPED_TRACE(c.describe() + " isa=" + isaName(isa) + " soc.isa=" +
               isaName(soc.isa) + " cores=" + std::to_string(soc.aiCoreCount));
  TilingContext ctx = convContext(c, &soc);
  auto x = randomFloats(c.n * c.cin * c.h * c.w, 7);
  auto f = randomFloats(c.cout * (c.cin / c.groups) * c.kh * c.kw, 8);
  std::vector<float> b;
  if (c.bias)
    b = randomFloats(c.cout, 9);
  std::vector<double> ref, scale;
  convReference(c, x, f, b, &ref, &scale);

  bool c0 = c.format == Format::NC1HWC0;
  std::vector<float> xin = c0 ? toNc1hwc0(x, c.n, c.cin, c.h * c.w) : x;
  int64_t outElems = physicalElements({c.n, c.cout, c.oh(), c.ow()}, c.format);
  Buffer y = allocBuffer((outElems + 1) * sizeof(float));
  auto *yf = reinterpret_cast<float *>(y.get());
  std::fill(yf, yf + outElems + 1, std::numeric_limits<float>::quiet_NaN());
  std::vector<const void *> ins = {xin.data(), f.data()};
  if (c.bias)
    ins.push_back(b.data());
  Status st = runKernel("conv2d", ctx, ins, {yf}, isa, forced);
  ASSERT_TRUE(st.ok()) << st.toString();
  EXPECT_TRUE(std::isnan(yf[outElems])) << "wrote past the output";
  if (!c0) {
    EXPECT_TRUE(allClose(yf, ref, scale, kRtol, kAtol));
    return;
  }
  std::vector<float> pads;
  std::vector<float> got = fromNc1hwc0(yf, c.n, c.cout, c.oh() * c.ow(), &pads);
  EXPECT_TRUE(allClose(got.data(), ref, scale, kRtol, kAtol));
  for (float v : pads)
    ASSERT_EQ(v, 0.0f) << "padded channel not zero";
}

ConvCase make(int64_t n, int64_t cin, int64_t h, int64_t w, int64_t cout,
              int64_t kh, int64_t kw, std::vector<int64_t> s,
              std::vector<int64_t> p, std::vector<int64_t> d, int64_t g) {
  return ConvCase{n, cin, h, w, cout, kh, kw, s, p, d, g};
}

const std::vector<ConvCase> &convCases() {
  static const std::vector<ConvCase> cases = {
      make(1, 3, 7, 9, 5, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1),
      make(2, 4, 10, 10, 8, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1),
      make(1, 16, 9, 11, 17, 1, 1, {2, 2}, {0, 0, 0, 0}, {1, 1}, 1),
      make(1, 8, 12, 12, 16, 3, 3, {2, 2}, {1, 0, 1, 2}, {1, 1}, 1),
      make(1, 6, 13, 8, 4, 5, 3, {2, 1}, {2, 2, 1, 1}, {1, 2}, 1),
      make(1, 8, 8, 8, 8, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 2),
      make(1, 12, 7, 7, 6, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 3),
      make(2, 32, 6, 6, 32, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 2),
      make(1, 8, 11, 11, 8, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 8),
      make(2, 5, 9, 10, 5, 3, 3, {2, 2}, {1, 1, 1, 1}, {1, 1}, 5),
      make(1, 4, 8, 8, 8, 3, 3, {1, 1}, {1, 1, 1, 1}, {2, 2}, 4),
      make(1, 20, 9, 7, 20, 5, 5, {1, 2}, {2, 2, 2, 2}, {1, 1}, 20),
      make(1, 1, 1, 1, 1, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1),
      make(1, 3, 20, 20, 64, 7, 7, {2, 2}, {3, 3, 3, 3}, {1, 1}, 1),
      make(1, 64, 14, 14, 70, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1),
      make(1, 17, 5, 5, 33, 2, 2, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1),
      make(1, 2, 3, 3, 3, 5, 5, {1, 1}, {2, 2, 2, 2}, {1, 1}, 1),
      make(1, 40, 3, 50, 24, 1, 3, {1, 3}, {0, 0, 1, 1}, {1, 1}, 1),
      make(1, 32, 7, 7, 48, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1),
      make(2, 40, 5, 5, 32, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1),
      make(1, 24, 9, 9, 64, 3, 3, {2, 2}, {0, 1, 1, 0}, {1, 1}, 2),
  };
  return cases;
}

ConvCase variantOf(ConvCase c, size_t index, Format format) {
  c.format = format;
  c.bias = index % 2 == 0;
  c.constFilter = index % 3 != 1;
  c.act = activationNames()[index % activationNames().size()];
  return c;
}

TEST(Conv2d, ShapesAndFormatsOnEveryIsa) {
  for (Isa isa : runnableIsas()) {
    SocInfo soc = socVariant(isa);
    for (size_t i = 0; i < convCases().size(); ++i)
      for (Format format : {Format::NCHW, Format::NC1HWC0})
        checkConv(variantOf(convCases()[i], i, format), soc, isa);
  }
}

TEST(Conv2d, EveryActivationWithBias) {
  for (Isa isa : runnableIsas())
    for (const std::string &act : activationNames())
      for (Format format : {Format::NCHW, Format::NC1HWC0})
        // Plain, staged grouped (NC1HWC0), depthwise with padded lanes and
        // pixel rows.
        for (size_t i : {0u, 10u, 11u, 18u}) {
          ConvCase c = convCases()[i];
          c.format = format;
          c.bias = true;
          c.act = act;
          checkConv(c, socVariant(isa), isa);
        }
}

TEST(Conv2d, TilingsOfSocVariants) {
  const std::vector<std::array<uint64_t, 2>> caches = {{0, 0}, {2048, 16384}};
  for (Isa isa : runnableIsas())
    for (uint32_t cores : {1u, 3u, 8u})
      for (const auto &cache : caches)
        for (size_t i : {0u, 3u, 7u, 9u, 14u, 18u, 20u})
          for (Format format : {Format::NCHW, Format::NC1HWC0})
            checkConv(variantOf(convCases()[i], i + cores, format),
                      socVariant(isa, cores, cache[0], cache[1]), isa);
}

TEST(Conv2d, PathsChosenByTiling) {
  SocInfo soc = socVariant(SocInfo::host().isa);
  auto pathOf = [&](size_t i, Format format) {
    TilingContext ctx = convContext(variantOf(convCases()[i], i, format), &soc);
    TilingResult r;
    EXPECT_TRUE(KernelRegistry::global().find("conv2d")->tiling(ctx, &r).ok());
    Conv2dTiling t = decodeTilingResult<Conv2dTiling>(r);
    return std::make_tuple(ConvPath(t.path), t.pointwise != 0, t.staged != 0);
  };
  EXPECT_EQ(pathOf(1, Format::NCHW),
            std::make_tuple(ConvPath::GemmNchw, true, false));
  EXPECT_EQ(pathOf(2, Format::NCHW),
            std::make_tuple(ConvPath::GemmNchw, false, false));
  EXPECT_EQ(pathOf(8, Format::NCHW),
            std::make_tuple(ConvPath::DepthwiseNchw, false, false));
  EXPECT_EQ(pathOf(8, Format::NC1HWC0),
            std::make_tuple(ConvPath::DepthwiseNc1hwc0, false, false));
  EXPECT_EQ(pathOf(10, Format::NC1HWC0),
            std::make_tuple(ConvPath::GemmNc1hwc0, false, true));
  EXPECT_EQ(pathOf(7, Format::NC1HWC0),
            std::make_tuple(ConvPath::GemmNc1hwc0, false, false));
  EXPECT_EQ(pathOf(18, Format::NCHW),
            std::make_tuple(ConvPath::GemmNchwPixelRows, false, true));
  EXPECT_EQ(pathOf(19, Format::NCHW),
            std::make_tuple(ConvPath::GemmNchwPixelRows, true, true));
}

TEST(Conv2d, ForcedGemmTilings) {
  struct Forced {
    int32_t mr, nr, mc, nc, kc, gm, gn;
    uint32_t blocks;
  };
  const std::vector<Forced> forced = {{1, 16, 1, 16, 1, 1, 1, 1},
                                      {5, 32, 10, 64, 7, 2, 3, 4},
                                      {8, 48, 16, 96, 20, 3, 1, 7},
                                      {6, 64, 6, 64, 300, 1, 2, 2}};
  SocInfo soc = socVariant(SocInfo::host().isa);
  for (Isa isa : runnableIsas())
    for (size_t i : {0u, 1u, 4u, 6u, 7u, 10u, 15u, 18u, 19u, 20u})
      for (Format format : {Format::NCHW, Format::NC1HWC0})
        for (const Forced &f : forced) {
          ConvCase c = variantOf(convCases()[i], i, format);
          TilingContext ctx = convContext(c, &soc);
          TilingResult base;
          ASSERT_TRUE(
              KernelRegistry::global().find("conv2d")->tiling(ctx, &base).ok());
          Conv2dTiling t = decodeTilingResult<Conv2dTiling>(base);
          if (t.path != int32_t(ConvPath::GemmNchw) &&
              t.path != int32_t(ConvPath::GemmNchwPixelRows) &&
              t.path != int32_t(ConvPath::GemmNc1hwc0))
            continue;
          t.blocking = {f.mr, f.nr, f.mc, f.nc, f.kc, 0};
          t.grid.mStep = cube::roundUp(cube::ceilDiv(t.gemmM, f.gm), f.mr);
          t.grid.nStep = cube::roundUp(cube::ceilDiv(t.gemmN, f.gn), f.nr);
          t.grid.gm = int32_t(cube::ceilDiv(t.gemmM, t.grid.mStep));
          t.grid.gn = int32_t(cube::ceilDiv(t.gemmN, t.grid.nStep));
          t.tasks = c.n * c.groups * t.grid.gm * t.grid.gn;
          // Generous workspace: every region the forced blocking can use.
          t.wsPackB = uint64_t(f.mc) * f.kc * 4 + 64;
          t.wsFilter = t.wsPackB + uint64_t(f.kc) * f.nc * 4 + 64;
          t.wsStage = t.wsFilter +
                      uint64_t(cube::packedFloats(t.gemmN, t.gemmK, f.nr)) * 4;
          t.wsBytesPerBlock = t.wsStage + uint64_t(t.grid.mStep) *
                                              cube::roundUp(t.grid.nStep, 16) *
                                              4;
          TilingResult r = withTiling(base, t, f.blocks, t.wsBytesPerBlock);
          checkConv(c, soc, isa, &r);
        }
}

TEST(Conv2d, ForcedDepthwiseBands) {
  SocInfo soc = socVariant(SocInfo::host().isa);
  for (Isa isa : runnableIsas())
    for (size_t i : {8u, 9u, 10u, 11u})
      for (Format format : {Format::NCHW, Format::NC1HWC0})
        for (int64_t rows : {1, 2, 5, 100})
          for (uint32_t blocks : {1u, 3u}) {
            ConvCase c = variantOf(convCases()[i], i, format);
            TilingContext ctx = convContext(c, &soc);
            TilingResult base;
            ASSERT_TRUE(KernelRegistry::global()
                            .find("conv2d")
                            ->tiling(ctx, &base)
                            .ok());
            Conv2dTiling t = decodeTilingResult<Conv2dTiling>(base);
            if (t.path != int32_t(ConvPath::DepthwiseNchw) &&
                t.path != int32_t(ConvPath::DepthwiseNc1hwc0))
              continue;
            int64_t planes = c.n * (t.path == int32_t(ConvPath::DepthwiseNchw)
                                        ? c.cout
                                        : cube::ceilDiv(c.cin, 16));
            t.rowsPerTask = rows;
            t.tasks = planes * cube::ceilDiv(t.oh, rows);
            TilingResult r = withTiling(base, t, blocks, t.wsBytesPerBlock);
            checkConv(c, soc, isa, &r);
          }
}

TEST(Conv2d, RejectsInconsistentOperands) {
  auto expectError = [](ConvCase c, const std::string &needle,
                        void (*edit)(TilingContext &) = nullptr) {
    SocInfo soc = SocInfo::host();
    TilingContext ctx = convContext(c, &soc);
    if (edit)
      edit(ctx);
    TilingResult r;
    Status st = KernelRegistry::global().find("conv2d")->tiling(ctx, &r);
    EXPECT_FALSE(st.ok()) << needle;
    EXPECT_NE(st.message().find(needle), std::string::npos) << st.message();
  };
  ConvCase c = convCases()[0];
  expectError(c, "input channels 3 not divisible by groups 2",
              [](TilingContext &ctx) { ctx.attrs.set("groups", int64_t(2)); });
  expectError(c, "'strides' must have 2 elements", [](TilingContext &ctx) {
    ctx.attrs.set("strides", std::vector<int64_t>{1, 1, 1, 1});
  });
  expectError(c, "'dilations' [0, 1] must be >= 1", [](TilingContext &ctx) {
    ctx.attrs.set("dilations", std::vector<int64_t>{0, 1});
  });
  expectError(c, "does not fit the padded input", [](TilingContext &ctx) {
    ctx.attrs.set("pads", std::vector<int64_t>{0, 0, 0, 0});
    ctx.inputs[0].shape = {1, 3, 2, 9};
  });
  expectError(c, "needs Cin/groups = 3", [](TilingContext &ctx) {
    ctx.inputs[1].shape = {5, 4, 3, 3};
  });
  expectError(c, "bias [4] must be [5]",
              [](TilingContext &ctx) { ctx.inputs.push_back(f32({4})); });
  expectError(c, "should be [1, 5, 7, 9]", [](TilingContext &ctx) {
    ctx.outputs[0].shape = {1, 5, 7, 8};
  });
  expectError(c, "must match the input's", [](TilingContext &ctx) {
    ctx.outputs[0].format = Format::NC1HWC0;
  });
  expectError(c, "(supported: float32, float16, bfloat16)",
              [](TilingContext &ctx) { ctx.inputs[0].dtype = DType::I8; });
  expectError(c, "filter has dtype float32, expected bfloat16",
              [](TilingContext &ctx) { ctx.inputs[0].dtype = DType::BF16; });
  expectError(c, "bias has dtype float16, expected bfloat16 or float32",
              [](TilingContext &ctx) {
                ctx.inputs[0].dtype = ctx.inputs[1].dtype = DType::BF16;
                ctx.inputs.push_back(f32({5}));
                ctx.inputs[2].dtype = DType::F16;
              });
}

} // namespace
