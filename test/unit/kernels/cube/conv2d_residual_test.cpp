//===- conv2d_residual_test.cpp - conv2d with a fused residual Add --------===//
//
// The fused kernel, act(conv(x, w) + bias + residual), against the unfused
// graph it replaces: the same conv2d without activation, then the Add and
// the activation in fp32, rounded to the output dtype. Bounds:
//  - fp32 with relu or no activation: bit-identical (the epilogue sums in
//    the unfused graph's order);
//  - fp32 with other activations: 2e-6 * |value| + 1e-6 (the epilogue's
//    approximations, gemm_activation.h);
//  - bf16 outputs: the unfused graph rounds the conv output before the Add,
//    the fused kernel does not, so they differ by at most a bf16 rounding
//    of each: 2^-8 * (|conv| + |unfused| + |fused|) + 1e-6.
// Every GEMM path (NCHW, pixel rows, NC1HWC0 plain and staged) and the
// Winograd path run on every ISA this machine has.
//
//===----------------------------------------------------------------------===//

#include "cube/conv_test_util.h"
#include "kernels/cube/conv2d_tiling.h"

#include <cstring>
#include <set>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::kernels::cube::Conv2dTiling;
using geflow::kernels::cube::ConvPath;

namespace {

struct ResidualCase {
  ConvCase conv;
  bool winograd = false; // impl_mode high_performance
};

std::vector<ResidualCase> residualCases() {
  std::vector<ResidualCase> cases = {
      // 3x3 NCHW GEMM; NC1HWC0 plain.
      {{1, 8, 12, 12, 16, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1}},
      // 1x1 pointwise, channels not a multiple of 16.
      {{2, 4, 10, 10, 8, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1}},
      // Few pixels: the pixel-rows path (NCHW).
      {{1, 32, 7, 7, 48, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1}},
      {{2, 40, 5, 5, 32, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1}},
      // Grouped, 6 channels per group: the staged NC1HWC0 path.
      {{1, 8, 8, 8, 12, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 2}},
      // Strided downsampling conv (ResNet shortcut shape).
      {{1, 16, 9, 11, 17, 1, 1, {2, 2}, {0, 0, 0, 0}, {1, 1}, 1}},
      // Winograd F(2,3) / F(4,3).
      {{1, 16, 16, 16, 32, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1}, true},
      {{1, 16, 30, 30, 16, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1}, true},
  };
  return cases;
}

TilingContext residualContext(const ResidualCase &rc, const SocInfo *soc,
                              bool withResidual) {
  TilingContext ctx = convContext(rc.conv, soc);
  if (withResidual) {
    const ConvCase &c = rc.conv;
    ctx.inputs.push_back(
        desc(c.dt.out, {c.n, c.cout, c.oh(), c.ow()}, c.format));
    ctx.attrs.set("residual", int64_t(1));
  }
  if (rc.winograd)
    ctx.attrs.set("impl_mode", std::string("high_performance"));
  return ctx;
}

float roundTo(DType dt, float v) { return storedFrom(dt, {v}).values[0]; }

/// Runs the fused kernel and the unfused pair on one case and compares
/// them; returns the path the tiling chose.
ConvPath checkFusedAgainstUnfused(const ResidualCase &rc, const SocInfo &soc,
                                  Isa isa) {
  const ConvCase &c = rc.conv;
  SCOPED_TRACE(c.describe() + ranOn(isa, soc) +
               (rc.winograd ? " winograd" : ""));
  const bool c0 = c.format == Format::NC1HWC0;
  const int64_t hw = c.oh() * c.ow(), elems = c.n * c.cout * hw;
  StoredTensor x = storedRandom(c.dt.in, c.n * c.cin * c.h * c.w, 17);
  StoredTensor f =
      storedRandom(c.dt.in, c.cout * (c.cin / c.groups) * c.kh * c.kw, 18);
  StoredTensor b = storedRandom(c.biasDtype, c.cout, 19);
  StoredTensor r = storedRandom(c.dt.out, elems, 20, -2.f, 2.f);
  StoredTensor xin =
      c0 ? storedFrom(c.dt.in, toNc1hwc0(x.values, c.n, c.cin, c.h * c.w)) : x;
  StoredTensor rin =
      c0 ? storedFrom(c.dt.out, toNc1hwc0(r.values, c.n, c.cout, hw)) : r;
  const int64_t outElems =
      physicalElements({c.n, c.cout, c.oh(), c.ow()}, c.format);

  // Unfused: the conv with its bias only.
  ResidualCase plain = rc;
  plain.conv.act = "none";
  std::vector<const void *> ins = {xin.data(), f.data()};
  if (c.bias)
    ins.push_back(b.data());
  OutputBuffer y0(c.dt.out, outElems);
  Status st = runKernel("conv2d", residualContext(plain, &soc, false), ins,
                        {y0.data()}, isa);
  EXPECT_TRUE(st.ok()) << st.toString();

  ins.push_back(rin.data());
  OutputBuffer y(c.dt.out, outElems);
  TilingResult used;
  st = runKernel("conv2d", residualContext(rc, &soc, true), ins, {y.data()},
                 isa, nullptr, &used);
  EXPECT_TRUE(st.ok()) << st.toString();
  if (!st.ok())
    return ConvPath::GemmNchw;
  EXPECT_TRUE(y.guardIntact()) << "wrote past the output";
  std::vector<float> pads;
  std::vector<float> conv = y0.values(), fused = y.values();
  if (c0) {
    conv = fromNc1hwc0(conv.data(), c.n, c.cout, hw, &pads);
    fused = fromNc1hwc0(fused.data(), c.n, c.cout, hw, &pads);
    for (float v : pads)
      EXPECT_EQ(v, 0.0f) << "padded channel not zero";
  }
  const bool exact =
      c.dt.out == DType::F32 && (c.act == "none" || c.act == "relu");
  int64_t bad = 0;
  for (int64_t i = 0; i < elems && bad < 5; ++i) {
    const float sum = conv[i] + r.values[i];
    const float unfused =
        roundTo(c.dt.out, float(activationRef(c.act, double(sum), 0.1)));
    bool ok;
    if (exact)
      ok = std::memcmp(&unfused, &fused[i], sizeof(float)) == 0 ||
           (unfused == 0 && fused[i] == 0);
    else if (c.dt.out == DType::F32)
      ok = std::fabs(fused[i] - unfused) <= 2e-6 * std::fabs(unfused) + 1e-6;
    else
      ok = std::fabs(fused[i] - unfused) <=
           std::ldexp(1.0, -8) * (std::fabs(conv[i]) + std::fabs(unfused) +
                                  std::fabs(fused[i])) +
               1e-6;
    if (!ok) {
      ++bad;
      ADD_FAILURE() << "element " << i << ": fused " << fused[i] << " unfused "
                    << unfused << " (conv " << conv[i] << ", residual "
                    << r.values[i] << ")";
    }
  }
  return ConvPath(decodeTilingResult<Conv2dTiling>(used).path);
}

TEST(Conv2dResidual, FusedMatchesUnfusedOnEveryPathAndIsa) {
  for (Isa isa : runnableIsas()) {
    std::set<ConvPath> paths;
    SocInfo soc = socVariant(isa);
    for (const ResidualCase &base : residualCases())
      for (Format format : {Format::NCHW, Format::NC1HWC0})
        for (const char *act : {"relu", "none", "sigmoid"}) {
          if (base.winograd && format != Format::NCHW)
            continue;
          ResidualCase rc = base;
          rc.conv.format = format;
          rc.conv.bias = true;
          rc.conv.act = act;
          paths.insert(checkFusedAgainstUnfused(rc, soc, isa));
        }
    EXPECT_EQ(paths, (std::set<ConvPath>{
                         ConvPath::GemmNchw, ConvPath::GemmNc1hwc0,
                         ConvPath::GemmNchwPixelRows, ConvPath::WinogradNchw}))
        << "a path went untested";
  }
}

TEST(Conv2dResidual, Bf16WithinOneRounding) {
  for (Isa isa : runnableIsas()) {
    SocInfo soc = socVariant(isa);
    for (const ResidualCase &base : residualCases())
      for (Format format : {Format::NCHW, Format::NC1HWC0}) {
        if (base.winograd)
          continue;
        ResidualCase rc = base;
        rc.conv.format = format;
        rc.conv.dt = {DType::BF16, DType::BF16};
        rc.conv.biasDtype = DType::BF16;
        rc.conv.bias = format == Format::NCHW; // with and without a bias
        rc.conv.act = "relu";
        checkFusedAgainstUnfused(rc, soc, isa);
      }
  }
}

TEST(Conv2dResidual, BadResidualsAreClearErrors) {
  SocInfo soc = socVariant(SocInfo::host().isa);
  auto tilingError = [&](const ResidualCase &rc, TensorDesc residual) {
    TilingContext ctx = residualContext(rc, &soc, true);
    ctx.inputs.back() = residual;
    TilingResult r;
    Status st = KernelRegistry::global().find("conv2d")->tiling(ctx, &r);
    EXPECT_FALSE(st.ok());
    return st.toString();
  };
  ResidualCase rc = residualCases()[0];
  const ConvCase &c = rc.conv;
  std::vector<int64_t> out = {c.n, c.cout, c.oh(), c.ow()};
  EXPECT_NE(
      tilingError(rc, desc(DType::F32, {1, 16, 12, 11}))
          .find("residual [1, 16, 12, 11] must be the output [1, 16, 12, 12]"),
      std::string::npos);
  EXPECT_NE(tilingError(rc, desc(DType::BF16, out)).find("residual dtype"),
            std::string::npos);
  EXPECT_NE(tilingError(rc, desc(DType::F32, out, Format::NC1HWC0))
                .find("residual format"),
            std::string::npos);
  // Depthwise convolutions have no residual epilogue.
  ResidualCase dw{{1, 8, 11, 11, 8, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 8}};
  const ConvCase &d = dw.conv;
  EXPECT_NE(tilingError(dw, desc(DType::F32, {d.n, d.cout, d.oh(), d.ow()}))
                .find("a residual has no depthwise kernel"),
            std::string::npos);
}

} // namespace
