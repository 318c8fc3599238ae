//===- max_unpool.cpp - MaxUnpool on the host -----------------------------===//
//
// ONNX MaxUnpool / ge.MaxUnpool: y of the shape output_shape holds (read
// at run time, checked against the planned result) is zero except where
// the indices point: each is flat over index_shape (the default unpooled
// shape, y's by default) and lands at the same coordinates in y, as the
// ONNX reference pads a larger output_shape at the end. One outside y fails
// the run naming it. A later index wins, as in the ONNX reference.
//
//===----------------------------------------------------------------------===//
#include "kernels/host/value_shaped.h"

#include <cstring>

namespace geflow::kernels::host {

namespace {
constexpr const char *kOp = "MaxUnpool";
} // namespace

rt::Status hostCheckMaxUnpool(const std::vector<TensorDesc> &inputs,
                              const std::vector<TensorDesc> &outputs,
                              const AttrMap &attrs) {
  if (inputs.size() != 3 || outputs.size() != 1)
    return invalid("MaxUnpool takes x, indices and output_shape and gives y");
  const TensorDesc &x = inputs[0], &indices = inputs[1];
  if (!isIndexType(indices.dtype) || indices.shape != x.shape)
    return invalid("MaxUnpool's indices must be int32/int64 of x's shape");
  if (outputs[0].dtype != x.dtype || outputs[0].shape.size() != x.shape.size())
    return invalid("MaxUnpool's y must have x's dtype and rank");
  if (rt::Status st = requireIndexVector(kOp, inputs[2], "output_shape");
      !st.ok())
    return st;
  if (numElements(inputs[2].shape) !=
      static_cast<int64_t>(outputs[0].shape.size()))
    return invalid("MaxUnpool's output_shape must hold one entry per dim");
  std::vector<int64_t> indexShape = attrs.getInts("index_shape");
  if (!indexShape.empty() && indexShape.size() != outputs[0].shape.size())
    return invalid("MaxUnpool's index_shape must hold one entry per dim");
  for (int64_t d : indexShape)
    if (d < 0 || d > (int64_t(1) << 40))
      return invalid("MaxUnpool's index_shape has the invalid dim " +
                     std::to_string(d));
  return requirePlain(kOp, {x, indices, outputs[0]});
}

rt::Status hostRunMaxUnpool(const rt::HostCallArgs &args) {
  const TensorDesc &x = (*args.inputDescs)[0];
  const TensorDesc &y = (*args.outputDescs)[0];
  std::vector<int64_t> shape =
      readIndices(args.inputs[2], (*args.inputDescs)[2]);
  if (rt::Status st = checkOutputShape(kOp, 0, y, shape); !st.ok())
    return st;
  std::vector<int64_t> indices =
      readIndices(args.inputs[1], (*args.inputDescs)[1]);
  size_t size = rt::dtypeSize(x.dtype);
  int64_t total = numElements(y.shape);
  std::vector<int64_t> indexShape = args.attrs->getInts("index_shape", y.shape);
  std::vector<int64_t> indexStrides = stridesOf(indexShape),
                       yStrides = stridesOf(y.shape);
  int64_t indexTotal = numElements(indexShape);
  auto *out = static_cast<uint8_t *>(args.outputs[0]);
  const auto *in = static_cast<const uint8_t *>(args.inputs[0]);
  std::memset(out, 0, total * size);
  for (size_t i = 0; i < indices.size(); ++i) {
    // The index's coordinates in index_shape, placed at the same ones in y.
    int64_t rest = indices[i], at = 0;
    bool inside = rest >= 0 && rest < indexTotal;
    for (size_t d = 0; inside && d < indexShape.size(); ++d) {
      int64_t coord = rest / indexStrides[d];
      rest %= indexStrides[d];
      inside = coord < y.shape[d];
      at += coord * yStrides[d];
    }
    if (!inside)
      return invalid(std::string(kOp) + ": index " +
                     std::to_string(indices[i]) + " (element " +
                     std::to_string(i) + " of indices) is outside y " +
                     shapeText(y.shape));
    std::memcpy(out + at * size, in + i * size, size);
  }
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
