//===- stft.cpp - STFT on the host CPU engine -----------------------------===//
//
// ONNX STFT-17 / ge.STFT: frames of `frame_length` samples of signal
// [batch, length, 1 or 2], one every `frame_step` (scalars read at run
// time), each multiplied by the window when there is one and transformed:
// y [batch, frames, bins, 2], frames = 1 + (length - frame_length) /
// frame_step, bins = frame_length or frame_length / 2 + 1 (`onesided`).
// Computed in double.
//
//===----------------------------------------------------------------------===//
#include "kernels/host/fft.h"
#include "kernels/host/value_shaped.h"

namespace geflow::kernels::host {

namespace {
constexpr const char *kOp = "STFT";

bool isHostFloat(rt::DType t) {
  return t == rt::DType::F32 || t == rt::DType::F16 || t == rt::DType::BF16 ||
         t == rt::DType::F64;
}

/// The one value of an integer scalar input, or an error naming it.
rt::Status readScalar(const rt::HostCallArgs &args, size_t index,
                      const char *what, int64_t &value) {
  std::vector<int64_t> v =
      readIndices(args.inputs[index], (*args.inputDescs)[index]);
  if (v.size() != 1)
    return invalid(std::string("STFT's ") + what + " must hold one value");
  value = v[0];
  return rt::Status::OK();
}
} // namespace

rt::Status hostCheckSTFT(const std::vector<TensorDesc> &inputs,
                         const std::vector<TensorDesc> &outputs,
                         const AttrMap &attrs) {
  if (inputs.size() < 3 || inputs.size() > 4 || outputs.size() != 1)
    return invalid("STFT takes signal, frame_step, frame_length and an "
                   "optional window, and gives one output");
  const TensorDesc &s = inputs[0], &y = outputs[0];
  if (!isHostFloat(s.dtype) || y.dtype != s.dtype)
    return unsupported("STFT on the host computes float signals (f32, f64, "
                       "f16, bf16) into their own type");
  if (s.shape.size() != 3 || (s.shape[2] != 1 && s.shape[2] != 2))
    return invalid("STFT's signal must be [batch, length, 1 or 2]");
  if (attrs.getInt("onesided", 1) && s.shape[2] == 2)
    return invalid("a onesided STFT needs a real signal");
  if (y.shape.size() != 4 || y.shape[0] != s.shape[0] || y.shape[3] != 2)
    return invalid("STFT's output must be [batch, frames, bins, 2]");
  for (size_t i : {1, 2})
    if (rt::Status st = requireIndexVector(
            kOp, inputs[i], i == 1 ? "frame_step" : "frame_length");
        !st.ok())
      return st;
  if (inputs.size() == 4 &&
      (inputs[3].shape.size() != 1 || !isHostFloat(inputs[3].dtype)))
    return invalid("STFT's window must be a 1-D float tensor");
  return requirePlain(kOp, inputs);
}

rt::Status hostRunSTFT(const rt::HostCallArgs &args) {
  const TensorDesc &s = (*args.inputDescs)[0];
  const TensorDesc &y = (*args.outputDescs)[0];
  bool onesided = args.attrs->getInt("onesided", 1) != 0;
  int64_t step = 0, length = 0;
  if (rt::Status st = readScalar(args, 1, "frame_step", step); !st.ok())
    return st;
  if (rt::Status st = readScalar(args, 2, "frame_length", length); !st.ok())
    return st;
  int64_t samples = s.shape[1];
  if (step < 1)
    return invalid("STFT's frame_step " + std::to_string(step) +
                   " must be positive");
  if (length < 1 || length > samples)
    return invalid("STFT's frame_length " + std::to_string(length) +
                   " is outside [1, signal length " + std::to_string(samples) +
                   "]");
  const TensorDesc *window =
      args.numInputs == 4 ? &(*args.inputDescs)[3] : nullptr;
  if (window && window->shape[0] != length)
    return invalid("STFT's window has " + std::to_string(window->shape[0]) +
                   " values, frame_length is " + std::to_string(length));
  int64_t frames = 1 + (samples - length) / step;
  int64_t bins = onesided ? length / 2 + 1 : length;
  if (rt::Status st =
          checkOutputShape(kOp, 0, y, {s.shape[0], frames, bins, 2});
      !st.ok())
    return st;

  int64_t parts = s.shape[2];
  std::vector<double> weights(length, 1.0);
  if (window)
    for (int64_t j = 0; j < length; ++j)
      weights[j] = loadAsDouble(window->dtype, args.inputs[3], j);
  std::vector<Complex> frame(length);
  for (int64_t b = 0; b < s.shape[0]; ++b)
    for (int64_t f = 0; f < frames; ++f) {
      for (int64_t j = 0; j < length; ++j) {
        int64_t at = (b * samples + f * step + j) * parts;
        double re = loadAsDouble(s.dtype, args.inputs[0], at);
        double im =
            parts == 2 ? loadAsDouble(s.dtype, args.inputs[0], at + 1) : 0.0;
        frame[j] = Complex(re, im) * weights[j];
      }
      fourierTransform(frame, /*inverse=*/false);
      for (int64_t k = 0; k < bins; ++k) {
        int64_t at = ((b * frames + f) * bins + k) * 2;
        storeFromDouble(y.dtype, args.outputs[0], at, frame[k].real());
        storeFromDouble(y.dtype, args.outputs[0], at + 1, frame[k].imag());
      }
    }
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
