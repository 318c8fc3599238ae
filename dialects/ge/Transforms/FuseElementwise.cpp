//===- FuseElementwise.cpp - Group elementwise chains (UB fusion) ---------===//
#include "dialects/ge/IR/ElementwiseSpec.h"
#include "dialects/ge/IR/GEUtils.h"
#include "dialects/ge/Transforms/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SetVector.h"

namespace geflow::ge {
#define GEN_PASS_DEF_GEFUSEELEMENTWISE
#include "dialects/ge/Transforms/Passes.h.inc"
} // namespace geflow::ge

using namespace mlir;

namespace geflow::ge {
namespace {

bool isScalarConstant(Operation *op) {
  auto cst = dyn_cast_or_null<ConstOp>(op);
  if (!cst)
    return false;
  auto type = cast<ShapedType>(cst.getType());
  return type.hasStaticShape() && type.getNumElements() == 1 &&
         isa<FloatType>(type.getElementType());
}

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}

/// A candidate group: ops in block order, and the values it reads from outside.
struct Group {
  SmallVector<Operation *> ops;
  SetVector<Value> inputs;
};

/// Most values alive at once among the group's intermediates (each needs a
/// register); the root writes the output directly.
int64_t registerPressure(const Group &g) {
  DenseMap<Operation *, int64_t> position;
  for (auto [i, op] : llvm::enumerate(g.ops))
    position[op] = i;
  int64_t peak = 0;
  for (size_t i = 0; i + 1 < g.ops.size(); ++i) {
    int64_t live = 0;
    for (size_t j = 0; j <= i; ++j) {
      Operation *def = g.ops[j];
      bool usedLater = llvm::any_of(def->getUsers(), [&](Operation *u) {
        auto it = position.find(u);
        return it != position.end() && it->second > static_cast<int64_t>(i);
      });
      live += usedLater;
    }
    peak = std::max(peak, live);
  }
  return peak;
}

struct GEFuseElementwisePass
    : impl::GEFuseElementwiseBase<GEFuseElementwisePass> {
  using Base::Base;

  void runOnOperation() override {
    Block &block = getOperation().getBody().front();
    SmallVector<Operation *> ops;
    for (Operation &op : block)
      ops.push_back(&op);
    DenseSet<Operation *> taken;
    for (Operation *root : llvm::reverse(ops)) {
      // Host-engine dtypes (f64, i16, ...) run op by op on host kernels.
      if (taken.contains(root) || !getElementwiseSpec(root) ||
          hostOnlyDType(root) || root->getNumResults() != 1)
        continue;
      auto type = dyn_cast<RankedTensorType>(root->getResult(0).getType());
      if (!type || !type.hasStaticShape())
        continue;
      SetVector<Operation *> members = grow(root, taken);
      if (members.size() < 2)
        continue;
      Group group = order(members, block);
      if (group.inputs.size() > kernels::kEwMaxInputs ||
          registerPressure(group) > kernels::kEwMaxRegs)
        continue;
      for (Operation *op : members)
        taken.insert(op);
      build(root, group);
    }
  }

  // Pulls producers into the group while their results feed only the group.
  SetVector<Operation *> grow(Operation *root,
                              const DenseSet<Operation *> &taken) {
    SetVector<Operation *> members;
    members.insert(root);
    ArrayRef<int64_t> shape = shapeOf(root->getResult(0));
    SmallVector<Operation *> worklist = {root};
    while (!worklist.empty()) {
      Operation *m = worklist.pop_back_val();
      for (Value v : m->getOperands()) {
        Operation *p = v.getDefiningOp();
        if (!p || members.contains(p) || taken.contains(p) ||
            isScalarConstant(p))
          continue;
        if (static_cast<int64_t>(members.size()) >= maxOps ||
            p->getNumResults() != 1 || !getElementwiseSpec(p) ||
            hostOnlyDType(p) || shapeOf(p->getResult(0)) != shape ||
            !sameEngine(p, root))
          continue;
        if (!llvm::all_of(p->getUsers(),
                          [&](Operation *u) { return members.contains(u); }))
          continue;
        members.insert(p);
        worklist.push_back(p);
      }
    }
    return members;
  }

  Group order(const SetVector<Operation *> &members, Block &block) {
    Group g;
    for (Operation &op : block)
      if (members.contains(&op))
        g.ops.push_back(&op);
    for (Operation *op : g.ops)
      for (Value v : op->getOperands())
        if (!members.contains(v.getDefiningOp()) &&
            !isScalarConstant(v.getDefiningOp()))
          g.inputs.insert(v);
    return g;
  }

  void build(Operation *root, const Group &group) {
    OpBuilder b(root);
    // The root names the fused op; the members follow in block order, so
    // profiles and dumps list every op the fused kernel computes.
    SmallVector<Location> locs = {root->getLoc()};
    for (Operation *op : group.ops)
      if (op != root)
        locs.push_back(op->getLoc());
    auto fused = FusedElementwiseOp::create(b, b.getFusedLoc(locs),
                                            root->getResultTypes(),
                                            group.inputs.getArrayRef());
    // The group runs where its ops were placed (all on one engine).
    for (StringLiteral name :
         {GEDialect::kEngineAttr, GEDialect::kEngineReasonAttr})
      if (Attribute a = root->getAttr(name))
        fused->setAttr(name, a);
    Block &body = fused.getBody().front();
    IRMapping map;
    for (auto [in, arg] : llvm::zip(group.inputs, body.getArguments()))
      map.map(in, arg);
    OpBuilder inner = OpBuilder::atBlockEnd(&body);
    for (Operation *op : group.ops) {
      for (Value v : op->getOperands())
        if (!map.contains(v) && isScalarConstant(v.getDefiningOp()))
          map.map(v, inner.clone(*v.getDefiningOp())->getResult(0));
      inner.clone(*op, map);
    }
    YieldOp::create(inner, root->getLoc(), map.lookup(root->getResult(0)));
    root->getResult(0).replaceAllUsesWith(fused.getResult(0));
    for (Operation *op : llvm::reverse(group.ops))
      op->erase();
  }
};

} // namespace
} // namespace geflow::ge
