//===- SizeLimits.cpp - Memory bounds of a compile ------------------------===//
#include "SizeLimits.h"

#include "dialects/npu/IR/NPUOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace geflow {

SizeLimits getSizeLimits(const CompileConfig &config) {
  return {config.graphMemoryMaxSize, config.constantMaxSize};
}

std::optional<uint64_t> staticTensorBytes(Type type, bool *overflow) {
  *overflow = false;
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.getElementType().isIntOrFloat())
    return std::nullopt;
  if (llvm::is_contained(tensor.getShape(), 0))
    return 0; // empty, whatever the other dims
  uint64_t bytes = (tensor.getElementType().getIntOrFloatBitWidth() + 7) / 8;
  for (int64_t d : tensor.getShape()) {
    if (ShapedType::isDynamic(d) || d < 0)
      continue;
    bool wrapped = false;
    bytes = llvm::SaturatingMultiply(bytes, static_cast<uint64_t>(d), &wrapped);
    if (wrapped) {
      *overflow = true;
      return std::nullopt;
    }
  }
  return bytes;
}

static std::string describe(uint64_t bytes, bool overflow) {
  return overflow ? std::string("more than 2^64 bytes")
                  : std::to_string(bytes) + " bytes";
}

static LogicalResult checkValue(Operation *op, Type type, StringRef what,
                                const SizeLimits &limits) {
  bool overflow = false;
  std::optional<uint64_t> bytes = staticTensorBytes(type, &overflow);
  if (!overflow && (!bytes || *bytes <= limits.graphMemory))
    return success();
  return emitError(op->getLoc())
         << op->getName() << " " << what << " of type " << type << " has "
         << describe(bytes.value_or(0), overflow)
         << ", more than graph_memory_max_size (" << limits.graphMemory
         << " bytes)";
}

static LogicalResult checkConstant(Operation *op, ElementsAttr value,
                                   const SizeLimits &limits) {
  bool overflow = false;
  std::optional<uint64_t> bytes = staticTensorBytes(value.getType(), &overflow);
  if (!overflow && (!bytes || *bytes <= limits.constant))
    return success();
  return emitError(op->getLoc())
             << "constant of type " << value.getType() << " has "
             << describe(bytes.value_or(0), overflow)
             << ", more than constant_max_size (" << limits.constant
             << " bytes); a constant that large would be materialized in the "
                ".gfm's weights",
         failure();
}

LogicalResult checkTensorSizes(ModuleOp module, const SizeLimits &limits) {
  WalkResult walk = module.walk([&](Operation *op) {
    for (NamedAttribute attr : op->getAttrs())
      if (auto value = dyn_cast<ElementsAttr>(attr.getValue()))
        if (failed(checkConstant(op, value, limits)))
          return WalkResult::interrupt();
    for (auto [i, result] : llvm::enumerate(op->getResults()))
      if (failed(checkValue(op, result.getType(), "result " + std::to_string(i),
                            limits)))
        return WalkResult::interrupt();
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          if (failed(checkValue(
                  op, arg.getType(),
                  "argument " + std::to_string(arg.getArgNumber()), limits)))
            return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

LogicalResult checkPlannedSizes(ModuleOp module, const SizeLimits &limits) {
  for (npu::ProgramOp program : module.getOps<npu::ProgramOp>()) {
    uint64_t arena = program.getArenaSize(), weights = program.getWeightsSize();
    if (arena > limits.graphMemory)
      return emitError(program.getLoc())
             << "the planned arena has " << arena
             << " bytes, more than graph_memory_max_size ("
             << limits.graphMemory << " bytes)";
    if (weights > limits.graphMemory)
      return emitError(program.getLoc())
             << "the weights have " << weights
             << " bytes, more than graph_memory_max_size ("
             << limits.graphMemory << " bytes)";
  }
  return success();
}

} // namespace geflow
