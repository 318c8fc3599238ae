//===- ServeFuzzSupport.h - Shared pieces of the serving fuzz targets -----===//
//
// The geflow-serve request decoders are pure functions of the request bytes
// and the model's signature. The first input byte picks one of a few
// signatures (every dtype, fixed and varying dims, one and several inputs
// and outputs); the rest is the request. What a decoder accepts must fit the
// signature exactly, which checkDecoded() verifies.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TEST_FUZZ_SERVEFUZZSUPPORT_H
#define GEFLOW_TEST_FUZZ_SERVEFUZZSUPPORT_H

#include "tools/geflow-serve/KServeCodec.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace geflow::fuzz {

/// The signature input byte `selector` picks.
const serve::Signature &fuzzSignature(uint8_t selector);

/// Aborts unless `inputs` are the signature's inputs in order, each with
/// its dtype, rank, fixed dims and exactly the bytes its shape takes.
void checkDecoded(const std::vector<serve::Tensor> &inputs,
                  const serve::Signature &signature);

/// Aborts unless every requested output names one of the signature's.
void checkRequested(const std::vector<serve::RequestedOutput> &outputs,
                    const serve::Signature &signature);

/// Aborts when a refusal carries no message.
void checkError(const serve::Status &status);

} // namespace geflow::fuzz

#endif // GEFLOW_TEST_FUZZ_SERVEFUZZSUPPORT_H
