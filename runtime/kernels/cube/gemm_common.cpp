//===- gemm_common.cpp - Blocking, work grids and epilogue parsing --------===//

#include "kernels/cube/gemm_common.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace geflow::kernels::cube {

Status parseEpilogue(const AttrMap &attrs, const std::string &op,
                     EpilogueSpec *spec) {
  static const struct {
    const char *name;
    Activation act;
  } kNames[] = {{"none", Activation::None},
                {"relu", Activation::Relu},
                {"relu6", Activation::Relu6},
                {"sigmoid", Activation::Sigmoid},
                {"tanh", Activation::Tanh},
                {"gelu", Activation::Gelu},
                {"gelu_tanh", Activation::GeluTanh},
                {"hardswish", Activation::HardSwish},
                {"leaky_relu", Activation::LeakyRelu}};
  std::string name = attrs.getString("activation", "none");
  std::string allowed;
  for (const auto &entry : kNames) {
    if (name == entry.name) {
      spec->activation = static_cast<int32_t>(entry.act);
      spec->alpha = static_cast<float>(attrs.getFloat("alpha", 0.01));
      return Status::OK();
    }
    allowed += allowed.empty() ? "" : ", ";
    allowed += entry.name;
  }
  return rt::invalidArgument(op + ": unknown activation '" + name +
                             "' (allowed: " + allowed + ")");
}

SocInfo resolveSoc(const TilingContext &ctx) {
  SocInfo soc = ctx.soc ? *ctx.soc : SocInfo::host();
  const TilingHint hint = tilingHintOf(ctx.attrs);
  if (hint.blocks)
    soc.aiCoreCount = uint32_t(
        std::clamp<int64_t>(hint.blocks, 1, std::max(1u, soc.aiCoreCount)));
  return soc;
}

GemmBlocking applyBlockingHint(GemmBlocking bl, const TilingHint &hint,
                               int64_t M, int64_t N, int64_t K) {
  auto fit = [](int64_t v, int64_t unit, int64_t extent) {
    const int64_t most = roundUp(std::max<int64_t>(extent, 1), unit);
    return int32_t(std::clamp(roundUp(v, unit), unit, most));
  };
  if (hint.kc)
    bl.kc = fit(hint.kc, 8, std::min<int64_t>(K, 1 << 14));
  if (hint.mc)
    bl.mc = fit(hint.mc, bl.mr, M);
  if (hint.nc)
    bl.nc = fit(hint.nc, bl.nr, N);
  return bl;
}

std::vector<TilingHint> gemmBlockingCandidates(const GemmBlocking &bl,
                                               uint32_t blockDim, int64_t M,
                                               int64_t N, int64_t K) {
  std::vector<TilingHint> out{TilingHint{}};
  auto add = [&](TilingHint h) {
    GemmBlocking moved = applyBlockingHint(bl, h, M, N, K);
    bool same = moved.kc == bl.kc && moved.mc == bl.mc && moved.nc == bl.nc &&
                !h.blocks;
    for (const TilingHint &o : out)
      same = same || o == h;
    if (!same)
      out.push_back(h);
  };
  for (int64_t kc : {int64_t(bl.kc) / 2, int64_t(bl.kc) * 2})
    add({kc, 0, 0, 0, 0, 0});
  for (int64_t mc : {int64_t(bl.mc) / 2, int64_t(bl.mc) * 2})
    add({0, mc, 0, 0, 0, 0});
  for (int64_t nc : {int64_t(bl.nc) / 2, int64_t(bl.nc) * 2})
    add({0, 0, nc, 0, 0, 0});
  if (blockDim > 1)
    add({0, 0, 0, 1, 0, 0});
  return out;
}

std::string shapeString(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

Status readWindowAttr(const std::string &op, const AttrMap &attrs,
                      const char *name, size_t size,
                      std::optional<int64_t> fill, int64_t minValue,
                      std::vector<int64_t> *out) {
  if (!fill && !attrs.has(name))
    return rt::invalidArgument(op + ": missing attribute '" + name + "'");
  *out = attrs.getInts(name, std::vector<int64_t>(size, fill.value_or(0)));
  if (out->size() != size)
    return rt::invalidArgument(op + ": '" + name + "' must have " +
                               std::to_string(size) + " elements, got " +
                               shapeString(*out));
  constexpr int64_t kMaxEntry = int64_t(1) << 30;
  for (int64_t v : *out) {
    if (v < minValue)
      return rt::invalidArgument(op + ": '" + name + "' " + shapeString(*out) +
                                 " must be >= " + std::to_string(minValue));
    if (v > kMaxEntry)
      return rt::invalidArgument(op + ": '" + name + "' " + shapeString(*out) +
                                 " must be at most 2^30");
  }
  return Status::OK();
}

Status checkFloatTensor(const std::string &op, const char *what,
                        const TensorDesc &desc,
                        std::initializer_list<Format> formats) {
  if (desc.dtype != DType::F32 && desc.dtype != DType::F16 &&
      desc.dtype != DType::BF16)
    return rt::unsupported(op + ": " + what + " has dtype " +
                           std::string(rt::dtypeName(desc.dtype)) +
                           " (supported: float32, float16, bfloat16)");
  if (std::find(formats.begin(), formats.end(), desc.format) == formats.end()) {
    std::string allowed;
    for (Format f : formats)
      allowed += (allowed.empty() ? "" : ", ") + std::string(rt::formatName(f));
    return rt::unsupported(op + ": " + what + " has format " +
                           std::string(rt::formatName(desc.format)) +
                           " (supported: " + allowed + ")");
  }
  for (int64_t dim : desc.shape)
    if (dim < 0)
      return rt::invalidArgument(op + ": " + what + " " +
                                 shapeString(desc.shape) +
                                 " has a negative dim");
  return Status::OK();
}

Status checkOperandDtype(const std::string &op, const char *what,
                         const TensorDesc &desc, DType d, bool orF32) {
  if (desc.dtype == d || (orF32 && desc.dtype == DType::F32))
    return Status::OK();
  std::string want = std::string(rt::dtypeName(d));
  if (orF32 && d != DType::F32)
    want += " or float32";
  return rt::invalidArgument(op + ": " + what + " has dtype " +
                             std::string(rt::dtypeName(desc.dtype)) +
                             ", expected " + want + " (input 0 is " +
                             std::string(rt::dtypeName(d)) + ")");
}

PanelFormat panelFormatFor(const SocInfo &soc, DType d) {
  return d == DType::BF16 && soc.isa == Isa::AVX512 && soc.hasAvx512Bf16
             ? PanelFormat::Bf16Pairs
             : PanelFormat::F32;
}

StageShape chooseStage(const GemmBlocking &bl, const GemmGrid &grid,
                       bool aOuter) {
  // A smaller stage splits the region and repacks, per piece, the operand
  // the driver streams past the other one; within the cap that never
  // happens for products up to a few thousand rows / columns.
  constexpr int64_t kCapFloats = 1 << 20;
  const int64_t rows = roundUp(std::max<int64_t>(grid.mStep, 1), bl.mr);
  const int64_t cols = roundUp(std::max<int64_t>(grid.nStep, 1), bl.nr);
  StageShape s;
  if (aOuter) {
    s.rows = std::min<int64_t>(rows, bl.mc);
    s.cols = std::min(
        cols, std::max<int64_t>(bl.nr, kCapFloats / s.rows / bl.nr * bl.nr));
  } else {
    s.cols = std::min<int64_t>(cols, bl.nc);
    s.rows = std::min(
        rows, std::max<int64_t>(bl.mr, kCapFloats / s.cols / bl.mr * bl.mr));
  }
  return s;
}

GemmBlocking chooseGemmBlocking(const SocInfo &soc, int64_t M, int64_t N,
                                int64_t K, PanelFormat format) {
  GemmBlocking bl;
  // The register tile of each ISA's micro-kernel: AVX-512 keeps 8 x 3 zmm
  // accumulators, AVX2 6 x 2 ymm, the portable kernel 4 x 16 floats.
  switch (soc.isa) {
  case Isa::AVX512:
    bl.mr = 8;
    bl.nr = 48;
    break;
  case Isa::AVX2:
    bl.mr = 6;
    bl.nr = 16;
    break;
  case Isa::Portable:
    bl.mr = 4;
    bl.nr = 16;
    break;
  }
  int64_t ub = soc.ubSize ? int64_t(soc.ubSize) : 32 * 1024;
  int64_t l2 = soc.l2Size ? int64_t(soc.l2Size) : 512 * 1024;
  // Bytes per element of a packed panel.
  const int64_t eb = format == PanelFormat::Bf16Pairs ? 2 : 4;
  // A kc x nr micro-panel of B about fills the UB, so each k step streams one
  // B row while the mr x kc A micro-panel stays resident next to it; the
  // cache blocks below are sized from that depth.
  const int64_t kcUb =
      std::clamp<int64_t>(ub / (bl.nr * eb) / 8 * 8, 32, 1536 / eb);
  // The k blocks themselves go twice as deep where the clamp allows: operator
  // tuning (aoe_mode=2) on ResNet-50 and MobileNetV2 convolutions found the
  // wide AVX-512 tile (8 x 48) 5-20% faster with half as many k blocks (each
  // one loads and stores the C tile once), the UB-sized depth never faster.
  // (Measured in fp32; bf16 pairs keep the UB-sized depth.)
  int64_t kc = format == PanelFormat::F32
                   ? std::min<int64_t>(2 * kcUb, 1536 / eb)
                   : kcUb;
  // Equal k blocks: a short last block would pay the C round trip for
  // little work.
  int64_t kBlocks = std::max<int64_t>(1, ceilDiv(K, kc));
  kc = std::max<int64_t>(8,
                         roundUp(ceilDiv(std::max<int64_t>(K, 1), kBlocks), 8));
  // Packed A block (mc x kcUb) in a quarter of L2, packed B block
  // (kcUb x nc) in half of it; neither larger than the problem.
  int64_t mc = std::max<int64_t>(bl.mr, l2 / 4 / (kcUb * eb) / bl.mr * bl.mr);
  int64_t nc = std::max<int64_t>(bl.nr, l2 / 2 / (kcUb * eb) / bl.nr * bl.nr);
  bl.kc = static_cast<int32_t>(kc);
  bl.mc = static_cast<int32_t>(
      std::min(mc, roundUp(std::max<int64_t>(M, 1), bl.mr)));
  bl.nc = static_cast<int32_t>(
      std::min(nc, roundUp(std::max<int64_t>(N, 1), bl.nr)));
  return bl;
}

uint32_t blocksForWork(const SocInfo &soc, double work, int64_t tasks) {
  // Below ~256K multiply-adds (a couple of microseconds on one core) waking
  // another core costs more than it saves.
  constexpr double kMinWorkPerBlock = 256.0 * 1024;
  double byWork = std::max(1.0, work / kMinWorkPerBlock);
  int64_t cores = std::max<uint32_t>(1, soc.aiCoreCount);
  int64_t blocks =
      std::min<int64_t>({cores, tasks, static_cast<int64_t>(byWork)});
  return static_cast<uint32_t>(std::max<int64_t>(1, blocks));
}

namespace {

// Splits `extent` into about `parts` steps that are multiples of `unit`;
// returns 0 when that split equals one with fewer parts.
int64_t splitStep(int64_t extent, int64_t parts, int64_t unit) {
  int64_t step = roundUp(ceilDiv(extent, parts), unit);
  return ceilDiv(extent, step) == parts ? step : 0;
}

} // namespace

GridChoice chooseGemmGrid(const SocInfo &soc, const GemmBlocking &bl,
                          int64_t batch, int64_t M, int64_t N, int64_t K,
                          PackCosts costs) {
  GridChoice best;
  best.grid.mStep = roundUp(std::max<int64_t>(M, 1), bl.mr);
  best.grid.nStep = roundUp(std::max<int64_t>(N, 1), bl.nr);
  int64_t mPanels = ceilDiv(std::max<int64_t>(M, 1), bl.mr);
  int64_t nPanels = ceilDiv(std::max<int64_t>(N, 1), bl.nr);
  double work = double(batch) * M * N * std::max<int64_t>(K, 1);
  uint32_t maxBlocks = blocksForWork(soc, work, batch * mPanels * nPanels);
  best.blockDim = std::min<int64_t>(maxBlocks, batch);
  if (maxBlocks <= 1 || batch >= 4 * int64_t(maxBlocks))
    return best; // whole products per block balance well enough

  // Cost of one region: multiply-adds over the vector lanes it occupies,
  // the packing it repeats, and a fixed overhead per task.
  auto regionCost = [&](int64_t m, int64_t n) {
    double kk = double(std::max<int64_t>(K, 1));
    return double(m) * roundUp(n, 16) * kk + costs.aPerElement * m * kk +
           costs.bPerElement * n * kk + 20000.0;
  };
  double bestSpan = std::numeric_limits<double>::max();
  int64_t bestTasks = 0;
  std::vector<double> taskCost;
  for (int64_t gm = 1; gm <= std::min<int64_t>(mPanels, 16); ++gm) {
    int64_t mStep = splitStep(M, gm, bl.mr);
    if (!mStep)
      continue;
    for (int64_t gn = 1; gn <= std::min<int64_t>(nPanels, 16); ++gn) {
      int64_t nStep = splitStep(N, gn, bl.nr);
      if (!nStep)
        continue;
      int64_t tasks = batch * gm * gn;
      uint32_t blocks = std::min<int64_t>(maxBlocks, tasks);
      taskCost.clear();
      for (int64_t b = 0; b < batch; ++b)
        for (int64_t i = 0; i < gm; ++i)
          for (int64_t j = 0; j < gn; ++j)
            taskCost.push_back(regionCost(std::min(mStep, M - i * mStep),
                                          std::min(nStep, N - j * nStep)));
      double span = 0;
      for (uint32_t blk = 0; blk < blocks; ++blk) {
        TaskRange r = blockTaskRange(tasks, blk, blocks);
        double sum = 0;
        for (int64_t t = r.begin; t < r.end; ++t)
          sum += taskCost[t];
        span = std::max(span, sum);
      }
      if (span < bestSpan * 0.999 ||
          (span <= bestSpan * 1.001 && tasks < bestTasks)) {
        bestSpan = span;
        bestTasks = tasks;
        best.grid = {mStep, nStep, int32_t(gm), int32_t(gn)};
        best.blockDim = blocks;
      }
    }
  }
  return best;
}

} // namespace geflow::kernels::cube
