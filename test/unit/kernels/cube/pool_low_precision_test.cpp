//===- pool_low_precision_test.cpp - f16 / bf16 max / avg / global-avg ----===//
//
// x stored as f16 or bf16, y as that dtype or f32. Against a double
// reference from the rounded inputs: max_pool exact (a maximum of stored
// values needs no rounding); avg_pool and global_avg_pool
//   |y - ref| <= 1e-5 * mean(|x| over the window) + u * |ref| + 1e-7
// (u = 2^-11 for f16 outputs, 2^-8 for bf16, 2^-24 for f32). Every ISA,
// NCHW and NC1HWC0, soc variants and forced row bands.
//
//===----------------------------------------------------------------------===//

#include "cube/pool_test_util.h"

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

namespace {

/// max_pool is exact: a maximum of stored values needs no rounding. The
/// averages get the fp32 bound plus one rounding of the output.
Tolerance toleranceFor(const PoolCase &c) {
  if (c.kernel == "max_pool")
    return Tolerance{0, 0, /*plusOutputRounding=*/false};
  return Tolerance{1e-5, 1e-7, /*plusOutputRounding=*/true};
}

std::vector<PoolCase> poolCases() {
  std::vector<PoolCase> cases;
  auto add = [&](std::string kernel, std::vector<int64_t> x,
                 std::vector<int64_t> k, std::vector<int64_t> s,
                 std::vector<int64_t> p, std::vector<int64_t> d, bool ceil,
                 bool incl) {
    PoolCase c;
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
        for (PoolCase c : poolCases())
          for (Format format : {Format::NCHW, Format::NC1HWC0}) {
            c.dt = dt;
            c.format = format;
            checkPool(c, soc, isa, toleranceFor(c));
          }
}

TEST(PoolLowPrecision, ForcedRowBands) {
  SocInfo soc = socVariant(SocInfo::host().isa);
  for (Isa isa : runnableIsas())
    for (const DtypeCase &dt : lowPrecisionCases())
      for (PoolCase c : poolCases())
        for (int64_t rows : {1, 2, 5}) {
          if (c.global())
            continue;
          c.dt = dt;
          checkPool(c, soc, isa, toleranceFor(c), rows, 3);
        }
}

TEST(PoolLowPrecision, RejectsOtherOutputDtypes) {
  TilingContext ctx;
  ctx.inputs = {desc(DType::BF16, {1, 2, 4, 4})};
  ctx.outputs = {desc(DType::F16, {1, 2, 1, 1})};
  TilingResult r;
  Status st = KernelRegistry::global().find("global_avg_pool")->tiling(ctx, &r);
  EXPECT_NE(st.message().find("global_avg_pool: output has dtype float16, "
                              "expected bfloat16 or float32"),
            std::string::npos)
      << st.message();
}

} // namespace
