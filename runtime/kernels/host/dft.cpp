//===- dft.cpp - DFT on the host CPU engine -------------------------------===//
//
// ONNX DFT-17 / ge.DFT: x is [batch, n1, ..., nN, 1 or 2] (real or
// complex), the transform runs along `axis` over `dft_length` points (an
// integer scalar read at run time; the signal is cut or zero-padded to
// it), y is [..., bins, ..., 2] with bins = dft_length, or dft_length/2 + 1
// when `onesided`. `inverse` divides by dft_length. Computed in double.
//
//===----------------------------------------------------------------------===//
#include "kernels/host/fft.h"
#include "kernels/host/value_shaped.h"

#include <algorithm>

namespace geflow::kernels::host {

namespace {
constexpr const char *kOp = "DFT";

bool isHostFloat(rt::DType t) {
  return t == rt::DType::F32 || t == rt::DType::F16 || t == rt::DType::BF16 ||
         t == rt::DType::F64;
}

/// Most points a run may ask for (the chirp-z buffers are 4x this).
constexpr int64_t kMaxLength = int64_t(1) << 24;
} // namespace

rt::Status hostCheckDFT(const std::vector<TensorDesc> &inputs,
                        const std::vector<TensorDesc> &outputs,
                        const AttrMap &attrs) {
  if (inputs.size() != 2 || outputs.size() != 1)
    return invalid("DFT takes x and dft_length and gives one output");
  const TensorDesc &x = inputs[0], &y = outputs[0];
  if (!isHostFloat(x.dtype) || y.dtype != x.dtype)
    return unsupported("DFT on the host computes float tensors (f32, f64, "
                       "f16, bf16) into their own type");
  int64_t rank = static_cast<int64_t>(x.shape.size());
  int64_t axis = attrs.getInt("axis", 1);
  if (rank < 3 || axis < 1 || axis > rank - 2)
    return invalid("DFT needs x of rank >= 3 and axis in [1, rank - 2]");
  if (x.shape.back() != 1 && x.shape.back() != 2)
    return invalid("DFT's x must end in 1 (real) or 2 (complex)");
  if (attrs.getInt("onesided", 0) && x.shape.back() == 2)
    return invalid("a onesided DFT needs a real x");
  if (y.shape.size() != x.shape.size() || y.shape.back() != 2)
    return invalid("DFT's output must be x's shape ending in 2");
  if (rt::Status st = requireIndexVector(kOp, inputs[1], "dft_length");
      !st.ok())
    return st;
  return requirePlain(kOp, {x, inputs[1], y});
}

rt::Status hostRunDFT(const rt::HostCallArgs &args) {
  const TensorDesc &x = (*args.inputDescs)[0];
  const TensorDesc &y = (*args.outputDescs)[0];
  const AttrMap &attrs = *args.attrs;
  int64_t axis = attrs.getInt("axis", 1);
  bool inverse = attrs.getInt("inverse", 0) != 0;
  bool onesided = attrs.getInt("onesided", 0) != 0;
  std::vector<int64_t> given =
      readIndices(args.inputs[1], (*args.inputDescs)[1]);
  if (given.size() != 1)
    return invalid("DFT's dft_length must hold one value");
  int64_t length = given[0];
  if (length < 1 || length > kMaxLength)
    return invalid("DFT's dft_length " + std::to_string(length) +
                   " is outside [1, 2^24]");
  int64_t bins = onesided ? length / 2 + 1 : length;
  std::vector<int64_t> shape = x.shape;
  shape[axis] = bins;
  shape.back() = 2;
  if (rt::Status st = checkOutputShape(kOp, 0, y, shape); !st.ok())
    return st;

  int64_t outer = 1, inner = 1, points = x.shape[axis];
  int64_t parts = x.shape.back();
  for (int64_t d = 0; d < axis; ++d)
    outer *= x.shape[d];
  for (size_t d = axis + 1; d + 1 < x.shape.size(); ++d)
    inner *= x.shape[d];
  int64_t used = std::min(points, length);
  std::vector<Complex> signal(length);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      std::fill(signal.begin(), signal.end(), Complex());
      for (int64_t j = 0; j < used; ++j) {
        int64_t at = ((o * points + j) * inner + i) * parts;
        double re = loadAsDouble(x.dtype, args.inputs[0], at);
        double im =
            parts == 2 ? loadAsDouble(x.dtype, args.inputs[0], at + 1) : 0.0;
        signal[j] = Complex(re, im);
      }
      fourierTransform(signal, inverse);
      double scale = inverse ? 1.0 / double(length) : 1.0;
      for (int64_t k = 0; k < bins; ++k) {
        int64_t at = ((o * bins + k) * inner + i) * 2;
        storeFromDouble(y.dtype, args.outputs[0], at, signal[k].real() * scale);
        storeFromDouble(y.dtype, args.outputs[0], at + 1,
                        signal[k].imag() * scale);
      }
    }
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
