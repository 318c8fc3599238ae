//===- VecTestUtil.h - Helpers for the vector-unit kernel tests -----------===//
//
// Every vector kernel test runs each case on every ISA implementation the
// machine can execute and on several soc descriptions (core counts, UB
// sizes, cache sizes), so the tiling function produces its different block
// counts, tile shapes and store modes; forBlockDims() additionally forces
// block counts the tiling would not choose for small shapes.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TEST_VECTESTUTIL_H
#define GEFLOW_TEST_VECTESTUTIL_H

#include "KernelTestUtil.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace geflow::kernels::testing {

inline std::vector<Isa> isasToTest() {
  std::vector<Isa> isas = {Isa::Portable};
  Isa best = SocInfo::host().isa;
  if (best >= Isa::AVX2)
    isas.push_back(Isa::AVX2);
  if (best >= Isa::AVX512)
    isas.push_back(Isa::AVX512);
  return isas;
}

struct SocVariant {
  std::string name;
  SocInfo soc;
};

/// Soc descriptions that drive the tiling functions into their different
/// choices: 1..5 cores, a tiny UB (tiles of a few vectors, many tiles per
/// row), and a tiny last-level cache (streaming stores).
inline std::vector<SocVariant> socVariants() {
  std::vector<SocVariant> out;
  SocInfo host = SocInfo::host();
  out.push_back({"host", host});
  SocInfo one = SocInfo::host(1);
  out.push_back({"1core", one});
  SocInfo tiny = SocInfo::host(3);
  tiny.ubSize = 512;
  tiny.l2Size = 4096;
  tiny.l3Size = 1 << 20;
  out.push_back({"3core-ub512", tiny});
  SocInfo stream = SocInfo::host(5);
  stream.ubSize = 2048;
  stream.l3Size = 256; // every output counts as "bigger than the LLC"
  out.push_back({"5core-stream", stream});
  return out;
}

/// The tiling result with `blockDim` blocks; per-block workspace is kept.
inline TilingResult withBlockDim(const TilingResult &r, uint32_t blockDim) {
  TilingResult out = r;
  uint64_t perBlock = r.blockDim ? r.workspaceSize / r.blockDim : 0;
  out.blockDim = blockDim;
  out.workspaceSize = perBlock * blockDim;
  return out;
}

/// Runs `check` for the kernel's own tiling on every ISA x soc variant, and
/// for forced block counts 2, 3 and 7 on the host soc.
inline void forEachTiling(
    const std::string &kernel, TilingContext ctx,
    const std::function<void(const TilingContext &, Isa, const TilingResult *,
                             const std::string &)> &check) {
  std::vector<SocVariant> socs = socVariants();
  for (Isa isa : isasToTest()) {
    for (const SocVariant &v : socs) {
      ctx.soc = &v.soc;
      check(ctx, isa, nullptr, std::string(isaName(isa)) + "/" + v.name);
    }
    ctx.soc = &socs[0].soc;
    TilingResult base;
    const KernelDef *def = KernelRegistry::global().find(kernel);
    ASSERT_NE(def, nullptr) << kernel;
    Status st = def->tiling(ctx, &base);
    ASSERT_TRUE(st.ok()) << st.toString();
    for (uint32_t bd : {2u, 3u, 7u}) {
      TilingResult forced = withBlockDim(base, bd);
      check(ctx, isa, &forced,
            std::string(isaName(isa)) + "/blockDim" + std::to_string(bd));
    }
  }
}

/// |a - e| <= atol + rtol * |e|, NaN matches NaN, infinities match exactly.
/// Reports the first few mismatches with their flat index.
inline ::testing::AssertionResult allClose(const float *actual,
                                           const double *expected, size_t n,
                                           double rtol, double atol) {
  size_t bad = 0;
  std::ostringstream msg;
  for (size_t i = 0; i < n; ++i) {
    double a = actual[i], e = expected[i];
    bool ok;
    if (std::isnan(e))
      ok = std::isnan(a);
    else if (std::isinf(e) || std::isinf(a))
      ok = a == e || (std::fabs(e) > 3.4e38 && std::isinf(a) &&
                      std::signbit(a) == std::signbit(e));
    else
      ok = std::fabs(a - e) <= atol + rtol * std::fabs(e);
    if (!ok && bad++ < 5)
      msg << " [" << i << "] got " << a << " expected " << e << " (diff "
          << std::fabs(a - e) << ");";
  }
  if (bad == 0)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << bad << " of " << n << " elements differ:" << msg.str();
}

inline ::testing::AssertionResult allClose(const std::vector<float> &actual,
                                           const std::vector<double> &expected,
                                           double rtol, double atol) {
  if (actual.size() != expected.size())
    return ::testing::AssertionFailure()
           << "size " << actual.size() << " vs " << expected.size();
  return allClose(actual.data(), expected.data(), actual.size(), rtol, atol);
}

/// Flat index into a tensor of shape `in` for output multi-index `idx` of
/// shape `out` under numpy broadcasting.
inline int64_t broadcastIndex(const std::vector<int64_t> &idx,
                              const std::vector<int64_t> &in,
                              const std::vector<int64_t> &out) {
  int64_t flat = 0;
  size_t lead = out.size() - in.size();
  for (size_t d = 0; d < in.size(); ++d)
    flat = flat * in[d] + (in[d] == 1 ? 0 : idx[lead + d]);
  return flat;
}

/// numpy broadcast of two shapes (the test's own, independent of the
/// kernels' helper).
inline std::vector<int64_t> broadcastShape(std::vector<int64_t> a,
                                           std::vector<int64_t> b) {
  if (a.size() < b.size())
    std::swap(a, b);
  b.insert(b.begin(), a.size() - b.size(), 1);
  for (size_t i = 0; i < a.size(); ++i)
    a[i] = a[i] == 1 ? b[i] : a[i];
  return a;
}

inline std::vector<int64_t> unflatten(int64_t flat,
                                      const std::vector<int64_t> &shape) {
  std::vector<int64_t> idx(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    idx[d] = shape[d] ? flat % shape[d] : 0;
    flat = shape[d] ? flat / shape[d] : 0;
  }
  return idx;
}

inline TensorDesc desc(DType dt, std::vector<int64_t> shape,
                       Format format = Format::ND) {
  TensorDesc d;
  d.dtype = dt;
  d.shape = std::move(shape);
  d.format = format;
  return d;
}

inline std::string shapeName(const std::vector<int64_t> &s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

} // namespace geflow::kernels::testing

#endif // GEFLOW_TEST_VECTESTUTIL_H
