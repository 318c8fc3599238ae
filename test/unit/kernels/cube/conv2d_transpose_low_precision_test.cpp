//===- conv2d_transpose_low_precision_test.cpp - f16 / bf16 ---------------===//
//
// x and the filter stored as f16 or bf16, y as that dtype or f32, bias as
// either; fp32 accumulation. Against a double reference from the rounded
// inputs:
//   |y - ref| <= 1e-5 * sum |x w| + u * |ref| + 1e-5
// (u = 2^-11 for f16 outputs, 2^-8 for bf16, 2^-24 for f32), on every ISA.
//
//===----------------------------------------------------------------------===//

#include "cube/conv_test_util.h"
#include "cube/low_precision_test_util.h"
#include "kernels/cube/conv2d_transpose_tiling.h"

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

namespace {

// The fp32 bound plus one rounding of the f16/bf16/f32 output.
constexpr Tolerance kTolerance{1e-5, 1e-5, /*plusOutputRounding=*/true};

TEST(Conv2dTransposeLowPrecision, ShapesDtypesOnEveryIsa) {
  const std::vector<DeconvCase> cases = {
      {1, 3, 5, 6, 4, 3, 3, {2, 2}, {1, 1, 1, 1}, {1, 1}, {1, 0}, 1},
      {2, 8, 4, 4, 6, 2, 2, {2, 2}, {0, 0, 0, 0}, {1, 1}, {0, 0}, 2},
      {1, 5, 7, 3, 7, 3, 1, {1, 3}, {0, 1, 0, 0}, {2, 1}, {0, 2}, 1},
      {1, 16, 6, 6, 33, 4, 4, {2, 2}, {1, 1, 1, 1}, {1, 1}, {0, 0}, 1}};
  for (const auto &[soc, isa] : cubeSocsAndIsas(3))
    for (const DtypeCase &dt : lowPrecisionCases())
      for (size_t i = 0; i < cases.size(); ++i)
        for (int variant = 0; variant < 2; ++variant) {
          DeconvCase c = cases[i];
          c.dt = dt;
          c.bias = variant == 0 || i == 2;
          c.biasDtype = variant ? DType::F32 : dt.in;
          c.constFilter = (i + variant) % 2 == 0;
          c.act = activationNames()[(i + variant) % activationNames().size()];
          checkDeconv(c, soc, isa, kTolerance, BiasInScale::Counted);
        }
}

TEST(Conv2dTransposeLowPrecision, SmallL2SplitsOutputChannels) {
  // f16/bf16 outputs accumulate a task's planes in the workspace; a small
  // L2 makes the tiling split output channels to keep that stage small.
  for (const DtypeCase &dt : lowPrecisionCases())
    for (Isa isa : runnableIsas()) {
      SocInfo soc = socVariant(isa, 1, 0, 16384);
      DeconvCase c{1, 6,      16,           16,     24,     3,
                   3, {2, 2}, {1, 1, 1, 1}, {1, 1}, {1, 1}, 1};
      c.dt = dt;
      c.bias = true;
      c.act = "relu";
      checkDeconv(c, soc, isa, kTolerance, BiasInScale::Counted);
      TilingContext ctx;
      ctx.inputs = {desc(dt.in, {1, 6, 16, 16}), desc(dt.in, {6, 24, 3, 3})};
      ctx.outputs = {desc(dt.out, {1, 24, 32, 32})};
      ctx.attrs.set("strides", std::vector<int64_t>{2, 2});
      ctx.attrs.set("pads", std::vector<int64_t>{1, 1, 1, 1});
      ctx.attrs.set("output_padding", std::vector<int64_t>{1, 1});
      ctx.soc = &soc;
      TilingResult r;
      ASSERT_TRUE(KernelRegistry::global()
                      .find("conv2d_transpose")
                      ->tiling(ctx, &r)
                      .ok());
      auto t = decodeTilingResult<cube::Conv2dTransposeTiling>(r);
      // Four 32x32 fp32 planes fill 16 KiB: f32 outputs take half the
      // channels per task, f16/bf16 outputs at most two L2s of fp32 planes.
      if (dt.out == DType::F32)
        EXPECT_GT(t.coStep * 32 * 32 * 4, 2 * 16384);
      else
        EXPECT_LE(t.coStep * 32 * 32 * 4, 2 * 16384) << dt.label();
    }
}

} // namespace
