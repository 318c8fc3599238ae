//===- ApplyPrecision.cpp - GE precision modes: dtypes per op, casts ------===//
//
// Takes each op's dtypes from the graph's precision decisions
// (Precision/GraphDecisions.h) and rewrites the graph: new element types in
// place, casts where a value's dtype differs from what its consumer runs in,
// constants converted at compile time.
//
//===----------------------------------------------------------------------===//
#include "dialects/ge/IR/GEOps.h"
#include "dialects/ge/IR/GEUtils.h"
#include "dialects/ge/Transforms/Passes.h"
#include "dialects/ge/Transforms/Precision/ConvertConstant.h"
#include "dialects/ge/Transforms/Precision/GraphDecisions.h"

#include "mlir/IR/TypeUtilities.h"

namespace geflow::ge {
#define GEN_PASS_DEF_GEAPPLYPRECISION
#include "dialects/ge/Transforms/Passes.h.inc"
} // namespace geflow::ge

using namespace mlir;
using namespace geflow::ge::precision;

namespace geflow::ge {
namespace {

constexpr StringLiteral kDecisionAttr = GEDialect::kPrecisionAttr;

Type withElementType(Type type, Type element) {
  if (auto ranked = dyn_cast<RankedTensorType>(type))
    return RankedTensorType::get(ranked.getShape(), element,
                                 ranked.getEncoding());
  return UnrankedTensorType::get(element);
}

/// Rewrites a graph to its decided dtypes.
class PrecisionRewriter {
public:
  PrecisionRewriter(func::FuncOp func, const GraphDecider &decisions,
                    PrecisionStats &stats)
      : func_(func), decisions_(decisions), stats_(stats) {}

  void rewrite();

private:
  Value convert(Value v, Type element);

  func::FuncOp func_;
  const GraphDecider &decisions_;
  PrecisionStats &stats_;
  DenseMap<Value, Type> original_;
  DenseMap<std::pair<Value, Type>, Value> converted_;
};

Value PrecisionRewriter::convert(Value v, Type element) {
  if (getElementTypeOrSelf(v.getType()) == element)
    return v;
  auto key = std::make_pair(v, element);
  if (auto it = converted_.find(key); it != converted_.end())
    return it->second;
  Type type = withElementType(v.getType(), element);
  OpBuilder b(func_.getContext());
  Operation *def = v.getDefiningOp();
  if (def)
    b.setInsertionPointAfter(def);
  else
    b.setInsertionPointToStart(&func_.getBody().front());
  Value result;
  // A constant is converted now instead of on every run.
  if (auto cst = dyn_cast_or_null<ConstOp>(def)) {
    std::string name =
        "precision_" +
        std::string(rt::dtypeShortName(*getRuntimeDType(element)));
    auto value =
        convertFloatConstant(cst.getValue(), cast<FloatType>(element), name);
    if (succeeded(value)) {
      result = ConstOp::create(b, cst.getLoc(), type, *value).getResult();
      ++stats_.constants;
    }
  }
  // cast(cast(x: A -> B) -> A) is x when B holds every value of A.
  if (auto cast = dyn_cast_or_null<CastOp>(def); !result && cast) {
    Type source = getElementTypeOrSelf(cast.getX().getType());
    auto sourceWidth =
        source.isIntOrFloat() ? source.getIntOrFloatBitWidth() : 0;
    if (source == element && isa<FloatType>(source) &&
        getElementTypeOrSelf(v.getType()).isF32() && sourceWidth == 16) {
      result = cast.getX();
      ++stats_.cancelled;
    }
  }
  if (!result) {
    std::string producer = def ? (nodeNames(def->getLoc()).empty()
                                      ? def->getName().stripDialect().str()
                                      : nodeNames(def->getLoc()).front().str())
                               : valueLabel(v);
    auto loc = NameLoc::get(b.getStringAttr(producer + "/Cast_" +
                                            std::string(rt::dtypeShortName(
                                                *getRuntimeDType(element)))),
                            v.getLoc());
    result =
        CastOp::create(b, loc, type, v, TypeAttr::get(element)).getResult();
    ++stats_.casts;
  }
  converted_[key] = result;
  return result;
}

void PrecisionRewriter::rewrite() {
  Block &body = func_.getBody().front();
  for (BlockArgument arg : body.getArguments())
    original_[arg] = arg.getType();
  SmallVector<Operation *> ops;
  for (Operation &op : body) {
    ops.push_back(&op);
    for (Value r : op.getResults())
      original_[r] = r.getType();
  }
  MLIRContext *ctx = func_.getContext();
  for (Operation *op : ops) {
    const Decision *decision = decisions_.lookup(op);
    if (!decision) {
      // A graph Cast converts whatever it gets; everything else sees the
      // dtypes of the original graph.
      if (isa<CastOp>(op))
        continue;
      for (OpOperand &use : op->getOpOperands()) {
        Type want = getElementTypeOrSelf(original_.lookup(use.get()));
        if (want && getElementTypeOrSelf(use.get().getType()) != want)
          use.set(convert(use.get(), want));
      }
      continue;
    }
    const Decision &d = *decision;
    for (OpOperand &use : op->getOpOperands()) {
      Type want =
          getElementType(ctx, d.choice.operands[use.getOperandNumber()]);
      use.set(convert(use.get(), want));
    }
    for (OpResult r : op->getResults())
      r.setType(withElementType(
          r.getType(),
          getElementType(ctx, d.choice.results[r.getResultNumber()])));
    op->setAttr(kDecisionAttr, StringAttr::get(ctx, d.text));
  }
  // Constants and casts left without users (replaced by converted ones).
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isa<ConstOp, CastOp>(op) && op.use_empty())
      op.erase();
}

struct GEApplyPrecisionPass : impl::GEApplyPrecisionBase<GEApplyPrecisionPass> {
  using Base::Base;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    GraphConfig config;
    const SocProfile *profile = nullptr;
    if (failed(readGraphConfig(func, config, profile)))
      return signalPassFailure();
    GraphDecider decisions(func, config, *profile);
    PrecisionStats stats;
    if (failed(decisions.decideAll(stats)))
      return signalPassFailure();
    PrecisionRewriter(func, decisions, stats).rewrite();
    if (printDecisions)
      decisions.printTable(stats);
  }
};

} // namespace
} // namespace geflow::ge
