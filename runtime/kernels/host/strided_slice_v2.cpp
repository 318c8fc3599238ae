//===- strided_slice_v2.cpp - Slice with runtime bounds on the host -------===//
//
// GE StridedSliceV2 (ONNX Slice from opset 10 with starts/ends/axes/steps
// computed at run time; constant ones become the device's StridedSlice at
// import). Bounds follow ONNX: negative starts/ends count from the end,
// both are clamped to the dim ([0, dim] for positive steps, [-1, dim-1]
// for negative ones), an axis is sliced at most once and no step is 0.
// Elements are copied as bytes, so every dtype works.
//
//===----------------------------------------------------------------------===//
#include "kernels/host/value_shaped.h"

#include <algorithm>
#include <cstring>

namespace geflow::kernels::host {

namespace {

constexpr const char *kOp = "StridedSliceV2";

struct AxisSlice {
  int64_t start = 0, step = 1, length = 0;
};

/// Each dim's start, step and length, from the runtime bound tensors.
rt::Status resolveSlice(const rt::HostCallArgs &args,
                        std::vector<AxisSlice> &out) {
  const auto &descs = *args.inputDescs;
  const std::vector<int64_t> &shape = descs[0].shape;
  auto rank = static_cast<int64_t>(shape.size());
  std::vector<int64_t> starts = readIndices(args.inputs[1], descs[1]);
  std::vector<int64_t> ends = readIndices(args.inputs[2], descs[2]);
  std::vector<int64_t> axes = readIndices(args.inputs[3], descs[3]);
  std::vector<int64_t> steps = readIndices(args.inputs[4], descs[4]);
  out.assign(shape.size(), AxisSlice());
  for (int64_t d = 0; d < rank; ++d)
    out[d].length = shape[d];
  std::vector<bool> seen(shape.size(), false);
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
    if (axis < 0 || axis >= rank)
      return invalid(std::string(kOp) + ": axis " + std::to_string(axes[i]) +
                     " is outside a tensor of rank " + std::to_string(rank));
    if (seen[axis])
      return invalid(std::string(kOp) + ": axis " + std::to_string(axis) +
                     " is sliced twice");
    seen[axis] = true;
    int64_t step = steps[i], dim = shape[axis];
    if (step == 0)
      return invalid(std::string(kOp) + ": step 0 on axis " +
                     std::to_string(axis));
    int64_t start = starts[i], end = ends[i];
    if (start < 0)
      start = start < -dim ? -1 - dim : start + dim; // stays negative
    if (end < 0)
      end = end < -dim ? -1 - dim : end + dim;
    int64_t length;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      length = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      length = start > end ? (start - end - step - 1) / -step : 0;
    }
    out[axis] = {start, step, length};
  }
  return rt::Status::OK();
}

} // namespace

rt::Status hostCheckStridedSliceV2(const std::vector<TensorDesc> &inputs,
                                   const std::vector<TensorDesc> &outputs,
                                   const AttrMap &) {
  if (inputs.size() != 5 || outputs.size() != 1)
    return invalid("StridedSliceV2 takes x, starts, ends, axes and steps and "
                   "gives one output");
  if (inputs[0].dtype != outputs[0].dtype ||
      inputs[0].shape.size() != outputs[0].shape.size())
    return invalid("StridedSliceV2's output must have its input's dtype and "
                   "rank");
  static const char *const names[] = {"starts", "ends", "axes", "steps"};
  for (int i = 1; i < 5; ++i) {
    if (rt::Status st = requireIndexVector(kOp, inputs[i], names[i - 1]);
        !st.ok())
      return st;
    if (numElements(inputs[i].shape) != numElements(inputs[1].shape))
      return invalid("StridedSliceV2's starts, ends, axes and steps must "
                     "have the same length");
  }
  if (numElements(inputs[1].shape) >
      static_cast<int64_t>(inputs[0].shape.size()))
    return invalid("StridedSliceV2 slices more axes than its input has");
  return requirePlain(kOp, {inputs[0], outputs[0]});
}

rt::Status hostRunStridedSliceV2(const rt::HostCallArgs &args) {
  std::vector<AxisSlice> slice;
  if (rt::Status st = resolveSlice(args, slice); !st.ok())
    return st;
  std::vector<int64_t> shape;
  for (const AxisSlice &s : slice)
    shape.push_back(s.length);
  const TensorDesc &y = (*args.outputDescs)[0];
  if (rt::Status st = checkOutputShape(kOp, 0, y, shape); !st.ok())
    return st;
  int64_t count = numElements(shape);
  if (count == 0)
    return rt::Status::OK();
  const TensorDesc &x = (*args.inputDescs)[0];
  size_t size = rt::dtypeSize(x.dtype);
  std::vector<int64_t> inStrides = stridesOf(x.shape);
  const auto *in = static_cast<const uint8_t *>(args.inputs[0]);
  auto *out = static_cast<uint8_t *>(args.outputs[0]);
  std::vector<int64_t> index(shape.size(), 0);
  for (int64_t o = 0; o < count; ++o) {
    int64_t src = 0;
    for (size_t d = 0; d < shape.size(); ++d)
      src += (slice[d].start + index[d] * slice[d].step) * inStrides[d];
    std::memcpy(out + o * size, in + src * size, size);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
