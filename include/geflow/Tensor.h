//===- Tensor.h - Tensors of the GE-style API -------------------*- C++ -*-===//
//
// A Tensor is a descriptor (name, dtype, shape, format) plus bytes that are
// either owned (shared between copies of the Tensor) or borrowed from the
// caller (host memory, or device memory from gfrtMalloc: the virtual NPU's
// device memory is host memory).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TENSOR_H
#define GEFLOW_TENSOR_H

#include "geflow/runtime/Status.h"
#include "geflow/runtime/Types.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace geflow {

using rt::DType;
using rt::Format;
using Status = rt::Status;

struct TensorDesc {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  Format format = Format::ND;

  /// Bytes of the tensor's storage (its physical shape in its format).
  uint64_t bytes() const;
};

class Tensor {
public:
  Tensor() = default;
  /// Owned, zero-filled storage for `desc`.
  static Tensor allocate(const TensorDesc &desc);
  /// Owned copy of `size` bytes.
  static Tensor copyOf(const TensorDesc &desc, const void *data, uint64_t size);
  /// Borrows `data` (not freed by the Tensor).
  static Tensor wrap(const TensorDesc &desc, void *data, uint64_t size);

  const TensorDesc &desc() const { return desc_; }
  TensorDesc &desc() { return desc_; }
  void *data() const { return data_; }
  uint64_t size() const { return size_; }
  bool owned() const { return owned_ != nullptr; }

  template <typename T> T *as() const { return static_cast<T *>(data_); }

  // GE-compatible spellings.
  const TensorDesc &GetTensorDesc() const { return desc_; }
  const uint8_t *GetData() const { return static_cast<const uint8_t *>(data_); }
  uint64_t GetSize() const { return size_; }

private:
  TensorDesc desc_;
  std::shared_ptr<uint8_t> owned_;
  void *data_ = nullptr;
  uint64_t size_ = 0;
};

} // namespace geflow

#endif
