//===- MatmulLowPrecisionTest.cpp - f16 / bf16 matmul and batch_matmul ----===//
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

#include "CubeTestUtil.h"
#include "LowPrecisionTestUtil.h"
#include "kernels/matmul_tiling.h"

#include <array>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::kernels::cube::MatmulTiling;
using geflow::kernels::cube::PanelFormat;
namespace rt = geflow::rt;

namespace {

constexpr double kRtol = 1e-5, kAtol = 1e-5;

struct LpMatmulCase {
  std::vector<int64_t> a, b; // stored shapes of x1 and x2
  bool transA = false, transB = false;
  DtypeCase dt{DType::F16, DType::F16};
  DType biasDtype = DType::F32;
  bool bias = false;
  bool constB = false;
  std::string act = "none";
  bool batched = false;

  std::string describe() const {
    std::ostringstream os;
    os << (batched ? "batch_matmul " : "matmul ") << dt.label() << " x1 "
       << cube::shapeString(a) << " x2 " << cube::shapeString(b)
       << " tA=" << transA << " tB=" << transB
       << " bias=" << (bias ? rt::dtypeName(biasDtype) : "none")
       << " const=" << constB << " act=" << act;
    return os.str();
  }
};

struct Reference {
  std::vector<int64_t> shape;
  std::vector<double> value, scale;
};

Reference reference(const LpMatmulCase &c, const std::vector<float> &x1,
                    const std::vector<float> &x2,
                    const std::vector<float> &bias) {
  size_t r1 = c.a.size(), r2 = c.b.size(), rank = std::max(r1, r2) - 2;
  int64_t M = c.a[r1 - (c.transA ? 1 : 2)], K = c.a[r1 - (c.transA ? 2 : 1)];
  int64_t N = c.b[r2 - (c.transB ? 2 : 1)];
  std::vector<int64_t> out(rank), aDim(rank, 1), bDim(rank, 1);
  for (size_t d = 0; d < rank; ++d) {
    int o1 = int(d) - int(rank) + int(r1) - 2,
        o2 = int(d) - int(rank) + int(r2) - 2;
    aDim[d] = o1 >= 0 ? c.a[o1] : 1;
    bDim[d] = o2 >= 0 ? c.b[o2] : 1;
    out[d] = std::max(aDim[d], bDim[d]);
  }
  int64_t batch = 1;
  for (int64_t d : out)
    batch *= d;
  Reference ref;
  ref.shape = out;
  ref.shape.push_back(M);
  ref.shape.push_back(N);
  ref.value.resize(batch * M * N);
  ref.scale.resize(batch * M * N);
  for (int64_t bi = 0; bi < batch; ++bi) {
    int64_t rest = bi, aMat = 0, bMat = 0, aMul = 1, bMul = 1;
    for (int d = int(rank) - 1; d >= 0; --d) {
      int64_t idx = rest % out[d];
      rest /= out[d];
      aMat += (aDim[d] == 1 ? 0 : idx) * aMul;
      bMat += (bDim[d] == 1 ? 0 : idx) * bMul;
      aMul *= aDim[d];
      bMul *= bDim[d];
    }
    const float *A = x1.data() + aMat * M * K, *B = x2.data() + bMat * K * N;
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        double s = bias.empty() ? 0.0 : bias[j], sc = std::fabs(s);
        for (int64_t k = 0; k < K; ++k) {
          double p = double(c.transA ? A[k * M + i] : A[i * K + k]) *
                     (c.transB ? B[j * K + k] : B[k * N + j]);
          s += p;
          sc += std::fabs(p);
        }
        int64_t o = (bi * M + i) * N + j;
        ref.value[o] = activationRef(c.act, s, 0.1);
        ref.scale[o] = sc;
      }
  }
  return ref;
}

TilingContext makeContext(const LpMatmulCase &c, const SocInfo *soc) {
  TilingContext ctx;
  ctx.inputs.push_back(typed(c.dt.in, c.a));
  ctx.inputs.push_back(typed(c.dt.in, c.b));
  ctx.inputs[1].isConst = c.constB;
  if (c.bias)
    ctx.inputs.push_back(
        typed(c.biasDtype, {c.b[c.b.size() - (c.transB ? 2 : 1)]}));
  ctx.attrs.set(c.batched ? "adj_x1" : "transpose_x1", int64_t(c.transA));
  ctx.attrs.set(c.batched ? "adj_x2" : "transpose_x2", int64_t(c.transB));
  ctx.attrs.set("activation", c.act);
  ctx.attrs.set("alpha", 0.1);
  ctx.soc = soc;
  return ctx;
}

void checkCase(const LpMatmulCase &c, const SocInfo &soc, Isa isa,
               const TilingResult *forced = nullptr, uint32_t seed = 3) {
  SCOPED_TRACE(c.describe() + " isa=" + isaName(isa) +
               " soc.isa=" + isaName(soc.isa) +
               " bf16dot=" + std::to_string(soc.hasAvx512Bf16) +
               " cores=" + std::to_string(soc.aiCoreCount));
  TilingContext ctx = makeContext(c, &soc);
  StoredTensor x1 = storedRandom(c.dt.in, rt::numElements(c.a), seed);
  StoredTensor x2 = storedRandom(c.dt.in, rt::numElements(c.b), seed + 1);
  StoredTensor bias;
  if (c.bias)
    bias = storedRandom(c.biasDtype, ctx.inputs[2].shape[0], seed + 2);
  Reference ref = reference(c, x1.values, x2.values, bias.values);
  ctx.outputs.push_back(typed(c.dt.out, ref.shape));
  OutputBuffer y(c.dt.out, ref.value.size());
  std::vector<const void *> ins = {x1.data(), x2.data()};
  if (c.bias)
    ins.push_back(bias.data());
  Status st = runKernel(c.batched ? "batch_matmul" : "matmul", ctx, ins,
                        {y.data()}, isa, forced);
  ASSERT_TRUE(st.ok()) << st.toString();
  EXPECT_TRUE(closeToRounded(y.values(), ref.value, ref.scale, kRtol,
                             unitRoundoff(c.dt.out), kAtol));
  EXPECT_TRUE(y.guardIntact()) << "wrote past the output";
}

std::vector<std::pair<SocInfo, Isa>> socsAndIsas(uint32_t cores = 2) {
  return cubeSocsAndIsas(cores);
}

LpMatmulCase caseFor(const std::array<int64_t, 3> &mnk, int variant,
                     DtypeCase dt) {
  auto [M, N, K] = mnk;
  LpMatmulCase c;
  c.dt = dt;
  c.transA = variant & 1;
  c.transB = variant & 2;
  c.a = c.transA ? std::vector<int64_t>{K, M} : std::vector<int64_t>{M, K};
  c.b = c.transB ? std::vector<int64_t>{N, K} : std::vector<int64_t>{K, N};
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
          checkCase(caseFor(mnk, variant, dt), soc, isa);
}

TEST(MatmulLowPrecision, PanelFormatFollowsTheSoc) {
  auto panelsOf = [](DType dt, Isa isa, bool dot) {
    SocInfo soc = socVariant(isa);
    soc.hasAvx512Bf16 = dot;
    LpMatmulCase c = caseFor({20, 30, 40}, 0, {dt, dt});
    TilingContext ctx = makeContext(c, &soc);
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
        LpMatmulCase c;
        c.dt = dt;
        c.a = {13, 29};
        c.b = {29, 53};
        c.bias = true;
        c.biasDtype = dt.in;
        c.constB = true;
        c.act = act;
        checkCase(c, soc, isa);
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
          LpMatmulCase c = caseFor({45, 70, 99}, variant, dt);
          TilingContext ctx = makeContext(c, &soc);
          ctx.outputs.push_back(typed(dt.out, {45, 70}));
          TilingResult base;
          ASSERT_TRUE(
              KernelRegistry::global().find("matmul")->tiling(ctx, &base).ok());
          MatmulTiling t = decodeTilingResult<MatmulTiling>(base);
          t.blocking = {f.mr, f.nr, f.mc, f.nc, f.kc, 0};
          t.grid.mStep = cube::roundUp(cube::ceilDiv(45, f.gm), f.mr);
          t.grid.nStep = cube::roundUp(cube::ceilDiv(70, f.gn), f.nr);
          t.grid.gm = int32_t(cube::ceilDiv(45, t.grid.mStep));
          t.grid.gn = int32_t(cube::ceilDiv(70, t.grid.nStep));
          t.stage = {f.stageRows, f.stageCols};
          // Generous workspace: both pack buffers, the bias, the stage.
          t.wsBias = cube::roundUp(int64_t(f.mc) * f.kc, 16) * 4 +
                     uint64_t(f.kc) * f.nc * 4 + 64;
          t.wsStage = t.wsBias + 70 * 4 + 64;
          t.wsBytesPerBlock = t.wsStage + f.stageRows * f.stageCols * 4;
          TilingResult r = withTiling(base, t, f.blocks, t.wsBytesPerBlock);
          checkCase(c, soc, isa, &r);
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
          LpMatmulCase c;
          c.batched = true;
          c.dt = dt;
          c.transA = variant & 1;
          c.transB = variant & 2;
          c.a = shapes[s].first;
          c.b = shapes[s].second;
          if (c.transA)
            std::swap(c.a[c.a.size() - 1], c.a[c.a.size() - 2]);
          if (c.transB)
            std::swap(c.b[c.b.size() - 1], c.b[c.b.size() - 2]);
          c.constB = (s + variant) % 2 == 0;
          c.bias = variant == 1;
          c.act = variant == 2 ? "relu" : "none";
          checkCase(c, soc, isa);
        }
}

TEST(MatmulLowPrecision, EmptyContractionGivesActivatedBias) {
  for (const auto &[soc, isa] : socsAndIsas())
    for (const DtypeCase &dt : lowPrecisionCases()) {
      LpMatmulCase c;
      c.dt = dt;
      c.a = {5, 0};
      c.b = {0, 19};
      c.bias = true;
      c.biasDtype = dt.in;
      c.act = "sigmoid";
      checkCase(c, soc, isa);
    }
}

} // namespace
