//===- NpyFuzzer.cpp - Fuzz target: .npy parsing --------------------------===//
//
// Any bytes: parseNpy() returns an array or an error, never crashes. An
// array geflow has a dtype for must survive a round trip through encodeNpy()
// unchanged (the writer and the reader agree).
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/Npy.h"

#include <cstdio>
#include <cstdlib>

using namespace geflow::rt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  StatusOr<NpyArray> parsed = parseNpy(data, size, "fuzz.npy");
  if (!parsed.ok()) {
    if (parsed.status().message().empty())
      std::abort(); // every error says what is wrong
    return 0;
  }
  const NpyArray &array = *parsed;
  if (!array.dtype || array.itemSize != dtypeSize(*array.dtype))
    return 0;
  std::vector<uint8_t> encoded =
      encodeNpy(*array.dtype, array.shape, array.data.data());
  StatusOr<NpyArray> again =
      parseNpy(encoded.data(), encoded.size(), "round-trip.npy");
  if (!again.ok() || again->shape != array.shape || again->data != array.data ||
      again->dtype != array.dtype) {
    std::fprintf(stderr, "encodeNpy/parseNpy round trip differs: %s\n",
                 again.ok() ? "values" : again.status().message().c_str());
    std::abort();
  }
  return 0;
}
