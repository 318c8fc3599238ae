//===- pad_v3.cpp - Pad with runtime pads on the host ---------------------===//
//
// GE PadV3 (ONNX Pad from opset 11 with pads or constant_value computed at
// run time; constant ones become the device's Pad at import). `paddings`
// is ONNX's [x1_begin, x2_begin, ..., x1_end, x2_end]; negative entries
// crop. Modes: constant (constant_values, a one-element tensor of x's
// dtype), edge (the nearest element) and reflect (mirrored without the
// edge, repeating as NumPy's pad does when a pad exceeds the dim).
//
//===----------------------------------------------------------------------===//
#include "kernels/host/value_shaped.h"

#include <cstring>

namespace geflow::kernels::host {

namespace {

constexpr const char *kOp = "PadV3";

/// The source index of output position `o` along a dim of length `dim`
/// padded by `begin` in front, or -1 for the constant value.
int64_t sourceIndex(int64_t o, int64_t begin, int64_t dim,
                    const std::string &mode) {
  int64_t i = o - begin;
  if (i >= 0 && i < dim)
    return i;
  if (mode == "constant")
    return -1;
  if (mode == "edge")
    return i < 0 ? 0 : dim - 1;
  // reflect: mirrored about the edge elements, periodically.
  if (dim == 1)
    return 0;
  int64_t period = 2 * (dim - 1);
  i %= period;
  if (i < 0)
    i += period;
  return i < dim ? i : period - i;
}

} // namespace

rt::Status hostCheckPadV3(const std::vector<TensorDesc> &inputs,
                          const std::vector<TensorDesc> &outputs,
                          const AttrMap &attrs) {
  if (inputs.size() != 3 || outputs.size() != 1)
    return invalid("PadV3 takes x, paddings and constant_values and gives one "
                   "output");
  const TensorDesc &x = inputs[0], &y = outputs[0];
  if (x.dtype != y.dtype || x.shape.size() != y.shape.size())
    return invalid("PadV3's output must have its input's dtype and rank");
  if (rt::Status st = requireIndexVector(kOp, inputs[1], "paddings"); !st.ok())
    return st;
  if (numElements(inputs[1].shape) != 2 * static_cast<int64_t>(x.shape.size()))
    return invalid("PadV3's paddings must have two entries per dim of x");
  if (inputs[2].dtype != x.dtype || numElements(inputs[2].shape) != 1)
    return invalid("PadV3's constant_values must be one element of x's "
                   "dtype");
  std::string mode = attrs.getString("mode", "constant");
  if (mode != "constant" && mode != "edge" && mode != "reflect")
    return invalid("PadV3 mode '" + mode +
                   "' is not constant, edge or reflect");
  return requirePlain(kOp, {x, y});
}

rt::Status hostRunPadV3(const rt::HostCallArgs &args) {
  const TensorDesc &x = (*args.inputDescs)[0];
  const TensorDesc &y = (*args.outputDescs)[0];
  std::string mode = args.attrs->getString("mode", "constant");
  std::vector<int64_t> pads =
      readIndices(args.inputs[1], (*args.inputDescs)[1]);
  size_t rank = x.shape.size();
  std::vector<int64_t> shape(rank);
  for (size_t d = 0; d < rank; ++d) {
    int64_t begin = pads[d], end = pads[rank + d], dim = x.shape[d];
    shape[d] = dim + begin + end;
    if (shape[d] < 0)
      return invalid(std::string(kOp) + ": pads " + std::to_string(begin) +
                     " and " + std::to_string(end) + " crop dim " +
                     std::to_string(d) + " of length " + std::to_string(dim) +
                     " below 0");
    if (mode != "constant" && dim == 0 && shape[d] > 0)
      return invalid(std::string(kOp) + ": " + mode +
                     " padding of the empty dim " + std::to_string(d));
  }
  if (rt::Status st = checkOutputShape(kOp, 0, y, shape); !st.ok())
    return st;
  int64_t count = numElements(shape);
  if (count == 0)
    return rt::Status::OK();
  size_t size = rt::dtypeSize(x.dtype);
  std::vector<int64_t> inStrides = stridesOf(x.shape);
  const auto *in = static_cast<const uint8_t *>(args.inputs[0]);
  const auto *value = static_cast<const uint8_t *>(args.inputs[2]);
  auto *out = static_cast<uint8_t *>(args.outputs[0]);
  std::vector<int64_t> index(rank, 0);
  for (int64_t o = 0; o < count; ++o) {
    int64_t src = 0;
    for (size_t d = 0; d < rank && src >= 0; ++d) {
      int64_t i = sourceIndex(index[d], pads[d], x.shape[d], mode);
      src = i < 0 ? -1 : src + i * inStrides[d];
    }
    std::memcpy(out + o * size, src < 0 ? value : in + src * size, size);
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
