//===- dynamic_reshape.cpp - Reshape to a run-time shape on the host ------===//
//
// ge.DynamicReshape (ONNX Reshape-14, allowzero = 1, shape not constant):
// the shape is read when the op runs and resolved as ONNX does (-1 takes
// the remaining elements; 0 copies x's dim, or with allowzero is a zero
// dim), checked against the planned result, and the elements copied.
//
//===----------------------------------------------------------------------===//
#include "kernels/host/value_shaped.h"

#include <cstring>

namespace geflow::kernels::host {

namespace {
constexpr const char *kOp = "DynamicReshape";

rt::Status resolve(const std::vector<int64_t> &x, std::vector<int64_t> dims,
                   bool allowZero, std::vector<int64_t> &out) {
  int64_t known = 1, inferAt = -1;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == 0 && !allowZero) {
      if (i >= x.size())
        return invalid(std::string(kOp) + ": shape entry " + std::to_string(i) +
                       " is 0 but x has rank " + std::to_string(x.size()));
      dims[i] = x[i];
    }
    if (dims[i] == -1) {
      if (inferAt >= 0)
        return invalid(std::string(kOp) + ": the shape " + shapeText(dims) +
                       " has more than one -1");
      inferAt = static_cast<int64_t>(i);
      continue;
    }
    if (dims[i] < 0)
      return invalid(std::string(kOp) + ": the shape " + shapeText(dims) +
                     " has a negative entry");
    known *= dims[i];
  }
  int64_t count = numElements(x);
  if (inferAt >= 0) {
    if (known == 0 || count % known != 0)
      return invalid(std::string(kOp) + ": cannot infer the -1 of " +
                     shapeText(dims) + " for " + std::to_string(count) +
                     " elements");
    dims[inferAt] = count / known;
  } else if (known != count) {
    return invalid(std::string(kOp) + ": the shape " + shapeText(dims) +
                   " does not hold x's " + std::to_string(count) + " elements");
  }
  out = std::move(dims);
  return rt::Status::OK();
}
} // namespace

rt::Status hostCheckDynamicReshape(const std::vector<TensorDesc> &inputs,
                                   const std::vector<TensorDesc> &outputs,
                                   const AttrMap &) {
  if (inputs.size() != 2 || outputs.size() != 1)
    return invalid("DynamicReshape takes x and shape and gives y");
  if (outputs[0].dtype != inputs[0].dtype ||
      numElements(outputs[0].shape) != numElements(inputs[0].shape))
    return invalid("DynamicReshape's y must have x's dtype and element count");
  if (rt::Status st = requireIndexVector(kOp, inputs[1], "shape"); !st.ok())
    return st;
  if (numElements(inputs[1].shape) !=
      static_cast<int64_t>(outputs[0].shape.size()))
    return invalid("DynamicReshape's shape must hold one entry per dim of y");
  return requirePlain(kOp, {inputs[0], outputs[0]});
}

rt::Status hostRunDynamicReshape(const rt::HostCallArgs &args) {
  const TensorDesc &x = (*args.inputDescs)[0];
  std::vector<int64_t> shape;
  if (rt::Status st =
          resolve(x.shape, readIndices(args.inputs[1], (*args.inputDescs)[1]),
                  args.attrs->getInt("allowzero", 1) != 0, shape);
      !st.ok())
    return st;
  if (rt::Status st = checkOutputShape(kOp, 0, (*args.outputDescs)[0], shape);
      !st.ok())
    return st;
  size_t bytes = numElements(x.shape) * rt::dtypeSize(x.dtype);
  if (bytes != 0 && args.outputs[0] != args.inputs[0])
    std::memmove(args.outputs[0], args.inputs[0], bytes);
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
