//===- pool_test_util.h - Cases, reference and check of the pool tests ----===//
//
// A max_pool / avg_pool / global_avg_pool case names the dtypes x and y are
// stored in (f32 in the fp32 tests), so the fp32 and the f16/bf16 tests share
// one naive reference and one check; each test states its own tolerance.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TEST_KERNELS_CUBE_POOL_TEST_UTIL_H
#define GEFLOW_TEST_KERNELS_CUBE_POOL_TEST_UTIL_H

#include "cube/conv_test_util.h"
#include "cube/low_precision_test_util.h"
#include "kernels/cube/gemm_common.h"
#include "kernels/cube/pool_tiling.h"

#include <algorithm>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace geflow::kernels::testing {

struct PoolCase {
  std::string kernel; // max_pool, avg_pool, global_avg_pool
  std::vector<int64_t> x;
  // global_avg_pool has no window attributes; the reference reads these
  // defaults with the window set to the whole plane.
  std::vector<int64_t> ksize = {1, 1}, strides = {1, 1}, pads = {0, 0, 0, 0},
                       dilations = {1, 1};
  bool ceilMode = false, countIncludePad = false;
  Format format = Format::NCHW;
  DtypeCase dt{DType::F32, DType::F32};

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

inline int64_t pooledExtent(int64_t in, int64_t p0, int64_t p1, int64_t span,
                            int64_t s, bool ceil) {
  int64_t num = in + p0 + p1 - span;
  int64_t out = (ceil ? (num + s - 1) / s : num / s) + 1;
  if (ceil && (out - 1) * s >= in + p0)
    --out;
  return out;
}

/// NCHW reference and the per-element scale (mean |x| of the window; 0 for
/// max_pool, whose result is one of the inputs).
inline void poolReference(const PoolCase &c, const std::vector<float> &x,
                          std::vector<int64_t> *outShape,
                          std::vector<double> *ref,
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

inline TilingContext poolContext(const PoolCase &c,
                                 const std::vector<int64_t> &out,
                                 const SocInfo *soc) {
  TilingContext ctx;
  ctx.inputs.push_back(desc(c.dt.in, c.x, c.format));
  ctx.outputs.push_back(desc(c.dt.out, out, c.format));
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

/// Runs one case on `isa` with the tiling `soc` gives, or with that tiling
/// forced to bands of `forcedRows` rows on `forcedBlocks` blocks (or, with
/// `tapLoops`, to max_pool's tap-by-tap loops of tilings written before the
/// separable one), on random x in [-2, 2] and holds the result to `tol`
/// against poolReference. NC1HWC0 outputs must also keep their padded
/// channels at exactly 0.
inline void checkPool(const PoolCase &c, const SocInfo &soc, Isa isa,
                      const Tolerance &tol, int64_t forcedRows = 0,
                      uint32_t forcedBlocks = 0, bool tapLoops = false) {
  SCOPED_TRACE(c.describe() + " isa=" + isaName(isa) +
               " cores=" + std::to_string(soc.aiCoreCount) +
               " ub=" + std::to_string(soc.ubSize) + " rows=" +
               std::to_string(forcedRows) + (tapLoops ? " tap loops" : ""));
  StoredTensor x = storedRandom(c.dt.in, rt::numElements(c.x), 21, -2.f, 2.f);
  std::vector<int64_t> outShape;
  std::vector<double> ref, scale;
  poolReference(c, x.values, &outShape, &ref, &scale);
  TilingContext ctx = poolContext(c, outShape, &soc);
  TilingResult forced;
  const bool force = forcedRows || tapLoops;
  if (force) {
    ASSERT_TRUE(
        KernelRegistry::global().find(c.kernel)->tiling(ctx, &forced).ok());
    auto t = decodeTilingResult<cube::PoolTiling>(forced);
    if (forcedRows) {
      t.rowsPerTask = forcedRows;
      t.tasks = t.planes * cube::ceilDiv(t.oh, forcedRows);
    }
    if (tapLoops) {
      t.separable = 0;
      t.wsBytesPerBlock = uint64_t(cube::poolWorkspace(t).floats) * 4;
    }
    forced =
        withTiling(forced, t, forcedBlocks ? forcedBlocks : forced.blockDim,
                   t.wsBytesPerBlock);
  }
  const bool c0 = c.format == Format::NC1HWC0;
  StoredTensor xin =
      c0 ? storedFrom(c.dt.in,
                      toNc1hwc0(x.values, c.x[0], c.x[1], c.x[2] * c.x[3]))
         : x;
  int64_t outElems = physicalElements(outShape, c.format);
  OutputBuffer y(c.dt.out, outElems);
  Status st = runKernel(c.kernel, ctx, {xin.data()}, {y.data()}, isa,
                        force ? &forced : nullptr);
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
  EXPECT_TRUE(withinTolerance(got, ref, scale, tol, c.dt.out));
}

} // namespace geflow::kernels::testing

#endif // GEFLOW_TEST_KERNELS_CUBE_POOL_TEST_UTIL_H
