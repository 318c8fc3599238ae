//===- PoolLowPrecisionTest.cpp - f16 / bf16 max / avg / global-avg pools -===//
//
// x stored as f16 or bf16, y as that dtype or f32. Against a double
// reference from the rounded inputs: max_pool exact (a maximum of stored
// values needs no rounding); avg_pool and global_avg_pool
//   |y - ref| <= 1e-5 * mean(|x| over the window) + u * |ref| + 1e-7
// (u = 2^-11 for f16 outputs, 2^-8 for bf16, 2^-24 for f32). Every ISA,
// NCHW and NC1HWC0, soc variants and forced row bands.
//
//===----------------------------------------------------------------------===//

#include "ConvTestUtil.h"
#include "LowPrecisionTestUtil.h"
#include "kernels/gemm_common.h"
#include "kernels/pool_tiling.h"

#include <limits>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::kernels::cube::PoolTiling;
namespace rt = geflow::rt;

namespace {

struct LpPoolCase {
  std::string kernel; // max_pool, avg_pool, global_avg_pool
  std::vector<int64_t> x;
  std::vector<int64_t> ksize = {1, 1}, strides = {1, 1}, pads = {0, 0, 0, 0},
                       dilations = {1, 1};
  bool ceilMode = false, countIncludePad = false;
  Format format = Format::NCHW;
  DtypeCase dt{DType::F16, DType::F16};

  std::string describe() const {
    std::ostringstream os;
    os << kernel << " " << dt.label() << " x " << cube::shapeString(x) << " k "
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

/// NCHW reference and the per-element scale (mean |x| of the window).
void poolReference(const LpPoolCase &c, const std::vector<float> &x,
                   std::vector<int64_t> *outShape, std::vector<double> *ref,
                   std::vector<double> *scale) {
  int64_t n = c.x[0], ch = c.x[1], h = c.x[2], w = c.x[3];
  bool global = c.global(), isMax = c.kernel == "max_pool";
  std::vector<int64_t> k = global ? std::vector<int64_t>{h, w} : c.ksize;
  int64_t spanH = c.dilations[0] * (k[0] - 1) + 1;
  int64_t spanW = c.dilations[1] * (k[1] - 1) + 1;
  int64_t oh = global ? 1
                      : pooledExtent(h, c.pads[0], c.pads[1], spanH,
                                     c.strides[0], c.ceilMode);
  int64_t ow = global ? 1
                      : pooledExtent(w, c.pads[2], c.pads[3], spanW,
                                     c.strides[1], c.ceilMode);
  *outShape = {n, ch, oh, ow};
  for (int64_t p = 0; p < n * ch; ++p)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t xo = 0; xo < ow; ++xo) {
        int64_t hs = y * c.strides[0] - c.pads[0],
                ws = xo * c.strides[1] - c.pads[2];
        double best = -std::numeric_limits<double>::infinity(), sum = 0,
               abs = 0;
        int64_t valid = 0;
        for (int64_t ky = 0; ky < k[0]; ++ky)
          for (int64_t kx = 0; kx < k[1]; ++kx) {
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
        int64_t hPad = std::min(hs + k[0], h + c.pads[1]) - hs;
        int64_t wPad = std::min(ws + k[1], w + c.pads[3]) - ws;
        int64_t count = c.countIncludePad ? hPad * wPad : valid;
        ref->push_back(isMax ? best : sum / count);
        scale->push_back(isMax ? 0 : abs / count);
      }
}

void checkPool(const LpPoolCase &c, const SocInfo &soc, Isa isa,
               int64_t forcedRows = 0, uint32_t forcedBlocks = 0) {
  SCOPED_TRACE(c.describe() + " isa=" + isaName(isa) +
               " cores=" + std::to_string(soc.aiCoreCount) +
               " ub=" + std::to_string(soc.ubSize) +
               " rows=" + std::to_string(forcedRows));
  StoredTensor x = storedRandom(c.dt.in, rt::numElements(c.x), 21, -2.f, 2.f);
  std::vector<int64_t> outShape;
  std::vector<double> ref, scale;
  poolReference(c, x.values, &outShape, &ref, &scale);
  TilingContext ctx;
  ctx.inputs.push_back(typed(c.dt.in, c.x, c.format));
  ctx.outputs.push_back(typed(c.dt.out, outShape, c.format));
  if (!c.global()) {
    ctx.attrs.set("ksize", c.ksize);
    ctx.attrs.set("strides", c.strides);
    ctx.attrs.set("pads", c.pads);
    ctx.attrs.set("dilations", c.dilations);
    ctx.attrs.set("ceil_mode", int64_t(c.ceilMode));
    ctx.attrs.set("count_include_pad", int64_t(c.countIncludePad));
  }
  ctx.soc = &soc;
  TilingResult forced;
  if (forcedRows) {
    ASSERT_TRUE(
        KernelRegistry::global().find(c.kernel)->tiling(ctx, &forced).ok());
    auto t = decodeTilingResult<PoolTiling>(forced);
    t.rowsPerTask = forcedRows;
    t.tasks = t.planes * cube::ceilDiv(t.oh, forcedRows);
    forced = withTiling(forced, t, forcedBlocks, t.wsBytesPerBlock);
  }
  const bool c0 = c.format == Format::NC1HWC0;
  StoredTensor xin =
      c0 ? storedFrom(c.dt.in,
                      toNc1hwc0(x.values, c.x[0], c.x[1], c.x[2] * c.x[3]))
         : x;
  int64_t outElems = physicalElements(outShape, c.format);
  OutputBuffer y(c.dt.out, outElems);
  Status st = runKernel(c.kernel, ctx, {xin.data()}, {y.data()}, isa,
                        forcedRows ? &forced : nullptr);
  ASSERT_TRUE(st.ok()) << st.toString();
  EXPECT_TRUE(y.guardIntact()) << "wrote past the output";
  std::vector<float> got = y.values();
  if (c0) {
    std::vector<float> pads;
    got = fromNc1hwc0(got.data(), outShape[0], outShape[1],
                      outShape[2] * outShape[3], &pads);
    for (float v : pads)
      ASSERT_EQ(v, 0.0f) << "padded channel not zero";
  }
  const bool isMax = c.kernel == "max_pool";
  EXPECT_TRUE(closeToRounded(got, ref, scale, isMax ? 0 : 1e-5,
                             isMax ? 0 : unitRoundoff(c.dt.out),
                             isMax ? 0 : 1e-7));
}

std::vector<LpPoolCase> poolCases() {
  std::vector<LpPoolCase> cases;
  auto add = [&](std::string kernel, std::vector<int64_t> x,
                 std::vector<int64_t> k, std::vector<int64_t> s,
                 std::vector<int64_t> p, std::vector<int64_t> d, bool ceil,
                 bool incl) {
    LpPoolCase c;
    c.kernel = std::move(kernel);
    c.x = std::move(x);
    c.ksize = std::move(k);
    c.strides = std::move(s);
    c.pads = std::move(p);
    c.dilations = std::move(d);
    c.ceilMode = ceil;
    c.countIncludePad = incl;
    cases.push_back(c);
  };
  add("max_pool", {1, 3, 9, 11}, {3, 3}, {2, 2}, {1, 1, 1, 1}, {1, 1}, false,
      false);
  add("max_pool", {2, 17, 8, 7}, {2, 3}, {1, 2}, {0, 1, 1, 0}, {2, 1}, true,
      false);
  add("max_pool", {1, 5, 13, 13}, {3, 3}, {2, 2}, {1, 1, 1, 1}, {1, 1}, true,
      false);
  add("avg_pool", {1, 3, 9, 11}, {3, 3}, {2, 2}, {1, 1, 1, 1}, {1, 1}, false,
      false);
  add("avg_pool", {2, 18, 7, 10}, {2, 4}, {2, 3}, {1, 0, 2, 1}, {1, 1}, true,
      true);
  add("avg_pool", {1, 4, 12, 12}, {5, 5}, {1, 1}, {2, 2, 2, 2}, {1, 1}, false,
      true);
  add("global_avg_pool", {2, 5, 7, 9}, {}, {1, 1}, {0, 0, 0, 0}, {1, 1}, false,
      false);
  add("global_avg_pool", {1, 33, 40, 41}, {}, {1, 1}, {0, 0, 0, 0}, {1, 1},
      false, false);
  return cases;
}

TEST(PoolLowPrecision, KindsFormatsDtypesOnEveryIsa) {
  SocInfo tinyUb = SocInfo::host(3);
  tinyUb.ubSize = 2048;
  for (Isa isa : runnableIsas())
    for (const SocInfo &soc : {socVariant(isa, 2), tinyUb})
      for (const DtypeCase &dt : lowPrecisionCases())
        for (LpPoolCase c : poolCases())
          for (Format format : {Format::NCHW, Format::NC1HWC0}) {
            c.dt = dt;
            c.format = format;
            checkPool(c, soc, isa);
          }
}

TEST(PoolLowPrecision, ForcedRowBands) {
  SocInfo soc = socVariant(SocInfo::host().isa);
  for (Isa isa : runnableIsas())
    for (const DtypeCase &dt : lowPrecisionCases())
      for (LpPoolCase c : poolCases())
        for (int64_t rows : {1, 2, 5}) {
          if (c.global())
            continue;
          c.dt = dt;
          checkPool(c, soc, isa, rows, 3);
        }
}

TEST(PoolLowPrecision, RejectsOtherOutputDtypes) {
  TilingContext ctx;
  ctx.inputs = {typed(DType::BF16, {1, 2, 4, 4})};
  ctx.outputs = {typed(DType::F16, {1, 2, 1, 1})};
  TilingResult r;
  Status st = KernelRegistry::global().find("global_avg_pool")->tiling(ctx, &r);
  EXPECT_NE(st.message().find("global_avg_pool: output has dtype float16, "
                              "expected bfloat16 or float32"),
            std::string::npos)
      << st.message();
}

} // namespace
