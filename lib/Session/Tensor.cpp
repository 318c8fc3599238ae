//===- Tensor.cpp - Tensors of the GE-style API ---------------------------===//
#include "geflow/Tensor.h"

#include <cstdlib>
#include <cstring>

namespace geflow {

uint64_t TensorDesc::bytes() const {
  auto physical = rt::physicalShape(format, shape);
  if (!physical)
    return 0;
  uint64_t n = rt::dtypeSize(dtype);
  for (int64_t d : *physical)
    n *= d < 0 ? 0 : static_cast<uint64_t>(d);
  return n;
}

static std::shared_ptr<uint8_t> allocateBytes(uint64_t size) {
  // 64-byte aligned, as device memory is.
  uint64_t rounded = (size + 63) / 64 * 64;
  auto *p =
      static_cast<uint8_t *>(std::aligned_alloc(64, rounded ? rounded : 64));
  if (!p)
    return nullptr;
  std::memset(p, 0, rounded ? rounded : 64);
  return std::shared_ptr<uint8_t>(p, [](uint8_t *q) { std::free(q); });
}

Tensor Tensor::allocate(const TensorDesc &desc) {
  Tensor t;
  t.desc_ = desc;
  t.size_ = desc.bytes();
  t.owned_ = allocateBytes(t.size_);
  t.data_ = t.owned_.get();
  return t;
}

Tensor Tensor::copyOf(const TensorDesc &desc, const void *data, uint64_t size) {
  Tensor t;
  t.desc_ = desc;
  t.size_ = size;
  t.owned_ = allocateBytes(size);
  t.data_ = t.owned_.get();
  if (size && data && t.data_)
    std::memcpy(t.data_, data, size);
  return t;
}

Tensor Tensor::wrap(const TensorDesc &desc, void *data, uint64_t size) {
  Tensor t;
  t.desc_ = desc;
  t.data_ = data;
  t.size_ = size;
  return t;
}

} // namespace geflow
