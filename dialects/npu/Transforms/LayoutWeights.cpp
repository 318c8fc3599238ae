//===- LayoutWeights.cpp - Place weights in one aligned blob --------------===//
#include "dialects/npu/Transforms/Passes.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringMap.h"

namespace geflow::npu {
#define GEN_PASS_DEF_NPULAYOUTWEIGHTS
#include "dialects/npu/Transforms/Passes.h.inc"
} // namespace geflow::npu

using namespace mlir;

namespace geflow::npu {
namespace {

/// The bytes a weight stores, as laid out in the blob.
std::optional<ArrayRef<char>> getWeightBytes(WeightOp op) {
  auto value = op.getValueAttr();
  if (!value)
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    if (dense.isSplat())
      return std::nullopt; // expanded by the serializer; not shared by bytes
    return dense.getRawData();
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return blob->getData();
  return std::nullopt;
}

struct NPULayoutWeightsPass : impl::NPULayoutWeightsBase<NPULayoutWeightsPass> {
  void runOnOperation() override {
    ProgramOp program = getOperation();
    MLIRContext *ctx = &getContext();
    llvm::StringMap<BufferAttr> byContent;
    uint64_t top = 0;
    WalkResult result = program.walk([&](WeightOp op) {
      if (!op.getValue())
        return WalkResult::advance(); // external: stays in its file
      uint64_t size;
      if (op.getPacked()) {
        size = cast<ShapedType>(op.getValueAttr().getType()).getNumElements() *
               ((cast<ShapedType>(op.getValueAttr().getType()).getElementTypeBitWidth() + 7) / 8);
      } else {
        auto bytes = getStorageBytes(op.getType());
        if (failed(bytes)) {
          op.emitOpError("weight needs a static shape");
          return WalkResult::interrupt();
        }
        size = *bytes;
      }
      auto raw = getWeightBytes(op);
      if (raw) {
        auto it = byContent.find(StringRef(raw->data(), raw->size()));
        if (it != byContent.end() && it->second.getSize() == size) {
          op.setPlacementAttr(it->second);
          return WalkResult::advance();
        }
      }
      auto buf = BufferAttr::get(ctx, MemRegion::weight, 0, top, size);
      op.setPlacementAttr(buf);
      if (raw)
        byContent[StringRef(raw->data(), raw->size())] = buf;
      top = alignUp(top + size);
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    program.setWeightsSize(top);
  }
};

} // namespace
} // namespace geflow::npu
