//===- ServeFuzzSupport.cpp - Shared pieces of the serving fuzz targets ---===//
#include "ServeFuzzSupport.h"

#include <cstdio>
#include <cstdlib>

namespace geflow::fuzz {

using rt::DType;
using serve::Signature;
using serve::TensorSpec;

static std::vector<Signature> makeSignatures() {
  std::vector<Signature> s(4);
  // One float input and output with a varying batch (TF's bare form).
  s[0].inputs = {{"x", DType::F32, {-1, 3}}};
  s[0].outputs = {{"y", DType::F32, {-1, 2}}};
  // Integer and boolean inputs, a scalar output.
  s[1].inputs = {{"a", DType::I32, {2, -1}}, {"b", DType::Bool, {-1}}};
  s[1].outputs = {{"s", DType::I64, {}}, {"t", DType::F16, {2}}};
  // Every other dtype, a scalar input, two varying dims.
  s[2].inputs = {{"h", DType::F16, {-1}},
                 {"g", DType::BF16, {2, 2}},
                 {"i8", DType::I8, {-1}},
                 {"u8", DType::U8, {}},
                 {"l", DType::I64, {-1, -1}}};
  s[2].outputs = {{"o", DType::U8, {-1}}};
  // An image batch, two outputs.
  s[3].inputs = {{"img", DType::F32, {-1, 2, 2, 1}}};
  s[3].outputs = {{"p", DType::F32, {-1}}, {"q", DType::I32, {-1}}};
  return s;
}

const Signature &fuzzSignature(uint8_t selector) {
  static const std::vector<Signature> signatures = makeSignatures();
  return signatures[selector % signatures.size()];
}

[[noreturn]] static void fail(const char *what) {
  std::fprintf(stderr, "decoded request does not fit the signature: %s\n",
               what);
  std::abort();
}

void checkDecoded(const std::vector<serve::Tensor> &inputs,
                  const Signature &signature) {
  if (inputs.size() != signature.inputs.size())
    fail("input count");
  for (size_t i = 0; i < inputs.size(); ++i) {
    const serve::Tensor &t = inputs[i];
    const TensorSpec &spec = signature.inputs[i];
    if (t.name != spec.name)
      fail("input order or name");
    if (t.dtype != spec.dtype)
      fail("dtype");
    if (t.shape.size() != spec.shape.size())
      fail("rank");
    for (size_t d = 0; d < t.shape.size(); ++d)
      if (t.shape[d] < 0 || (spec.shape[d] >= 0 && t.shape[d] != spec.shape[d]))
        fail("dim");
    int64_t count = serve::elementCount(t.shape);
    if (count < 0 || t.data.size() != uint64_t(count) * rt::dtypeSize(t.dtype))
      fail("data size");
    if (t.dtype == DType::Bool)
      for (uint8_t b : t.data)
        if (b > 1)
          fail("boolean other than 0 or 1");
  }
}

void checkRequested(const std::vector<serve::RequestedOutput> &outputs,
                    const Signature &signature) {
  for (const serve::RequestedOutput &o : outputs)
    if (o.index >= signature.outputs.size())
      fail("requested output index");
}

void checkError(const serve::Status &status) {
  if (status.ok() || status.message().empty())
    fail("a refusal without a message");
}

} // namespace geflow::fuzz
