//===- GECollectiveOps.cpp - HCCL collectives: shapes and verification ----===//
#include "dialects/ge/IR/GEOpUtils.h"
#include "dialects/ge/IR/GEUtils.h"

using namespace mlir;
using namespace geflow::ge;
using namespace geflow::ge::detail;

namespace {

LogicalResult checkReduction(Operation *op, StringRef r) {
  if (r != "sum" && r != "prod" && r != "max" && r != "min")
    return op->emitOpError(
               "reduction must be one of sum, prod, max, min; got \"")
           << r << "\"";
  return success();
}

LogicalResult checkGroup(Operation *op, StringRef group) {
  if (group.empty())
    return op->emitOpError("group must not be empty");
  return success();
}

LogicalResult checkRank(Operation *op, StringRef what, int64_t rank) {
  if (rank < 0)
    return op->emitOpError() << what << " must be >= 0, got " << rank;
  return success();
}

/// Reductions are arithmetic: booleans have no sum in HCCL either.
LogicalResult checkReducible(Operation *op, Value x) {
  if (getElementType(x).isInteger(1))
    return op->emitOpError("cannot reduce booleans (i1)");
  return success();
}

/// `x`'s type with dim 0 scaled by `mul / div`; dim 0 must exist and, when
/// static, divide evenly.
LogicalResult inferDim0(const InferDiag &diag, Value x, int64_t mul,
                        int64_t div, SmallVectorImpl<Type> &inferred) {
  if (mul < 1 || div < 1)
    return diag("rank_size must be >= 1, got ", std::max(mul, div));
  auto shape = shapeOf(x);
  if (!shape) {
    inferred.push_back(UnrankedTensorType::get(getElementType(x)));
    return success();
  }
  if (shape->empty())
    return diag("needs a tensor of rank >= 1 (it splits or joins dim 0)");
  SmallVector<int64_t> out(*shape);
  if (!ShapedType::isDynamic(out[0])) {
    if (out[0] * mul % div != 0)
      return diag("dim 0 (", out[0], ") is not a multiple of rank_size (", div,
                  ")");
    out[0] = out[0] * mul / div;
  }
  inferred.push_back(RankedTensorType::get(out, getElementType(x)));
  return success();
}

} // namespace

LogicalResult
HcomAllReduceOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  return inferSameAsOperand(adaptor.getX(), inferred);
}

LogicalResult HcomAllReduceOp::verify() {
  if (failed(checkReduction(*this, getReduction())) ||
      failed(checkReducible(*this, getX())))
    return failure();
  return checkGroup(*this, getGroup());
}

LogicalResult
HcomAllGatherOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  return inferDim0(diag, adaptor.getX(), adaptor.getRankSize(), 1, inferred);
}

LogicalResult HcomAllGatherOp::verify() {
  return checkGroup(*this, getGroup());
}

LogicalResult HcomReduceScatterOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  return inferDim0(diag, adaptor.getX(), 1, adaptor.getRankSize(), inferred);
}

LogicalResult HcomReduceScatterOp::verify() {
  if (failed(checkReduction(*this, getReduction())) ||
      failed(checkReducible(*this, getX())))
    return failure();
  return checkGroup(*this, getGroup());
}

LogicalResult
HcomBroadcastOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  for (Value x : adaptor.getX())
    inferred.push_back(x.getType());
  return success();
}

LogicalResult HcomBroadcastOp::verify() {
  if (getX().empty())
    return emitOpError("needs at least one tensor to broadcast");
  if (failed(checkRank(*this, "root_rank", getRootRank())))
    return failure();
  return checkGroup(*this, getGroup());
}

LogicalResult HcomSendOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location>, Adaptor,
                                           SmallVectorImpl<Type> &) {
  return success();
}

LogicalResult HcomSendOp::verify() {
  if (failed(checkRank(*this, "dest_rank", getDestRank())) ||
      failed(checkRank(*this, "sr_tag", getSrTag())))
    return failure();
  return checkGroup(*this, getGroup());
}

LogicalResult HcomReceiveOp::inferReturnTypes(MLIRContext *,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &inferred) {
  return inferStaticTensor(InferDiag(loc, getOperationName()),
                           adaptor.getShape(), adaptor.getDtype(), inferred);
}

LogicalResult HcomReceiveOp::verify() {
  if (failed(checkRank(*this, "src_rank", getSrcRank())) ||
      failed(checkRank(*this, "sr_tag", getSrTag())))
    return failure();
  if (!getRuntimeDType(getDtype()))
    return emitOpError("dtype ") << getDtype() << " is not a tensor dtype";
  return checkGroup(*this, getGroup());
}
