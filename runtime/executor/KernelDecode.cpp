//===- KernelDecode.cpp - .gfm kernel operands as the kernels see them ----===//
#include "KernelDecode.h"

namespace geflow::rt::exec {

kernels::TensorDesc toKernelDesc(const gfm::TensorDesc &d) {
  kernels::TensorDesc out;
  out.dtype = static_cast<DType>(d.dtype());
  out.format = static_cast<Format>(d.format());
  out.shape.assign(d.shape().begin(), d.shape().end());
  out.isConst = d.is_const();
  return out;
}

kernels::AttrMap
toKernelAttrs(const google::protobuf::Map<std::string, gfm::AttrValue> &attrs) {
  kernels::AttrMap out;
  for (const auto &[name, v] : attrs) {
    switch (v.value_case()) {
    case gfm::AttrValue::kI:
      out.set(name, v.i());
      break;
    case gfm::AttrValue::kF:
      out.set(name, v.f());
      break;
    case gfm::AttrValue::kS:
      out.set(name, v.s());
      break;
    case gfm::AttrValue::kInts:
      out.set(name, std::vector<int64_t>(v.ints().values().begin(),
                                         v.ints().values().end()));
      break;
    case gfm::AttrValue::kFloats:
      out.set(name, std::vector<double>(v.floats().values().begin(),
                                        v.floats().values().end()));
      break;
    case gfm::AttrValue::kStrings:
      out.set(name, std::vector<std::string>(v.strings().values().begin(),
                                             v.strings().values().end()));
      break;
    case gfm::AttrValue::VALUE_NOT_SET:
      break;
    }
  }
  return out;
}

} // namespace geflow::rt::exec
