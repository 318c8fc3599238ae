//===- Conv2dTransposeTest.cpp - conv2d_transpose against a reference -----===//
//
// Tolerance (fp32): |y - ref| <= 1e-5 * sum |x * w| + 1e-5 over every
// contribution to an output, reference (a direct scatter) in double.
//
//===----------------------------------------------------------------------===//

#include "CubeTestUtil.h"
#include "kernels/conv2d_transpose_tiling.h"

#include <array>
#include <limits>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::kernels::cube::Conv2dTransposeTiling;
namespace rt = geflow::rt;

namespace {

struct DeconvCase {
  int64_t n, cin, h, w, cout, kh, kw;
  std::vector<int64_t> strides, pads, dilations, outPad;
  int64_t groups;
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
    os << "conv2d_transpose x [" << n << "," << cin << "," << h << "," << w
       << "] cout " << cout << " k " << kh << "x" << kw << " s "
       << cube::shapeString(strides) << " p " << cube::shapeString(pads)
       << " d " << cube::shapeString(dilations) << " op "
       << cube::shapeString(outPad) << " g " << groups << " bias=" << bias
       << " const=" << constFilter << " act=" << act;
    return os.str();
  }
};

void deconvReference(const DeconvCase &c, const std::vector<float> &x,
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
  *scale = abs;
  for (size_t o = 0; o < sum.size(); ++o) {
    int64_t co = (o / (oh * ow)) % c.cout;
    double s = sum[o] + (b.empty() ? 0 : b[co]);
    (*ref)[o] = activationRef(c.act, s, 0.1);
  }
}

TilingContext deconvContext(const DeconvCase &c, const SocInfo *soc) {
  TilingContext ctx;
  ctx.inputs.push_back(f32({c.n, c.cin, c.h, c.w}, Format::NCHW));
  ctx.inputs.push_back(f32({c.cin, c.cout / c.groups, c.kh, c.kw}));
  ctx.inputs[1].isConst = c.constFilter;
  if (c.bias)
    ctx.inputs.push_back(f32({c.cout}));
  ctx.outputs.push_back(f32({c.n, c.cout, c.oh(), c.ow()}, Format::NCHW));
  ctx.attrs.set("strides", c.strides);
  ctx.attrs.set("pads", c.pads);
  ctx.attrs.set("dilations", c.dilations);
  ctx.attrs.set("output_padding", c.outPad);
  ctx.attrs.set("groups", c.groups);
  ctx.attrs.set("activation", c.act);
  ctx.attrs.set("alpha", 0.1);
  ctx.soc = soc;
  return ctx;
}

void checkDeconv(const DeconvCase &c, const SocInfo &soc, Isa isa,
                 const TilingResult *forced = nullptr) {
  SCOPED_TRACE(c.describe() + " isa=" + isaName(isa) + " soc.isa=" +
               isaName(soc.isa) + " cores=" + std::to_string(soc.aiCoreCount));
  TilingContext ctx = deconvContext(c, &soc);
  auto x = randomFloats(c.n * c.cin * c.h * c.w, 11);
  auto f = randomFloats(c.cin * (c.cout / c.groups) * c.kh * c.kw, 12);
  std::vector<float> b;
  if (c.bias)
    b = randomFloats(c.cout, 13);
  std::vector<double> ref, scale;
  deconvReference(c, x, f, b, &ref, &scale);
  Buffer y = allocBuffer((ref.size() + 1) * sizeof(float));
  auto *yf = reinterpret_cast<float *>(y.get());
  std::fill(yf, yf + ref.size() + 1, std::numeric_limits<float>::quiet_NaN());
  std::vector<const void *> ins = {x.data(), f.data()};
  if (c.bias)
    ins.push_back(b.data());
  Status st = runKernel("conv2d_transpose", ctx, ins, {yf}, isa, forced);
  ASSERT_TRUE(st.ok()) << st.toString();
  EXPECT_TRUE(allClose(yf, ref, scale, 1e-5, 1e-5));
  EXPECT_TRUE(std::isnan(yf[ref.size()])) << "wrote past the output";
}

DeconvCase make(int64_t n, int64_t cin, int64_t h, int64_t w, int64_t cout,
                int64_t kh, int64_t kw, std::vector<int64_t> s,
                std::vector<int64_t> p, std::vector<int64_t> d,
                std::vector<int64_t> op, int64_t g) {
  return DeconvCase{n, cin, h, w, cout, kh, kw, s, p, d, op, g};
}

const std::vector<DeconvCase> &deconvCases() {
  static const std::vector<DeconvCase> cases = {
      make(1, 3, 5, 6, 4, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, {0, 0}, 1),
      make(2, 8, 7, 7, 5, 4, 4, {2, 2}, {1, 1, 1, 1}, {1, 1}, {0, 0}, 1),
      make(1, 16, 9, 8, 16, 3, 3, {2, 2}, {1, 1, 1, 1}, {1, 1}, {1, 1}, 1),
      make(1, 6, 4, 5, 9, 3, 2, {3, 2}, {0, 2, 1, 0}, {2, 1}, {1, 0}, 3),
      make(1, 4, 6, 6, 4, 3, 3, {1, 1}, {0, 0, 0, 0}, {1, 1}, {0, 0}, 4),
      make(1, 1, 1, 1, 1, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, {0, 0}, 1),
      make(1, 32, 10, 12, 24, 2, 2, {2, 2}, {0, 0, 0, 0}, {1, 1}, {0, 0}, 1),
      make(2, 10, 3, 17, 7, 5, 1, {1, 4}, {2, 2, 0, 0}, {1, 1}, {0, 3}, 1),
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
      checkDeconv(variantOf(deconvCases()[i], i), socVariant(isa), isa);
}

TEST(Conv2dTranspose, TilingsOfSocVariants) {
  const std::vector<std::array<uint64_t, 2>> caches = {{0, 0}, {2048, 8192}};
  for (Isa isa : runnableIsas())
    for (uint32_t cores : {1u, 3u, 16u})
      for (const auto &cache : caches)
        for (size_t i : {1u, 2u, 3u, 6u})
          checkDeconv(variantOf(deconvCases()[i], i + cores),
                      socVariant(isa, cores, cache[0], cache[1]), isa);
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
          checkDeconv(c, soc, isa, &r);
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
  expectError("must be [Cin = 8", [](TilingContext &ctx) {
    ctx.inputs[1].shape = {7, 5, 4, 4};
  });
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
