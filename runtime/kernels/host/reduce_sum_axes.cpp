//===- reduce_sum_axes.cpp - ReduceSum with runtime axes on the host ------===//
//
// GE ReduceSum with its axes as an input (ONNX ReduceSum-13 whose axes are
// computed at run time; constant axes become the device's ReduceSum, GE's
// ReduceSumD, at import). Empty axes reduce every dim, or copy the input
// when noop_with_empty_axes is set. Floats sum in double and round once,
// integers in int64 (wrapping to the dtype as the device does).
//
//===----------------------------------------------------------------------===//
#include "kernels/host/value_shaped.h"

#include <cstring>

namespace geflow::kernels::host {

namespace {
constexpr const char *kOp = "ReduceSumAxes";
} // namespace

rt::Status hostCheckReduceSumAxes(const std::vector<TensorDesc> &inputs,
                                  const std::vector<TensorDesc> &outputs,
                                  const AttrMap &) {
  if (inputs.size() != 2 || outputs.size() != 1)
    return invalid("ReduceSumAxes takes x and axes and gives one output");
  const TensorDesc &x = inputs[0];
  if (x.dtype != outputs[0].dtype)
    return invalid("ReduceSumAxes' output must have its input's dtype");
  switch (x.dtype) {
  case rt::DType::F32:
  case rt::DType::F16:
  case rt::DType::BF16:
  case rt::DType::I32:
  case rt::DType::I64:
    break;
  default:
    return unsupported("ReduceSumAxes on the host supports f32, f16, bf16, "
                       "i32 and i64, not " +
                       std::string(rt::dtypeName(x.dtype)));
  }
  if (rt::Status st = requireIndexVector(kOp, inputs[1], "axes"); !st.ok())
    return st;
  return requirePlain(kOp, {x, outputs[0]});
}

rt::Status hostRunReduceSumAxes(const rt::HostCallArgs &args) {
  const TensorDesc &x = (*args.inputDescs)[0];
  const TensorDesc &y = (*args.outputDescs)[0];
  std::vector<int64_t> axes =
      readIndices(args.inputs[1], (*args.inputDescs)[1]);
  bool keepDims = args.attrs->getInt("keep_dims", 1) != 0;
  bool noop = args.attrs->getInt("noop_with_empty_axes", 0) != 0;
  auto rank = static_cast<int64_t>(x.shape.size());
  std::vector<bool> reduced(x.shape.size(), axes.empty());
  for (int64_t a : axes) {
    int64_t axis = a < 0 ? a + rank : a;
    if (axis < 0 || axis >= rank)
      return invalid(std::string(kOp) + ": axis " + std::to_string(a) +
                     " is outside a tensor of rank " + std::to_string(rank));
    reduced[axis] = true;
  }
  if (axes.empty() && noop) {
    if (rt::Status st = checkOutputShape(kOp, 0, y, x.shape); !st.ok())
      return st;
    std::memcpy(args.outputs[0], args.inputs[0],
                numElements(x.shape) * rt::dtypeSize(x.dtype));
    return rt::Status::OK();
  }
  std::vector<int64_t> shape, keptShape;
  for (int64_t d = 0; d < rank; ++d) {
    keptShape.push_back(reduced[d] ? 1 : x.shape[d]);
    if (!reduced[d] || keepDims)
      shape.push_back(keptShape.back());
  }
  if (rt::Status st = checkOutputShape(kOp, 0, y, shape); !st.ok())
    return st;
  int64_t outCount = numElements(keptShape), inCount = numElements(x.shape);
  bool isFloat = rt::isFloat(x.dtype);
  std::vector<double> fsum(isFloat ? outCount : 0, 0.0);
  // Unsigned sums wrap instead of overflowing.
  std::vector<uint64_t> isum(isFloat ? 0 : outCount, 0);
  std::vector<int64_t> outStrides = stridesOf(keptShape);
  std::vector<int64_t> index(x.shape.size(), 0);
  for (int64_t i = 0; i < inCount; ++i) {
    int64_t o = 0;
    for (int64_t d = 0; d < rank; ++d)
      o += reduced[d] ? 0 : index[d] * outStrides[d];
    if (isFloat)
      fsum[o] += loadAsDouble(x.dtype, args.inputs[0], i);
    else if (x.dtype == rt::DType::I32)
      isum[o] += static_cast<uint64_t>(
          static_cast<const int32_t *>(args.inputs[0])[i]);
    else
      isum[o] += static_cast<uint64_t>(
          static_cast<const int64_t *>(args.inputs[0])[i]);
    for (size_t d = x.shape.size(); d-- > 0;) {
      if (++index[d] < x.shape[d])
        break;
      index[d] = 0;
    }
  }
  for (int64_t o = 0; o < outCount; ++o) {
    if (isFloat)
      storeFromDouble(y.dtype, args.outputs[0], o, fsum[o]);
    else if (y.dtype == rt::DType::I32)
      static_cast<int32_t *>(args.outputs[0])[o] =
          static_cast<int32_t>(static_cast<uint32_t>(isum[o]));
    else
      static_cast<int64_t *>(args.outputs[0])[o] =
          static_cast<int64_t>(isum[o]);
  }
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
