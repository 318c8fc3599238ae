//===- top_k.cpp - TopK on the host ---------------------------------------===//
//
// GE TopK (ONNX TopK-10/11): the k largest (or smallest) elements along
// `axis` and their int64 indices, k read from the one-element `k` input at
// run time and checked against the compiled output shape. Results are
// always sorted (sorted = 0 leaves the order free); equal values keep
// their original order (lower index first), as ONNX specifies.
//
//===----------------------------------------------------------------------===//
#include "kernels/host/value_shaped.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace geflow::kernels::host {

namespace {
constexpr const char *kOp = "TopK";
} // namespace

rt::Status hostCheckTopK(const std::vector<TensorDesc> &inputs,
                         const std::vector<TensorDesc> &outputs,
                         const AttrMap &attrs) {
  if (inputs.size() != 2 || outputs.size() != 2)
    return invalid("TopK takes x and k and gives values and indices");
  const TensorDesc &x = inputs[0];
  if (x.dtype == rt::DType::String)
    return unsupported("TopK on strings is not supported (it compares "
                       "numbers)");
  if (outputs[0].dtype != x.dtype || outputs[1].dtype != rt::DType::I64)
    return invalid("TopK's values must have x's dtype and its indices int64");
  if (x.dtype == rt::DType::Bool)
    return unsupported("TopK on bool tensors is not supported");
  if (rt::Status st = requireIndexVector(kOp, inputs[1], "k"); !st.ok())
    return st;
  if (numElements(inputs[1].shape) != 1)
    return invalid("TopK's k must hold one element");
  int64_t axis = attrs.getInt("axis", -1);
  if (axis < 0 || axis >= static_cast<int64_t>(x.shape.size()))
    return invalid("TopK axis " + std::to_string(axis) +
                   " is outside a tensor of rank " +
                   std::to_string(x.shape.size()));
  for (const TensorDesc &out : outputs)
    if (out.shape.size() != x.shape.size())
      return invalid("TopK's outputs must have x's rank");
  return requirePlain(kOp, {x, outputs[0], outputs[1]});
}

rt::Status hostRunTopK(const rt::HostCallArgs &args) {
  const TensorDesc &x = (*args.inputDescs)[0];
  auto axis = static_cast<size_t>(args.attrs->getInt("axis", 0));
  bool largest = args.attrs->getInt("largest", 1) != 0;
  int64_t k = readIndices(args.inputs[1], (*args.inputDescs)[1])[0];
  int64_t length = x.shape[axis];
  if (k < 0 || k > length)
    return invalid(std::string(kOp) + ": k = " + std::to_string(k) +
                   " is outside [0, " + std::to_string(length) +
                   "], the length of axis " + std::to_string(axis));
  std::vector<int64_t> shape = x.shape;
  shape[axis] = k;
  for (size_t i = 0; i < 2; ++i)
    if (rt::Status st = checkOutputShape(kOp, i, (*args.outputDescs)[i], shape);
        !st.ok())
      return st;
  int64_t outer = 1, inner = 1;
  for (size_t d = 0; d < x.shape.size(); ++d)
    if (d < axis)
      outer *= x.shape[d];
    else if (d > axis)
      inner *= x.shape[d];
  std::vector<int64_t> order(length);
  auto *indicesOut = static_cast<int64_t *>(args.outputs[1]);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      auto inputAt = [&](int64_t j) { return (o * length + j) * inner + i; };
      std::iota(order.begin(), order.end(), 0);
      auto before = [&](int64_t a, int64_t b) {
        int c =
            compareElements(x.dtype, args.inputs[0], inputAt(a), inputAt(b));
        if (c != 0)
          return largest ? c > 0 : c < 0;
        return a < b;
      };
      std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
      for (int64_t j = 0; j < k; ++j) {
        int64_t outAt = (o * k + j) * inner + i;
        // Copied from the input, so values keep their exact bits.
        std::memcpy(static_cast<uint8_t *>(args.outputs[0]) +
                        outAt * rt::dtypeSize(x.dtype),
                    static_cast<const uint8_t *>(args.inputs[0]) +
                        inputAt(order[j]) * rt::dtypeSize(x.dtype),
                    rt::dtypeSize(x.dtype));
        indicesOut[outAt] = order[j];
      }
    }
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
