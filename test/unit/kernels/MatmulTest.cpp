//===- MatmulTest.cpp - matmul / batch_matmul against a naive reference ---===//
//
// Tolerance (fp32): |y - ref| <= 1e-5 * sum_k |x1 * x2| + 1e-5, with the
// reference accumulated in double and the activation applied exactly.
//
//===----------------------------------------------------------------------===//

#include "CubeTestUtil.h"
#include "kernels/matmul_tiling.h"

#include <array>
#include <limits>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::kernels::cube::MatmulTiling;
namespace rt = geflow::rt;

namespace {

constexpr double kRtol = 1e-5, kAtol = 1e-5;

struct MatmulCase {
  std::vector<int64_t> a, b; // stored shapes of x1 and x2
  bool transA = false, transB = false;
  bool bias = false;
  bool constB = false;
  std::string act = "none";
  bool batched = false;

  std::string describe() const {
    std::ostringstream os;
    os << (batched ? "batch_matmul " : "matmul ") << "x1 "
       << cube::shapeString(a) << " x2 " << cube::shapeString(b)
       << " tA=" << transA << " tB=" << transB << " bias=" << bias
       << " const=" << constB << " act=" << act;
    return os.str();
  }
};

struct Reference {
  std::vector<int64_t> shape;
  std::vector<double> value, scale;
};

Reference matmulReference(const MatmulCase &c, const std::vector<float> &x1,
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
          double av = c.transA ? A[k * M + i] : A[i * K + k];
          double bv = c.transB ? B[j * K + k] : B[k * N + j];
          s += av * bv;
          sc += std::fabs(av * bv);
        }
        int64_t o = (bi * M + i) * N + j;
        ref.value[o] = activationRef(c.act, s, 0.1);
        ref.scale[o] = sc;
      }
  }
  return ref;
}

TilingContext makeContext(const MatmulCase &c, const SocInfo *soc) {
  TilingContext ctx;
  ctx.inputs.push_back(f32(c.a));
  ctx.inputs.push_back(f32(c.b));
  ctx.inputs[1].isConst = c.constB;
  if (c.bias) {
    size_t r2 = c.b.size();
    ctx.inputs.push_back(f32({c.b[r2 - (c.transB ? 2 : 1)]}));
  }
  ctx.attrs.set(c.batched ? "adj_x1" : "transpose_x1", int64_t(c.transA));
  ctx.attrs.set(c.batched ? "adj_x2" : "transpose_x2", int64_t(c.transB));
  ctx.attrs.set("activation", c.act);
  ctx.attrs.set("alpha", 0.1);
  ctx.soc = soc;
  return ctx;
}

/// Runs one case on `isa` with the tiling `soc` produces (or `forced`) and
/// compares with the reference.
void checkMatmul(const MatmulCase &c, const SocInfo &soc, Isa isa,
                 const TilingResult *forced = nullptr, uint32_t seed = 1) {
  SCOPED_TRACE(c.describe() + " isa=" + isaName(isa) + " soc.isa=" +
               isaName(soc.isa) + " cores=" + std::to_string(soc.aiCoreCount));
  TilingContext ctx = makeContext(c, &soc);
  auto x1 = randomFloats(rt::numElements(c.a), seed);
  auto x2 = randomFloats(rt::numElements(c.b), seed + 1);
  std::vector<float> bias;
  if (c.bias)
    bias = randomFloats(ctx.inputs[2].shape[0], seed + 2);
  Reference ref = matmulReference(c, x1, x2, bias);
  ctx.outputs.push_back(f32(ref.shape));
  Buffer y = allocBuffer(ref.value.size() * sizeof(float) + 4);
  auto *yf = reinterpret_cast<float *>(y.get());
  std::fill(yf, yf + ref.value.size() + 1,
            std::numeric_limits<float>::quiet_NaN());
  std::vector<const void *> ins = {x1.data(), x2.data()};
  if (c.bias)
    ins.push_back(bias.data());
  Status st = runKernel(c.batched ? "batch_matmul" : "matmul", ctx, ins, {yf},
                        isa, forced);
  ASSERT_TRUE(st.ok()) << st.toString();
  EXPECT_TRUE(allClose(yf, ref.value, ref.scale, kRtol, kAtol));
  EXPECT_TRUE(std::isnan(yf[ref.value.size()])) << "wrote past the output";
}

const std::vector<std::array<int64_t, 3>> kShapes = {
    {1, 1, 1},    {1, 17, 5},    {3, 1, 7},     {8, 48, 16},
    {7, 47, 33},  {9, 49, 257},  {16, 96, 300}, {33, 65, 129},
    {64, 100, 1}, {100, 31, 64}, {131, 77, 520}};

MatmulCase caseFor(const std::array<int64_t, 3> &mnk, int variant) {
  auto [M, N, K] = mnk;
  MatmulCase c;
  c.transA = variant & 1;
  c.transB = variant & 2;
  c.a = c.transA ? std::vector<int64_t>{K, M} : std::vector<int64_t>{M, K};
  c.b = c.transB ? std::vector<int64_t>{N, K} : std::vector<int64_t>{K, N};
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
        checkMatmul(caseFor(mnk, variant), soc, isa);
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
        checkMatmul(caseFor(mnk, 3), soc, isa);
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
      checkMatmul(c, socVariant(isa), isa);
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
          TilingContext ctx = makeContext(c, &soc);
          ctx.outputs.push_back(f32({67, 203}));
          ASSERT_TRUE(KernelRegistry::global()
                          .find("matmul")
                          ->tiling(ctx, &tiling)
                          .ok());
          EXPECT_LE(tiling.blockDim, cores);
          checkMatmul(c, soc, isa);
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
        TilingContext ctx = makeContext(c, &soc);
        ctx.outputs.push_back(f32({45, 70}));
        TilingResult base;
        ASSERT_TRUE(
            KernelRegistry::global().find("matmul")->tiling(ctx, &base).ok());
        MatmulTiling t = decodeTilingResult<MatmulTiling>(base);
        t.blocking = {f.mr, f.nr, f.mc, f.nc, f.kc, 0};
        t.grid.gm = f.gm;
        t.grid.gn = f.gn;
        t.grid.mStep = cube::roundUp(cube::ceilDiv(45, f.gm), f.mr);
        t.grid.nStep = cube::roundUp(cube::ceilDiv(70, f.gn), f.nr);
        t.grid.gm = int32_t(cube::ceilDiv(45, t.grid.mStep));
        t.grid.gn = int32_t(cube::ceilDiv(70, t.grid.nStep));
        t.wsBytesPerBlock = cube::roundUp(int64_t(f.mc) * f.kc, 16) * 4 +
                            cube::gemmPackBytes(t.blocking, false, true);
        TilingResult r = withTiling(base, t, f.blocks, t.wsBytesPerBlock);
        checkMatmul(c, soc, isa, &r);
      }
}

TEST(Matmul, EmptyContractionGivesActivatedBias) {
  for (Isa isa : runnableIsas()) {
    MatmulCase c;
    c.a = {5, 0};
    c.b = {0, 19};
    c.bias = true;
    c.act = "sigmoid";
    checkMatmul(c, socVariant(isa), isa);
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
        MatmulCase c;
        c.batched = true;
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
        checkMatmul(c, socVariant(isa, 3), isa);
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
