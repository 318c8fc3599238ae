//===- dropout.cpp - Dropout with run-time ratio / training mode ----------===//
//
// ONNX Dropout whose ratio or training_mode is a run-time value. Only the
// deterministic cases run: training_mode false, or a ratio of 0, give
// y = x and an all-true mask. Training with a positive ratio zeroes a
// random subset, which no caller can check against a reference, so such a
// run fails and says why.
//
//===----------------------------------------------------------------------===//
#include "kernels/host/value_shaped.h"

#include "geflow/runtime/Types.h"

#include <cstring>

namespace geflow::kernels::host {

rt::Status hostCheckDropout(const std::vector<TensorDesc> &inputs,
                            const std::vector<TensorDesc> &outputs,
                            const AttrMap &) {
  if (inputs.size() != 3 || outputs.size() != 2)
    return invalid("Dropout takes x, ratio and training_mode and gives y and "
                   "mask");
  const TensorDesc &x = inputs[0];
  if (outputs[0].dtype != x.dtype || outputs[0].shape != x.shape ||
      outputs[1].dtype != rt::DType::Bool || outputs[1].shape != x.shape)
    return invalid("Dropout's y must be x's type and mask bool of x's shape");
  if (numElements(inputs[1].shape) != 1 || numElements(inputs[2].shape) != 1 ||
      inputs[2].dtype != rt::DType::Bool)
    return invalid("Dropout's ratio and training_mode must be scalars");
  return requirePlain("Dropout", {x, outputs[0], outputs[1]});
}

rt::Status hostRunDropout(const rt::HostCallArgs &args) {
  const auto &in = *args.inputDescs;
  double ratio = loadAsDouble(in[1].dtype, args.inputs[1], 0);
  bool training = *static_cast<const uint8_t *>(args.inputs[2]) != 0;
  if (!(ratio >= 0 && ratio < 1))
    return invalid("Dropout's ratio " + std::to_string(ratio) +
                   " is outside [0, 1)");
  if (training && ratio != 0)
    return unsupported(
        "unsupported: Dropout in training mode with ratio " +
        std::to_string(ratio) +
        " zeroes a random subset of its input, which geflow does not "
        "compute (its results could match no reference); training-mode "
        "Dropout runs only with ratio 0");
  int64_t count = numElements(in[0].shape);
  std::memcpy(args.outputs[0], args.inputs[0],
              static_cast<size_t>(count) * rt::dtypeSize(in[0].dtype));
  std::memset(args.outputs[1], 1, static_cast<size_t>(count));
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
