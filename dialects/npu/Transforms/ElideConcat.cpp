//===- ElideConcat.cpp - Free concats through contiguous placement --------===//
#include "dialects/npu/Transforms/Passes.h"
#include "dialects/npu/Transforms/TaskGraph.h"

#include "llvm/ADT/DenseSet.h"

namespace geflow::npu {
#define GEN_PASS_DEF_NPUELIDECONCAT
#include "dialects/npu/Transforms/Passes.h.inc"
} // namespace geflow::npu

using namespace mlir;

namespace geflow::npu {
namespace {

// Every dim before `axis` is 1, so each input is one contiguous slice of the
// result.
bool slicesAreContiguous(RankedTensorType type, int64_t axis) {
  for (int64_t d = 0; d < axis; ++d)
    if (type.getDimSize(d) != 1)
      return false;
  return !type.getEncoding();
}

struct NPUElideConcatPass : impl::NPUElideConcatBase<NPUElideConcatPass> {
  void runOnOperation() override {
    DenseSet<Value> claimed; // buffers already placed inside an elided concat
    getOperation().walk([&](KernelOp op) {
      // Host-engine concats run as they are (their slices would be host
      // memory, which the planner places apart).
      if (op.getKernel() != "concat" || op.getElided() || op.getOutputs() ||
          op.getNumResults() != 1 || op.getOnHost())
        return;
      auto type = dyn_cast<RankedTensorType>(op.getResult(0).getType());
      auto axisAttr = op.getKernelAttrs().getAs<IntegerAttr>("axis");
      if (!type || !axisAttr)
        return;
      int64_t axis = axisAttr.getInt();
      if (axis < 0)
        axis += type.getRank();
      if (!slicesAreContiguous(type, axis))
        return;
      DenseSet<Value> seen;
      for (Value in : op.getInputs()) {
        // The input must be a fresh buffer written by one task of ours.
        Operation *def = in.getDefiningOp();
        bool ownBuffer = isa_and_nonnull<KernelOp, MemcpyOp>(def) &&
                         def->getNumResults() == 1;
        if (auto k = dyn_cast_or_null<KernelOp>(def))
          ownBuffer &= !k.getElided() && !k.getOutputs();
        if (auto m = dyn_cast_or_null<MemcpyOp>(def))
          ownBuffer &= !m.getPlacement();
        if (!ownBuffer || claimed.contains(in) || !seen.insert(in).second ||
            cast<RankedTensorType>(in.getType()).getEncoding())
          return;
      }
      claimed.insert_range(op.getInputs());
      op.setElided(true);
    });
  }
};

} // namespace
} // namespace geflow::npu
