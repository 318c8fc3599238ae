//===- conv2d_transpose_test.cpp - conv2d_transpose against a reference ---===//
//
// Tolerance (fp32): |y - ref| <= 1e-5 * sum |x * w| + 1e-5 over every
// contribution to an output, reference (a direct scatter) in double.
//
//===----------------------------------------------------------------------===//

#include "cube/conv_test_util.h"
#include "kernels/cube/conv2d_transpose_tiling.h"

#include <array>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::kernels::cube::Conv2dTransposeTiling;

namespace {

// The fp32 bound has no term for the rounding of the output, and its scale
// is the sum of the products alone (BiasInScale::NotCounted).
constexpr Tolerance kTolerance{1e-5, 1e-5, /*plusOutputRounding=*/false};

const std::vector<DeconvCase> &deconvCases() {
  static const std::vector<DeconvCase> cases = {
      {1, 3, 5, 6, 4, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, {0, 0}, 1},
      {2, 8, 7, 7, 5, 4, 4, {2, 2}, {1, 1, 1, 1}, {1, 1}, {0, 0}, 1},
      {1, 16, 9, 8, 16, 3, 3, {2, 2}, {1, 1, 1, 1}, {1, 1}, {1, 1}, 1},
      {1, 6, 4, 5, 9, 3, 2, {3, 2}, {0, 2, 1, 0}, {2, 1}, {1, 0}, 3},
      {1, 4, 6, 6, 4, 3, 3, {1, 1}, {0, 0, 0, 0}, {1, 1}, {0, 0}, 4},
      {1, 1, 1, 1, 1, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, {0, 0}, 1},
      {1, 32, 10, 12, 24, 2, 2, {2, 2}, {0, 0, 0, 0}, {1, 1}, {0, 0}, 1},
      {2, 10, 3, 17, 7, 5, 1, {1, 4}, {2, 2, 0, 0}, {1, 1}, {0, 3}, 1},
  };
  return cases;
}

DeconvCase variantOf(DeconvCase c, size_t i) {
  c.bias = i % 2 == 0;
  c.constFilter = i % 3 != 2;
  c.act = activationNames()[(i * 5) % activationNames().size()];
  return c;
}

TEST(Conv2dTranspose, ShapesOnEveryIsa) {
  for (Isa isa : runnableIsas())
    for (size_t i = 0; i < deconvCases().size(); ++i)
      checkDeconv(variantOf(deconvCases()[i], i), socVariant(isa), isa,
                  kTolerance, BiasInScale::NotCounted);
}

TEST(Conv2dTranspose, TilingsOfSocVariants) {
  const std::vector<std::array<uint64_t, 2>> caches = {{0, 0}, {2048, 8192}};
  for (Isa isa : runnableIsas())
    for (uint32_t cores : {1u, 3u, 16u})
      for (const auto &cache : caches)
        for (size_t i : {1u, 2u, 3u, 6u})
          checkDeconv(variantOf(deconvCases()[i], i + cores),
                      socVariant(isa, cores, cache[0], cache[1]), isa,
                      kTolerance, BiasInScale::NotCounted);
}

TEST(Conv2dTranspose, ForcedChunksAndSplits) {
  SocInfo soc = socVariant(SocInfo::host().isa);
  for (Isa isa : runnableIsas())
    for (size_t i : {1u, 3u, 6u})
      for (int64_t chunk : {48, 96})
        for (uint32_t blocks : {1u, 5u}) {
          DeconvCase c = variantOf(deconvCases()[i], i);
          TilingContext ctx = deconvContext(c, &soc);
          TilingResult base;
          ASSERT_TRUE(KernelRegistry::global()
                          .find("conv2d_transpose")
                          ->tiling(ctx, &base)
                          .ok());
          auto t = decodeTilingResult<Conv2dTransposeTiling>(base);
          t.pixelChunk = chunk;
          t.blocking.nr = 48;
          t.blocking.nc = 48;
          t.blocking.kc = 3;
          t.coStep = t.blocking.mr; // a multiple of the unit for any KH*KW
          t.coSplits = cube::ceilDiv(c.cout / c.groups, t.coStep);
          t.wsPackB = uint64_t(t.blocking.mc) * t.blocking.kc * 4;
          t.wsCol = t.wsPackB + 48 * 3 * 4;
          t.wsBytesPerBlock =
              t.wsCol + uint64_t(t.coStep) * c.kh * c.kw * chunk * 4;
          TilingResult r = withTiling(base, t, blocks, t.wsBytesPerBlock);
          checkDeconv(c, soc, isa, kTolerance, BiasInScale::NotCounted, &r);
        }
}

TEST(Conv2dTranspose, RejectsInconsistentOperands) {
  auto expectError = [](const std::string &needle,
                        void (*edit)(TilingContext &)) {
    SocInfo soc = SocInfo::host();
    TilingContext ctx = deconvContext(deconvCases()[1], &soc);
    edit(ctx);
    TilingResult r;
    Status st =
        KernelRegistry::global().find("conv2d_transpose")->tiling(ctx, &r);
    EXPECT_FALSE(st.ok()) << needle;
    EXPECT_NE(st.message().find(needle), std::string::npos) << st.message();
  };
  expectError("not divisible by groups 3",
              [](TilingContext &ctx) { ctx.attrs.set("groups", int64_t(3)); });
  expectError("must be [Cin = 8",
              [](TilingContext &ctx) { ctx.inputs[1].shape = {7, 5, 4, 4}; });
  expectError("output_padding [2, 0] must be smaller", [](TilingContext &ctx) {
    ctx.attrs.set("output_padding", std::vector<int64_t>{2, 0});
  });
  expectError("should be [2, 5, 14, 14]", [](TilingContext &ctx) {
    ctx.outputs[0].shape = {2, 5, 15, 14};
  });
  expectError("output would be", [](TilingContext &ctx) {
    ctx.attrs.set("pads", std::vector<int64_t>{9, 9, 1, 1});
  });
  expectError("supported: NCHW, ND", [](TilingContext &ctx) {
    ctx.inputs[0].format = Format::NC1HWC0;
  });
}

} // namespace
