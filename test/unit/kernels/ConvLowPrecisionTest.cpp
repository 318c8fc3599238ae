//===- ConvLowPrecisionTest.cpp - f16 / bf16 conv2d and conv2d_transpose --===//
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

#include "ConvTestUtil.h"
#include "LowPrecisionTestUtil.h"
#include "kernels/conv2d_tiling.h"
#include "kernels/conv2d_transpose_tiling.h"

#include <set>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::kernels::cube::Conv2dTiling;
using geflow::kernels::cube::ConvPath;
namespace rt = geflow::rt;

namespace {

constexpr double kRtol = 1e-5, kAtol = 1e-5;

struct LpConvCase {
  int64_t n, cin, h, w, cout, kh, kw;
  std::vector<int64_t> strides, pads, dilations;
  int64_t groups;
  Format format = Format::NCHW;
  DtypeCase dt{DType::F16, DType::F16};
  DType biasDtype = DType::F32;
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
    os << "conv2d " << dt.label() << " x [" << n << "," << cin << "," << h
       << "," << w << "] w [" << cout << "," << cin / groups << "," << kh << ","
       << kw << "] s " << cube::shapeString(strides) << " p "
       << cube::shapeString(pads) << " d " << cube::shapeString(dilations)
       << " g " << groups << " " << rt::formatName(format)
       << " bias=" << (bias ? rt::dtypeName(biasDtype) : "none")
       << " const=" << constFilter << " act=" << act;
    return os.str();
  }
};

void convReference(const LpConvCase &c, const std::vector<float> &x,
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

TilingContext convContext(const LpConvCase &c, const SocInfo *soc) {
  TilingContext ctx;
  ctx.inputs.push_back(typed(c.dt.in, {c.n, c.cin, c.h, c.w}, c.format));
  ctx.inputs.push_back(typed(c.dt.in, {c.cout, c.cin / c.groups, c.kh, c.kw}));
  ctx.inputs[1].isConst = c.constFilter;
  if (c.bias)
    ctx.inputs.push_back(typed(c.biasDtype, {c.cout}));
  ctx.outputs.push_back(
      typed(c.dt.out, {c.n, c.cout, c.oh(), c.ow()}, c.format));
  ctx.attrs.set("strides", c.strides);
  ctx.attrs.set("pads", c.pads);
  ctx.attrs.set("dilations", c.dilations);
  ctx.attrs.set("groups", c.groups);
  ctx.attrs.set("activation", c.act);
  ctx.attrs.set("alpha", 0.1);
  ctx.soc = soc;
  return ctx;
}

void checkConv(const LpConvCase &c, const SocInfo &soc, Isa isa,
               const TilingResult *forced = nullptr) {
  SCOPED_TRACE(c.describe() + " isa=" + isaName(isa) +
               " soc.isa=" + isaName(soc.isa) +
               " bf16dot=" + std::to_string(soc.hasAvx512Bf16) +
               " cores=" + std::to_string(soc.aiCoreCount));
  TilingContext ctx = convContext(c, &soc);
  StoredTensor x = storedRandom(c.dt.in, c.n * c.cin * c.h * c.w, 7);
  StoredTensor f =
      storedRandom(c.dt.in, c.cout * (c.cin / c.groups) * c.kh * c.kw, 8);
  StoredTensor b;
  if (c.bias)
    b = storedRandom(c.biasDtype, c.cout, 9);
  std::vector<double> ref, scale;
  convReference(c, x.values, f.values, b.values, &ref, &scale);

  const bool c0 = c.format == Format::NC1HWC0;
  StoredTensor xin =
      c0 ? storedFrom(c.dt.in, toNc1hwc0(x.values, c.n, c.cin, c.h * c.w)) : x;
  int64_t outElems = physicalElements({c.n, c.cout, c.oh(), c.ow()}, c.format);
  OutputBuffer y(c.dt.out, outElems);
  std::vector<const void *> ins = {xin.data(), f.data()};
  if (c.bias)
    ins.push_back(b.data());
  Status st = runKernel("conv2d", ctx, ins, {y.data()}, isa, forced);
  ASSERT_TRUE(st.ok()) << st.toString();
  EXPECT_TRUE(y.guardIntact()) << "wrote past the output";
  std::vector<float> got = y.values();
  const double u = unitRoundoff(c.dt.out);
  if (!c0) {
    EXPECT_TRUE(closeToRounded(got, ref, scale, kRtol, u, kAtol));
    return;
  }
  std::vector<float> pads;
  std::vector<float> nchw =
      fromNc1hwc0(got.data(), c.n, c.cout, c.oh() * c.ow(), &pads);
  EXPECT_TRUE(closeToRounded(nchw, ref, scale, kRtol, u, kAtol));
  for (float v : pads)
    ASSERT_EQ(v, 0.0f) << "padded channel not zero";
}

LpConvCase make(int64_t n, int64_t cin, int64_t h, int64_t w, int64_t cout,
                int64_t kh, int64_t kw, std::vector<int64_t> s,
                std::vector<int64_t> p, std::vector<int64_t> d, int64_t g) {
  return LpConvCase{n, cin, h, w, cout, kh, kw, s, p, d, g};
}

/// One case or more per path, odd sizes and channel counts.
const std::vector<LpConvCase> &convCases() {
  static const std::vector<LpConvCase> cases = {
      // GEMM (NCHW) / NC1HWC0 GEMM, padding, stride, dilation.
      make(1, 3, 7, 9, 5, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1),
      make(1, 6, 13, 8, 4, 5, 3, {2, 1}, {2, 2, 1, 1}, {1, 2}, 1),
      make(1, 17, 5, 5, 33, 2, 2, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1),
      // Pointwise.
      make(2, 4, 10, 10, 8, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1),
      // Pixel rows (few pixels, many channels), plain and pointwise.
      make(1, 32, 7, 7, 48, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1),
      make(2, 40, 5, 5, 32, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1),
      // Groups: C0-aligned and staged (channels inside a C0 block).
      make(2, 32, 6, 6, 32, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 2),
      make(1, 12, 7, 7, 6, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 3),
      make(1, 4, 8, 8, 8, 3, 3, {1, 1}, {1, 1, 1, 1}, {2, 2}, 4),
      // Depthwise, multiplier 1 (NCHW and NC1HWC0 direct paths).
      make(1, 8, 11, 11, 8, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 8),
      make(2, 5, 9, 10, 5, 3, 3, {2, 2}, {1, 1, 1, 1}, {1, 1}, 5),
      make(1, 20, 9, 7, 20, 5, 5, {1, 2}, {2, 2, 2, 2}, {2, 1}, 20),
  };
  return cases;
}

LpConvCase variantOf(LpConvCase c, size_t index, Format format, DtypeCase dt) {
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
          checkConv(variantOf(convCases()[i], i, format, dt), soc, isa);
}

TEST(Conv2dLowPrecision, EveryPathIsReached) {
  SocInfo soc = socVariant(SocInfo::host().isa);
  std::set<int32_t> paths;
  for (size_t i = 0; i < convCases().size(); ++i)
    for (Format format : {Format::NCHW, Format::NC1HWC0}) {
      LpConvCase c =
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
            LpConvCase c = variantOf(convCases()[i], i, format, dt);
            TilingContext ctx = convContext(c, &soc);
            TilingResult base;
            ASSERT_TRUE(KernelRegistry::global()
                            .find("conv2d")
                            ->tiling(ctx, &base)
                            .ok());
            Conv2dTiling t = decodeTilingResult<Conv2dTiling>(base);
            ASSERT_NE(t.path, int32_t(ConvPath::DepthwiseNchw));
            t.blocking = {f.mr, f.nr, f.mc, f.nc, f.kc, 0};
            t.grid.mStep = cube::roundUp(cube::ceilDiv(t.gemmM, f.gm), f.mr);
            t.grid.nStep = cube::roundUp(cube::ceilDiv(t.gemmN, f.gn), f.nr);
            t.grid.gm = int32_t(cube::ceilDiv(t.gemmM, t.grid.mStep));
            t.grid.gn = int32_t(cube::ceilDiv(t.gemmN, t.grid.nStep));
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
            checkConv(c, soc, isa, &r);
          }
}

TEST(Conv2dLowPrecision, ForcedDepthwiseBands) {
  SocInfo soc = socVariant(SocInfo::host().isa);
  for (Isa isa : runnableIsas())
    for (const DtypeCase &dt : lowPrecisionCases())
      for (size_t i : {9u, 10u, 11u})
        for (Format format : {Format::NCHW, Format::NC1HWC0})
          for (int64_t rows : {1, 2, 5, 100}) {
            LpConvCase c = variantOf(convCases()[i], i, format, dt);
            TilingContext ctx = convContext(c, &soc);
            TilingResult base;
            ASSERT_TRUE(KernelRegistry::global()
                            .find("conv2d")
                            ->tiling(ctx, &base)
                            .ok());
            Conv2dTiling t = decodeTilingResult<Conv2dTiling>(base);
            ASSERT_TRUE(t.path == int32_t(ConvPath::DepthwiseNchw) ||
                        t.path == int32_t(ConvPath::DepthwiseNc1hwc0));
            int64_t planes = c.n * (t.path == int32_t(ConvPath::DepthwiseNchw)
                                        ? c.cout
                                        : cube::ceilDiv(c.cin, 16));
            t.rowsPerTask = rows;
            t.tasks = planes * cube::ceilDiv(t.oh, rows);
            TilingResult r = withTiling(base, t, 3, t.wsBytesPerBlock);
            checkConv(c, soc, isa, &r);
          }
}

//===----------------------------------------------------------------------===//
// conv2d_transpose
//===----------------------------------------------------------------------===//

struct LpDeconvCase {
  int64_t n, cin, h, w, cout, kh, kw;
  std::vector<int64_t> strides, pads, dilations, outPad;
  int64_t groups;
  DtypeCase dt{DType::F16, DType::F16};
  DType biasDtype = DType::F32;
  bool bias = false, constFilter = true;
  std::string act = "none";

  int64_t oh() const {
    return strides[0] * (h - 1) + outPad[0] + (kh - 1) * dilations[0] + 1 -
           pads[0] - pads[1];
  }
  int64_t ow() const {
    return strides[1] * (w - 1) + outPad[1] + (kw - 1) * dilations[1] + 1 -
           pads[2] - pads[3];
  }
  std::string describe() const {
    std::ostringstream os;
    os << "conv2d_transpose " << dt.label() << " x [" << n << "," << cin << ","
       << h << "," << w << "] cout " << cout << " k " << kh << "x" << kw
       << " s " << cube::shapeString(strides) << " p "
       << cube::shapeString(pads) << " g " << groups
       << " bias=" << (bias ? rt::dtypeName(biasDtype) : "none")
       << " const=" << constFilter << " act=" << act;
    return os.str();
  }
};

void deconvReference(const LpDeconvCase &c, const std::vector<float> &x,
                     const std::vector<float> &f, const std::vector<float> &b,
                     std::vector<double> *ref, std::vector<double> *scale) {
  int64_t oh = c.oh(), ow = c.ow(), cinG = c.cin / c.groups,
          coutG = c.cout / c.groups;
  std::vector<double> sum(c.n * c.cout * oh * ow, 0), abs(sum.size(), 0);
  for (int64_t i = 0; i < c.n; ++i)
    for (int64_t ci = 0; ci < c.cin; ++ci)
      for (int64_t iy = 0; iy < c.h; ++iy)
        for (int64_t ix = 0; ix < c.w; ++ix)
          for (int64_t co = 0; co < coutG; ++co)
            for (int64_t ky = 0; ky < c.kh; ++ky)
              for (int64_t kx = 0; kx < c.kw; ++kx) {
                int64_t y = iy * c.strides[0] - c.pads[0] + ky * c.dilations[0];
                int64_t xo =
                    ix * c.strides[1] - c.pads[2] + kx * c.dilations[1];
                if (y < 0 || y >= oh || xo < 0 || xo >= ow)
                  continue;
                int64_t cog = (ci / cinG) * coutG + co;
                double v = double(x[((i * c.cin + ci) * c.h + iy) * c.w + ix]) *
                           f[((ci * coutG + co) * c.kh + ky) * c.kw + kx];
                int64_t o = ((i * c.cout + cog) * oh + y) * ow + xo;
                sum[o] += v;
                abs[o] += std::fabs(v);
              }
  ref->resize(sum.size());
  scale->resize(sum.size());
  for (size_t o = 0; o < sum.size(); ++o) {
    int64_t co = (o / (oh * ow)) % c.cout;
    double bv = b.empty() ? 0 : b[co];
    (*ref)[o] = activationRef(c.act, sum[o] + bv, 0.1);
    (*scale)[o] = abs[o] + std::fabs(bv);
  }
}

void checkDeconv(const LpDeconvCase &c, const SocInfo &soc, Isa isa) {
  SCOPED_TRACE(c.describe() + " isa=" + isaName(isa) +
               " soc.isa=" + isaName(soc.isa) +
               " bf16dot=" + std::to_string(soc.hasAvx512Bf16));
  TilingContext ctx;
  ctx.inputs.push_back(typed(c.dt.in, {c.n, c.cin, c.h, c.w}, Format::NCHW));
  ctx.inputs.push_back(typed(c.dt.in, {c.cin, c.cout / c.groups, c.kh, c.kw}));
  ctx.inputs[1].isConst = c.constFilter;
  if (c.bias)
    ctx.inputs.push_back(typed(c.biasDtype, {c.cout}));
  ctx.outputs.push_back(
      typed(c.dt.out, {c.n, c.cout, c.oh(), c.ow()}, Format::NCHW));
  ctx.attrs.set("strides", c.strides);
  ctx.attrs.set("pads", c.pads);
  ctx.attrs.set("dilations", c.dilations);
  ctx.attrs.set("output_padding", c.outPad);
  ctx.attrs.set("groups", c.groups);
  ctx.attrs.set("activation", c.act);
  ctx.attrs.set("alpha", 0.1);
  ctx.soc = &soc;
  StoredTensor x = storedRandom(c.dt.in, c.n * c.cin * c.h * c.w, 11);
  StoredTensor f =
      storedRandom(c.dt.in, c.cin * (c.cout / c.groups) * c.kh * c.kw, 12);
  StoredTensor b;
  if (c.bias)
    b = storedRandom(c.biasDtype, c.cout, 13);
  std::vector<double> ref, scale;
  deconvReference(c, x.values, f.values, b.values, &ref, &scale);
  OutputBuffer y(c.dt.out, ref.size());
  std::vector<const void *> ins = {x.data(), f.data()};
  if (c.bias)
    ins.push_back(b.data());
  Status st = runKernel("conv2d_transpose", ctx, ins, {y.data()}, isa);
  ASSERT_TRUE(st.ok()) << st.toString();
  EXPECT_TRUE(y.guardIntact()) << "wrote past the output";
  EXPECT_TRUE(closeToRounded(y.values(), ref, scale, kRtol,
                             unitRoundoff(c.dt.out), kAtol));
}

TEST(Conv2dTransposeLowPrecision, ShapesDtypesOnEveryIsa) {
  const std::vector<LpDeconvCase> cases = {
      {1, 3, 5, 6, 4, 3, 3, {2, 2}, {1, 1, 1, 1}, {1, 1}, {1, 0}, 1},
      {2, 8, 4, 4, 6, 2, 2, {2, 2}, {0, 0, 0, 0}, {1, 1}, {0, 0}, 2},
      {1, 5, 7, 3, 7, 3, 1, {1, 3}, {0, 1, 0, 0}, {2, 1}, {0, 2}, 1},
      {1, 16, 6, 6, 33, 4, 4, {2, 2}, {1, 1, 1, 1}, {1, 1}, {0, 0}, 1}};
  for (const auto &[soc, isa] : cubeSocsAndIsas(3))
    for (const DtypeCase &dt : lowPrecisionCases())
      for (size_t i = 0; i < cases.size(); ++i)
        for (int variant = 0; variant < 2; ++variant) {
          LpDeconvCase c = cases[i];
          c.dt = dt;
          c.bias = variant == 0 || i == 2;
          c.biasDtype = variant ? DType::F32 : dt.in;
          c.constFilter = (i + variant) % 2 == 0;
          c.act = activationNames()[(i + variant) % activationNames().size()];
          checkDeconv(c, soc, isa);
        }
}

TEST(Conv2dTransposeLowPrecision, SmallL2SplitsOutputChannels) {
  // f16/bf16 outputs accumulate a task's planes in the workspace; a small
  // L2 makes the tiling split output channels to keep that stage small.
  for (const DtypeCase &dt : lowPrecisionCases())
    for (Isa isa : runnableIsas()) {
      SocInfo soc = socVariant(isa, 1, 0, 16384);
      LpDeconvCase c{1, 6,      16,           16,     24,     3,
                     3, {2, 2}, {1, 1, 1, 1}, {1, 1}, {1, 1}, 1};
      c.dt = dt;
      c.bias = true;
      c.act = "relu";
      checkDeconv(c, soc, isa);
      TilingContext ctx;
      ctx.inputs = {typed(dt.in, {1, 6, 16, 16}), typed(dt.in, {6, 24, 3, 3})};
      ctx.outputs = {typed(dt.out, {1, 24, 32, 32})};
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

TEST(Conv2dLowPrecision, RejectsMixedStorage) {
  SocInfo soc = SocInfo::host();
  LpConvCase c =
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
