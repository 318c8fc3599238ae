//===- nd_shape.cpp - Shape helpers shared by the vector-unit tiling ------===//
#include "kernels/vector/nd_shape.h"

#include <algorithm>

namespace geflow::kernels::vec {

std::string shapeStr(const Shape &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

Status broadcastShapes(const std::string &op, const std::vector<Shape> &shapes,
                       Shape *out) {
  size_t rank = 0;
  for (const Shape &s : shapes)
    rank = std::max(rank, s.size());
  Shape result(rank, 1);
  for (size_t k = 0; k < shapes.size(); ++k) {
    const Shape &s = shapes[k];
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t &r = result[rank - s.size() + i];
      int64_t d = s[i];
      if (d < 0)
        return invalidArgument(op + ": input " + std::to_string(k) +
                               " has a negative dimension in " + shapeStr(s));
      if (r == 1)
        r = d;
      else if (d != 1 && d != r)
        return invalidArgument(op + ": input " + std::to_string(k) + " shape " +
                               shapeStr(s) + " does not broadcast with " +
                               shapeStr(result));
    }
  }
  *out = result;
  return Status::OK();
}

std::vector<int64_t> contiguousStrides(const Shape &shape) {
  std::vector<int64_t> strides(shape.size());
  int64_t s = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

bool broadcastStrides(const Shape &shape, const Shape &outShape,
                      std::vector<int64_t> *strides) {
  if (shape.size() > outShape.size())
    return false;
  std::vector<int64_t> own = contiguousStrides(shape);
  strides->assign(outShape.size(), 0);
  size_t lead = outShape.size() - shape.size();
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == outShape[lead + i])
      (*strides)[lead + i] = shape[i] == 1 ? 0 : own[i];
    else if (shape[i] != 1)
      return false;
  }
  return true;
}

void collapseDims(Shape *shape, std::vector<std::vector<int64_t> *> strides) {
  Shape outShape;
  std::vector<std::vector<int64_t>> outStrides(strides.size());
  for (size_t d = 0; d < shape->size(); ++d) {
    int64_t n = (*shape)[d];
    if (n == 1)
      continue;
    bool merge = !outShape.empty();
    for (size_t k = 0; merge && k < strides.size(); ++k)
      merge = outStrides[k].back() == (*strides[k])[d] * n;
    if (merge) {
      outShape.back() *= n;
      for (size_t k = 0; k < strides.size(); ++k)
        outStrides[k].back() = (*strides[k])[d];
      continue;
    }
    outShape.push_back(n);
    for (size_t k = 0; k < strides.size(); ++k)
      outStrides[k].push_back((*strides[k])[d]);
  }
  // A shape of only 1s (or rank 0) is one element; keep rank >= 1. A zero
  // dim stays (numElements == 0) and kernels skip the work.
  if (outShape.empty()) {
    outShape.push_back(1);
    for (auto &s : outStrides)
      s.push_back(0);
  }
  *shape = outShape;
  for (size_t k = 0; k < strides.size(); ++k)
    *strides[k] = outStrides[k];
}

Status normalizeAxis(const std::string &op, int64_t axis, int64_t rank,
                     int64_t *out) {
  if (axis < -rank || axis >= rank)
    return invalidArgument(op + ": axis " + std::to_string(axis) +
                           " is out of range for rank " + std::to_string(rank));
  *out = axis < 0 ? axis + rank : axis;
  return Status::OK();
}

Status checkArity(const std::string &op, const TilingContext &ctx, size_t minIn,
                  size_t maxIn, size_t minOut, size_t maxOut) {
  auto range = [](size_t lo, size_t hi) {
    return lo == hi ? std::to_string(lo)
                    : std::to_string(lo) + " to " + std::to_string(hi);
  };
  if (ctx.inputs.size() < minIn || ctx.inputs.size() > maxIn ||
      ctx.outputs.size() < minOut || ctx.outputs.size() > maxOut)
    return invalidArgument(op + ": expects " + range(minIn, maxIn) +
                           " input(s) and " + range(minOut, maxOut) +
                           " output(s), got " +
                           std::to_string(ctx.inputs.size()) + " and " +
                           std::to_string(ctx.outputs.size()));
  return Status::OK();
}

Status checkDtype(const std::string &op, const std::string &what, DType got,
                  DType want) {
  if (got != want)
    return unsupported(op + ": " + what + " has dtype " +
                       std::string(rt::dtypeName(got)) + ", expected " +
                       std::string(rt::dtypeName(want)));
  return Status::OK();
}

Status checkShape(const std::string &op, const std::string &what,
                  const Shape &got, const Shape &want) {
  if (got != want)
    return invalidArgument(op + ": " + what + " has shape " + shapeStr(got) +
                           ", expected " + shapeStr(want));
  return Status::OK();
}

Status checkRank(const std::string &op, const std::string &what, size_t rank) {
  if (rank > static_cast<size_t>(kMaxRank))
    return unsupported(op + ": " + what + " has rank " + std::to_string(rank) +
                       " after merging contiguous dims; at most " +
                       std::to_string(kMaxRank) + " is supported");
  return Status::OK();
}

uint32_t chooseBlockDim(const SocInfo &soc, int64_t work, int64_t bytes) {
  int64_t byBytes = std::max<int64_t>(1, bytes / kMinBlockBytes);
  int64_t n =
      std::min<int64_t>({static_cast<int64_t>(soc.aiCoreCount), work, byBytes});
  return static_cast<uint32_t>(std::max<int64_t>(1, n));
}

const SocInfo &socOf(const TilingContext &ctx) {
  static const SocInfo host = SocInfo::host();
  return ctx.soc ? *ctx.soc : host;
}

} // namespace geflow::kernels::vec
