//===- TranslatorUtils.cpp - Small helpers shared by op translators -------===//
#include "TranslatorUtils.h"

#include "dialects/ge/IR/GEShapes.h"

#include <limits>

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
  values.reserve(std::max<int64_t>(0, end - begin));
  for (int64_t i = begin; i < end; ++i)
    values.push_back(i);
  return values;
}

bool checkShapedConstant(NodeContext &n, ArrayRef<int64_t> shape,
                         const Twine &what) {
  int64_t count = ge::shapes::numElements(shape);
  if (count >= 0 && count <= kMaxShapedConstantElements &&
      llvm::none_of(shape, [](int64_t d) { return d < 0; }))
    return true;
  std::string elements = count == std::numeric_limits<int64_t>::max()
                             ? std::string("more than 2^63")
                             : std::to_string(count);
  (void)n.fail(what + " of shape " + formatDims(shape) +
               " would be a constant of " + elements +
               " elements, more than the " + Twine(kMaxShapedConstantElements) +
               " (2^24) the ONNX import builds");
  return false;
}

Value iotaConstant(NodeContext &n, ArrayRef<int64_t> shape, Type elementType,
                   const Twine &what) {
  if (!checkShapedConstant(n, shape, what))
    return {};
  int64_t count = ge::shapes::numElements(shape);
  auto type = RankedTensorType::get(shape, elementType);
  if (elementType.isInteger(64)) {
    SmallVector<int64_t> values = iota(0, count);
    return n.constant(DenseElementsAttr::get(type, ArrayRef(values)));
  }
  if (elementType.isF32()) {
    SmallVector<float> values;
    values.reserve(count);
    for (int64_t i = 0; i < count; ++i)
      values.push_back(static_cast<float>(i));
    return n.constant(DenseElementsAttr::get(type, ArrayRef(values)));
  }
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    SmallVector<APFloat> values;
    values.reserve(count);
    for (int64_t i = 0; i < count; ++i) {
      APFloat v(static_cast<double>(i));
      bool lostInfo;
      v.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &lostInfo);
      values.push_back(v);
    }
    return n.constant(DenseElementsAttr::get(type, values));
  }
  unsigned width = elementType.getIntOrFloatBitWidth();
  SmallVector<APInt> values;
  values.reserve(count);
  for (int64_t i = 0; i < count; ++i)
    values.push_back(
        APInt(width, i, /*isSigned=*/true, /*implicitTrunc=*/true));
  return n.constant(DenseElementsAttr::get(type, values));
}

} // namespace geflow::frontend::onnximp
