//===- cube_test_util.h - Shared helpers of the Cube kernel tests ---------===//
//
// Naive references are computed in double next to the sum of absolute
// products ("scale"), so tolerances can be stated relative to the size of
// what was summed: |got - ref| <= rtol * scale + atol.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TEST_KERNELS_CUBE_CUBE_TEST_UTIL_H
#define GEFLOW_TEST_KERNELS_CUBE_CUBE_TEST_UTIL_H

#include "common/kernel_test_util.h"
#include "kernels/cube/gemm_common.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

namespace geflow::kernels::testing {

/// Every ISA implementation this machine can run, portable first.
inline std::vector<Isa> runnableIsas() {
  std::vector<Isa> out;
  Isa best = SocInfo::host().isa;
  for (Isa isa : {Isa::Portable, Isa::AVX2, Isa::AVX512})
    if (isa <= best)
      out.push_back(isa);
  return out;
}

/// The host soc with another ISA, core count or cache sizes: tiling
/// functions derive panel widths, blocks and grids from these, so varying
/// them reaches every tiling they can produce.
inline SocInfo socVariant(Isa isa, uint32_t cores = 2, uint64_t ub = 0,
                          uint64_t l2 = 0) {
  SocInfo soc = SocInfo::host(cores);
  soc.isa = isa;
  if (ub)
    soc.ubSize = ub;
  if (l2)
    soc.l2Size = l2;
  return soc;
}

/// Activation names of the epilogue attribute and their exact references.
inline const std::vector<std::string> &activationNames() {
  static const std::vector<std::string> names = {
      "none", "relu",      "relu6",     "sigmoid",   "tanh",
      "gelu", "gelu_tanh", "hardswish", "leaky_relu"};
  return names;
}

inline double activationRef(const std::string &act, double v, double alpha) {
  if (act == "relu")
    return v > 0 ? v : 0;
  if (act == "relu6")
    return std::min(std::max(v, 0.0), 6.0);
  if (act == "sigmoid")
    return 1 / (1 + std::exp(-v));
  if (act == "tanh")
    return std::tanh(v);
  if (act == "gelu")
    return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0)));
  if (act == "gelu_tanh")
    return 0.5 * v *
           (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)));
  if (act == "hardswish")
    return v * std::min(std::max(v + 3, 0.0), 6.0) / 6;
  if (act == "leaky_relu")
    return v > 0 ? v : alpha * v;
  return v;
}

/// Where a case ran, for SCOPED_TRACE: the ISA that ran it and the soc its
/// tiling was made for.
inline std::string ranOn(Isa isa, const SocInfo &soc) {
  return std::string(" isa=") + isaName(isa) + " soc.isa=" + isaName(soc.isa) +
         " bf16dot=" + std::to_string(soc.hasAvx512Bf16) +
         " cores=" + std::to_string(soc.aiCoreCount);
}

/// Checks |got[i] - ref[i]| <= bound(i) everywhere; reports the first
/// offenders.
template <typename Bound>
::testing::AssertionResult withinBounds(const float *got,
                                        const std::vector<double> &ref,
                                        const Bound &bound) {
  size_t bad = 0;
  std::ostringstream os;
  for (size_t i = 0; i < ref.size(); ++i) {
    double tol = bound(i);
    double err = std::fabs(double(got[i]) - ref[i]);
    if (!(err <= tol)) {
      if (bad < 5)
        os << "\n  [" << i << "] got " << got[i] << " want " << ref[i]
           << " (tol " << tol << ")";
      ++bad;
    }
  }
  if (!bad)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << bad << " of " << ref.size() << " elements differ" << os.str();
}

/// Checks |got[i] - ref[i]| <= rtol * scale[i] + atol everywhere.
inline ::testing::AssertionResult allClose(const float *got,
                                           const std::vector<double> &ref,
                                           const std::vector<double> &scale,
                                           double rtol, double atol) {
  return withinBounds(got, ref,
                      [&](size_t i) { return rtol * scale[i] + atol; });
}

/// Re-encodes a tiling struct into a copy of `base` with a new block count
/// and workspace size (for tests that force tilings).
template <typename T>
TilingResult withTiling(const TilingResult &base, const T &tiling,
                        uint32_t blockDim, uint64_t wsPerBlock) {
  TilingResult r = base;
  r.tilingData = encodeTiling(tiling);
  r.blockDim = blockDim;
  r.workspaceSize = wsPerBlock * blockDim;
  return r;
}

/// A grid of about `regionsM` x `regionsN` regions of an M x N product, its
/// steps whole panels of `blocking` as every kernel expects (for tests that
/// force tilings).
inline cube::GemmGrid gridOfRegions(int64_t M, int64_t N, int32_t regionsM,
                                    int32_t regionsN,
                                    const cube::GemmBlocking &blocking) {
  cube::GemmGrid grid;
  grid.mStep = cube::roundUp(cube::ceilDiv(M, regionsM), blocking.mr);
  grid.nStep = cube::roundUp(cube::ceilDiv(N, regionsN), blocking.nr);
  grid.gm = int32_t(cube::ceilDiv(M, grid.mStep));
  grid.gn = int32_t(cube::ceilDiv(N, grid.nStep));
  return grid;
}

template <typename T> T decodeTilingResult(const TilingResult &r) {
  T t;
  KernelArgs args;
  args.tiling = r.tilingData.data();
  args.tilingSize = r.tilingData.size();
  EXPECT_TRUE(decodeTiling(args, &t));
  return t;
}

inline std::string isaLabel(Isa isa) { return isaName(isa); }

} // namespace geflow::kernels::testing

#endif // GEFLOW_TEST_KERNELS_CUBE_CUBE_TEST_UTIL_H
