//===- KServeCodec.h - Open Inference Protocol (KServe v2) REST --*- C++
//-*-===//
//
// The /v2/models/NAME/infer request and answer: JSON tensors ("data" nested
// or flat, row-major) and the binary-tensor extension (the JSON header's
// length in the Inference-Header-Content-Length header, then each binary
// input's bytes in input order; outputs asked for with "binary_data" come
// back the same way). The decoder is a pure function from the body bytes
// and the model's signature to tensors or an error naming the problem.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SERVE_KSERVECODEC_H
#define GEFLOW_SERVE_KSERVECODEC_H

#include "Tensor.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace geflow::serve {

struct InferRequest {
  std::string id;
  /// In the model's input order.
  std::vector<Tensor> inputs;
  std::vector<RequestedOutput> outputs;
};

/// `jsonLength`: the Inference-Header-Content-Length header, when given.
Result<InferRequest> decodeKServeInfer(std::string_view body,
                                       std::optional<uint64_t> jsonLength,
                                       const Signature &signature);

struct InferAnswer {
  std::string body;
  /// Set when binary outputs follow the JSON (the value of the answer's
  /// Inference-Header-Content-Length).
  std::optional<uint64_t> jsonLength;
};

/// `outputs` in the model's output order; `requested` picks and orders them.
InferAnswer encodeKServeInfer(const std::string &modelName,
                              const std::string &version, const std::string &id,
                              const std::vector<Tensor> &outputs,
                              const std::vector<RequestedOutput> &requested);

/// The model metadata object of /v2/models/NAME.
std::string kserveModelMetadata(const std::string &name,
                                const std::vector<std::string> &versions,
                                const Signature &signature);

} // namespace geflow::serve

#endif // GEFLOW_SERVE_KSERVECODEC_H
