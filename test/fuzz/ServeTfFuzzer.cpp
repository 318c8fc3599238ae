//===- ServeTfFuzzer.cpp - Fuzz target: TF Serving REST :predict bodies ---===//
//
// Byte 0 picks the model signature (ServeFuzzSupport.h), the rest is the
// request body given to decodeTfPredict(): it returns the signature's
// inputs, each exactly the bytes of its shape, or an error with a message;
// never a crash, a hang or an allocation the body does not pay for.
//
//===----------------------------------------------------------------------===//
#include "ServeFuzzSupport.h"

#include "tools/geflow-serve/TfServingCodec.h"

using namespace geflow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  const serve::Signature &signature = fuzz::fuzzSignature(data[0]);
  std::string_view body(reinterpret_cast<const char *>(data) + 1, size - 1);
  serve::Result<serve::PredictRequest> request =
      serve::decodeTfPredict(body, signature);
  if (!request.ok()) {
    fuzz::checkError(request.status());
    return 0;
  }
  fuzz::checkDecoded(request->inputs, signature);
  return 0;
}
