//===- ServeGrpcFuzzer.cpp - Fuzz target: KServe v2 gRPC ModelInferRequest ===//
//
// Byte 0 picks the model signature (ServeFuzzSupport.h); the rest is a
// serialized ModelInferRequest, parsed as gRPC would and given to
// decodeGrpcInfer(): it returns the signature's inputs (typed contents or
// raw_input_contents, each exactly the bytes of its shape) and known
// outputs, or an error with a message; never a crash or an allocation the
// request does not pay for. The libFuzzer build mutates parsed requests
// (ProtoMutator.h) with the signatures' names and the datatypes as its
// dictionary.
//
//===----------------------------------------------------------------------===//
#include "ServeFuzzSupport.h"

#include "tools/geflow-serve/GrpcCodec.h"

#ifdef GEFLOW_LIBFUZZER
#include "ProtoMutator.h"
#endif

using namespace geflow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  const serve::Signature &signature = fuzz::fuzzSignature(data[0]);
  inference::ModelInferRequest message;
  if (!message.ParseFromArray(data + 1, int(size - 1)))
    return 0; // gRPC refuses it before the decoder
  serve::Result<serve::InferRequest> request =
      serve::decodeGrpcInfer(message, signature);
  if (!request.ok()) {
    fuzz::checkError(request.status());
    return 0;
  }
  fuzz::checkDecoded(request->inputs, signature);
  fuzz::checkRequested(request->outputs, signature);
  return 0;
}

#ifdef GEFLOW_LIBFUZZER
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  static const std::vector<std::string> words = {
      "FP32", "FP16", "BF16",  "INT8", "UINT8", "INT32", "INT64",
      "BOOL", "FP64", "BYTES", "x",    "y",     "a",     "b",
      "s",    "t",    "h",     "g",    "i8",    "u8",    "l",
      "o",    "img",  "p",     "q",    ""};
  inference::ModelInferRequest scratch; // after the selector byte
  return geflow::fuzz::mutateSerialized(scratch, data, size, maxSize, seed,
                                        words, /*prefix=*/1);
}
#endif
