//===- GfmFuzzer.cpp - Fuzz target: .gfm load, validation and a run -------===//
//
// Any bytes (checksums repaired, see GfmFuzzSupport.h): loading is a model
// or an error with a message, never a crash; a model that loads runs every
// gear on zero-filled inputs, which again ends in outputs or an error.
//
//===----------------------------------------------------------------------===//
#include "GfmFuzzSupport.h"

#include <cstdlib>

using namespace geflow;
using namespace geflow::rt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  fuzz::repairGfmChecksums(bytes);
  ModelLoadOptions options;
  options.limits = fuzz::fuzzGfmLimits();
  StatusOr<std::unique_ptr<Model>> model = Model::loadFromBytes(
      bytes.data(), bytes.size(), fuzz::fuzzDevice(), "fuzz.gfm", options);
  if (!model.ok()) {
    if (model.status().message().empty())
      std::abort();
    return 0;
  }
  fuzz::runOnZeros(**model);
  return 0;
}

#ifdef GEFLOW_LIBFUZZER
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  return fuzz::mutateGfm(data, size, maxSize, seed);
}
#endif
