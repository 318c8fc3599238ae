//===- conv2d_small_channel_test.cpp - NCHW in, NC1HWC0 out ---------------===//
//
// The small-channel path (ConvPath::GemmNchwToC0, GE's enable_small_channel):
// a first layer with few input channels reads its NCHW input unpadded and
// writes NC1HWC0. Against the naive double reference of conv_test_util.h:
//   fp32:     |y - ref| <= 1e-5 * sum |x w| + 1e-5
//   f16/bf16: the same + u * |ref| (u = 2^-11 for f16 outputs, 2^-8 for bf16)
// on every ISA the CPU runs (AVX-512 with and without bf16 pairs, AVX2,
// portable); padded output channels must be exactly 0.
//
//===----------------------------------------------------------------------===//

#include "cube/conv_test_util.h"
#include "cube/low_precision_test_util.h"
#include "kernels/cube/conv2d_tiling.h"

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::kernels::cube::Conv2dTiling;
using geflow::kernels::cube::ConvPath;

namespace {

constexpr Tolerance kF32Tolerance{1e-5, 1e-5, /*plusOutputRounding=*/false};
constexpr Tolerance kLowTolerance{1e-5, 1e-5, /*plusOutputRounding=*/true};

/// First layers (C_in 1..4: images, depth maps), stems with pads and
/// strides, pointwise, dilation, cout not a multiple of 16, batch 2.
const std::vector<ConvCase> &smallChannelCases() {
  static const std::vector<ConvCase> cases = {
      {1, 3, 20, 20, 64, 7, 7, {2, 2}, {3, 3, 3, 3}, {1, 1}, 1},
      {2, 3, 17, 15, 32, 3, 3, {2, 2}, {1, 1, 1, 1}, {1, 1}, 1},
      {1, 1, 9, 11, 5, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1},
      {1, 4, 10, 10, 24, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1},
      {1, 2, 12, 9, 17, 5, 3, {1, 2}, {2, 1, 0, 2}, {2, 1}, 1},
      {2, 4, 6, 6, 40, 2, 2, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1},
  };
  return cases;
}

ConvCase smallChannel(ConvCase c, size_t index, DtypeCase dt) {
  c.format = Format::NCHW;
  c.outFormat = Format::NC1HWC0;
  c.dt = dt;
  c.bias = index % 3 != 2;
  c.biasDtype = index % 2 ? DType::F32 : dt.in;
  c.constFilter = index % 4 != 1;
  c.act = activationNames()[index % activationNames().size()];
  return c;
}

TEST(Conv2dSmallChannel, Fp32OnEveryIsa) {
  for (Isa isa : runnableIsas())
    for (uint32_t cores : {1u, 2u, 5u})
      for (size_t i = 0; i < smallChannelCases().size(); ++i)
        checkConv(
            smallChannel(smallChannelCases()[i], i, {DType::F32, DType::F32}),
            socVariant(isa, cores), isa, kF32Tolerance);
}

TEST(Conv2dSmallChannel, LowPrecisionOnEveryIsa) {
  for (const auto &[soc, isa] : cubeSocsAndIsas())
    for (const DtypeCase &dt : lowPrecisionCases())
      for (size_t i = 0; i < smallChannelCases().size(); ++i)
        checkConv(smallChannel(smallChannelCases()[i], i, dt), soc, isa,
                  kLowTolerance);
}

TEST(Conv2dSmallChannel, TilingPicksTheUnpaddedPath) {
  SocInfo soc = socVariant(SocInfo::host().isa);
  for (size_t i = 0; i < smallChannelCases().size(); ++i) {
    ConvCase c =
        smallChannel(smallChannelCases()[i], i, {DType::F32, DType::F32});
    TilingContext ctx = convContext(c, &soc);
    TilingResult r;
    ASSERT_TRUE(KernelRegistry::global().find("conv2d")->tiling(ctx, &r).ok());
    Conv2dTiling t = decodeTilingResult<Conv2dTiling>(r);
    EXPECT_EQ(ConvPath(t.path), ConvPath::GemmNchwToC0) << c.describe();
    // K is not padded to C0 = 16 channels.
    EXPECT_EQ(t.gemmK, c.cin * c.kh * c.kw) << c.describe();
  }
}

} // namespace
