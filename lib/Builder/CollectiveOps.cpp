//===- CollectiveOps.cpp - The graph builder's collectives (GE Hcom*) -----===//
#include "BuilderImpl.h"

#include "dialects/ge/IR/GEUtils.h"

using namespace mlir;

namespace geflow {

rt::StatusOr<Value> GraphBuilder::hcomAllGather(Value x, int64_t rankSize,
                                                const std::string &group,
                                                const OpLoc &loc) {
  GEFLOW_RETURN_IF_ERROR(impl_->checkOperand(x, "x", "HcomAllGather"));
  return impl_->create1<ge::HcomAllGatherOp>(loc, x, rankSize, group);
}

rt::StatusOr<Value>
GraphBuilder::hcomReduceScatter(Value x, int64_t rankSize,
                                const std::string &reduction,
                                const std::string &group, const OpLoc &loc) {
  GEFLOW_RETURN_IF_ERROR(impl_->checkOperand(x, "x", "HcomReduceScatter"));
  return impl_->create1<ge::HcomReduceScatterOp>(
      loc, x, rankSize, reduction, group, /*fusion=*/1, /*fusion_id=*/-1);
}

rt::StatusOr<std::vector<Value>>
GraphBuilder::hcomBroadcast(const std::vector<Value> &xs, int64_t rootRank,
                            const std::string &group, const OpLoc &loc) {
  if (xs.empty())
    return rt::invalidArgument("HcomBroadcast needs at least one tensor");
  for (size_t i = 0; i < xs.size(); ++i)
    GEFLOW_RETURN_IF_ERROR(
        impl_->checkOperand(xs[i], "x" + std::to_string(i), "HcomBroadcast"));
  return impl_->create<ge::HcomBroadcastOp>(loc, xs.size(), ValueRange(xs),
                                            rootRank, group, /*fusion=*/0,
                                            /*fusion_id=*/-1);
}

Status GraphBuilder::hcomSend(Value x, int64_t destRank, int64_t srTag,
                              const std::string &group, const OpLoc &loc) {
  GEFLOW_RETURN_IF_ERROR(impl_->checkOperand(x, "x", "HcomSend"));
  auto created =
      impl_->create<ge::HcomSendOp>(loc, 0, x, destRank, srTag, group);
  return created.ok() ? Status::OK() : created.status();
}

rt::StatusOr<Value> GraphBuilder::hcomReceive(const std::vector<int64_t> &shape,
                                              DType dtype, int64_t srcRank,
                                              int64_t srTag,
                                              const std::string &group,
                                              const OpLoc &loc) {
  return impl_->create1<ge::HcomReceiveOp>(
      loc, srcRank, srTag, ArrayRef<int64_t>(shape),
      ge::getElementType(&graph_.context(), dtype), group);
}

} // namespace geflow
