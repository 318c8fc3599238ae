//===- reduce.cpp - Reductions on the host CPU engine ---------------------===//
//
// GE ReduceSum, ReduceMean, ReduceMax, ReduceProd over `axes` (empty: every
// dim; negative axes count from the end), `keep_dims` or not, in the dtype
// itself (f64 and the other host-engine dtypes; integers wrap, an integer
// mean truncates). Elements are combined in index order, as NumPy's
// pairwise-free loops do for these small reductions.
//
//===----------------------------------------------------------------------===//
#include "kernels/host/typed.h"

#include <cmath>
#include <limits>

namespace geflow::kernels::host {

namespace {

enum class ReduceKind { Sum, Mean, Max, Prod };

/// The reduced dims of `x` as a mask; false when an axis is out of range.
bool reducedDims(const TensorDesc &x, const AttrMap &attrs,
                 std::vector<bool> &mask) {
  int64_t rank = static_cast<int64_t>(x.shape.size());
  std::vector<int64_t> axes = attrs.getInts("axes", {});
  mask.assign(x.shape.size(), axes.empty());
  for (int64_t a : axes) {
    if (a < -rank || a >= rank)
      return false;
    mask[a < 0 ? a + rank : a] = true;
  }
  return true;
}

template <typename T> T combine(ReduceKind k, T acc, T v) {
  if constexpr (std::is_floating_point_v<T>) {
    switch (k) {
    case ReduceKind::Sum:
    case ReduceKind::Mean:
      return acc + v;
    case ReduceKind::Max:
      return std::isnan(acc) || std::isnan(v) ? NAN : acc > v ? acc : v;
    case ReduceKind::Prod:
      return acc * v;
    }
    return acc;
  } else {
    using U = std::make_unsigned_t<T>;
    switch (k) {
    case ReduceKind::Sum:
    case ReduceKind::Mean:
      return static_cast<T>(static_cast<U>(U(acc) + U(v)));
    case ReduceKind::Max:
      return acc > v ? acc : v;
    case ReduceKind::Prod:
      return static_cast<T>(static_cast<U>(U(acc) * U(v)));
    }
    return acc;
  }
}

template <typename T> T initial(ReduceKind k) {
  if (k == ReduceKind::Prod)
    return T(1);
  if (k == ReduceKind::Max)
    return std::numeric_limits<T>::has_infinity
               ? -std::numeric_limits<T>::infinity()
               : std::numeric_limits<T>::lowest();
  return T(0);
}

rt::Status check(const char *name, const std::vector<TensorDesc> &inputs,
                 const std::vector<TensorDesc> &outputs, const AttrMap &attrs) {
  std::string op = name;
  if (inputs.size() != 1 || outputs.size() != 1)
    return hostError(op + " takes one input and gives one output");
  const TensorDesc &x = inputs[0], &y = outputs[0];
  if (x.dtype != y.dtype)
    return hostError(op + "'s output must have its input's dtype");
  if (!hasNativeType(x.dtype) || x.dtype == rt::DType::Bool)
    return hostUnsupported(op + " on the host does not compute " +
                           std::string(rt::dtypeName(x.dtype)));
  if (!plainLayout(x) || !plainLayout(y))
    return hostUnsupported(op + " on the host needs plain layouts");
  std::vector<bool> mask;
  if (!reducedDims(x, attrs, mask))
    return hostError(op + ": an axis is outside a tensor of rank " +
                     std::to_string(x.shape.size()));
  bool keep = attrs.getInt("keep_dims", 0) != 0;
  std::vector<int64_t> want;
  for (size_t d = 0; d < x.shape.size(); ++d)
    if (!mask[d])
      want.push_back(x.shape[d]);
    else if (keep)
      want.push_back(1);
  if (want != y.shape)
    return hostError(op + "'s output shape does not match its axes");
  return rt::Status::OK();
}

rt::Status run(ReduceKind kind, const rt::HostCallArgs &args) {
  const TensorDesc &x = (*args.inputDescs)[0];
  std::vector<bool> mask;
  reducedDims(x, *args.attrs, mask);
  size_t rank = x.shape.size();
  // Output strides over the input's dims (0 on reduced dims).
  std::vector<int64_t> outStride(rank, 0);
  int64_t stride = 1, groupSize = 1;
  for (size_t d = rank; d-- > 0;) {
    if (mask[d]) {
      groupSize *= x.shape[d];
      continue;
    }
    outStride[d] = stride;
    stride *= x.shape[d];
  }
  int64_t outCount = stride, n = rt::numElements(x.shape);
  visitNative(x.dtype, [&](auto zero) {
    using T = decltype(zero);
    const T *in = static_cast<const T *>(args.inputs[0]);
    T *out = static_cast<T *>(args.outputs[0]);
    for (int64_t o = 0; o < outCount; ++o)
      out[o] = initial<T>(kind);
    std::vector<int64_t> index(rank, 0);
    int64_t at = 0;
    for (int64_t i = 0; i < n; ++i) {
      out[at] = combine(kind, out[at], in[i]);
      for (size_t d = rank; d-- > 0;) {
        at += outStride[d];
        if (++index[d] < x.shape[d])
          break;
        at -= outStride[d] * x.shape[d];
        index[d] = 0;
      }
    }
    if (kind == ReduceKind::Mean)
      for (int64_t o = 0; o < outCount; ++o)
        out[o] = groupSize ? static_cast<T>(out[o] / static_cast<T>(groupSize))
                           : static_cast<T>(NAN);
  });
  return rt::Status::OK();
}

} // namespace

#define GEFLOW_HOST_REDUCE(type, kind)                                         \
  rt::Status hostCheck##type(const std::vector<TensorDesc> &inputs,            \
                             const std::vector<TensorDesc> &outputs,           \
                             const AttrMap &attrs) {                           \
    return check(#type, inputs, outputs, attrs);                               \
  }                                                                            \
  rt::Status hostRun##type(const rt::HostCallArgs &args) {                     \
    return run(ReduceKind::kind, args);                                        \
  }

GEFLOW_HOST_REDUCE(ReduceSum, Sum)
GEFLOW_HOST_REDUCE(ReduceMean, Mean)
GEFLOW_HOST_REDUCE(ReduceMax, Max)
GEFLOW_HOST_REDUCE(ReduceProd, Prod)
#undef GEFLOW_HOST_REDUCE

} // namespace geflow::kernels::host
