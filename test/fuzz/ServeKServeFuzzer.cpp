//===- ServeKServeFuzzer.cpp - Fuzz target: KServe v2 REST infer bodies ---===//
//
// Byte 0 picks the model signature (ServeFuzzSupport.h) and, with its top
// bit, whether the request has an Inference-Header-Content-Length, whose
// value is bytes 1-2 (little endian); the rest is the body: a JSON header
// and, with the length, the binary tensor extension's data. The decoder
// returns the signature's inputs (each exactly the bytes of its shape) and
// known outputs, or an error with a message; never a crash, a hang or an
// allocation the body does not pay for.
//
//===----------------------------------------------------------------------===//
#include "ServeFuzzSupport.h"

#include <optional>

using namespace geflow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 3)
    return 0;
  const serve::Signature &signature = fuzz::fuzzSignature(data[0]);
  std::optional<uint64_t> jsonLength;
  if (data[0] & 0x80)
    jsonLength = uint64_t(data[1]) | uint64_t(data[2]) << 8;
  std::string_view body(reinterpret_cast<const char *>(data) + 3, size - 3);
  serve::Result<serve::InferRequest> request =
      serve::decodeKServeInfer(body, jsonLength, signature);
  if (!request.ok()) {
    fuzz::checkError(request.status());
    return 0;
  }
  fuzz::checkDecoded(request->inputs, signature);
  fuzz::checkRequested(request->outputs, signature);
  return 0;
}
