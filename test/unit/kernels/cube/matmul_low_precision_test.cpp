//===- matmul_low_precision_test.cpp - f16 / bf16 matmul and batch_matmul -===//
//
// x1 and x2 stored as f16 or bf16, y as that dtype or f32, bias as either;
// fp32 accumulation. Against a double reference from the rounded inputs:
//   |y - ref| <= 1e-5 * sum_k |x1 x2| + u * |ref| + 1e-5
// (u = 2^-11 for f16 outputs, 2^-8 for bf16, 2^-24 for f32): the fp32
// tolerance of the f32 kernels plus one rounding of the result. Every case
// runs on every ISA, with bf16-pair panels (vdpbf16ps) where the soc has
// AVX512-BF16, with fp32 panels where it has not, and with pair panels
// tiled for AVX-512 run by the units that expand them to fp32.
//
//===----------------------------------------------------------------------===//

#include "cube/matmul_test_util.h"
#include "kernels/cube/matmul_tiling.h"

#include <array>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::kernels::cube::MatmulTiling;
using geflow::kernels::cube::PanelFormat;

namespace {

// The fp32 bound plus one rounding of the f16/bf16/f32 output.
constexpr Tolerance kTolerance{1e-5, 1e-5, /*plusOutputRounding=*/true};
// x1, x2 and the bias are random with seeds kSeed, kSeed + 1, kSeed + 2.
constexpr uint32_t kSeed = 3;

std::vector<std::pair<SocInfo, Isa>> socsAndIsas(uint32_t cores = 2) {
  return cubeSocsAndIsas(cores);
}

MatmulCase caseFor(const std::array<int64_t, 3> &mnk, int variant,
                   DtypeCase dt) {
  int64_t M = mnk[0], N = mnk[1];
  MatmulCase c = matmulCase(mnk, variant);
  c.dt = dt;
  c.bias = (variant + M) % 3 != 0;
  c.biasDtype = (variant + N) % 2 ? DType::F32 : dt.in;
  c.constB = (variant + N) % 3 != 0;
  c.act = activationNames()[(M + N + variant) % activationNames().size()];
  return c;
}

// Odd sizes everywhere; K odd exercises the zero half of the last bf16 pair.
const std::vector<std::array<int64_t, 3>> kShapes = {
    {1, 1, 1},    {1, 17, 5},    {3, 1, 7},     {8, 48, 16},  {7, 47, 33},
    {9, 49, 257}, {33, 65, 129}, {100, 31, 64}, {37, 97, 411}};

TEST(MatmulLowPrecision, ShapesTransposesDtypesOnEveryIsa) {
  for (const auto &[soc, isa] : socsAndIsas())
    for (const DtypeCase &dt : lowPrecisionCases())
      for (const auto &mnk : kShapes)
        for (int variant = 0; variant < 4; ++variant)
          checkMatmul(caseFor(mnk, variant, dt), soc, isa, kTolerance, kSeed);
}

TEST(MatmulLowPrecision, PanelFormatFollowsTheSoc) {
  auto panelsOf = [](DType dt, Isa isa, bool dot) {
    SocInfo soc = socVariant(isa);
    soc.hasAvx512Bf16 = dot;
    MatmulCase c = caseFor({20, 30, 40}, 0, {dt, dt});
    TilingContext ctx = matmulContext(c, &soc);
    TilingResult r;
    EXPECT_TRUE(KernelRegistry::global().find("matmul")->tiling(ctx, &r).ok());
    return PanelFormat(decodeTilingResult<MatmulTiling>(r).panels);
  };
  EXPECT_EQ(panelsOf(DType::BF16, Isa::AVX512, true), PanelFormat::Bf16Pairs);
  EXPECT_EQ(panelsOf(DType::BF16, Isa::AVX512, false), PanelFormat::F32);
  EXPECT_EQ(panelsOf(DType::BF16, Isa::AVX2, true), PanelFormat::F32);
  EXPECT_EQ(panelsOf(DType::F16, Isa::AVX512, true), PanelFormat::F32);
  EXPECT_EQ(panelsOf(DType::F32, Isa::AVX512, true), PanelFormat::F32);
}

TEST(MatmulLowPrecision, EveryActivationWithBias) {
  for (const auto &[soc, isa] : socsAndIsas())
    for (const DtypeCase &dt : lowPrecisionCases())
      for (const std::string &act : activationNames()) {
        MatmulCase c;
        c.dt = dt;
        c.a = {13, 29};
        c.b = {29, 53};
        c.bias = true;
        c.biasDtype = dt.in;
        c.constB = true;
        c.act = act;
        checkMatmul(c, soc, isa, kTolerance, kSeed);
      }
}

TEST(MatmulLowPrecision, ForcedBlockingsStagesAndBlockCounts) {
  // Panel widths, cache blocks (even k blocks: pairs need them), region
  // grids, fp32 output stages down to one panel, and block counts.
  struct Forced {
    int32_t mr, nr, mc, nc, kc;
    int32_t gm, gn;
    int64_t stageRows, stageCols;
    uint32_t blocks;
  };
  const std::vector<Forced> forced = {
      {1, 16, 1, 16, 2, 1, 1, 1, 16, 1},
      {5, 32, 10, 64, 8, 2, 3, 5, 32, 4},
      {8, 48, 8, 48, 16, 3, 2, 16, 96, 7},
      {13, 64, 26, 128, 40, 1, 4, 26, 64, 3},
      {6, 16, 12, 32, 300, 4, 1, 12, 48, 2},
      {8, 48, 256, 480, 256, 1, 1, 256, 480, 1}};
  for (const auto &[soc, isa] : socsAndIsas())
    for (const DtypeCase &dt : lowPrecisionCases())
      for (const Forced &f : forced)
        for (int variant = 0; variant < 4; ++variant) {
          MatmulCase c = caseFor({45, 70, 99}, variant, dt);
          TilingContext ctx = matmulContext(c, &soc);
          ctx.outputs.push_back(desc(dt.out, {45, 70}));
          TilingResult base;
          ASSERT_TRUE(
              KernelRegistry::global().find("matmul")->tiling(ctx, &base).ok());
          MatmulTiling t = decodeTilingResult<MatmulTiling>(base);
          t.blocking = {f.mr, f.nr, f.mc, f.nc, f.kc, 0};
          t.grid = gridOfRegions(45, 70, f.gm, f.gn, t.blocking);
          t.stage = {f.stageRows, f.stageCols};
          // Generous workspace: both pack buffers, the bias, the stage.
          t.wsBias = cube::roundUp(int64_t(f.mc) * f.kc, 16) * 4 +
                     uint64_t(f.kc) * f.nc * 4 + 64;
          t.wsStage = t.wsBias + 70 * 4 + 64;
          t.wsBytesPerBlock = t.wsStage + f.stageRows * f.stageCols * 4;
          TilingResult r = withTiling(base, t, f.blocks, t.wsBytesPerBlock);
          checkMatmul(c, soc, isa, kTolerance, kSeed, &r);
        }
}

TEST(MatmulLowPrecision, BatchBroadcastingAndAdjoints) {
  const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>>
      shapes = {{{2, 3, 5, 7}, {2, 3, 7, 4}},
                {{2, 1, 5, 7}, {3, 7, 4}},
                {{5, 7}, {4, 7, 6}},
                {{1, 9, 17}, {3, 17, 50}},
                {{2, 2, 2, 33, 20}, {1, 2, 1, 20, 49}}};
  for (const auto &[soc, isa] : socsAndIsas(3))
    for (const DtypeCase &dt : lowPrecisionCases())
      for (size_t s = 0; s < shapes.size(); ++s)
        for (int variant = 0; variant < 4; ++variant) {
          MatmulCase c =
              batchMatmulCase(shapes[s].first, shapes[s].second, variant);
          c.dt = dt;
          c.constB = (s + variant) % 2 == 0;
          c.bias = variant == 1;
          c.act = variant == 2 ? "relu" : "none";
          checkMatmul(c, soc, isa, kTolerance, kSeed);
        }
}

TEST(MatmulLowPrecision, EmptyContractionGivesActivatedBias) {
  for (const auto &[soc, isa] : socsAndIsas())
    for (const DtypeCase &dt : lowPrecisionCases()) {
      MatmulCase c;
      c.dt = dt;
      c.a = {5, 0};
      c.b = {0, 19};
      c.bias = true;
      c.biasDtype = dt.in;
      c.act = "sigmoid";
      checkMatmul(c, soc, isa, kTolerance, kSeed);
    }
}

} // namespace
