//===- conv2d_low_precision_test.cpp - f16 / bf16 conv2d ------------------===//
//
// x and the filter stored as f16 or bf16, y as that dtype or f32, bias as
// either; fp32 accumulation. Against a double reference from the rounded
// inputs:
//   |y - ref| <= 1e-5 * sum |x w| + u * |ref| + 1e-5
// (u = 2^-11 for f16 outputs, 2^-8 for bf16, 2^-24 for f32). Every conv
// path (NCHW GEMM, pointwise, pixel rows, NC1HWC0 GEMM, staged groups,
// depthwise NCHW / NC1HWC0) runs on every ISA, with bf16-pair panels where
// the soc has AVX512-BF16, fp32 panels where it has not, and pair panels
// expanded by the other units. NC1HWC0 pad channels must be exactly 0.
//
//===----------------------------------------------------------------------===//

#include "cube/conv_test_util.h"
#include "cube/low_precision_test_util.h"
#include "kernels/cube/conv2d_tiling.h"

#include <set>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::kernels::cube::Conv2dTiling;
using geflow::kernels::cube::ConvPath;

namespace {

// The fp32 bound plus one rounding of the f16/bf16/f32 output.
constexpr Tolerance kTolerance{1e-5, 1e-5, /*plusOutputRounding=*/true};

/// One case or more per path, odd sizes and channel counts.
const std::vector<ConvCase> &convCases() {
  static const std::vector<ConvCase> cases = {
      // GEMM (NCHW) / NC1HWC0 GEMM, padding, stride, dilation.
      {1, 3, 7, 9, 5, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1},
      {1, 6, 13, 8, 4, 5, 3, {2, 1}, {2, 2, 1, 1}, {1, 2}, 1},
      {1, 17, 5, 5, 33, 2, 2, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1},
      // Pointwise.
      {2, 4, 10, 10, 8, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1},
      // Pixel rows (few pixels, many channels), plain and pointwise.
      {1, 32, 7, 7, 48, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1},
      {2, 40, 5, 5, 32, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1},
      // Groups: C0-aligned and staged (channels inside a C0 block).
      {2, 32, 6, 6, 32, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 2},
      {1, 12, 7, 7, 6, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 3},
      {1, 4, 8, 8, 8, 3, 3, {1, 1}, {1, 1, 1, 1}, {2, 2}, 4},
      // Depthwise, multiplier 1 (NCHW and NC1HWC0 direct paths).
      {1, 8, 11, 11, 8, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 8},
      {2, 5, 9, 10, 5, 3, 3, {2, 2}, {1, 1, 1, 1}, {1, 1}, 5},
      {1, 20, 9, 7, 20, 5, 5, {1, 2}, {2, 2, 2, 2}, {2, 1}, 20},
  };
  return cases;
}

ConvCase variantOf(ConvCase c, size_t index, Format format, DtypeCase dt) {
  c.format = format;
  c.dt = dt;
  c.bias = index % 3 != 2;
  c.biasDtype = index % 2 ? DType::F32 : dt.in;
  c.constFilter = index % 3 != 1;
  c.act = activationNames()[index % activationNames().size()];
  return c;
}

TEST(Conv2dLowPrecision, PathsFormatsDtypesOnEveryIsa) {
  for (const auto &[soc, isa] : cubeSocsAndIsas())
    for (const DtypeCase &dt : lowPrecisionCases())
      for (size_t i = 0; i < convCases().size(); ++i)
        for (Format format : {Format::NCHW, Format::NC1HWC0})
          checkConv(variantOf(convCases()[i], i, format, dt), soc, isa,
                    kTolerance);
}

TEST(Conv2dLowPrecision, EveryPathIsReached) {
  SocInfo soc = socVariant(SocInfo::host().isa);
  std::set<int32_t> paths;
  for (size_t i = 0; i < convCases().size(); ++i)
    for (Format format : {Format::NCHW, Format::NC1HWC0}) {
      ConvCase c =
          variantOf(convCases()[i], i, format, {DType::BF16, DType::BF16});
      TilingContext ctx = convContext(c, &soc);
      TilingResult r;
      ASSERT_TRUE(
          KernelRegistry::global().find("conv2d")->tiling(ctx, &r).ok());
      Conv2dTiling t = decodeTilingResult<Conv2dTiling>(r);
      paths.insert(t.path * 4 + t.staged * 2 + t.pointwise);
    }
  for (ConvPath p :
       {ConvPath::GemmNchw, ConvPath::GemmNchwPixelRows, ConvPath::GemmNc1hwc0,
        ConvPath::DepthwiseNchw, ConvPath::DepthwiseNc1hwc0})
    EXPECT_TRUE(
        paths.count(int32_t(p) * 4) || paths.count(int32_t(p) * 4 + 1) ||
        paths.count(int32_t(p) * 4 + 2) || paths.count(int32_t(p) * 4 + 3))
        << "path " << int32_t(p) << " not covered";
  EXPECT_TRUE(paths.count(int32_t(ConvPath::GemmNc1hwc0) * 4 + 2))
      << "staged NC1HWC0 groups not covered";
  EXPECT_TRUE(paths.count(int32_t(ConvPath::GemmNchw) * 4 + 1))
      << "pointwise not covered";
}

TEST(Conv2dLowPrecision, ForcedGemmTilingsAndStages) {
  struct Forced {
    int32_t mr, nr, mc, nc, kc, gm, gn;
    int64_t stageRows, stageCols;
    uint32_t blocks;
  };
  const std::vector<Forced> forced = {{1, 16, 1, 16, 2, 1, 1, 1, 16, 1},
                                      {5, 32, 10, 64, 6, 2, 3, 5, 32, 4},
                                      {8, 48, 16, 96, 20, 3, 1, 8, 48, 7}};
  for (const auto &[soc, isa] : cubeSocsAndIsas())
    for (const DtypeCase &dt : lowPrecisionCases())
      for (size_t i : {0u, 3u, 4u, 6u, 7u})
        for (Format format : {Format::NCHW, Format::NC1HWC0})
          for (const Forced &f : forced) {
            ConvCase c = variantOf(convCases()[i], i, format, dt);
            TilingContext ctx = convContext(c, &soc);
            TilingResult base;
            ASSERT_TRUE(KernelRegistry::global()
                            .find("conv2d")
                            ->tiling(ctx, &base)
                            .ok());
            Conv2dTiling t = decodeTilingResult<Conv2dTiling>(base);
            ASSERT_NE(t.path, int32_t(ConvPath::DepthwiseNchw));
            t.blocking = {f.mr, f.nr, f.mc, f.nc, f.kc, 0};
            t.grid = gridOfRegions(t.gemmM, t.gemmN, f.gm, f.gn, t.blocking);
            t.tasks = c.n * c.groups * t.grid.gm * t.grid.gn;
            t.outStage = {f.stageRows, f.stageCols};
            // Generous workspace for every buffer the forced blocking uses.
            t.wsPackB = uint64_t(f.mc) * f.kc * 4 + 64;
            t.wsFilter = t.wsPackB + uint64_t(f.kc) * f.nc * 4 + 64;
            t.wsStage =
                t.wsFilter +
                uint64_t(cube::packedFloats(t.gemmN, t.gemmK, f.nr)) * 4;
            t.wsBias = t.wsStage + uint64_t(t.grid.mStep) *
                                       cube::roundUp(t.grid.nStep, 16) * 4;
            t.wsOut = t.wsBias + uint64_t(c.cout) * 4 + 64;
            t.wsBytesPerBlock = t.wsOut + f.stageRows * f.stageCols * 4;
            TilingResult r = withTiling(base, t, f.blocks, t.wsBytesPerBlock);
            checkConv(c, soc, isa, kTolerance, &r);
          }
}

TEST(Conv2dLowPrecision, ForcedDepthwiseBands) {
  SocInfo soc = socVariant(SocInfo::host().isa);
  for (Isa isa : runnableIsas())
    for (const DtypeCase &dt : lowPrecisionCases())
      for (size_t i : {9u, 10u, 11u})
        for (Format format : {Format::NCHW, Format::NC1HWC0})
          for (int64_t rows : {1, 2, 5, 100}) {
            ConvCase c = variantOf(convCases()[i], i, format, dt);
            TilingContext ctx = convContext(c, &soc);
            TilingResult base;
            ASSERT_TRUE(KernelRegistry::global()
                            .find("conv2d")
                            ->tiling(ctx, &base)
                            .ok());
            Conv2dTiling t = decodeTilingResult<Conv2dTiling>(base);
            ASSERT_TRUE(t.path == int32_t(ConvPath::DepthwiseNchw) ||
                        t.path == int32_t(ConvPath::DepthwiseNc1hwc0));
            bandDepthwiseRows(t, c, rows);
            TilingResult r = withTiling(base, t, 3, t.wsBytesPerBlock);
            checkConv(c, soc, isa, kTolerance, &r);
          }
}

TEST(Conv2dLowPrecision, RejectsMixedStorage) {
  SocInfo soc = SocInfo::host();
  ConvCase c =
      variantOf(convCases()[0], 0, Format::NCHW, {DType::F16, DType::F16});
  TilingContext ctx = convContext(c, &soc);
  ctx.outputs[0].dtype = DType::BF16;
  TilingResult r;
  Status st = KernelRegistry::global().find("conv2d")->tiling(ctx, &r);
  EXPECT_NE(st.message().find(
                "conv2d: output has dtype bfloat16, expected float16 or "
                "float32 (input 0 is float16)"),
            std::string::npos)
      << st.message();
  ctx = convContext(c, &soc);
  ctx.inputs[1].dtype = DType::F32;
  st = KernelRegistry::global().find("conv2d_transpose")->tiling(ctx, &r);
  EXPECT_NE(st.message().find("filter has dtype float32, expected float16"),
            std::string::npos)
      << st.message();
}

} // namespace
