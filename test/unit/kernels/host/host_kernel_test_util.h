//===- host_kernel_test_util.h - Running host kernels in unit tests -------===//
//
// Host-kernel tests build tensors as byte buffers, run a kernel through the
// host op registry (its check first, as the executor does) and read the
// outputs back. Outputs start filled with 0xAB, so an element a kernel
// forgets to write shows up instead of passing as zero.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TEST_UNIT_KERNELS_HOST_HOST_KERNEL_TEST_UTIL_H
#define GEFLOW_TEST_UNIT_KERNELS_HOST_HOST_KERNEL_TEST_UTIL_H

#include "geflow/runtime/HostOps.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace geflow::test {

struct Buffer {
  kernels::TensorDesc desc;
  std::vector<uint8_t> bytes;
  template <typename T> T *as() { return reinterpret_cast<T *>(bytes.data()); }
};

template <typename T>
Buffer buffer(rt::DType dtype, std::vector<int64_t> shape,
              const std::vector<T> &values) {
  Buffer b;
  b.desc.dtype = dtype;
  b.desc.shape = std::move(shape);
  b.bytes.resize(values.size() * sizeof(T));
  std::memcpy(b.bytes.data(), values.data(), b.bytes.size());
  return b;
}

/// An output buffer of `shape`, every byte 0xAB.
inline Buffer empty(rt::DType dtype, std::vector<int64_t> shape) {
  Buffer b;
  b.desc.dtype = dtype;
  b.desc.shape = std::move(shape);
  b.bytes.assign(rt::numElements(b.desc.shape) * rt::dtypeSize(dtype), 0xAB);
  return b;
}

template <typename T> std::vector<T> values(const Buffer &b) {
  std::vector<T> out(b.bytes.size() / sizeof(T));
  std::memcpy(out.data(), b.bytes.data(), b.bytes.size());
  return out;
}

/// Runs host kernel `name` after its check; the check's status when it
/// refuses. `strings` is the string store of kernels that make strings.
inline rt::Status runHost(const std::string &name, std::vector<Buffer *> ins,
                          std::vector<Buffer *> outs,
                          const kernels::AttrMap &attrs = {},
                          rt::StringStore *strings = nullptr) {
  auto kernel = rt::HostOpRegistry::global().lookup(name);
  EXPECT_TRUE(kernel.fn) << name;
  if (!kernel.fn)
    return rt::Status(rt::ErrorCode::kNotFound, name);
  std::vector<kernels::TensorDesc> inDescs, outDescs;
  std::vector<const void *> inPtrs;
  std::vector<void *> outPtrs;
  for (Buffer *b : ins) {
    inDescs.push_back(b->desc);
    inPtrs.push_back(b->bytes.data());
  }
  for (Buffer *b : outs) {
    outDescs.push_back(b->desc);
    outPtrs.push_back(b->bytes.data());
  }
  if (kernel.check)
    if (rt::Status st = kernel.check(inDescs, outDescs, attrs); !st.ok())
      return st;
  rt::HostCallArgs args;
  args.inputs = inPtrs.data();
  args.numInputs = static_cast<uint32_t>(inPtrs.size());
  args.outputs = outPtrs.data();
  args.numOutputs = static_cast<uint32_t>(outPtrs.size());
  args.inputDescs = &inDescs;
  args.outputDescs = &outDescs;
  args.attrs = &attrs;
  args.strings = strings;
  return kernel.fn(args);
}

} // namespace geflow::test

#endif
