//===- OpRegistry.cpp - ONNX op type -> translator lookup -----------------===//
#include "OpTranslators.h"

#include "geflow/Frontend/ONNXImporter.h"

#include "llvm/ADT/StringMap.h"

namespace geflow::frontend {
namespace onnximp {

static const llvm::StringMap<TranslateFn> &getRegistry() {
  static const llvm::StringMap<TranslateFn> registry = [] {
    llvm::StringMap<TranslateFn> map;
    for (llvm::ArrayRef<OpTranslator> family :
         {getElementwiseTranslators(), getActivationTranslators(),
          getConvPoolTranslators(),    getLogicalTranslators(),
          getMatMulTranslators(),      getNormalizationTranslators(),
          getReductionTranslators(),   getShapeTranslators(),
          getSliceConcatTranslators(), getConstantTranslators(),
          getIndexTranslators(),       getLossTranslators(),
          getQuantizeTranslators(),    getIntegerTranslators(),
          getHostWindowTranslators(),  getResizeTranslators(),
          getRecurrentTranslators(),   getControlFlowTranslators(),
          getValueShapedTranslators(), getSignalTranslators(),
          getSequenceTranslators(),    getStringTranslators()}) {
      for (const OpTranslator &entry : family) {
        bool inserted = map.try_emplace(entry.opType, entry.translate).second;
        assert(inserted && "op type translated by two families");
        (void)inserted;
      }
    }
    return map;
  }();
  return registry;
}

TranslateFn lookupTranslator(llvm::StringRef opType) {
  return getRegistry().lookup(opType);
}

TranslateFn lookupPreviewTrainingTranslator(llvm::StringRef opType) {
  for (const OpTranslator &entry : getPreviewTrainingTranslators())
    if (entry.opType == opType)
      return entry.translate;
  return nullptr;
}

} // namespace onnximp

llvm::SmallVector<llvm::StringRef> getSupportedONNXOperators() {
  llvm::SmallVector<llvm::StringRef> ops;
  for (const auto &entry : onnximp::getRegistry())
    ops.push_back(entry.getKey());
  llvm::sort(ops);
  return ops;
}

} // namespace geflow::frontend
