//===- WeightDerivation.cpp - Converting and packing updatable weights ----===//
#include "geflow/runtime/WeightDerivation.h"

#include "geflow/kernels/Registry.h"
#include "geflow/runtime/Half.h"

#include <cstring>

namespace geflow::rt {

static bool isConvertibleFloat(DType t) {
  return t == DType::F32 || t == DType::F16 || t == DType::BF16;
}

bool canConvertWeight(DType from, DType to) {
  return from == to || (isConvertibleFloat(from) && isConvertibleFloat(to));
}

static float load(DType t, const uint8_t *p) {
  if (t == DType::F32) {
    float f;
    std::memcpy(&f, p, 4);
    return f;
  }
  uint16_t h;
  std::memcpy(&h, p, 2);
  return t == DType::F16 ? halfToFloat(h) : bf16ToFloat(h);
}

static void store(DType t, float f, uint8_t *p) {
  if (t == DType::F32) {
    std::memcpy(p, &f, 4);
    return;
  }
  uint16_t h = t == DType::F16 ? floatToHalf(f) : floatToBf16(f);
  std::memcpy(p, &h, 2);
}

Status convertWeight(DType from, DType to, const void *src, void *dst,
                     uint64_t count) {
  if (!canConvertWeight(from, to))
    return invalidArgument("cannot convert a " + std::string(dtypeName(from)) +
                           " weight to " + std::string(dtypeName(to)));
  if (from == to) {
    std::memcpy(dst, src, count * dtypeSize(from));
    return Status::OK();
  }
  // The common directions without a per-element dtype switch.
  if (from == DType::F32 && to != DType::F32) {
    const auto *in = static_cast<const float *>(src);
    auto *out = static_cast<uint16_t *>(dst);
    if (to == DType::F16)
      for (uint64_t i = 0; i < count; ++i)
        out[i] = floatToHalf(in[i]);
    else
      for (uint64_t i = 0; i < count; ++i)
        out[i] = floatToBf16(in[i]);
    return Status::OK();
  }
  const auto *in = static_cast<const uint8_t *>(src);
  auto *out = static_cast<uint8_t *>(dst);
  const size_t inSize = dtypeSize(from), outSize = dtypeSize(to);
  for (uint64_t i = 0; i < count; ++i)
    store(to, load(from, in + i * inSize), out + i * outSize);
  return Status::OK();
}

Status deriveWeight(const WeightDerivation &d, const void *src, uint64_t count,
                    std::vector<uint8_t> *out, std::vector<uint8_t> *scratch) {
  if (!d.pack) {
    out->resize(count * dtypeSize(d.to));
    return convertWeight(d.from, d.to, src, out->data(), count);
  }
  std::vector<uint8_t> local;
  std::vector<uint8_t> &converted = scratch ? *scratch : local;
  const void *value = src;
  if (d.from != d.to) {
    converted.resize(count * dtypeSize(d.to));
    GEFLOW_RETURN_IF_ERROR(
        convertWeight(d.from, d.to, src, converted.data(), count));
    value = converted.data();
  }
  if (!d.pack->pack || !d.ctx || !d.tiling)
    return invalidArgument("kernel '" + d.pack->name +
                           "' has no pack function for input " +
                           std::to_string(d.input));
  out->clear();
  return d.pack->pack(*d.ctx, *d.tiling, d.input, value, out);
}

} // namespace geflow::rt
