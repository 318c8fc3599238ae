//===- pool_test.cpp - max/avg/global-avg pooling against a reference -----===//
//
// Tolerances (fp32): max_pool exact; avg_pool and global_avg_pool
// |y - ref| <= 1e-5 * mean(|x| over the window) + 1e-7, reference in double.
//
//===----------------------------------------------------------------------===//

#include "cube/pool_test_util.h"

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

namespace {

// One bound for every kind: max_pool's scale is 0, so it gets the atol
// alone. The fp32 bound has no term for the rounding of the output.
constexpr Tolerance kTolerance{1e-5, 1e-7, /*plusOutputRounding=*/false};

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
      // Column strides 3 and 4 on rows wider than a vector, odd widths.
      make({1, 3, 9, 101}, {2, 5}, {2, 3}, {1, 0, 2, 1}, {1, 1}, true, false),
      make({2, 2, 6, 67}, {3, 4}, {1, 4}, {0, 1, 3, 0}, {1, 1}, false, true),
  };
}

TEST(Pool, MaxAndAvgOnEveryIsaAndFormat) {
  for (Isa isa : runnableIsas())
    for (PoolCase c : windowCases())
      for (const char *kernel : {"max_pool", "avg_pool"})
        for (Format format : {Format::NCHW, Format::NC1HWC0}) {
          c.kernel = kernel;
          c.format = format;
          checkPool(c, socVariant(isa), isa, kTolerance);
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
      checkPool(c, socVariant(isa), isa, kTolerance);
    }
}

// ResNet's stem (3x3, stride 2, pad 1 on 112x112), both max_pool loops:
// the separable one and the tap loops of tilings written before it.
TEST(Pool, ResNetStemMaxPoolBothLoops) {
  PoolCase c;
  c.kernel = "max_pool";
  c.x = {1, 64, 112, 112};
  c.ksize = {3, 3};
  c.strides = {2, 2};
  c.pads = {1, 1, 1, 1};
  for (Isa isa : runnableIsas())
    for (Format format : {Format::NCHW, Format::NC1HWC0})
      for (bool tapLoops : {false, true}) {
        c.format = format;
        checkPool(c, socVariant(isa), isa, kTolerance, 0, 0, tapLoops);
      }
}

// A window with no input row (dilation skips the one-row input) gives -inf,
// as PyTorch; the other rows are checked by the cases above.
TEST(Pool, MaxPoolWindowWithoutInput) {
  PoolCase c;
  c.kernel = "max_pool";
  c.x = {1, 2, 1, 5};
  c.ksize = {2, 2};
  c.strides = {1, 2};
  c.pads = {2, 1, 0, 1};
  c.dilations = {3, 3};
  std::vector<float> x(10, 1.0f);
  for (Isa isa : runnableIsas()) {
    SocInfo soc = socVariant(isa);
    TilingContext ctx = poolContext(c, {1, 2, 1, 2}, &soc);
    OutputBuffer y(DType::F32, 4);
    Status st = runKernel(c.kernel, ctx, {x.data()}, {y.data()}, isa, nullptr);
    ASSERT_TRUE(st.ok()) << st.toString();
    for (float v : y.values())
      EXPECT_EQ(v, -std::numeric_limits<float>::infinity()) << isaName(isa);
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
        checkPool(c, socVariant(isa, 3), isa, kTolerance);
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
            checkPool(c, socVariant(isa, cores), isa, kTolerance);
          for (int64_t rows : {1, 2, 100})
            for (uint32_t blocks : {1u, 3u}) {
              checkPool(c, socVariant(isa), isa, kTolerance, rows, blocks);
              if (std::string(kernel) == "max_pool")
                checkPool(c, socVariant(isa), isa, kTolerance, rows, blocks,
                          true);
            }
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
