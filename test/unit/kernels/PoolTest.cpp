//===- PoolTest.cpp - max/avg/global-avg pooling against a reference ------===//
//
// Tolerances (fp32): max_pool exact; avg_pool and global_avg_pool
// |y - ref| <= 1e-5 * mean(|x| over the window) + 1e-7, reference in double.
//
//===----------------------------------------------------------------------===//

#include "ConvTestUtil.h"
#include "kernels/gemm_common.h"
#include "kernels/pool_tiling.h"

#include <limits>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::kernels::cube::PoolTiling;
namespace rt = geflow::rt;

namespace {

struct PoolCase {
  std::string kernel; // max_pool, avg_pool, global_avg_pool
  std::vector<int64_t> x;
  std::vector<int64_t> ksize, strides, pads, dilations;
  bool ceilMode = false, countIncludePad = false;
  Format format = Format::NCHW;

  std::string describe() const {
    std::ostringstream os;
    os << kernel << " x " << cube::shapeString(x) << " k "
       << cube::shapeString(ksize) << " s " << cube::shapeString(strides)
       << " p " << cube::shapeString(pads) << " d "
       << cube::shapeString(dilations) << " ceil=" << ceilMode
       << " incl=" << countIncludePad << " " << rt::formatName(format);
    return os.str();
  }
  bool global() const { return kernel == "global_avg_pool"; }
};

int64_t pooledExtent(int64_t in, int64_t p0, int64_t p1, int64_t span,
                     int64_t s, bool ceil) {
  int64_t num = in + p0 + p1 - span;
  int64_t out = (ceil ? (num + s - 1) / s : num / s) + 1;
  if (ceil && (out - 1) * s >= in + p0)
    --out;
  return out;
}

/// The reference output (NCHW) and its per-element tolerance scale.
void poolReference(const PoolCase &c, const std::vector<float> &x,
                   std::vector<int64_t> *outShape, std::vector<double> *ref,
                   std::vector<double> *scale) {
  int64_t n = c.x[0], ch = c.x[1], h = c.x[2], w = c.x[3];
  if (c.global()) {
    *outShape = {n, ch, 1, 1};
    for (int64_t p = 0; p < n * ch; ++p) {
      double s = 0, a = 0;
      for (int64_t i = 0; i < h * w; ++i) {
        s += x[p * h * w + i];
        a += std::fabs(x[p * h * w + i]);
      }
      ref->push_back(s / (h * w));
      scale->push_back(a / (h * w));
    }
    return;
  }
  int64_t spanH = c.dilations[0] * (c.ksize[0] - 1) + 1;
  int64_t spanW = c.dilations[1] * (c.ksize[1] - 1) + 1;
  int64_t oh =
      pooledExtent(h, c.pads[0], c.pads[1], spanH, c.strides[0], c.ceilMode);
  int64_t ow =
      pooledExtent(w, c.pads[2], c.pads[3], spanW, c.strides[1], c.ceilMode);
  *outShape = {n, ch, oh, ow};
  bool isMax = c.kernel == "max_pool";
  for (int64_t p = 0; p < n * ch; ++p)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t xo = 0; xo < ow; ++xo) {
        int64_t hs = y * c.strides[0] - c.pads[0],
                ws = xo * c.strides[1] - c.pads[2];
        double best = -std::numeric_limits<double>::infinity(), sum = 0,
               abs = 0;
        int64_t valid = 0;
        for (int64_t ky = 0; ky < c.ksize[0]; ++ky)
          for (int64_t kx = 0; kx < c.ksize[1]; ++kx) {
            int64_t iy = hs + ky * c.dilations[0],
                    ix = ws + kx * c.dilations[1];
            if (iy < 0 || iy >= h || ix < 0 || ix >= w)
              continue;
            double v = x[(p * h + iy) * w + ix];
            best = std::max(best, v);
            sum += v;
            abs += std::fabs(v);
            ++valid;
          }
        int64_t hPad = std::min(hs + c.ksize[0], h + c.pads[1]) - hs;
        int64_t wPad = std::min(ws + c.ksize[1], w + c.pads[3]) - ws;
        int64_t count = c.countIncludePad ? hPad * wPad : valid;
        ref->push_back(isMax ? best : sum / count);
        scale->push_back(isMax ? 0 : abs / count);
      }
}

TilingContext poolContext(const PoolCase &c, const std::vector<int64_t> &out,
                          const SocInfo *soc) {
  TilingContext ctx;
  ctx.inputs.push_back(f32(c.x, c.format));
  ctx.outputs.push_back(f32(out, c.format));
  if (!c.global()) {
    ctx.attrs.set("ksize", c.ksize);
    ctx.attrs.set("strides", c.strides);
    ctx.attrs.set("pads", c.pads);
    ctx.attrs.set("dilations", c.dilations);
    ctx.attrs.set("ceil_mode", int64_t(c.ceilMode));
    ctx.attrs.set("count_include_pad", int64_t(c.countIncludePad));
  }
  ctx.soc = soc;
  return ctx;
}

void checkPool(const PoolCase &c, const SocInfo &soc, Isa isa,
               int64_t forcedRows = 0, uint32_t forcedBlocks = 0) {
  SCOPED_TRACE(c.describe() + " isa=" + isaName(isa) +
               " cores=" + std::to_string(soc.aiCoreCount) +
               " rows=" + std::to_string(forcedRows));
  auto x = randomFloats(rt::numElements(c.x), 21, -2.f, 2.f);
  std::vector<int64_t> outShape;
  std::vector<double> ref, scale;
  poolReference(c, x, &outShape, &ref, &scale);
  TilingContext ctx = poolContext(c, outShape, &soc);
  TilingResult forced;
  if (forcedRows) {
    ASSERT_TRUE(
        KernelRegistry::global().find(c.kernel)->tiling(ctx, &forced).ok());
    auto t = decodeTilingResult<PoolTiling>(forced);
    t.rowsPerTask = forcedRows;
    t.tasks = t.planes * cube::ceilDiv(t.oh, forcedRows);
    forced = withTiling(forced, t, forcedBlocks, 0);
  }
  bool c0 = c.format == Format::NC1HWC0;
  std::vector<float> xin =
      c0 ? toNc1hwc0(x, c.x[0], c.x[1], c.x[2] * c.x[3]) : x;
  int64_t outElems = physicalElements(outShape, c.format);
  Buffer y = allocBuffer((outElems + 1) * sizeof(float));
  auto *yf = reinterpret_cast<float *>(y.get());
  std::fill(yf, yf + outElems + 1, std::numeric_limits<float>::quiet_NaN());
  Status st = runKernel(c.kernel, ctx, {xin.data()}, {yf}, isa,
                        forcedRows ? &forced : nullptr);
  ASSERT_TRUE(st.ok()) << st.toString();
  EXPECT_TRUE(std::isnan(yf[outElems])) << "wrote past the output";
  std::vector<float> pads;
  std::vector<float> got = c0 ? fromNc1hwc0(yf, outShape[0], outShape[1],
                                            outShape[2] * outShape[3], &pads)
                              : std::vector<float>(yf, yf + outElems);
  EXPECT_TRUE(allClose(got.data(), ref, scale, 1e-5, 1e-7));
  for (float v : pads)
    ASSERT_EQ(v, 0.0f) << "padded channel not zero";
}

std::vector<PoolCase> windowCases() {
  auto make = [](std::vector<int64_t> x, std::vector<int64_t> k,
                 std::vector<int64_t> s, std::vector<int64_t> p,
                 std::vector<int64_t> d, bool ceil, bool incl) {
    PoolCase c;
    c.x = x;
    c.ksize = k;
    c.strides = s;
    c.pads = p;
    c.dilations = d;
    c.ceilMode = ceil;
    c.countIncludePad = incl;
    return c;
  };
  return {
      make({1, 3, 7, 9}, {3, 3}, {2, 2}, {1, 1, 1, 1}, {1, 1}, false, false),
      make({1, 3, 7, 9}, {3, 3}, {2, 2}, {1, 1, 1, 1}, {1, 1}, true, true),
      make({2, 5, 8, 8}, {2, 2}, {2, 2}, {0, 0, 0, 0}, {1, 1}, false, false),
      make({1, 17, 11, 6}, {3, 3}, {1, 1}, {1, 1, 1, 1}, {1, 1}, false, true),
      make({1, 4, 10, 10}, {3, 3}, {3, 3}, {0, 2, 1, 0}, {1, 1}, true, false),
      make({1, 4, 10, 10}, {3, 3}, {3, 3}, {0, 2, 1, 0}, {1, 1}, true, true),
      make({1, 2, 1, 1}, {1, 1}, {1, 1}, {0, 0, 0, 0}, {1, 1}, false, false),
      make({3, 16, 6, 7}, {2, 3}, {1, 2}, {1, 0, 0, 2}, {1, 1}, false, true),
      make({1, 1, 5, 50}, {1, 4}, {1, 3}, {0, 0, 0, 0}, {1, 1}, true, false),
      make({1, 64, 28, 28}, {3, 3}, {2, 2}, {1, 1, 1, 1}, {1, 1}, false, false),
  };
}

TEST(Pool, MaxAndAvgOnEveryIsaAndFormat) {
  for (Isa isa : runnableIsas())
    for (PoolCase c : windowCases())
      for (const char *kernel : {"max_pool", "avg_pool"})
        for (Format format : {Format::NCHW, Format::NC1HWC0}) {
          c.kernel = kernel;
          c.format = format;
          checkPool(c, socVariant(isa), isa);
        }
}

TEST(Pool, DilatedMaxPool) {
  PoolCase c;
  c.kernel = "max_pool";
  c.x = {1, 20, 13, 13};
  c.ksize = {5, 3};
  c.strides = {2, 1};
  c.pads = {2, 2, 1, 1};
  c.dilations = {2, 3};
  for (Isa isa : runnableIsas())
    for (Format format : {Format::NCHW, Format::NC1HWC0}) {
      c.format = format;
      checkPool(c, socVariant(isa), isa);
    }
}

TEST(Pool, GlobalAvgOnEveryIsaAndFormat) {
  for (Isa isa : runnableIsas())
    for (std::vector<int64_t> x :
         std::vector<std::vector<int64_t>>{{1, 1, 1, 1},
                                           {2, 3, 7, 7},
                                           {1, 20, 1, 33},
                                           {1, 2048, 7, 7},
                                           {1, 3, 64, 64}})
      for (Format format : {Format::NCHW, Format::NC1HWC0}) {
        PoolCase c;
        c.kernel = "global_avg_pool";
        c.x = x;
        c.format = format;
        checkPool(c, socVariant(isa, 3), isa);
      }
}

TEST(Pool, TilingsOfSocVariantsAndForcedBands) {
  for (Isa isa : runnableIsas())
    for (PoolCase c : {windowCases()[1], windowCases()[7]})
      for (const char *kernel : {"max_pool", "avg_pool"})
        for (Format format : {Format::NCHW, Format::NC1HWC0}) {
          c.kernel = kernel;
          c.format = format;
          for (uint32_t cores : {1u, 7u, 64u})
            checkPool(c, socVariant(isa, cores), isa);
          for (int64_t rows : {1, 2, 100})
            for (uint32_t blocks : {1u, 3u})
              checkPool(c, socVariant(isa), isa, rows, blocks);
        }
}

TEST(Pool, RejectsBadAttributes) {
  auto expectError = [](const std::string &kernel, const std::string &needle,
                        void (*edit)(TilingContext &)) {
    PoolCase c = windowCases()[0];
    c.kernel = kernel;
    SocInfo soc = SocInfo::host();
    TilingContext ctx = poolContext(c, {1, 3, 4, 5}, &soc);
    edit(ctx);
    TilingResult r;
    Status st = KernelRegistry::global().find(kernel)->tiling(ctx, &r);
    EXPECT_FALSE(st.ok()) << needle;
    EXPECT_NE(st.message().find(needle), std::string::npos) << st.message();
  };
  expectError("max_pool", "missing attribute 'ksize'",
              [](TilingContext &ctx) { ctx.attrs = AttrMap(); });
  expectError("max_pool", "must be smaller than the window",
              [](TilingContext &ctx) {
                ctx.attrs.set("pads", std::vector<int64_t>{3, 0, 0, 0});
              });
  expectError("avg_pool", "dilations [2, 1] are not supported",
              [](TilingContext &ctx) {
                ctx.attrs.set("dilations", std::vector<int64_t>{2, 1});
              });
  expectError("avg_pool", "output [1, 3, 4, 5] should be [1, 3, 7, 9]",
              [](TilingContext &ctx) {
                ctx.outputs[0].shape = {1, 3, 4, 5};
                ctx.attrs.set("strides", std::vector<int64_t>{1, 1});
              });
  expectError("max_pool", "does not fit the padded input",
              [](TilingContext &ctx) {
                ctx.attrs.set("ksize", std::vector<int64_t>{9, 3});
                ctx.attrs.set("pads", std::vector<int64_t>{0, 0, 1, 1});
              });
}

} // namespace
