//===- AirText.cpp - The readable dump of a GE graph (dynamo.pbtxt) -------===//
#include "AirText.h"

#include "ge_ir.pb.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <vector>

using namespace llvm;

namespace geflow::frontend::air {

static std::string quoted(StringRef s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

static const char *dtypeName(int dtype) {
  switch (dtype) {
  case 1:
    return "DT_FLOAT";
  case 2:
    return "DT_HALF";
  case 3:
    return "DT_INT8";
  case 4:
    return "DT_UINT8";
  case 7:
    return "DT_INT32";
  case 8:
    return "DT_INT64";
  case 11:
    return "DT_BOOL";
  case 27:
    return "DT_BFLOAT16";
  default:
    return "DT_INVALID";
  }
}

static void printShape(raw_ostream &os,
                       const ::ge::proto::TensorDescriptor &desc) {
  os << "shape {";
  for (int64_t d : desc.shape().dim())
    os << " dim { size: " << d << " }";
  os << " }";
}

static void printValue(raw_ostream &os, const ::ge::proto::AttrDef &a) {
  using Case = ::ge::proto::AttrDef;
  switch (a.value_case()) {
  case Case::kI:
    os << "i: " << a.i();
    return;
  case Case::kF:
    os << "f: " << format("%g", a.f());
    return;
  case Case::kB:
    os << "b: " << (a.b() ? "true" : "false");
    return;
  case Case::kS:
    os << "s: " << quoted(a.s());
    return;
  case Case::kDt:
    os << "dt: " << a.dt();
    return;
  case Case::kT:
    os << "tensor { dtype: " << dtypeName(a.t().desc().dtype()) << " tensor_";
    printShape(os, a.t().desc());
    os << " content: \"<" << a.t().data().size() << " bytes>\" }";
    return;
  case Case::kList: {
    os << "list {";
    for (int64_t i : a.list().i())
      os << " i: " << i;
    for (float f : a.list().f())
      os << " f: " << format("%g", f);
    for (bool b : a.list().b())
      os << " b: " << (b ? "true" : "false");
    for (const std::string &s : a.list().s())
      os << " s: " << quoted(s);
    os << " }";
    return;
  }
  default:
    os << "placeholder: \"<unprinted>\"";
  }
}

std::string printGraphText(const ::ge::proto::GraphDef &graph) {
  std::string text;
  raw_string_ostream os(text);
  for (const ::ge::proto::OpDef &op : graph.op()) {
    os << "node {\n  name: " << quoted(op.name())
       << "\n  op: " << quoted(op.type()) << "\n";
    for (StringRef in : op.input()) {
      if (in.empty())
        continue;
      size_t colon = in.rfind(':');
      StringRef src = in.take_front(colon), index = in.drop_front(colon + 1);
      std::string shown = index == "-1"  ? "^" + src.str()
                          : index == "0" ? src.str()
                                         : in.str();
      os << "  input: " << quoted(shown) << "\n";
    }
    std::vector<std::string> keys;
    for (const auto &entry : op.attr())
      keys.push_back(entry.first);
    std::sort(keys.begin(), keys.end());
    for (const std::string &key : keys) {
      os << "  attr {\n    key: " << quoted(key) << "\n    value { ";
      printValue(os, op.attr().at(key));
      os << " }\n  }\n";
    }
    if (op.output_desc_size()) {
      os << "  attr {\n    key: \"_output_dtypes\"\n    value { list {";
      for (const auto &desc : op.output_desc())
        os << " type: " << dtypeName(desc.dtype());
      os << " } }\n  }\n  attr {\n    key: \"_output_shapes\"\n    value { "
            "list {";
      for (const auto &desc : op.output_desc()) {
        os << " ";
        printShape(os, desc);
      }
      os << " } }\n  }\n";
    }
    os << "}\n";
  }
  return text;
}

} // namespace geflow::frontend::air
