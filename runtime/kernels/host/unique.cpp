//===- unique.cpp - Unique on the host ------------------------------------===//
//
// ONNX Unique: the distinct slices of x along `axis` (or its distinct
// elements, flattened, without one), in ascending order (`sorted`, slices
// compared lexicographically as NumPy's unique does) or in order of first
// occurrence, with int64 indices of each first occurrence, the inverse
// indices rebuilding x and each slice's count. The number of distinct
// slices depends on the values: it must equal the compiled Y's.
//
//===----------------------------------------------------------------------===//
#include "kernels/host/value_shaped.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>

namespace geflow::kernels::host {

namespace {

constexpr const char *kOp = "Unique";

struct Layout {
  int64_t outer = 1, length = 1, inner = 1;
};

Layout layoutOf(const TensorDesc &x, const AttrMap &attrs) {
  Layout l;
  if (!attrs.has("axis")) {
    l.length = numElements(x.shape);
    return l;
  }
  auto axis = static_cast<size_t>(attrs.getInt("axis", 0));
  for (size_t d = 0; d < x.shape.size(); ++d)
    (d < axis ? l.outer : d == axis ? l.length : l.inner) *= x.shape[d];
  return l;
}

} // namespace

rt::Status hostCheckUnique(const std::vector<TensorDesc> &inputs,
                           const std::vector<TensorDesc> &outputs,
                           const AttrMap &attrs) {
  if (inputs.size() != 1 || outputs.size() != 4)
    return invalid("Unique takes x and gives y, indices, inverse_indices and "
                   "counts");
  const TensorDesc &x = inputs[0];
  if (x.dtype == rt::DType::String)
    return unsupported("Unique on strings is not supported (it compares "
                       "numbers)");
  if (outputs[0].dtype != x.dtype)
    return invalid("Unique's y must have x's dtype");
  for (int i = 1; i < 4; ++i)
    if (outputs[i].dtype != rt::DType::I64 || outputs[i].shape.size() != 1)
      return invalid("Unique's indices, inverse_indices and counts must be "
                     "1-D int64");
  if (attrs.has("axis")) {
    int64_t axis = attrs.getInt("axis", 0);
    if (axis < 0 || axis >= static_cast<int64_t>(x.shape.size()))
      return invalid("Unique axis " + std::to_string(axis) +
                     " is outside a tensor of rank " +
                     std::to_string(x.shape.size()));
    if (outputs[0].shape.size() != x.shape.size())
      return invalid("Unique's y must have x's rank");
  } else if (outputs[0].shape.size() != 1) {
    return invalid("Unique without an axis gives a 1-D y");
  }
  return requirePlain(kOp, {x, outputs[0]});
}

rt::Status hostRunUnique(const rt::HostCallArgs &args) {
  const TensorDesc &x = (*args.inputDescs)[0];
  const auto &outs = *args.outputDescs;
  Layout l = layoutOf(x, *args.attrs);
  bool sorted = args.attrs->getInt("sorted", 1) != 0;
  // Slices compare element by element, in order, exactly for every dtype.
  auto less = [&](int64_t a, int64_t b) {
    for (int64_t o = 0; o < l.outer; ++o)
      for (int64_t i = 0; i < l.inner; ++i)
        if (int c = compareElements(x.dtype, args.inputs[0],
                                    (o * l.length + a) * l.inner + i,
                                    (o * l.length + b) * l.inner + i))
          return c < 0;
    return false;
  };
  // First occurrences in input order, then (sorted) in value order.
  std::map<int64_t, int64_t, decltype(less)> firstOf(less);
  std::vector<int64_t> firsts, slot(l.length);
  for (int64_t s = 0; s < l.length; ++s) {
    auto [it, inserted] =
        firstOf.emplace(s, static_cast<int64_t>(firsts.size()));
    if (inserted)
      firsts.push_back(s);
    slot[s] = it->second;
  }
  auto count = static_cast<int64_t>(firsts.size());
  std::vector<int64_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  if (sorted)
    std::sort(order.begin(), order.end(),
              [&](int64_t a, int64_t b) { return less(firsts[a], firsts[b]); });
  std::vector<int64_t> rank(count);
  for (int64_t r = 0; r < count; ++r)
    rank[order[r]] = r;
  std::vector<int64_t> yShape = {count};
  if (args.attrs->has("axis")) {
    yShape = x.shape;
    yShape[args.attrs->getInt("axis", 0)] = count;
  }
  const std::vector<int64_t> shapes[] = {yShape, {count}, {l.length}, {count}};
  for (size_t i = 0; i < 4; ++i)
    if (rt::Status st = checkOutputShape(kOp, i, outs[i], shapes[i]); !st.ok())
      return st;
  size_t size = rt::dtypeSize(x.dtype);
  const auto *in = static_cast<const uint8_t *>(args.inputs[0]);
  auto *y = static_cast<uint8_t *>(args.outputs[0]);
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t r = 0; r < count; ++r)
      std::memcpy(y + (o * count + r) * l.inner * size,
                  in + (o * l.length + firsts[order[r]]) * l.inner * size,
                  l.inner * size);
  auto *indices = static_cast<int64_t *>(args.outputs[1]);
  auto *inverse = static_cast<int64_t *>(args.outputs[2]);
  auto *counts = static_cast<int64_t *>(args.outputs[3]);
  std::fill(counts, counts + count, 0);
  for (int64_t r = 0; r < count; ++r)
    indices[r] = firsts[order[r]];
  for (int64_t s = 0; s < l.length; ++s) {
    inverse[s] = rank[slot[s]];
    ++counts[rank[slot[s]]];
  }
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
