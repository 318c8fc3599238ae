//===- GEControlFlowOps.cpp - If, While, ControlCall verifiers ------------===//
#include "dialects/ge/IR/GEOpUtils.h"

using namespace mlir;
using namespace geflow::ge;

namespace {

/// The region's terminator as a ge.Yield, or an error naming the region.
FailureOr<YieldOp> getYield(Operation *op, Region &region, StringRef name) {
  auto yield = dyn_cast<YieldOp>(region.front().getTerminator());
  if (!yield)
    return op->emitOpError() << "region '" << name << "' must end in ge.Yield",
           failure();
  return yield;
}

/// A one-element boolean tensor: a condition.
bool isCondition(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  return t && t.getElementType().isInteger(1) && t.hasStaticShape() &&
         t.getNumElements() == 1;
}

LogicalResult checkArguments(Operation *op, Region &region, StringRef name,
                             TypeRange types) {
  Block &block = region.front();
  if (block.getArgumentTypes() != types)
    return op->emitOpError()
           << "region '" << name << "' takes (" << block.getArgumentTypes()
           << ") but the carried values are (" << types << ")";
  return success();
}

} // namespace

LogicalResult IfOp::verifyRegions() {
  if (!isCondition(getCond().getType()))
    return emitOpError() << "condition must be a one-element boolean tensor, "
                            "not "
                         << getCond().getType();
  for (auto [region, name] :
       {std::pair<Region *, StringRef>(&getThenBranch(), "then_branch"),
        {&getElseBranch(), "else_branch"}}) {
    FailureOr<YieldOp> yield = getYield(*this, *region, name);
    if (failed(yield))
      return failure();
    if (yield->getValues().getTypes() != getResultTypes())
      return emitOpError() << "region '" << name << "' yields ("
                           << yield->getValues().getTypes()
                           << ") but the results are (" << getResultTypes()
                           << ")";
  }
  return success();
}

LogicalResult WhileOp::verifyRegions() {
  TypeRange carried = getInputs().getTypes();
  if (getNumResults() < carried.size())
    return emitOpError() << "has " << getNumResults() << " results for "
                         << carried.size() << " carried values";
  if (failed(checkArguments(*this, getCond(), "cond", carried)) ||
      failed(checkArguments(*this, getBody(), "body", carried)))
    return failure();
  FailureOr<YieldOp> condYield = getYield(*this, getCond(), "cond");
  FailureOr<YieldOp> bodyYield = getYield(*this, getBody(), "body");
  if (failed(condYield) || failed(bodyYield))
    return failure();
  if (condYield->getValues().size() != 1 ||
      !isCondition(condYield->getValues().front().getType()))
    return emitOpError("region 'cond' must yield one one-element boolean "
                       "tensor");
  TypeRange yielded = bodyYield->getValues().getTypes();
  if (yielded.size() != getNumResults())
    return emitOpError() << "region 'body' yields " << yielded.size()
                         << " values for " << getNumResults() << " results";
  for (unsigned i = 0; i < carried.size(); ++i) {
    if (yielded[i] != carried[i])
      return emitOpError() << "carried value " << i << " enters as "
                           << carried[i] << " but the body yields "
                           << yielded[i]
                           << " (a carried value keeps its type across "
                              "iterations)";
    if (getResult(i).getType() != carried[i])
      return emitOpError() << "result " << i << " has type "
                           << getResult(i).getType() << " but carried value "
                           << i << " is " << carried[i];
  }
  for (unsigned i = carried.size(); i < yielded.size(); ++i) {
    auto each = cast<RankedTensorType>(yielded[i]);
    auto stacked = dyn_cast<RankedTensorType>(getResult(i).getType());
    if (!stacked || stacked.getRank() != each.getRank() + 1 ||
        stacked.getElementType() != each.getElementType() ||
        stacked.getShape().drop_front() != each.getShape())
      return emitOpError() << "result " << i << " has type "
                           << getResult(i).getType() << " but stacking the "
                           << each << " the body yields per iteration gives "
                           << "tensor<?x...>";
  }
  return success();
}

LogicalResult ControlCallOp::verify() {
  ArrayRef<int64_t> subgraphs = getSubgraphs();
  if (getKind() != "If" && getKind() != "While")
    return emitOpError() << "kind must be \"If\" or \"While\", not \""
                         << getKind() << "\"";
  if (subgraphs.size() != 2 ||
      llvm::any_of(subgraphs, [](int64_t s) { return s < 0; }))
    return emitOpError("needs two subgraph indices");
  if (getKind() == "If") {
    if (getInputs().empty() || !isCondition(getInputs().front().getType()))
      return emitOpError("an If's first operand is its one-element boolean "
                         "condition");
    return success();
  }
  int64_t carried = getNumCarried();
  if (carried < 0 || carried > static_cast<int64_t>(getInputs().size()) ||
      carried > static_cast<int64_t>(getNumResults()))
    return emitOpError() << "num_carried " << carried << " exceeds the "
                         << getInputs().size() << " operands or "
                         << getNumResults() << " results";
  for (int64_t i = 0; i < carried; ++i)
    if (getInputs()[i].getType() != getResult(i).getType())
      return emitOpError() << "carried value " << i << " enters as "
                           << getInputs()[i].getType() << " but leaves as "
                           << getResult(i).getType();
  return success();
}
