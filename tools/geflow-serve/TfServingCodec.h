//===- TfServingCodec.h - TensorFlow Serving's REST predict format -*- C++
//-*-===//
//
// The :predict request and answer of TF Serving's REST API: the row format
// ("instances", one element per batch row, answered with "predictions") and
// the columnar format ("inputs", whole tensors, answered with "outputs"),
// shaped exactly as TF Serving shapes them (a single input or output is
// given bare, several by name). The decoder is a pure function from the
// request bytes and the model's signature to tensors or an error naming the
// problem, so it can be fuzzed on its own.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SERVE_TFSERVINGCODEC_H
#define GEFLOW_SERVE_TFSERVINGCODEC_H

#include "Tensor.h"

#include <string>
#include <string_view>
#include <vector>

namespace geflow::serve {

struct PredictRequest {
  /// In the model's input order.
  std::vector<Tensor> inputs;
  /// True for "instances" (answer "predictions"), false for "inputs".
  bool rowFormat = true;
};

Result<PredictRequest> decodeTfPredict(std::string_view body,
                                       const Signature &signature);

/// The answer body for `outputs` (in the model's output order).
std::string encodeTfPredict(const std::vector<Tensor> &outputs, bool rowFormat);

} // namespace geflow::serve

#endif // GEFLOW_SERVE_TFSERVINGCODEC_H
