//===- GfmFuzzSupport.cpp - What the .gfm fuzz targets share --------------===//
#include "GfmFuzzSupport.h"

#include "geflow/runtime/Device.h"
#include "geflow/runtime/Gfm.h"
#include "proto/gfm.pb.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>

namespace geflow::fuzz {

using namespace rt;

GfmLimits fuzzGfmLimits() {
  GfmLimits limits;
  limits.maxStreams = 8;
  limits.maxEvents = 256;
  limits.maxBlockDim = 64;
  limits.maxArenaBytes = uint64_t(64) << 20;
  limits.maxTilingBytes = 1 << 16;
  return limits;
}

static bool inside(uint64_t offset, uint64_t size, size_t total) {
  return offset <= total && size <= total - offset;
}

void repairGfmChecksums(std::vector<uint8_t> &bytes) {
  if (bytes.size() < sizeof(GfmHeader))
    return;
  GfmHeader h;
  std::memcpy(&h, bytes.data(), sizeof(h));
  if (inside(h.bodyOffset, h.bodySize, bytes.size()))
    h.bodyCrc32c = crc32c(bytes.data() + h.bodyOffset, h.bodySize);
  if (inside(h.weightsOffset, h.weightsSize, bytes.size()))
    h.weightsCrc32c = crc32c(bytes.data() + h.weightsOffset, h.weightsSize);
  h.headerCrc32c = crc32c(&h, offsetof(GfmHeader, headerCrc32c));
  std::memcpy(bytes.data(), &h, sizeof(h));
}

std::shared_ptr<Device> fuzzDevice() {
  static std::shared_ptr<Device> device = [] {
    DeviceOptions options;
    options.aiCoreCount = 1;
    options.memoryLimit = uint64_t(256) << 20;
    options.spinMicros = 0;
    StatusOr<std::shared_ptr<Device>> created = Device::create(0, options);
    if (!created.ok()) {
      std::fprintf(stderr, "fuzz: no device: %s\n",
                   created.status().toString().c_str());
      std::abort();
    }
    return std::move(*created);
  }();
  return device;
}

void runOnZeros(Model &model) {
  constexpr uint64_t kBudget = uint64_t(32) << 20;
  size_t gears = std::min<size_t>(model.gears().size(), 4);
  for (size_t g = 0; g < gears; ++g) {
    const GearInfo &gear = model.gears()[g];
    std::vector<std::vector<int64_t>> shapes;
    uint64_t total = 0;
    for (const TensorInfo &in : gear.inputs) {
      shapes.push_back(in.shape);
      total += in.bytes;
    }
    StatusOr<Model::Selection> selection = model.select(shapes);
    if (!selection.ok())
      continue;
    for (const TensorInfo &out : selection->outputs)
      total += out.bytes;
    if (total > kBudget)
      continue;
    std::vector<std::vector<uint8_t>> buffers;
    std::vector<TensorRef> inputs, outputs;
    auto bind = [&](const TensorInfo &info, std::vector<TensorRef> &refs) {
      buffers.emplace_back(std::max<uint64_t>(info.bytes, 1), 0);
      refs.push_back(
          {buffers.back().data(), info.bytes, info.dtype, info.shape});
    };
    buffers.reserve(gear.inputs.size() + selection->outputs.size());
    for (const TensorInfo &in : gear.inputs)
      bind(in, inputs);
    for (const TensorInfo &out : selection->outputs)
      bind(out, outputs);
    Status status = model.run(inputs, outputs);
    if (!status.ok() && status.message().empty())
      std::abort();
  }
}

#ifdef GEFLOW_LIBFUZZER
extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

size_t mutateGfm(uint8_t *data, size_t size, size_t maxSize, unsigned seed) {
  std::minstd_rand rng(seed);
  GfmHeader h;
  if (size < sizeof(h) || rng() % 8 == 0)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::memcpy(&h, data, sizeof(h));
  if (!inside(h.bodyOffset, h.bodySize, size) ||
      !inside(h.weightsOffset, h.weightsSize, size))
    return LLVMFuzzerMutate(data, size, maxSize);
  std::string body(reinterpret_cast<const char *>(data) + h.bodyOffset,
                   h.bodySize);
  std::vector<uint8_t> weights(data + h.weightsOffset,
                               data + h.weightsOffset + h.weightsSize);
  gfm::Model model;
  // A few tries for a body that still parses: byte edits of a protobuf
  // often break its framing, and a body that does not parse only tests the
  // first line of the loader.
  for (int attempt = 0; attempt < 4; ++attempt) {
    std::string mutated = body;
    mutated.resize(std::max<size_t>(body.size() * 2, 64));
    mutated.resize(LLVMFuzzerMutate(reinterpret_cast<uint8_t *>(mutated.data()),
                                    body.size(), mutated.size()));
    if (model.ParseFromString(mutated)) {
      if (rng() % 4 == 0 && !weights.empty())
        weights.resize(
            LLVMFuzzerMutate(weights.data(), weights.size(), weights.size()));
      std::vector<uint8_t> out =
          encodeGfm(model, weights.data(), weights.size());
      if (out.size() > maxSize)
        break;
      std::memcpy(data, out.data(), out.size());
      return out.size();
    }
  }
  return LLVMFuzzerMutate(data, size, maxSize);
}
#endif

} // namespace geflow::fuzz
