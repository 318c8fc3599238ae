//===- PlaceEngines.cpp - Mixed compute: device or host CPU engine --------===//
#include "dialects/ge/IR/GEUtils.h"
#include "dialects/ge/Transforms/Passes.h"

#include "geflow/SocInfo/OpInfo.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"

namespace geflow::ge {
#define GEN_PASS_DEF_GEPLACEENGINES
#include "dialects/ge/Transforms/Passes.h.inc"
} // namespace geflow::ge

using namespace mlir;

namespace geflow::ge {
namespace {

/// Ops that run as tasks; weights are read by both engines in place.
bool isPlaceable(Operation &op) {
  return isa<GEDialect>(op.getDialect()) && op.getNumResults() > 0 &&
         !isa<ConstOp, FileConstantOp, VariableOp>(op);
}

std::string dtypeList(TypeRange types) {
  SmallVector<std::string> names;
  for (Type t : types) {
    auto d = getRuntimeDType(getElementTypeOrSelf(t));
    names.push_back(d ? std::string(rt::dtypeName(*d)) : "?");
  }
  return llvm::join(names, ", ");
}

/// Why the device cannot run `op`, or nullopt when it can.
std::optional<std::string>
deviceCannotRun(Operation *op, const precision::SocProfile *profile) {
  if (op->hasTrait<traits::HostOnlyKernel>())
    return std::string("no device kernel");
  if (auto d = hostOnlyDType(op))
    return "the device has no " + std::string(rt::dtypeName(*d)) + " kernels";
  if (!profile)
    return std::nullopt;
  const precision::OpInfo *info = profile->lookup(op->getName().stripDialect());
  if (!info || info->numColumns() == 0)
    return std::nullopt;
  std::string ignored;
  auto binding = precision::bindSlots(*info, op->getNumOperands(),
                                      op->getNumResults(), ignored);
  if (!binding)
    return std::nullopt; // not an op-info shape this check can judge
  auto matches = [&](size_t column) {
    auto fits = [&](TypeRange types, ArrayRef<unsigned> slots, bool input) {
      for (auto [type, slot] : llvm::zip(types, slots)) {
        auto d = getRuntimeDType(getElementTypeOrSelf(type));
        if (d && *d != info->dtype(input, slot, column))
          return false;
      }
      return true;
    };
    return fits(op->getOperandTypes(), binding->operandSlot, true) &&
           fits(op->getResultTypes(), binding->resultSlot, false);
  };
  for (size_t c = 0; c < info->numColumns(); ++c)
    if (matches(c))
      return std::nullopt;
  return "the op-info of soc " + profile->name + " has no " + info->type +
         " kernel for (" + dtypeList(op->getOperandTypes()) + " -> " +
         dtypeList(op->getResultTypes()) + ")";
}

struct GEPlaceEnginesPass : impl::GEPlaceEnginesBase<GEPlaceEnginesPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (!mixCompileMode) {
      if (!inOutPair.empty()) {
        func.emitError() << "in_out_pair names ranges for mixed compute; it "
                            "needs mix_compile_mode=true";
        signalPassFailure();
      }
      return;
    }
    std::string error;
    const precision::SocProfile *profile = precision::getSocProfile(soc, error);
    if (!profile) {
      func.emitError() << error;
      return signalPassFailure();
    }
    SmallVector<Operation *> ops;
    for (Operation &op : func.getBody().front())
      if (isPlaceable(op))
        ops.push_back(&op);

    DenseMap<Operation *, std::string> hostReason;
    if (!inOutPair.empty()) {
      auto pairs = parseInOutPairs(inOutPair, error);
      if (!pairs) {
        func.emitError() << "in_out_pair: " << error;
        return signalPassFailure();
      }
      DenseSet<Operation *> inRange;
      for (auto [i, pair] : llvm::enumerate(*pairs))
        if (failed(addRange(func, pair, i, inRange)))
          return signalPassFailure();
      for (Operation *op : ops) {
        bool inside = inRange.contains(op);
        if (inOutPairFlag && !inside)
          hostReason[op] = "outside the in_out_pair ranges "
                           "(in_out_pair_flag=true)";
        else if (!inOutPairFlag && inside)
          hostReason[op] = "inside an in_out_pair range "
                           "(in_out_pair_flag=false)";
      }
    }
    // What the device cannot run stays on the host whatever the ranges say.
    for (Operation *op : ops)
      if (auto why = deviceCannotRun(op, profile))
        hostReason[op] = *why;

    Builder b(func.getContext());
    for (Operation *op : ops) {
      auto it = hostReason.find(op);
      if (it == hostReason.end()) {
        op->removeAttr(GEDialect::kEngineAttr);
        op->removeAttr(GEDialect::kEngineReasonAttr);
        continue;
      }
      op->setAttr(GEDialect::kEngineAttr, b.getStringAttr("host"));
      op->setAttr(GEDialect::kEngineReasonAttr, b.getStringAttr(it->second));
    }
  }

  /// Adds the ops of `pair` to `range`: reachable from an in node and
  /// reaching an out node. Names folded away by earlier passes are skipped
  /// (the compile checked every name against the imported graph); a side
  /// with none of its names left is an error.
  LogicalResult addRange(func::FuncOp func, const InOutPair &pair, size_t index,
                         DenseSet<Operation *> &range) {
    Block &body = func.getBody().front();
    auto named = [](Operation &op, ArrayRef<std::string> names) {
      for (StringRef n : nodeNames(op.getLoc()))
        if (llvm::is_contained(names, n.str()))
          return true;
      return false;
    };
    SmallVector<Operation *> work;
    DenseSet<Operation *> forward, backward;
    auto push = [&](Operation *op, DenseSet<Operation *> &set) {
      if (set.insert(op).second)
        work.push_back(op);
    };
    bool anyIn = false, anyOut = false;
    for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
      auto name = func.getArgAttrOfType<StringAttr>(i, "ge.name");
      if (name && llvm::is_contained(pair.inNodes, name.str())) {
        anyIn = true;
        for (Operation *user : arg.getUsers())
          push(user, forward);
      }
    }
    for (Operation &op : body)
      if (named(op, pair.inNodes)) {
        anyIn = true;
        push(&op, forward);
      }
    while (!work.empty()) {
      Operation *op = work.pop_back_val();
      for (Operation *user : op->getUsers())
        push(user, forward);
    }
    for (Operation &op : body)
      if (named(op, pair.outNodes)) {
        anyOut = true;
        push(&op, backward);
      }
    while (!work.empty()) {
      Operation *op = work.pop_back_val();
      for (Value v : op->getOperands())
        if (Operation *def = v.getDefiningOp())
          push(def, backward);
    }
    auto list = [](ArrayRef<std::string> names) {
      return "'" + llvm::join(names, "', '") + "'";
    };
    if (!anyIn || !anyOut)
      return func.emitError()
             << "in_out_pair " << index << ": none of its "
             << (anyIn ? "out" : "in") << " nodes "
             << list(anyIn ? pair.outNodes : pair.inNodes)
             << " is an op or input of graph '" << func.getSymName() << "'";
    bool empty = true;
    for (Operation *op : forward)
      if (backward.contains(op)) {
        range.insert(op);
        empty = false;
      }
    if (empty)
      return func.emitError()
             << "in_out_pair " << index << " is empty: no out node "
             << list(pair.outNodes) << " is reached from the in nodes "
             << list(pair.inNodes);
    return success();
  }
};

} // namespace
} // namespace geflow::ge
