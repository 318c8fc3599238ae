//===- conv2d_test.cpp - conv2d against a naive reference -----------------===//
//
// Tolerance (fp32): |y - ref| <= 1e-5 * sum |x * w| + 1e-5 over the window,
// reference accumulated in double, activation applied exactly. NC1HWC0
// outputs must also keep their padded channels at exactly 0.
//
//===----------------------------------------------------------------------===//

#include "cube/conv_test_util.h"
#include "kernels/cube/conv2d_tiling.h"

#include <array>
#include <tuple>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::kernels::cube::Conv2dTiling;
using geflow::kernels::cube::ConvPath;

namespace {

// The fp32 bound has no term for the rounding of the output.
constexpr Tolerance kTolerance{1e-5, 1e-5, /*plusOutputRounding=*/false};

const std::vector<ConvCase> &convCases() {
  static const std::vector<ConvCase> cases = {
      {1, 3, 7, 9, 5, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1},
      {2, 4, 10, 10, 8, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1},
      {1, 16, 9, 11, 17, 1, 1, {2, 2}, {0, 0, 0, 0}, {1, 1}, 1},
      {1, 8, 12, 12, 16, 3, 3, {2, 2}, {1, 0, 1, 2}, {1, 1}, 1},
      {1, 6, 13, 8, 4, 5, 3, {2, 1}, {2, 2, 1, 1}, {1, 2}, 1},
      {1, 8, 8, 8, 8, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 2},
      {1, 12, 7, 7, 6, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 3},
      {2, 32, 6, 6, 32, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 2},
      {1, 8, 11, 11, 8, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 8},
      {2, 5, 9, 10, 5, 3, 3, {2, 2}, {1, 1, 1, 1}, {1, 1}, 5},
      {1, 4, 8, 8, 8, 3, 3, {1, 1}, {1, 1, 1, 1}, {2, 2}, 4},
      {1, 20, 9, 7, 20, 5, 5, {1, 2}, {2, 2, 2, 2}, {1, 1}, 20},
      {1, 1, 1, 1, 1, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1},
      {1, 3, 20, 20, 64, 7, 7, {2, 2}, {3, 3, 3, 3}, {1, 1}, 1},
      {1, 64, 14, 14, 70, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1},
      {1, 17, 5, 5, 33, 2, 2, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1},
      {1, 2, 3, 3, 3, 5, 5, {1, 1}, {2, 2, 2, 2}, {1, 1}, 1},
      {1, 40, 3, 50, 24, 1, 3, {1, 3}, {0, 0, 1, 1}, {1, 1}, 1},
      {1, 32, 7, 7, 48, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1},
      {2, 40, 5, 5, 32, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1},
      {1, 24, 9, 9, 64, 3, 3, {2, 2}, {0, 1, 1, 0}, {1, 1}, 2},
      // Depthwise on phase planes: multiplier 2 with a 5x5 stride-2 window
      // and uneven pads, a 2x2 window, stride 2 without padding.
      {1, 6, 12, 9, 12, 5, 5, {2, 2}, {2, 1, 1, 2}, {1, 1}, 6},
      {2, 7, 6, 13, 7, 2, 2, {1, 1}, {0, 1, 1, 0}, {1, 1}, 7},
      {1, 9, 15, 4, 9, 3, 3, {2, 2}, {0, 0, 0, 0}, {1, 1}, 9},
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
        checkConv(variantOf(convCases()[i], i, format), soc, isa, kTolerance);
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
          checkConv(c, socVariant(isa), isa, kTolerance);
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
                      socVariant(isa, cores, cache[0], cache[1]), isa,
                      kTolerance);
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
          t.grid = gridOfRegions(t.gemmM, t.gemmN, f.gm, f.gn, t.blocking);
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
          checkConv(c, soc, isa, kTolerance, &r);
        }
}

TEST(Conv2d, ForcedDepthwiseBands) {
  SocInfo soc = socVariant(SocInfo::host().isa);
  for (Isa isa : runnableIsas())
    for (size_t i : {8u, 9u, 10u, 11u, 19u, 20u, 21u})
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
            bandDepthwiseRows(t, c, rows);
            TilingResult r = withTiling(base, t, blocks, t.wsBytesPerBlock);
            checkConv(c, soc, isa, kTolerance, &r);
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
  expectError(c, "needs Cin/groups = 3",
              [](TilingContext &ctx) { ctx.inputs[1].shape = {5, 4, 3, 3}; });
  expectError(c, "bias [4] must be [5]",
              [](TilingContext &ctx) { ctx.inputs.push_back(f32({4})); });
  expectError(c, "should be [1, 5, 7, 9]",
              [](TilingContext &ctx) { ctx.outputs[0].shape = {1, 5, 7, 8}; });
  expectError(c, "must match the input's", [](TilingContext &ctx) {
    ctx.inputs[0].format = Format::NC1HWC0;
  });
  expectError(c, "an NCHW input with an NC1HWC0 output needs groups 1, got 3",
              [](TilingContext &ctx) {
                ctx.outputs[0].format = Format::NC1HWC0;
                ctx.inputs[1].shape = {6, 1, 3, 3};
                ctx.outputs[0].shape = {1, 6, 7, 9};
                ctx.attrs.set("groups", int64_t(3));
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
