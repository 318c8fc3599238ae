//===- string_const.cpp - Constants of strings on the host ----------------===//
//
// Weights hold fixed-size elements, so a constant string tensor (an ONNX
// STRING initializer or Constant) is a host call whose attribute `values`
// keeps the strings; the kernel points the output's elements at them (the
// attributes live as long as the loaded model).
//
//===----------------------------------------------------------------------===//
#include "kernels/host/value_shaped.h"

#include "geflow/runtime/Strings.h"

#include <variant>

namespace geflow::kernels::host {

namespace {

const std::vector<std::string> *storedValues(const AttrMap &attrs) {
  auto it = attrs.all().find("values");
  if (it == attrs.all().end())
    return nullptr;
  return std::get_if<std::vector<std::string>>(&it->second);
}

} // namespace

rt::Status hostCheckStringConst(const std::vector<TensorDesc> &inputs,
                                const std::vector<TensorDesc> &outputs,
                                const AttrMap &attrs) {
  if (!inputs.empty() || outputs.size() != 1 ||
      outputs[0].dtype != rt::DType::String)
    return invalid("StringConst takes no input and gives one string tensor");
  const std::vector<std::string> *values = storedValues(attrs);
  if (!values ||
      static_cast<int64_t>(values->size()) != numElements(outputs[0].shape))
    return invalid("StringConst: 'values' must hold one string per element "
                   "of " +
                   shapeText(outputs[0].shape));
  for (const std::string &v : *values)
    if (v.size() > rt::kMaxStringElementBytes)
      return invalid("StringConst: a string exceeds the size limit");
  return requirePlain("StringConst", outputs);
}

rt::Status hostRunStringConst(const rt::HostCallArgs &args) {
  const std::vector<std::string> &values = *storedValues(*args.attrs);
  for (size_t i = 0; i < values.size(); ++i)
    rt::setStringAt(args.outputs[0], i,
                    rt::StringRef{values[i].data(), values[i].size()});
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
