//===- SignalOps.cpp - Window functions -----------------------------------===//
//
// HannWindow, HammingWindow and BlackmanWindow (opset 17): cosine sums over
// phase = 2 pi n / N (periodic) or 2 pi n / (N - 1) (periodic = 0), with
// n = 0 .. size-1. The length is the size input when constant, else the
// output length ONNX knows; the divisor always comes from the size value
// (computed on the device: Cast, RealDiv, Cos), so a run-time size that
// agrees with the length gives the exact window.
//
//===----------------------------------------------------------------------===//
#include "OpTranslators.h"
#include "TranslatorUtils.h"

#include <cmath>

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

/// sum_k coefficients[k] * cos(k * phase), k = 0, 1, 2.
LogicalResult translateCosineWindow(NodeContext &n,
                                    ArrayRef<double> coefficients) {
  Value size = n.getRequiredInput(0);
  if (!size)
    return failure();
  auto sizeShape = getShape(size);
  if (!sizeShape || !sizeShape->empty() || !getElementType(size).isInteger())
    return n.fail("size must be an integer scalar");
  std::optional<Type> outType = n.getDataTypeAttr("output_datatype", 1);
  if (!outType)
    return failure();
  int64_t length;
  if (auto given = n.getConstantInts(0)) {
    length = given->front();
  } else if (auto shape = n.getKnownOutputShape(0);
             shape && shape->size() == 1) {
    length = shape->front();
  } else {
    return n.unsupported("the size input must be a constant, or the output "
                         "length known");
  }
  if (length < 0 || length > (1 << 24))
    return n.fail("size " + Twine(length) + " is outside [0, 2^24]");
  OpBuilder &b = n.getBuilder();
  Type f32 = b.getF32Type();
  Value iota = iotaConstant(n, {length}, f32, "the window positions");
  if (!iota)
    return failure();
  Value divisor = castTo(n, size, f32);
  if (divisor && n.getInt("periodic", 1) == 0)
    divisor = n.create<SubOp>(divisor, n.constantScalar(f32, 1.0));
  Value phase =
      divisor
          ? n.create<RealDivOp>(
                n.create<MulOp>(iota, n.constantScalar(f32, 2 * M_PI)), divisor)
          : Value();
  Value y = phase ? n.create<MulOp>(n.create<CosOp>(phase),
                                    n.constantScalar(f32, coefficients[1]))
                  : Value();
  if (y)
    y = n.create<AddOp>(y, n.constantScalar(f32, coefficients[0]));
  if (y && coefficients.size() > 2) {
    Value twice = n.create<MulOp>(phase, n.constantScalar(f32, 2.0));
    Value term = twice ? n.create<MulOp>(n.create<CosOp>(twice),
                                         n.constantScalar(f32, coefficients[2]))
                       : Value();
    y = term ? n.create<AddOp>(y, term) : Value();
  }
  if (y && *outType != f32)
    y = castTo(n, y, *outType);
  return finish(n, y);
}

LogicalResult translateHannWindow(NodeContext &n) {
  return translateCosineWindow(n, {0.5, -0.5});
}

LogicalResult translateHammingWindow(NodeContext &n) {
  // ONNX's alpha = 25/46, beta = 1 - alpha.
  return translateCosineWindow(n, {25.0 / 46.0, -21.0 / 46.0});
}

LogicalResult translateBlackmanWindow(NodeContext &n) {
  return translateCosineWindow(n, {0.42, -0.5, 0.08});
}

} // namespace

ArrayRef<OpTranslator> getSignalTranslators() {
  static const OpTranslator table[] = {
      {"HannWindow", translateHannWindow},
      {"HammingWindow", translateHammingWindow},
      {"BlackmanWindow", translateBlackmanWindow},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
