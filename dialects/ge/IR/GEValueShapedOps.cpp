//===- GEValueShapedOps.cpp - Ops whose result shape needs values ---------===//
//
// The result types are fixed by the importer; the verifiers check what the
// shapes of the operands do determine (ranks, element types, lengths).
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

/// Results must have static shapes: their buffers are planned.
LogicalResult verifyStaticResults(Operation *op) {
  for (Value r : op->getResults()) {
    auto t = ranked(r);
    if (!t || !t.hasStaticShape())
      return op->emitOpError() << "needs static result shapes (the values "
                                  "decide them; the importer fixes them)";
  }
  return success();
}

/// A 1-D (or scalar) operand's element count, or nullopt when not static.
std::optional<int64_t> vectorLength(Value v) {
  auto t = ranked(v);
  if (!t || t.getRank() > 1 || !t.hasStaticShape())
    return std::nullopt;
  return t.getNumElements();
}

LogicalResult verifySameTypeAndRank(Operation *op, Value x, Value y) {
  auto xt = ranked(x), yt = ranked(y);
  Type xe = getElementTypeOrSelf(x.getType());
  if (xe != yt.getElementType())
    return op->emitOpError() << "result element type " << yt.getElementType()
                             << " differs from the input's " << xe;
  if (xt && xt.getRank() != yt.getRank())
    return op->emitOpError() << "result rank " << yt.getRank()
                             << " differs from the input's " << xt.getRank();
  return success();
}

} // namespace

LogicalResult StridedSliceV2Op::verify() {
  if (failed(verifyStaticResults(*this)) ||
      failed(verifySameTypeAndRank(*this, getX(), getY())))
    return failure();
  std::optional<int64_t> n = vectorLength(getStarts());
  for (Value v : {getEnds(), getAxes(), getSteps()})
    if (!n || vectorLength(v) != n)
      return emitOpError()
             << "starts, ends, axes and steps must be 1-D of one length";
  return success();
}

LogicalResult PadV3Op::verify() {
  if (failed(verifyStaticResults(*this)) ||
      failed(verifySameTypeAndRank(*this, getX(), getY())))
    return failure();
  auto xt = ranked(getX());
  if (xt && vectorLength(getPaddings()) != 2 * xt.getRank())
    return emitOpError() << "paddings must hold two entries per dim of x";
  if (getElementTypeOrSelf(getConstantValues().getType()) !=
          getElementTypeOrSelf(getX().getType()) ||
      vectorLength(getConstantValues()) != 1)
    return emitOpError() << "constant_values must be one element of x's type";
  StringRef mode = getMode();
  if (mode != "constant" && mode != "edge" && mode != "reflect")
    return emitOpError() << "mode '" << mode
                         << "' is not constant, edge or reflect";
  return success();
}

LogicalResult ReduceSumAxesOp::verify() {
  if (failed(verifyStaticResults(*this)))
    return failure();
  if (getElementTypeOrSelf(getX().getType()) !=
      getElementTypeOrSelf(getY().getType()))
    return emitOpError() << "result element type differs from the input's";
  if (!vectorLength(getAxes()))
    return emitOpError() << "axes must be a static 1-D tensor";
  return success();
}

LogicalResult TopKOp::verify() {
  if (failed(verifyStaticResults(*this)) ||
      failed(verifySameTypeAndRank(*this, getX(), getValues())))
    return failure();
  auto xt = ranked(getX());
  auto axis = static_cast<int64_t>(getAxis());
  if (xt && (axis < 0 || axis >= xt.getRank()))
    return emitOpError() << "axis " << axis << " is outside [0, "
                         << xt.getRank() << ")";
  if (ranked(getIndices()).getShape() != ranked(getValues()).getShape())
    return emitOpError() << "values and indices must have one shape";
  if (vectorLength(getK()) != 1)
    return emitOpError() << "k must hold one element";
  return success();
}

LogicalResult NonZeroOp::verify() {
  if (failed(verifyStaticResults(*this)))
    return failure();
  auto xt = ranked(getX());
  auto yt = ranked(getY());
  if (yt.getRank() != 2 || (xt && yt.getDimSize(0) != xt.getRank()))
    return emitOpError() << "result must be [rank of x, count]";
  return success();
}

LogicalResult UniqueOp::verify() {
  if (failed(verifyStaticResults(*this)))
    return failure();
  auto xt = ranked(getX());
  auto yt = ranked(getY());
  if (getElementTypeOrSelf(getX().getType()) != yt.getElementType())
    return emitOpError() << "y must have x's element type";
  if (std::optional<uint64_t> given = getAxis()) {
    auto axis = std::optional<int64_t>(static_cast<int64_t>(*given));
    if (xt && (*axis < 0 || *axis >= xt.getRank()))
      return emitOpError() << "axis " << *axis << " is outside [0, "
                           << xt.getRank() << ")";
    if (xt && yt.getRank() != xt.getRank())
      return emitOpError() << "y must have x's rank";
  } else if (yt.getRank() != 1) {
    return emitOpError() << "y of a flattened Unique must be 1-D";
  }
  for (Value v : {getIndices(), getInverseIndices(), getCounts()})
    if (ranked(v).getRank() != 1)
      return emitOpError() << "indices, inverse_indices and counts must be 1-D";
  return success();
}

LogicalResult NonMaxSuppressionOp::verify() {
  if (failed(verifyStaticResults(*this)))
    return failure();
  auto yt = ranked(getSelectedIndices());
  if (yt.getRank() != 2 || yt.getDimSize(1) != 3)
    return emitOpError() << "result must be [count, 3]";
  if (getCenterPointBox() != 0 && getCenterPointBox() != 1)
    return emitOpError() << "center_point_box must be 0 or 1";
  return success();
}
