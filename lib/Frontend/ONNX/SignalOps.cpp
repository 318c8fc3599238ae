//===- SignalOps.cpp - Window functions, DFT, STFT, MelWeightMatrix -------===//
//
// DFT, STFT and MelWeightMatrix (opset 17) become host ops (ge.DFT,
// ge.STFT, ge.MelWeightMatrix): the device kernel library has no Fourier
// transform. Their output shape follows from constant inputs when they are
// constant, else it is the one ONNX knows, which the kernel checks against
// the run-time values.
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

/// The output shape: `computed` when the inputs it depends on are
/// constants, else the one ONNX knows (checked at run time).
std::optional<SmallVector<int64_t>>
resultShape(NodeContext &n, std::optional<SmallVector<int64_t>> computed,
            StringRef why) {
  if (computed)
    return computed;
  if (auto known = n.getKnownOutputShape(0))
    return known;
  (void)n.unsupported(why + Twine(", so its output shape must be known (ONNX "
                                  "shape inference or the model's "
                                  "declaration)"));
  return std::nullopt;
}

/// The one value of constant scalar input `i`, if it is a constant.
std::optional<int64_t> constantScalarInt(NodeContext &n, unsigned i) {
  auto values = n.getConstantInts(i);
  if (!values || values->size() != 1)
    return std::nullopt;
  return values->front();
}

/// Fails unless input `i` is an integer scalar (or one-element vector).
LogicalResult requireIntScalar(NodeContext &n, unsigned i, StringRef what) {
  Value v = n.getInput(i);
  auto shape = getShape(v);
  if (!getElementType(v).isInteger() ||
      (shape && !(shape->empty() || (shape->size() == 1 && (*shape)[0] == 1))))
    return n.fail(what + " must be an integer scalar");
  return success();
}

LogicalResult translateDFT(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x || failed(requireFloat(n, x)))
    return failure();
  auto shape = getShape(x);
  if (!shape)
    return n.unsupported("DFT needs an input of known rank");
  int64_t rank = static_cast<int64_t>(shape->size());
  if (rank < 3 || (shape->back() != 1 && shape->back() != 2))
    return n.fail("the input must be [batch, n1, ..., 1 or 2]");
  int64_t axis = n.getInt("axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 1 || axis > rank - 2)
    return n.fail("axis " + Twine(n.getInt("axis", 1)) +
                  " is not a signal dim of a rank-" + Twine(rank) + " input");
  bool onesided = n.getInt("onesided", 0) != 0;
  bool inverse = n.getInt("inverse", 0) != 0;
  if (onesided && shape->back() == 2)
    return n.fail("a onesided DFT needs a real input (last dim 1)");
  OpBuilder &b = n.getBuilder();
  Value length = n.getInput(1);
  std::optional<int64_t> points;
  if (length) {
    if (failed(requireIntScalar(n, 1, "dft_length")))
      return failure();
    points = constantScalarInt(n, 1);
  } else if (!ShapedType::isDynamic((*shape)[axis])) {
    points = (*shape)[axis];
    length = n.constantScalar(b.getI64Type(), double(*points));
  } else {
    return n.unsupported("DFT without dft_length needs a static signal dim");
  }
  if (points && (*points < 1 || *points > (1 << 24)))
    return n.fail("dft_length " + Twine(*points) + " is outside [1, 2^24]");
  std::optional<SmallVector<int64_t>> computed;
  if (points && llvm::none_of(*shape, ShapedType::isDynamic)) {
    computed = SmallVector<int64_t>(*shape);
    (*computed)[axis] = onesided ? *points / 2 + 1 : *points;
    computed->back() = 2;
  }
  auto yShape = resultShape(n, computed, "dft_length is computed at run time");
  if (!yShape)
    return failure();
  auto y = n.createWithTypes<DFTOp>(
      TypeRange{RankedTensorType::get(*yShape, getElementType(x))}, x, length,
      b.getI64IntegerAttr(axis), b.getBoolAttr(inverse),
      b.getBoolAttr(onesided));
  return finish(n, y.empty() ? Value() : y.front());
}

LogicalResult translateSTFT(NodeContext &n) {
  Value signal = n.getRequiredInput(0), step = n.getRequiredInput(1);
  if (!signal || !step || failed(requireFloat(n, signal)) ||
      failed(requireIntScalar(n, 1, "frame_step")))
    return failure();
  auto shape = getShape(signal);
  if (!shape || shape->size() != 3 || ((*shape)[2] != 1 && (*shape)[2] != 2))
    return n.fail("the signal must be [batch, length, 1 or 2]");
  bool onesided = n.getInt("onesided", 1) != 0;
  if (onesided && (*shape)[2] == 2)
    return n.fail("a onesided STFT needs a real signal (last dim 1)");
  OpBuilder &b = n.getBuilder();
  Value window = n.getInput(2), length = n.getInput(3);
  std::optional<int64_t> frameLength;
  if (window) {
    auto windowShape = getShape(window);
    if (!windowShape || windowShape->size() != 1)
      return n.fail("the window must be 1-D");
    if (getElementType(window) != getElementType(signal))
      window = castTo(n, window, getElementType(signal));
    if (!ShapedType::isDynamic((*windowShape)[0]))
      frameLength = (*windowShape)[0];
  }
  if (length) {
    if (failed(requireIntScalar(n, 3, "frame_length")))
      return failure();
    std::optional<int64_t> given = constantScalarInt(n, 3);
    if (given && frameLength && *given != *frameLength)
      return n.fail("frame_length " + Twine(*given) + " differs from the " +
                    Twine(*frameLength) + " window values");
    if (given)
      frameLength = given;
  } else if (frameLength) {
    length = n.constantScalar(b.getI64Type(), double(*frameLength));
  } else {
    return n.fail("STFT needs a window of known length or a frame_length");
  }
  std::optional<int64_t> frameStep = constantScalarInt(n, 1);
  std::optional<SmallVector<int64_t>> computed;
  if (frameLength && frameStep &&
      llvm::none_of(*shape, ShapedType::isDynamic)) {
    if (*frameStep < 1 || *frameLength < 1 || *frameLength > (*shape)[1])
      return n.fail("frame_step must be positive and frame_length in [1, "
                    "signal length]");
    computed = SmallVector<int64_t>{
        (*shape)[0], 1 + ((*shape)[1] - *frameLength) / *frameStep,
        onesided ? *frameLength / 2 + 1 : *frameLength, 2};
  }
  auto yShape = resultShape(n, computed,
                            "frame_step or frame_length is computed at run "
                            "time");
  if (!yShape)
    return failure();
  auto y = n.createWithTypes<STFTOp>(
      TypeRange{RankedTensorType::get(*yShape, getElementType(signal))}, signal,
      step, length, window, b.getBoolAttr(onesided));
  return finish(n, y.empty() ? Value() : y.front());
}

LogicalResult translateMelWeightMatrix(NodeContext &n) {
  for (unsigned i = 0; i < 5; ++i)
    if (!n.getRequiredInput(i))
      return failure();
  for (unsigned i = 0; i < 3; ++i)
    if (failed(requireIntScalar(n, i,
                                i == 0   ? "num_mel_bins"
                                : i == 1 ? "dft_length"
                                         : "sample_rate")))
      return failure();
  for (unsigned i = 3; i < 5; ++i)
    if (failed(requireFloat(n, n.getInput(i))))
      return failure();
  std::optional<Type> outType = n.getDataTypeAttr("output_datatype", 1);
  if (!outType)
    return failure();
  std::optional<SmallVector<int64_t>> computed;
  auto mels = constantScalarInt(n, 0), dft = constantScalarInt(n, 1);
  if (mels && dft) {
    if (*mels < 1 || *dft < 1 || *mels > (1 << 16) || *dft > (1 << 24))
      return n.fail("num_mel_bins must be in [1, 2^16] and dft_length in "
                    "[1, 2^24]");
    computed = SmallVector<int64_t>{*dft / 2 + 1, *mels};
  }
  auto yShape = resultShape(n, computed,
                            "num_mel_bins or dft_length is computed at run "
                            "time");
  if (!yShape)
    return failure();
  if (yShape->size() != 2)
    return n.fail("the output must be 2-D");
  auto y = n.createWithTypes<MelWeightMatrixOp>(
      TypeRange{RankedTensorType::get(*yShape, *outType)}, n.getInput(0),
      n.getInput(1), n.getInput(2), n.getInput(3), n.getInput(4));
  return finish(n, y.empty() ? Value() : y.front());
}

} // namespace

ArrayRef<OpTranslator> getSignalTranslators() {
  static const OpTranslator table[] = {
      {"HannWindow", translateHannWindow},
      {"HammingWindow", translateHammingWindow},
      {"BlackmanWindow", translateBlackmanWindow},
      {"DFT", translateDFT},
      {"STFT", translateSTFT},
      {"MelWeightMatrix", translateMelWeightMatrix},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
