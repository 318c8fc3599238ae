//===- non_zero.cpp - NonZero on the host ---------------------------------===//
//
// GE NonZero (ONNX NonZero): the int64 coordinates of x's non-zero
// elements in row-major order, one row per dim ([rank, count]). The count
// depends on the values: it must equal the compiled output shape's.
//
//===----------------------------------------------------------------------===//
#include "kernels/host/value_shaped.h"

namespace geflow::kernels::host {

namespace {
constexpr const char *kOp = "NonZero";
} // namespace

rt::Status hostCheckNonZero(const std::vector<TensorDesc> &inputs,
                            const std::vector<TensorDesc> &outputs,
                            const AttrMap &) {
  if (inputs.size() != 1 || outputs.size() != 1)
    return invalid("NonZero takes one input and gives one output");
  const TensorDesc &y = outputs[0];
  if (inputs[0].dtype == rt::DType::String)
    return unsupported("NonZero takes numbers and bools, not strings");
  if (y.dtype != rt::DType::I64 || y.shape.size() != 2 ||
      y.shape[0] != static_cast<int64_t>(inputs[0].shape.size()))
    return invalid("NonZero's output must be int64 [rank of x, count]");
  return requirePlain(kOp, {inputs[0], y});
}

rt::Status hostRunNonZero(const rt::HostCallArgs &args) {
  const TensorDesc &x = (*args.inputDescs)[0];
  const TensorDesc &y = (*args.outputDescs)[0];
  int64_t total = numElements(x.shape), count = 0;
  for (int64_t i = 0; i < total; ++i)
    count += loadAsDouble(x.dtype, args.inputs[0], i) != 0;
  if (rt::Status st = checkOutputShape(
          kOp, 0, y, {static_cast<int64_t>(x.shape.size()), count});
      !st.ok())
    return st;
  auto *out = static_cast<int64_t *>(args.outputs[0]);
  std::vector<int64_t> index(x.shape.size(), 0);
  int64_t column = 0;
  for (int64_t i = 0; i < total; ++i) {
    if (loadAsDouble(x.dtype, args.inputs[0], i) != 0) {
      for (size_t d = 0; d < index.size(); ++d)
        out[d * count + column] = index[d];
      ++column;
    }
    for (size_t d = index.size(); d-- > 0;) {
      if (++index[d] < x.shape[d])
        break;
      index[d] = 0;
    }
  }
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
