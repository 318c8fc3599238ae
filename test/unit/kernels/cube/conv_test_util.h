//===- conv_test_util.h - Cases, references and checks of the conv tests --===//
//
// A conv2d / conv2d_transpose case names the dtypes its operands are stored
// in (f32 in the fp32 tests), so the fp32 and the f16/bf16 tests share one
// naive reference and one check per op; each test states its own tolerance.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TEST_KERNELS_CUBE_CONV_TEST_UTIL_H
#define GEFLOW_TEST_KERNELS_CUBE_CONV_TEST_UTIL_H

#include "cube/cube_test_util.h"
#include "cube/low_precision_test_util.h"
#include "kernels/cube/conv2d_tiling.h"
#include "kernels/cube/gemm_common.h"

#include <sstream>
#include <string>
#include <vector>

namespace geflow::kernels::testing {

/// NCHW -> NC1HWC0 (C0 = 16) with zero padded channels.
inline std::vector<float> toNc1hwc0(const std::vector<float> &x, int64_t n,
                                    int64_t c, int64_t hw) {
  int64_t c1 = (c + 15) / 16;
  std::vector<float> out(n * c1 * hw * 16, 0.0f);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t p = 0; p < hw; ++p)
        out[((i * c1 + ch / 16) * hw + p) * 16 + ch % 16] =
            x[(i * c + ch) * hw + p];
  return out;
}

/// NC1HWC0 -> NCHW values plus the padded channels' values, which must be 0.
inline std::vector<float> fromNc1hwc0(const float *x, int64_t n, int64_t c,
                                      int64_t hw, std::vector<float> *pads) {
  int64_t c1 = (c + 15) / 16;
  std::vector<float> out(n * c * hw);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t ch = 0; ch < c1 * 16; ++ch)
      for (int64_t p = 0; p < hw; ++p) {
        float v = x[((i * c1 + ch / 16) * hw + p) * 16 + ch % 16];
        if (ch < c)
          out[(i * c + ch) * hw + p] = v;
        else
          pads->push_back(v);
      }
  return out;
}

/// Elements a buffer of logical NCHW shape occupies in `format`.
inline int64_t physicalElements(const std::vector<int64_t> &nchw,
                                Format format) {
  if (format != Format::NC1HWC0)
    return nchw[0] * nchw[1] * nchw[2] * nchw[3];
  return nchw[0] * ((nchw[1] + 15) / 16) * nchw[2] * nchw[3] * 16;
}

/// conv2d of x [n, cin, h, w] with a filter [cout, cin / groups, kh, kw].
struct ConvCase {
  int64_t n, cin, h, w, cout, kh, kw;
  std::vector<int64_t> strides, pads, dilations;
  int64_t groups;
  Format format = Format::NCHW;
  DtypeCase dt{DType::F32, DType::F32};
  DType biasDtype = DType::F32;
  bool bias = false;
  bool constFilter = true;
  std::string act = "none";
  /// The output's format; ND: the input's (NC1HWC0 with an NCHW input is
  /// the small-channel path).
  Format outFormat = Format::ND;

  Format yFormat() const {
    return outFormat == Format::ND ? format : outFormat;
  }

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
       << " g " << groups << " " << rt::formatName(format) << "->"
       << rt::formatName(yFormat())
       << " bias=" << (bias ? rt::dtypeName(biasDtype) : "none")
       << " const=" << constFilter << " act=" << act;
    return os.str();
  }
};

/// Naive NCHW reference with the absolute-sum scale (|bias| included) per
/// output.
inline void convReference(const ConvCase &c, const std::vector<float> &x,
                          const std::vector<float> &f,
                          const std::vector<float> &b, std::vector<double> *ref,
                          std::vector<double> *scale) {
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

inline TilingContext convContext(const ConvCase &c, const SocInfo *soc) {
  TilingContext ctx;
  ctx.inputs.push_back(desc(c.dt.in, {c.n, c.cin, c.h, c.w}, c.format));
  ctx.inputs.push_back(desc(c.dt.in, {c.cout, c.cin / c.groups, c.kh, c.kw}));
  ctx.inputs[1].isConst = c.constFilter;
  if (c.bias)
    ctx.inputs.push_back(desc(c.biasDtype, {c.cout}));
  ctx.outputs.push_back(
      desc(c.dt.out, {c.n, c.cout, c.oh(), c.ow()}, c.yFormat()));
  ctx.attrs.set("strides", c.strides);
  ctx.attrs.set("pads", c.pads);
  ctx.attrs.set("dilations", c.dilations);
  ctx.attrs.set("groups", c.groups);
  ctx.attrs.set("activation", c.act);
  ctx.attrs.set("alpha", 0.1);
  ctx.soc = soc;
  return ctx;
}

/// Runs conv2d on `isa` with the tiling `soc` gives (or `forced`) on random
/// operands and holds the result to `tol` against convReference. NC1HWC0
/// outputs must also keep their padded channels at exactly 0.
inline void checkConv(const ConvCase &c, const SocInfo &soc, Isa isa,
                      const Tolerance &tol,
                      const TilingResult *forced = nullptr) {
  SCOPED_TRACE(c.describe() + ranOn(isa, soc));
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
  int64_t outElems =
      physicalElements({c.n, c.cout, c.oh(), c.ow()}, c.yFormat());
  OutputBuffer y(c.dt.out, outElems);
  std::vector<const void *> ins = {xin.data(), f.data()};
  if (c.bias)
    ins.push_back(b.data());
  Status st = runKernel("conv2d", ctx, ins, {y.data()}, isa, forced);
  ASSERT_TRUE(st.ok()) << st.toString();
  EXPECT_TRUE(y.guardIntact()) << "wrote past the output";
  std::vector<float> got = y.values();
  if (c.yFormat() != Format::NC1HWC0) {
    EXPECT_TRUE(withinTolerance(got, ref, scale, tol, c.dt.out));
    return;
  }
  std::vector<float> pads;
  std::vector<float> nchw =
      fromNc1hwc0(got.data(), c.n, c.cout, c.oh() * c.ow(), &pads);
  EXPECT_TRUE(withinTolerance(nchw, ref, scale, tol, c.dt.out));
  for (float v : pads)
    ASSERT_EQ(v, 0.0f) << "padded channel not zero";
}

/// Re-cuts a depthwise tiling into tasks of `rows` output rows of one plane
/// each (a plane: a channel in NCHW, a block of 16 channels in NC1HWC0).
inline void bandDepthwiseRows(cube::Conv2dTiling &t, const ConvCase &c,
                              int64_t rows) {
  int64_t planes = c.n * (t.path == int32_t(cube::ConvPath::DepthwiseNchw)
                              ? c.cout
                              : cube::ceilDiv(c.cin, 16));
  t.rowsPerTask = rows;
  t.tasks = planes * cube::ceilDiv(t.oh, rows);
  // The phase planes are sized by the band (conv2d_tiling.h).
  if (t.directPhases)
    t.wsBytesPerBlock = t.wsStage + cube::depthwisePhaseBytes(t, rows);
}

/// conv2d_transpose of x [n, cin, h, w] with a filter
/// [cin, cout / groups, kh, kw].
struct DeconvCase {
  int64_t n, cin, h, w, cout, kh, kw;
  std::vector<int64_t> strides, pads, dilations, outPad;
  int64_t groups;
  DtypeCase dt{DType::F32, DType::F32};
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
       << cube::shapeString(pads) << " d " << cube::shapeString(dilations)
       << " op " << cube::shapeString(outPad) << " g " << groups
       << " bias=" << (bias ? rt::dtypeName(biasDtype) : "none")
       << " const=" << constFilter << " act=" << act;
    return os.str();
  }
};

/// Whether |bias| counts towards the scale of a conv2d_transpose output. The
/// fp32 test states its bound over the products alone; the f16/bf16 test, as
/// every conv2d and matmul test, counts the bias as one more summand.
enum class BiasInScale { Counted, NotCounted };

/// Naive NCHW reference (a direct scatter of every input pixel) with the
/// absolute-sum scale per output.
inline void deconvReference(const DeconvCase &c, const std::vector<float> &x,
                            const std::vector<float> &f,
                            const std::vector<float> &b,
                            BiasInScale biasInScale, std::vector<double> *ref,
                            std::vector<double> *scale) {
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
    (*scale)[o] =
        biasInScale == BiasInScale::Counted ? abs[o] + std::fabs(bv) : abs[o];
  }
}

inline TilingContext deconvContext(const DeconvCase &c, const SocInfo *soc) {
  TilingContext ctx;
  ctx.inputs.push_back(desc(c.dt.in, {c.n, c.cin, c.h, c.w}, Format::NCHW));
  ctx.inputs.push_back(desc(c.dt.in, {c.cin, c.cout / c.groups, c.kh, c.kw}));
  ctx.inputs[1].isConst = c.constFilter;
  if (c.bias)
    ctx.inputs.push_back(desc(c.biasDtype, {c.cout}));
  ctx.outputs.push_back(
      desc(c.dt.out, {c.n, c.cout, c.oh(), c.ow()}, Format::NCHW));
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

/// Runs conv2d_transpose on `isa` with the tiling `soc` gives (or `forced`)
/// on random operands and holds the result to `tol` against deconvReference.
inline void checkDeconv(const DeconvCase &c, const SocInfo &soc, Isa isa,
                        const Tolerance &tol, BiasInScale biasInScale,
                        const TilingResult *forced = nullptr) {
  SCOPED_TRACE(c.describe() + ranOn(isa, soc));
  TilingContext ctx = deconvContext(c, &soc);
  StoredTensor x = storedRandom(c.dt.in, c.n * c.cin * c.h * c.w, 11);
  StoredTensor f =
      storedRandom(c.dt.in, c.cin * (c.cout / c.groups) * c.kh * c.kw, 12);
  StoredTensor b;
  if (c.bias)
    b = storedRandom(c.biasDtype, c.cout, 13);
  std::vector<double> ref, scale;
  deconvReference(c, x.values, f.values, b.values, biasInScale, &ref, &scale);
  OutputBuffer y(c.dt.out, ref.size());
  std::vector<const void *> ins = {x.data(), f.data()};
  if (c.bias)
    ins.push_back(b.data());
  Status st = runKernel("conv2d_transpose", ctx, ins, {y.data()}, isa, forced);
  ASSERT_TRUE(st.ok()) << st.toString();
  EXPECT_TRUE(y.guardIntact()) << "wrote past the output";
  EXPECT_TRUE(withinTolerance(y.values(), ref, scale, tol, c.dt.out));
}

} // namespace geflow::kernels::testing

#endif // GEFLOW_TEST_KERNELS_CUBE_CONV_TEST_UTIL_H
