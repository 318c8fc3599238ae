//===- InsertEngineCopies.cpp - Host <-> device copies for mixed compute --===//
#include "dialects/npu/Transforms/Passes.h"

#include "llvm/ADT/DenseMap.h"

namespace geflow::npu {
#define GEN_PASS_DEF_NPUINSERTENGINECOPIES
#include "dialects/npu/Transforms/Passes.h.inc"
} // namespace geflow::npu

using namespace mlir;

namespace geflow::npu {
namespace {

/// "memcpy_d2h:conv1": the copy named after the value it moves.
Location copyLoc(Value v, bool toHost) {
  MLIRContext *ctx = v.getContext();
  std::string from = "input";
  Location loc = v.getLoc();
  if (auto named = dyn_cast<NameLoc>(loc))
    from = named.getName().str();
  else if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location l : fused.getLocations())
      if (auto n = dyn_cast<NameLoc>(l)) {
        from = n.getName().str();
        break;
      }
  return NameLoc::get(
      StringAttr::get(ctx, (toHost ? "memcpy_d2h:" : "memcpy_h2d:") + from),
      loc);
}

bool isWeight(Value v) {
  while (auto alias = v.getDefiningOp<AliasOp>())
    v = alias.getSource();
  return isa_and_nonnull<WeightOp>(v.getDefiningOp());
}

struct NPUInsertEngineCopiesPass
    : impl::NPUInsertEngineCopiesBase<NPUInsertEngineCopiesPass> {
  void runOnOperation() override {
    ProgramOp program = getOperation();
    Block &body = program.getBody().front();
    bool anyHost =
        llvm::any_of(body, [](Operation &op) { return isHostTask(&op); });
    if (!anyHost)
      return;
    // One copy per value and direction.
    DenseMap<Value, Value> toHostCopies, toDeviceCopies;
    auto copyOf = [&](Value v, bool toHost) -> Value {
      DenseMap<Value, Value> &copies = toHost ? toHostCopies : toDeviceCopies;
      if (Value c = copies.lookup(v))
        return c;
      OpBuilder b(program.getContext());
      if (Operation *def = v.getDefiningOp())
        b.setInsertionPointAfter(def);
      else
        b.setInsertionPointToStart(&body);
      auto copy = MemcpyOp::create(
          b, copyLoc(v, toHost), v.getType(), v, /*stream=*/nullptr,
          /*placement=*/nullptr,
          b.getStringAttr(toHost ? "device_to_host" : "host_to_device"));
      copies[v] = copy.getResult();
      return copy.getResult();
    };
    SmallVector<Operation *> readers;
    for (Operation &op : body)
      if (isTask(&op) || isa<ReturnOp>(op) ||
          (isa<KernelOp>(op) && cast<KernelOp>(op).getElided()))
        readers.push_back(&op);
    for (Operation *op : readers) {
      // Returned values go to output slots: device memory.
      bool wantsHost = isHostTask(op);
      for (OpOperand &use : op->getOpOperands()) {
        Value v = use.get();
        if (isWeight(v) || isInHostMemory(v) == wantsHost)
          continue;
        use.set(copyOf(v, wantsHost));
      }
    }
  }
};

} // namespace
} // namespace geflow::npu
