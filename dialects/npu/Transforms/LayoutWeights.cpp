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

/// The bytes of a resource blob weight (dense attributes are uniqued by the
/// context, so equal ones are already the same attribute).
std::optional<StringRef> getBlobBytes(WeightOp op) {
  if (auto resource =
          dyn_cast_or_null<DenseResourceElementsAttr>(op.getValueAttr()))
    if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return StringRef(blob->getData().data(), blob->getData().size());
  return std::nullopt;
}

struct NPULayoutWeightsPass : impl::NPULayoutWeightsBase<NPULayoutWeightsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    llvm::StringMap<BufferAttr> byContent;
    DenseMap<Attribute, BufferAttr> byAttr;
    llvm::StringMap<BufferAttr> bySource;
    uint64_t top = 0;
    WalkResult result = module.walk([&](WeightOp op) {
      if (!op.getValue())
        return WalkResult::advance(); // external: stays in its file
      uint64_t size;
      if (op.getPacked()) {
        size = cast<ShapedType>(op.getValueAttr().getType()).getNumElements() *
               ((cast<ShapedType>(op.getValueAttr().getType())
                     .getElementTypeBitWidth() +
                 7) /
                8);
      } else {
        auto bytes = getStorageBytes(op.getType());
        if (failed(bytes)) {
          op.emitOpError("weight needs a static shape");
          return WalkResult::interrupt();
        }
        size = *bytes;
      }
      // Equal weights share one placement: by attribute identity, or by
      // content for resource blobs. A weight derived from a variable is
      // rewritten on weight update, so it only shares with the same form of
      // the same variable (a packed form belongs to its one kernel task).
      BufferAttr *shared = nullptr;
      auto blob = getBlobBytes(op);
      std::string sourceKey;
      if (auto source = op.getSource()) {
        if (op.getPacked()) {
          op.setPlacementAttr(
              BufferAttr::get(ctx, MemRegion::weight, 0, top, size));
          top = alignUp(top + size);
          return WalkResult::advance();
        }
        llvm::raw_string_ostream os(sourceKey);
        os << *source << ':' << op.getType();
        auto it = bySource.find(sourceKey);
        shared = it == bySource.end() ? nullptr : &it->second;
      } else if (blob) {
        auto it = byContent.find(*blob);
        shared = it == byContent.end() ? nullptr : &it->second;
      } else {
        auto it = byAttr.find(op.getValueAttr());
        shared = it == byAttr.end() ? nullptr : &it->second;
      }
      if (shared && shared->getSize() == size) {
        op.setPlacementAttr(*shared);
        return WalkResult::advance();
      }
      auto buf = BufferAttr::get(ctx, MemRegion::weight, 0, top, size);
      op.setPlacementAttr(buf);
      if (!sourceKey.empty())
        bySource[sourceKey] = buf;
      else if (blob)
        byContent[*blob] = buf;
      else
        byAttr[op.getValueAttr()] = buf;
      top = alignUp(top + size);
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    module.walk([&](ProgramOp program) { program.setWeightsSize(top); });
  }
};

} // namespace
} // namespace geflow::npu
