//===- BindOutputs.cpp - Write program results straight to output slots --===//
#include "dialects/npu/Transforms/Passes.h"
#include "dialects/npu/Transforms/TaskGraph.h"

#include "llvm/ADT/DenseSet.h"

namespace geflow::npu {
#define GEN_PASS_DEF_NPUBINDOUTPUTS
#include "dialects/npu/Transforms/Passes.h.inc"
} // namespace geflow::npu

using namespace mlir;

namespace geflow::npu {
namespace {

// The single-result task that produced `root`, or null when the value is a
// program input, a weight, or comes from something that cannot be retargeted.
Operation *getRetargetableProducer(Value root) {
  Operation *def = root.getDefiningOp();
  if (auto k = dyn_cast_or_null<KernelOp>(def))
    return k.getElided() || k.getOutputs() || k.getOnHost() ? nullptr : def;
  if (auto m = dyn_cast_or_null<MemcpyOp>(def))
    return m.getPlacement() ? nullptr : def;
  return nullptr;
}

BufferAttr outputSlot(MLIRContext *ctx, unsigned slot, Type type) {
  uint64_t bytes = getStorageBytes(type).value_or(0);
  return BufferAttr::get(ctx, MemRegion::output, slot, 0, bytes);
}

struct NPUBindOutputsPass : impl::NPUBindOutputsBase<NPUBindOutputsPass> {
  void runOnOperation() override {
    ProgramOp program = getOperation();
    auto ret = cast<ReturnOp>(program.getBody().front().getTerminator());
    MLIRContext *ctx = &getContext();
    DenseSet<Value> bound;
    for (auto [slot, value] : llvm::enumerate(ret.getOperands())) {
      Value root = getRootBuffer(value);
      Operation *producer = getRetargetableProducer(root);
      // A view with a different byte size cannot stand for the output, and a
      // buffer can only fill one slot.
      bool sameBytes = getStorageBytes(root.getType()).value_or(0) ==
                       getStorageBytes(value.getType()).value_or(1);
      if (producer && sameBytes && !bound.contains(root) &&
          producer->getNumResults() == 1) {
        bind(producer, outputSlot(ctx, slot, root.getType()));
        bound.insert(root);
        continue;
      }
      // Copy into the slot right before the return.
      OpBuilder b(ret);
      auto copy = MemcpyOp::create(b, ret.getLoc(), value.getType(), value,
                                   /*stream=*/nullptr,
                                   outputSlot(ctx, slot, value.getType()),
                                   /*direction=*/nullptr);
      ret->setOperand(slot, copy.getResult());
    }
  }

  void bind(Operation *producer, BufferAttr slot) {
    if (auto k = dyn_cast<KernelOp>(producer))
      k.setOutputsAttr(ArrayAttr::get(&getContext(), {slot}));
    else
      cast<MemcpyOp>(producer).setPlacementAttr(slot);
  }
};

} // namespace
} // namespace geflow::npu
