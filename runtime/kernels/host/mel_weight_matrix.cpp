//===- mel_weight_matrix.cpp - MelWeightMatrix on the host ----------------===//
//
// ONNX MelWeightMatrix-17: a [dft_length / 2 + 1, num_mel_bins] filter bank
// of triangles with peak 1. Follows ONNX's reference algorithm (which ONNX
// Runtime also implements): num_mel_bins + 2 edges spaced evenly on the mel
// scale mel(f) = 2595 log10(1 + f / 700) from lower_edge_hertz, by
// (mel(upper) - mel(lower)) / (num_mel_bins + 2), each converted back to
// hertz and rounded down to a spectrogram bin floor((dft_length + 1) * f /
// sample_rate); triangle i rises from edge i to edge i + 1 and falls to
// edge i + 2 (a triangle whose rise is empty is 1 at its center). The
// scalars are read at run time; the output shape must be the compiled one.
//
//===----------------------------------------------------------------------===//
#include "kernels/host/value_shaped.h"

#include <cmath>

namespace geflow::kernels::host {

namespace {
constexpr const char *kOp = "MelWeightMatrix";
constexpr const char *kNames[] = {"num_mel_bins", "dft_length", "sample_rate",
                                  "lower_edge_hertz", "upper_edge_hertz"};

double melOf(double hertz) { return 2595 * std::log10(1 + hertz / 700); }
double hertzOf(double mel) { return 700 * (std::pow(10.0, mel / 2595) - 1); }
} // namespace

rt::Status hostCheckMelWeightMatrix(const std::vector<TensorDesc> &inputs,
                                    const std::vector<TensorDesc> &outputs,
                                    const AttrMap &) {
  if (inputs.size() != 5 || outputs.size() != 1)
    return invalid("MelWeightMatrix takes num_mel_bins, dft_length, "
                   "sample_rate, lower_edge_hertz and upper_edge_hertz and "
                   "gives one output");
  for (size_t i = 0; i < 5; ++i)
    if (numElements(inputs[i].shape) != 1 || inputs[i].shape.size() > 1)
      return invalid(std::string("MelWeightMatrix's ") + kNames[i] +
                     " must be a scalar");
  for (size_t i = 0; i < 3; ++i)
    if (!isIndexType(inputs[i].dtype))
      return invalid(std::string("MelWeightMatrix's ") + kNames[i] +
                     " must be int32 or int64");
  if (outputs[0].shape.size() != 2)
    return invalid("MelWeightMatrix's output must be 2-D");
  return requirePlain(kOp, {outputs[0]});
}

rt::Status hostRunMelWeightMatrix(const rt::HostCallArgs &args) {
  const auto &in = *args.inputDescs;
  const TensorDesc &y = (*args.outputDescs)[0];
  int64_t melBins = readIndices(args.inputs[0], in[0])[0];
  int64_t dftLength = readIndices(args.inputs[1], in[1])[0];
  int64_t sampleRate = readIndices(args.inputs[2], in[2])[0];
  double lower = loadAsDouble(in[3].dtype, args.inputs[3], 0);
  double upper = loadAsDouble(in[4].dtype, args.inputs[4], 0);
  if (melBins < 1 || dftLength < 1 || sampleRate < 1)
    return invalid("MelWeightMatrix's num_mel_bins, dft_length and "
                   "sample_rate must be positive");
  if (!(lower >= 0 && lower <= upper && upper <= double(sampleRate) / 2))
    return invalid("MelWeightMatrix needs 0 <= lower_edge_hertz <= "
                   "upper_edge_hertz <= sample_rate / 2");
  int64_t spectrumBins = dftLength / 2 + 1;
  if (rt::Status st = checkOutputShape(kOp, 0, y, {spectrumBins, melBins});
      !st.ok())
    return st;

  double low = melOf(lower);
  double step = (melOf(upper) - low) / double(melBins + 2);
  std::vector<int64_t> edges(melBins + 2);
  for (int64_t i = 0; i < melBins + 2; ++i) {
    double hertz = hertzOf(double(i) * step + low);
    edges[i] = static_cast<int64_t>(
        std::floor(double(dftLength + 1) * hertz / double(sampleRate)));
  }
  std::vector<double> w(spectrumBins * melBins, 0.0);
  auto at = [&](int64_t bin, int64_t mel) -> double & {
    return w[bin * melBins + mel];
  };
  for (int64_t i = 0; i < melBins; ++i) {
    int64_t left = edges[i], center = edges[i + 1], right = edges[i + 2];
    // Edges stay within [0, spectrumBins) for upper <= sample_rate / 2.
    if (left < 0 || right >= spectrumBins + 1 || center >= spectrumBins)
      return invalid("MelWeightMatrix: a band edge falls outside the "
                     "spectrogram bins");
    if (center == left) {
      at(center, i) = 1;
    } else {
      for (int64_t j = left; j <= center; ++j)
        at(j, i) = double(j - left) / double(center - left);
    }
    for (int64_t j = center; j < right; ++j)
      at(j, i) = double(right - j) / double(right - center);
  }
  for (size_t k = 0; k < w.size(); ++k)
    storeFromDouble(y.dtype, args.outputs[0], static_cast<int64_t>(k), w[k]);
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
