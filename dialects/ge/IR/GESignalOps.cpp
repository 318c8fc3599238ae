//===- GESignalOps.cpp - Fourier transforms, filter banks, ranges ---------===//
//
// The importer fixes the result types (lengths may come from run-time
// scalars); the verifiers check what the operand shapes do determine.
//
//===----------------------------------------------------------------------===//
#include "dialects/ge/IR/GEOps.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace geflow::ge;

namespace {

RankedTensorType ranked(Value v) {
  return dyn_cast<RankedTensorType>(v.getType());
}

/// The result must have a static shape: its buffer is planned.
LogicalResult verifyStaticResult(Operation *op, Value result) {
  auto t = ranked(result);
  if (!t || !t.hasStaticShape())
    return op->emitOpError() << "needs a static result shape (run-time "
                                "values decide it; the importer fixes it)";
  return success();
}

/// Fails unless `v` holds one element (a scalar or a one-element vector)
/// when its shape is known.
LogicalResult verifyScalar(Operation *op, Value v, StringRef name) {
  auto t = ranked(v);
  if (t && t.hasStaticShape() && (t.getRank() > 1 || t.getNumElements() != 1))
    return op->emitOpError() << name << " must be a scalar";
  return success();
}

/// A complex tensor's last dim is 2 (real, imaginary); a real one's 1.
LogicalResult verifyComplexLast(Operation *op, RankedTensorType t,
                                StringRef name, bool allowReal) {
  int64_t last = t.getRank() ? t.getShape().back() : 0;
  if (last == 2 || (allowReal && last == 1) || ShapedType::isDynamic(last))
    return success();
  return op->emitOpError() << name << "'s last dim must be "
                           << (allowReal ? "1 (real) or 2 (complex)"
                                         : "2 (real, imaginary)");
}

} // namespace

LogicalResult DFTOp::verify() {
  if (failed(verifyStaticResult(*this, getY())) ||
      failed(verifyScalar(*this, getDftLength(), "dft_length")))
    return failure();
  auto yt = ranked(getY());
  if (failed(verifyComplexLast(*this, yt, "y", /*allowReal=*/false)))
    return failure();
  int64_t axis = getAxis();
  if (axis < 1 || axis > yt.getRank() - 2)
    return emitOpError() << "axis " << axis << " is outside [1, rank - 2]";
  auto xt = ranked(getX());
  if (!xt)
    return success();
  if (xt.getRank() != yt.getRank())
    return emitOpError() << "y must have x's rank";
  if (failed(verifyComplexLast(*this, xt, "x", /*allowReal=*/true)))
    return failure();
  if (getOnesided() && xt.getShape().back() == 2)
    return emitOpError() << "a onesided transform needs a real x";
  for (int64_t d = 0; d + 1 < xt.getRank(); ++d)
    if (d != axis && !xt.isDynamicDim(d) &&
        xt.getDimSize(d) != yt.getDimSize(d))
      return emitOpError() << "y's dim " << d << " must be x's";
  return success();
}

LogicalResult STFTOp::verify() {
  if (failed(verifyStaticResult(*this, getY())) ||
      failed(verifyScalar(*this, getFrameStep(), "frame_step")) ||
      failed(verifyScalar(*this, getFrameLength(), "frame_length")))
    return failure();
  auto yt = ranked(getY());
  if (yt.getRank() != 4 ||
      failed(verifyComplexLast(*this, yt, "y", /*allowReal=*/false)))
    return emitOpError() << "y must be [batch, frames, bins, 2]";
  if (auto st = ranked(getSignal())) {
    if (st.getRank() != 3 ||
        failed(verifyComplexLast(*this, st, "signal", /*allowReal=*/true)))
      return emitOpError() << "signal must be [batch, length, 1 or 2]";
    if (!st.isDynamicDim(0) && st.getDimSize(0) != yt.getDimSize(0))
      return emitOpError() << "y's batch must be the signal's";
    if (getOnesided() && st.getShape().back() == 2)
      return emitOpError() << "a onesided transform needs a real signal";
  }
  if (Value window = getWindow())
    if (auto wt = ranked(window); wt && wt.getRank() != 1)
      return emitOpError() << "window must be 1-D";
  return success();
}

LogicalResult MelWeightMatrixOp::verify() {
  if (failed(verifyStaticResult(*this, getY())))
    return failure();
  static constexpr const char *kNames[] = {"num_mel_bins", "dft_length",
                                           "sample_rate", "lower_edge_hertz",
                                           "upper_edge_hertz"};
  for (auto [v, name] : llvm::zip(getOperands(), kNames))
    if (failed(verifyScalar(*this, v, name)))
      return failure();
  if (ranked(getY()).getRank() != 2)
    return emitOpError() << "y must be [dft_length / 2 + 1, num_mel_bins]";
  return success();
}

LogicalResult RangeOp::verify() {
  if (failed(verifyStaticResult(*this, getY())))
    return failure();
  Type et = getElementTypeOrSelf(getY().getType());
  static constexpr const char *kNames[] = {"start", "limit", "delta"};
  for (auto [v, name] : llvm::zip(getOperands(), kNames)) {
    if (failed(verifyScalar(*this, v, name)))
      return failure();
    if (getElementTypeOrSelf(v.getType()) != et)
      return emitOpError() << name << " must have the result's element type";
  }
  if (ranked(getY()).getRank() != 1)
    return emitOpError() << "y must be 1-D";
  return success();
}

LogicalResult DropoutOp::verify() {
  if (failed(verifyStaticResult(*this, getY())) ||
      failed(verifyStaticResult(*this, getMask())) ||
      failed(verifyScalar(*this, getRatio(), "ratio")) ||
      failed(verifyScalar(*this, getTrainingMode(), "training_mode")))
    return failure();
  if (getX().getType() != getY().getType())
    return emitOpError() << "y must have x's type";
  if (ranked(getMask()).getShape() != ranked(getY()).getShape())
    return emitOpError() << "mask must have x's shape";
  return success();
}
