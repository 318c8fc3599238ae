//===- RulesIndex.cpp - Gathers of elements and arg reductions ------------===//
#include "KernelRules.h"

#include "dialects/ge/IR/GEOps.h"
#include "dialects/ge/IR/GEShapes.h"

using namespace mlir;

namespace geflow::conversion {
namespace {

int64_t rankOf(Value v) { return cast<RankedTensorType>(v.getType()).getRank(); }

template <typename ArgOp>
KernelRule argReduce(const char *kernel) {
  return [kernel](Operation *op, KernelLowering &out) -> LogicalResult {
    auto a = cast<ArgOp>(op);
    out.kernel = kernel;
    out.attrs.set("axis", *ge::shapes::normalizeAxis(
                              static_cast<int64_t>(a.getDimension()), rankOf(a.getX())));
    out.inputs = {a.getX()};
    return success();
  };
}

} // namespace

void addIndexRules(RuleTable &rules) {
  rules["ge.GatherElements"] = [](Operation *op, KernelLowering &out) -> LogicalResult {
    auto g = cast<ge::GatherElementsOp>(op);
    out.kernel = "gather_elements";
    out.attrs.set("axis", *ge::shapes::normalizeAxis(static_cast<int64_t>(g.getDim()),
                                                     rankOf(g.getX())));
    out.inputs = {g.getX(), g.getIndex()};
    return success();
  };
  rules["ge.ArgMaxD"] = argReduce<ge::ArgMaxDOp>("arg_max");
  rules["ge.ArgMinD"] = argReduce<ge::ArgMinDOp>("arg_min");
}

} // namespace geflow::conversion
