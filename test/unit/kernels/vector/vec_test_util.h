//===- vec_test_util.h - Helpers for the vector-unit kernel tests ---------===//
//
// Every vector kernel test runs each case on every ISA implementation the
// machine can execute and on several soc descriptions (core counts, UB
// sizes, cache sizes), so the tiling function produces its different block
// counts, tile shapes and store modes; forBlockDims() additionally forces
// block counts the tiling would not choose for small shapes.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TEST_KERNELS_VECTOR_VEC_TEST_UTIL_H
#define GEFLOW_TEST_KERNELS_VECTOR_VEC_TEST_UTIL_H

#include "common/kernel_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <set>
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

inline std::string shapeName(const std::vector<int64_t> &s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

/// softmax, or log_softmax when `log`, of x of shape `s` along `axis`
/// (non-negative), in double.
inline std::vector<double> refSoftmax(const std::vector<float> &x,
                                      const std::vector<int64_t> &s,
                                      int64_t axis, bool log) {
  int64_t outer = 1, inner = 1, len = s[size_t(axis)];
  for (int64_t d = 0; d < axis; ++d)
    outer *= s[size_t(d)];
  for (size_t d = size_t(axis) + 1; d < s.size(); ++d)
    inner *= s[d];
  std::vector<double> y(x.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      auto at = [&](int64_t a) { return size_t((o * len + a) * inner + i); };
      double m = -INFINITY, sum = 0;
      for (int64_t a = 0; a < len; ++a)
        m = std::max(m, double(x[at(a)]));
      for (int64_t a = 0; a < len; ++a)
        sum += std::exp(x[at(a)] - m);
      for (int64_t a = 0; a < len; ++a)
        y[at(a)] =
            log ? x[at(a)] - m - std::log(sum) : std::exp(x[at(a)] - m) / sum;
    }
  return y;
}

/// The dims a reduction over `axes` covers in a tensor of rank `rank`: all
/// when `axes` is empty, negative axes counted from the back.
inline std::set<int64_t> reducedDims(const std::vector<int64_t> &axes,
                                     int64_t rank) {
  std::set<int64_t> dims;
  for (int64_t a : axes)
    dims.insert(a < 0 ? a + rank : a);
  if (axes.empty())
    for (int64_t d = 0; d < rank; ++d)
      dims.insert(d);
  return dims;
}

/// The output shape of a reduction over `dims`: reduced dims kept as 1 with
/// keep_dims, dropped without.
inline std::vector<int64_t> reducedShape(const std::vector<int64_t> &shape,
                                         const std::set<int64_t> &dims,
                                         bool keepDims) {
  std::vector<int64_t> out;
  for (size_t d = 0; d < shape.size(); ++d)
    if (!dims.count(int64_t(d)))
      out.push_back(shape[d]);
    else if (keepDims)
      out.push_back(1);
  return out;
}

/// A reduction per output (flat, in the order of the output with or
/// without keep_dims): its value in double, the sum of |x| over what it
/// reduced, and how many elements that was.
struct ReduceReference {
  std::vector<double> value, absSum;
  std::vector<int64_t> count;
};

/// reduce_sum, reduce_mean, reduce_max or reduce_prod (`kernel`) of x of
/// shape `shape` over `dims`.
inline ReduceReference refReduce(const std::string &kernel,
                                 const std::vector<float> &x,
                                 const std::vector<int64_t> &shape,
                                 const std::set<int64_t> &dims) {
  const bool isMax = kernel == "reduce_max", isProd = kernel == "reduce_prod";
  const std::vector<int64_t> kept = reducedShape(shape, dims, true);
  const int64_t rank = int64_t(shape.size()),
                n = geflow::rt::numElements(shape),
                no = geflow::rt::numElements(kept);
  ReduceReference ref;
  ref.value.assign(size_t(no), isMax ? -INFINITY : isProd ? 1.0 : 0.0);
  ref.absSum.assign(size_t(no), 0.0);
  ref.count.assign(size_t(no), 0);
  for (int64_t f = 0; f < n; ++f) {
    auto idx = unflatten(f, shape);
    int64_t o = 0;
    for (int64_t d = 0; d < rank; ++d)
      o = o * kept[size_t(d)] + (dims.count(d) ? 0 : idx[size_t(d)]);
    double v = x[size_t(f)];
    double &r = ref.value[size_t(o)];
    r = isMax ? std::max(r, v) : isProd ? r * v : r + v;
    ref.absSum[size_t(o)] += std::fabs(v);
    ++ref.count[size_t(o)];
  }
  if (kernel == "reduce_mean")
    for (int64_t o = 0; o < no; ++o)
      ref.value[size_t(o)] /= double(ref.count[size_t(o)]);
  return ref;
}

/// layer_norm normalizes rows of the `cols` elements from begin_norm_axis
/// on; `axis` is that axis made non-negative.
struct LayerNormRows {
  int64_t axis, rows, cols;
};

inline LayerNormRows layerNormRows(const std::vector<int64_t> &shape,
                                   int64_t beginNormAxis) {
  int64_t rank = int64_t(shape.size());
  LayerNormRows r{beginNormAxis < 0 ? beginNormAxis + rank : beginNormAxis, 1,
                  1};
  for (int64_t d = 0; d < rank; ++d)
    (d < r.axis ? r.rows : r.cols) *= shape[size_t(d)];
  return r;
}

/// The layer_norm context: x [shape] in `xDtype`, then numInputs - 1 of
/// gamma and beta in `paramDtype`; y in `yDtype`, then numOutputs - 1 of
/// mean and rstd in `paramDtype`.
inline TilingContext layerNormContext(const std::vector<int64_t> &shape,
                                      int64_t beginNormAxis, int numInputs,
                                      int numOutputs, DType xDtype,
                                      DType paramDtype, DType yDtype,
                                      double eps) {
  int64_t axis = layerNormRows(shape, beginNormAxis).axis;
  TilingContext ctx;
  ctx.inputs = {desc(xDtype, shape)};
  std::vector<int64_t> paramShape(shape.begin() + axis, shape.end());
  for (int i = 1; i < numInputs; ++i)
    ctx.inputs.push_back(desc(paramDtype, paramShape));
  ctx.outputs = {desc(yDtype, shape)};
  std::vector<int64_t> statShape(shape.begin(), shape.begin() + axis);
  statShape.insert(statShape.end(), shape.size() - size_t(axis), 1);
  for (int k = 1; k < numOutputs; ++k)
    ctx.outputs.push_back(desc(paramDtype, statShape));
  ctx.attrs.set("begin_norm_axis", beginNormAxis);
  ctx.attrs.set("epsilon", eps);
  return ctx;
}

struct LayerNormReference {
  std::vector<double> y, mean, rstd;
};

/// layer_norm of `rows` rows of `cols` values in double; an empty `gamma`
/// or `beta` is an absent input (scale 1, offset 0).
inline LayerNormReference refLayerNorm(const std::vector<float> &x,
                                       int64_t rows, int64_t cols,
                                       const std::vector<float> &gamma,
                                       const std::vector<float> &beta,
                                       double eps) {
  LayerNormReference ref;
  ref.y.resize(x.size());
  ref.mean.resize(size_t(rows));
  ref.rstd.resize(size_t(rows));
  for (int64_t r = 0; r < rows; ++r) {
    double m = 0, v = 0;
    for (int64_t i = 0; i < cols; ++i)
      m += x[size_t(r * cols + i)];
    m /= double(cols);
    for (int64_t i = 0; i < cols; ++i) {
      double d = x[size_t(r * cols + i)] - m;
      v += d * d;
    }
    double rstd = 1 / std::sqrt(v / double(cols) + eps);
    ref.mean[size_t(r)] = m;
    ref.rstd[size_t(r)] = rstd;
    for (int64_t i = 0; i < cols; ++i) {
      double g = gamma.empty() ? 1 : gamma[size_t(i)],
             b = beta.empty() ? 0 : beta[size_t(i)];
      ref.y[size_t(r * cols + i)] =
          (x[size_t(r * cols + i)] - m) * rstd * g + b;
    }
  }
  return ref;
}

/// Where the channels of a batch_norm operand [N, C, ...] lie: ND and NCHW
/// keep planes of `inner` elements per (n, c); NC1HWC0 pads C to blocks of
/// 16 lanes.
struct BatchNormLayout {
  int64_t n, c, inner;
  bool nc1hwc0;

  int64_t c1() const { return (c + 15) / 16; }
  int64_t elements() const {
    return nc1hwc0 ? n * c1() * inner * 16 : n * c * inner;
  }
  /// The channel of flat element `f`, or -1 for an NC1HWC0 pad lane.
  int64_t channelOf(int64_t f) const {
    if (!nc1hwc0)
      return (f / inner) % c;
    int64_t ch = (f / (inner * 16)) % c1() * 16 + f % 16;
    return ch < c ? ch : -1;
  }
};

inline BatchNormLayout batchNormLayout(const std::vector<int64_t> &shape,
                                       Format format) {
  int64_t n = shape[0], c = shape[1];
  return {n, c, geflow::rt::numElements(shape) / (n * c),
          format == Format::NC1HWC0};
}

/// The batch_norm context: x [shape] in `xDtype` and `format`, then scale,
/// offset, mean and var [C] in `paramDtype`; y like x in `yDtype`.
inline TilingContext batchNormContext(const std::vector<int64_t> &shape,
                                      Format format, DType xDtype,
                                      DType paramDtype, DType yDtype,
                                      double eps) {
  TilingContext ctx;
  ctx.inputs = {desc(xDtype, shape, format)};
  for (int i = 0; i < 4; ++i)
    ctx.inputs.push_back(desc(paramDtype, {shape[1]}));
  ctx.outputs = {desc(yDtype, shape, format)};
  ctx.attrs.set("epsilon", eps);
  return ctx;
}

/// Zeroes the NC1HWC0 pad lanes of x: the kernels may read them, the
/// reference never does.
inline void zeroPadLanes(std::vector<float> &x, const BatchNormLayout &l) {
  for (int64_t f = 0; f < l.elements(); ++f)
    if (l.channelOf(f) < 0)
      x[size_t(f)] = 0;
}

/// (x - mean) / sqrt(var + eps) * scale + offset per channel, in double; 0
/// in the pad lanes.
inline std::vector<double>
refBatchNorm(const std::vector<float> &x, const BatchNormLayout &l,
             const std::vector<float> &scale, const std::vector<float> &offset,
             const std::vector<float> &mean, const std::vector<float> &var,
             double eps) {
  std::vector<double> ref(x.size(), 0.0);
  for (int64_t f = 0; f < l.elements(); ++f) {
    int64_t ch = l.channelOf(f);
    if (ch < 0)
      continue;
    size_t k = size_t(ch);
    ref[size_t(f)] =
        (x[size_t(f)] - mean[k]) / std::sqrt(double(var[k]) + eps) * scale[k] +
        offset[k];
  }
  return ref;
}

} // namespace geflow::kernels::testing

#endif // GEFLOW_TEST_KERNELS_VECTOR_VEC_TEST_UTIL_H
