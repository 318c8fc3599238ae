//===- matmul_test.cpp - matmul / batch_matmul against a naive reference --===//
//
// Tolerance (fp32): |y - ref| <= 1e-5 * sum_k |x1 * x2| + 1e-5, with the
// reference accumulated in double and the activation applied exactly.
//
//===----------------------------------------------------------------------===//

#include "cube/matmul_test_util.h"
#include "kernels/cube/matmul_tiling.h"

#include <array>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::kernels::cube::MatmulTiling;

namespace {

// The fp32 bound has no term for the rounding of the output.
constexpr Tolerance kTolerance{1e-5, 1e-5, /*plusOutputRounding=*/false};
// x1, x2 and the bias are random with seeds kSeed, kSeed + 1, kSeed + 2.
constexpr uint32_t kSeed = 1;

const std::vector<std::array<int64_t, 3>> kShapes = {
    {1, 1, 1},    {1, 17, 5},    {3, 1, 7},     {8, 48, 16},
    {7, 47, 33},  {9, 49, 257},  {16, 96, 300}, {33, 65, 129},
    {64, 100, 1}, {100, 31, 64}, {131, 77, 520}};

MatmulCase caseFor(const std::array<int64_t, 3> &mnk, int variant) {
  int64_t M = mnk[0], N = mnk[1];
  MatmulCase c = matmulCase(mnk, variant);
  c.bias = (variant + M) % 2 == 0;
  c.constB = (variant + N) % 3 != 0;
  c.act = activationNames()[(M + N + variant) % activationNames().size()];
  return c;
}

TEST(Matmul, ShapesTransposesOnEveryIsa) {
  for (Isa isa : runnableIsas()) {
    SocInfo soc = socVariant(isa);
    for (const auto &mnk : kShapes)
      for (int variant = 0; variant < 4; ++variant)
        checkMatmul(caseFor(mnk, variant), soc, isa, kTolerance, kSeed);
  }
}

TEST(Matmul, PanelsPackedForOneIsaRunOnAnother) {
  // A program tiled for one soc may run where another ISA is best.
  for (Isa tiledFor : runnableIsas())
    for (Isa isa : runnableIsas()) {
      if (tiledFor == isa)
        continue;
      SocInfo soc = socVariant(tiledFor);
      for (const auto &mnk : {kShapes[4], kShapes[7], kShapes[10]})
        checkMatmul(caseFor(mnk, 3), soc, isa, kTolerance, kSeed);
    }
}

TEST(Matmul, EveryActivationWithBias) {
  for (Isa isa : runnableIsas())
    for (const std::string &act : activationNames()) {
      MatmulCase c;
      c.a = {37, 29};
      c.b = {29, 53};
      c.bias = true;
      c.act = act;
      // Large enough values to reach the saturated ends of every activation.
      checkMatmul(c, socVariant(isa), isa, kTolerance, kSeed);
    }
}

TEST(Matmul, TilingsOfSocVariants) {
  // Core counts give different grids; tiny caches give many k/m/n blocks.
  const std::vector<std::array<uint64_t, 2>> caches = {
      {0, 0}, {2048, 16384}, {8192, 65536}};
  for (Isa isa : runnableIsas())
    for (uint32_t cores : {1u, 2u, 3u, 5u})
      for (const auto &cache : caches) {
        SocInfo soc = socVariant(isa, cores, cache[0], cache[1]);
        for (int variant = 0; variant < 4; ++variant) {
          MatmulCase c = caseFor({67, 203, 150}, variant);
          TilingResult tiling;
          TilingContext ctx = matmulContext(c, &soc);
          ctx.outputs.push_back(f32({67, 203}));
          ASSERT_TRUE(KernelRegistry::global()
                          .find("matmul")
                          ->tiling(ctx, &tiling)
                          .ok());
          EXPECT_LE(tiling.blockDim, cores);
          checkMatmul(c, soc, isa, kTolerance, kSeed);
        }
      }
}

TEST(Matmul, ForcedBlockingsGridsAndBlockCounts) {
  // Every value the kernel reads from its tiling, pushed to small and odd
  // settings: panel widths, cache blocks, region grids, block counts.
  struct Forced {
    int32_t mr, nr, mc, nc, kc;
    int32_t gm, gn;
    uint32_t blocks;
  };
  const std::vector<Forced> forced = {
      {1, 16, 1, 16, 1, 1, 1, 1},    {5, 32, 10, 64, 8, 2, 3, 4},
      {8, 48, 8, 48, 16, 3, 2, 7},   {13, 64, 26, 128, 40, 1, 4, 3},
      {6, 16, 12, 32, 300, 4, 1, 2}, {8, 48, 256, 480, 256, 1, 1, 1}};
  SocInfo soc = socVariant(SocInfo::host().isa);
  for (Isa isa : runnableIsas())
    for (const Forced &f : forced)
      for (int variant = 0; variant < 4; ++variant) {
        MatmulCase c = caseFor({45, 70, 99}, variant);
        TilingContext ctx = matmulContext(c, &soc);
        ctx.outputs.push_back(f32({45, 70}));
        TilingResult base;
        ASSERT_TRUE(
            KernelRegistry::global().find("matmul")->tiling(ctx, &base).ok());
        MatmulTiling t = decodeTilingResult<MatmulTiling>(base);
        t.blocking = {f.mr, f.nr, f.mc, f.nc, f.kc, 0};
        t.grid = gridOfRegions(45, 70, f.gm, f.gn, t.blocking);
        t.wsBytesPerBlock = cube::roundUp(int64_t(f.mc) * f.kc, 16) * 4 +
                            cube::gemmPackBytes(t.blocking, false, true);
        TilingResult r = withTiling(base, t, f.blocks, t.wsBytesPerBlock);
        checkMatmul(c, soc, isa, kTolerance, kSeed, &r);
      }
}

TEST(Matmul, EmptyContractionGivesActivatedBias) {
  for (Isa isa : runnableIsas()) {
    MatmulCase c;
    c.a = {5, 0};
    c.b = {0, 19};
    c.bias = true;
    c.act = "sigmoid";
    checkMatmul(c, socVariant(isa), isa, kTolerance, kSeed);
  }
}

TEST(BatchMatmul, BroadcastingAndAdjointsOnEveryIsa) {
  const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>>
      shapes = {
          {{2, 3, 5, 7}, {2, 3, 7, 4}}, {{2, 1, 5, 7}, {3, 7, 4}},
          {{5, 7}, {4, 7, 6}},          {{1, 9, 17}, {3, 17, 50}},
          {{6, 1, 9}, {6, 9, 1}},       {{2, 2, 2, 33, 20}, {1, 2, 1, 20, 49}},
          {{4, 64, 64}, {64, 64}}};
  for (Isa isa : runnableIsas())
    for (size_t s = 0; s < shapes.size(); ++s)
      for (int variant = 0; variant < 4; ++variant) {
        MatmulCase c =
            batchMatmulCase(shapes[s].first, shapes[s].second, variant);
        c.constB = (s + variant) % 2 == 0;
        c.bias = variant == 1;
        c.act = variant == 2 ? "relu" : "none";
        checkMatmul(c, socVariant(isa, 3), isa, kTolerance, kSeed);
      }
}

Status tileError(const std::string &kernel, TilingContext ctx) {
  SocInfo soc = SocInfo::host();
  ctx.soc = &soc;
  TilingResult r;
  return KernelRegistry::global().find(kernel)->tiling(ctx, &r);
}

TEST(Matmul, RejectsInconsistentOperands) {
  auto expectError = [](const std::string &kernel, TilingContext ctx,
                        const std::string &needle) {
    Status st = tileError(kernel, std::move(ctx));
    EXPECT_FALSE(st.ok()) << needle;
    EXPECT_NE(st.message().find(needle), std::string::npos) << st.message();
  };
  TilingContext ctx;
  ctx.inputs = {f32({4, 5}), f32({6, 7})};
  expectError("matmul", ctx, "contraction dims differ");
  ctx.inputs = {f32({4, 5}), f32({5, 7}), f32({6})};
  expectError("matmul", ctx, "bias [6] must be [N] = [7]");
  ctx.inputs = {f32({2, 4, 5}), f32({5, 7})};
  expectError("matmul", ctx, "must be 2-D");
  ctx.inputs = {f32({2, 4, 5}), f32({3, 5, 7})};
  expectError("batch_matmul", ctx, "do not broadcast");
  ctx.inputs = {f32({4, 5}), f32({5, 7})};
  ctx.inputs[0].dtype = DType::I32;
  expectError("matmul", ctx, "(supported: float32, float16, bfloat16)");
  ctx.inputs = {f32({4, 5}), f32({5, 7})};
  ctx.inputs[1].dtype = DType::F16;
  expectError("matmul", ctx,
              "x2 has dtype float16, expected float32 (input 0 is float32)");
  ctx.inputs[0].dtype = DType::F16;
  ctx.outputs = {f32({4, 7})};
  ctx.outputs[0].dtype = DType::BF16;
  expectError("matmul", ctx,
              "output has dtype bfloat16, expected float16 or "
              "float32");
  ctx.outputs.clear();
  ctx.inputs = {f32({4, 5}), f32({5, 7})};
  ctx.attrs.set("activation", std::string("swish"));
  expectError("matmul", ctx, "unknown activation 'swish'");
  ctx.attrs = AttrMap();
  ctx.outputs = {f32({4, 8})};
  expectError("matmul", ctx, "should be [4, 7]");
}

} // namespace
