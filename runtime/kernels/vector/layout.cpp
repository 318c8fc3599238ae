//===- layout.cpp - transpose, slice, expand, tile ------------------------===//
//
// All four are strided copies (strided_copy.h); their tiling functions only
// validate the attributes and derive the input strides of the output.
//
//===----------------------------------------------------------------------===//
#include "kernels/common/kernel_families.h"
#include "kernels/vector/data_movement.h"
#include "kernels/vector/strided_copy.h"
#include "kernels/vector/vec_registry.h"

#include <vector>

namespace geflow::kernels::vec {

Status checkMoveSignature(const std::string &op, const TilingContext &ctx) {
  GEFLOW_RETURN_IF_ERROR(checkArity(op, ctx, 1, 1, 1, 1));
  return checkDtype(op, "output 0", ctx.outputs[0].dtype, ctx.inputs[0].dtype);
}

namespace {

Status transposeTiling(const TilingContext &ctx, TilingResult *result) {
  const std::string op = "transpose";
  GEFLOW_RETURN_IF_ERROR(checkMoveSignature(op, ctx));
  const Shape &in = ctx.inputs[0].shape;
  int64_t rank = static_cast<int64_t>(in.size());
  std::vector<int64_t> perm = ctx.attrs.getInts("perm");
  if (perm.empty()) // ONNX default: reverse the dims
    for (int64_t d = rank; d-- > 0;)
      perm.push_back(d);
  if (static_cast<int64_t>(perm.size()) != rank)
    return invalidArgument(op + ": perm has " + std::to_string(perm.size()) +
                           " entries for an input of rank " +
                           std::to_string(rank));
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  std::vector<int64_t> own = contiguousStrides(in), strides;
  Shape out;
  for (int64_t p : perm) {
    int64_t d;
    GEFLOW_RETURN_IF_ERROR(normalizeAxis(op, p, rank, &d));
    if (seen[d])
      return invalidArgument(op + ": perm lists axis " + std::to_string(d) +
                             " twice");
    seen[d] = true;
    out.push_back(in[d]);
    strides.push_back(own[d]);
  }
  GEFLOW_RETURN_IF_ERROR(checkShape(op, "output 0", ctx.outputs[0].shape, out));
  return tileStridedCopy(op, out, strides, 0,
                         rt::dtypeSize(ctx.inputs[0].dtype), socOf(ctx),
                         result);
}

Status sliceTiling(const TilingContext &ctx, TilingResult *result) {
  const std::string op = "slice";
  GEFLOW_RETURN_IF_ERROR(checkMoveSignature(op, ctx));
  const Shape &in = ctx.inputs[0].shape;
  int64_t rank = static_cast<int64_t>(in.size());
  std::vector<int64_t> starts = ctx.attrs.getInts("starts"),
                       ends = ctx.attrs.getInts("ends"),
                       axes = ctx.attrs.getInts("axes"),
                       steps = ctx.attrs.getInts("steps");
  if (axes.empty())
    for (int64_t d = 0; d < static_cast<int64_t>(starts.size()); ++d)
      axes.push_back(d);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return invalidArgument(op + ": starts, ends, axes and steps have " +
                           std::to_string(starts.size()) + ", " +
                           std::to_string(ends.size()) + ", " +
                           std::to_string(axes.size()) + ", " +
                           std::to_string(steps.size()) + " entries");
  Shape out = in;
  std::vector<int64_t> own = contiguousStrides(in), strides = own;
  int64_t base = 0;
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (size_t k = 0; k < starts.size(); ++k) {
    int64_t d;
    GEFLOW_RETURN_IF_ERROR(normalizeAxis(op, axes[k], rank, &d));
    if (seen[d])
      return invalidArgument(op + ": axis " + std::to_string(d) +
                             " is sliced twice");
    seen[d] = true;
    int64_t n = in[d], s = steps[k], b = starts[k], e = ends[k];
    std::string where =
        " for axis " + std::to_string(d) + " of size " + std::to_string(n);
    if (s == 0)
      return invalidArgument(op + ": steps[" + std::to_string(k) + "] is 0");
    // The compiler normalizes ONNX starts/ends (negative indices, clamping)
    // before tiling; here they must already be in range.
    bool ok = s > 0 ? (b >= 0 && b <= n && e >= b && e <= n)
                    : (b >= -1 && b < n && e >= -1 && e <= b);
    if (!ok)
      return invalidArgument(op + ": start " + std::to_string(b) + ", end " +
                             std::to_string(e) + ", step " + std::to_string(s) +
                             " are not normalized" + where +
                             (s > 0 ? " (need 0 <= start <= end <= size)"
                                    : " (need -1 <= end <= start < size)"));
    out[d] = s > 0 ? (e - b + s - 1) / s : (b - e + (-s) - 1) / (-s);
    strides[d] = own[d] * s;
    if (out[d] > 0)
      base += b * own[d];
  }
  GEFLOW_RETURN_IF_ERROR(checkShape(op, "output 0", ctx.outputs[0].shape, out));
  return tileStridedCopy(op, out, strides, base,
                         rt::dtypeSize(ctx.inputs[0].dtype), socOf(ctx),
                         result);
}

Status expandTiling(const TilingContext &ctx, TilingResult *result) {
  const std::string op = "expand";
  GEFLOW_RETURN_IF_ERROR(checkMoveSignature(op, ctx));
  const Shape &in = ctx.inputs[0].shape, &out = ctx.outputs[0].shape;
  std::vector<int64_t> strides;
  if (!broadcastStrides(in, out, &strides))
    return invalidArgument(op + ": input 0 shape " + shapeStr(in) +
                           " does not broadcast to the output shape " +
                           shapeStr(out));
  return tileStridedCopy(op, out, strides, 0,
                         rt::dtypeSize(ctx.inputs[0].dtype), socOf(ctx),
                         result);
}

Status tileTiling(const TilingContext &ctx, TilingResult *result) {
  const std::string op = "tile";
  GEFLOW_RETURN_IF_ERROR(checkMoveSignature(op, ctx));
  const Shape &in = ctx.inputs[0].shape;
  std::vector<int64_t> multiples = ctx.attrs.getInts("multiples");
  if (multiples.size() != in.size())
    return invalidArgument(
        op + ": multiples has " + std::to_string(multiples.size()) +
        " entries for an input of rank " + std::to_string(in.size()));
  // out[m0, d0, m1, d1, ...] = in[d0, d1, ...]: a broadcast over the
  // interleaved repeat dims, whose row-major order is the tiled layout.
  Shape shape, out;
  std::vector<int64_t> own = contiguousStrides(in), strides;
  for (size_t d = 0; d < in.size(); ++d) {
    if (multiples[d] < 0)
      return invalidArgument(op + ": multiples[" + std::to_string(d) + "] = " +
                             std::to_string(multiples[d]) + " is negative");
    shape.insert(shape.end(), {multiples[d], in[d]});
    strides.insert(strides.end(), {0, own[d]});
    out.push_back(multiples[d] * in[d]);
  }
  GEFLOW_RETURN_IF_ERROR(checkShape(op, "output 0", ctx.outputs[0].shape, out));
  return tileStridedCopy(op, shape, strides, 0,
                         rt::dtypeSize(ctx.inputs[0].dtype), socOf(ctx),
                         result);
}

void add(KernelRegistry &registry, const char *name, TilingFn tiling) {
  KernelDef def{name, tiling, nullptr, {}};
  addAllDtypes(&def, stridedCopyKernel);
  registry.add(std::move(def));
}

} // namespace
} // namespace geflow::kernels::vec

namespace geflow::kernels {

void registerLayoutKernels(KernelRegistry &registry) {
  using namespace vec;
  add(registry, "transpose", transposeTiling);
  add(registry, "slice", sliceTiling);
  add(registry, "expand", expandTiling);
  add(registry, "tile", tileTiling);
}

} // namespace geflow::kernels
