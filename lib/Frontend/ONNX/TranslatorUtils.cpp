//===- TranslatorUtils.cpp - Small helpers shared by op translators -------===//
#include "TranslatorUtils.h"

using namespace mlir;

namespace geflow::frontend::onnximp {

LogicalResult finish(NodeContext &n, Value y) {
  n.setOutput(0, y);
  return success(y != nullptr);
}

Value castTo(NodeContext &n, Value value, Type elementType) {
  if (getElementType(value) == elementType)
    return value;
  return n.create<ge::CastOp>(value, elementType);
}

static std::string typeName(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

LogicalResult requireFloat(NodeContext &n, Value value) {
  if (isFloatTensor(value))
    return success();
  return n.unsupported(n.getOpType() + " on " +
                       typeName(getElementType(value)) +
                       " tensors is not supported (ge computes it on floats)");
}

static std::string formatDims(ArrayRef<int64_t> dims) {
  std::string text = "[";
  for (auto [i, d] : llvm::enumerate(dims))
    text += (i ? ", " : "") + std::to_string(d);
  return text + "]";
}

SmallVector<Value> getPresentInputs(NodeContext &n) {
  SmallVector<Value> values;
  for (unsigned i = 0; i < n.getNumInputs(); ++i)
    if (Value v = n.getInput(i))
      values.push_back(v);
  return values;
}

bool checkShapeDims(NodeContext &n, ArrayRef<int64_t> dims, StringRef what) {
  constexpr int64_t kMaxElements = int64_t(1) << 48;
  int64_t count = 1;
  for (int64_t d : dims) {
    if (d < 0 || (d != 0 && count > kMaxElements / d)) {
      (void)n.fail(what + " " + formatDims(dims) + " is not a valid shape");
      return false;
    }
    count *= d;
  }
  return true;
}

SmallVector<int64_t> iota(int64_t begin, int64_t end) {
  SmallVector<int64_t> values;
  for (int64_t i = begin; i < end; ++i)
    values.push_back(i);
  return values;
}

} // namespace geflow::frontend::onnximp
