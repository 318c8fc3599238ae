//===- OpTranslators.h - ONNX op type -> translator table -------*- C++ -*-===//
//
// One translator function per ONNX op type (default domain), grouped by
// family in the *Ops.cpp files. Each family exposes its table slice; the
// registry joins them for lookup by op type. The optimizers of
// ai.onnx.preview.training (TrainingOps.cpp) have a table of their own.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_FRONTEND_ONNX_OPTRANSLATORS_H
#define GEFLOW_LIB_FRONTEND_ONNX_OPTRANSLATORS_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace geflow::frontend::onnximp {

class NodeContext;

using TranslateFn = mlir::LogicalResult (*)(NodeContext &node);

struct OpTranslator {
  llvm::StringLiteral opType;
  TranslateFn translate;
};

// The families (each in its own file).
llvm::ArrayRef<OpTranslator> getElementwiseTranslators();
llvm::ArrayRef<OpTranslator> getActivationTranslators();
llvm::ArrayRef<OpTranslator> getConvPoolTranslators();
llvm::ArrayRef<OpTranslator> getLogicalTranslators();
llvm::ArrayRef<OpTranslator> getMatMulTranslators();
llvm::ArrayRef<OpTranslator> getNormalizationTranslators();
llvm::ArrayRef<OpTranslator> getReductionTranslators();
llvm::ArrayRef<OpTranslator> getShapeTranslators();
llvm::ArrayRef<OpTranslator> getSliceConcatTranslators();
llvm::ArrayRef<OpTranslator> getConstantTranslators();
llvm::ArrayRef<OpTranslator> getIndexTranslators();
llvm::ArrayRef<OpTranslator> getLossTranslators();
llvm::ArrayRef<OpTranslator> getQuantizeTranslators();
llvm::ArrayRef<OpTranslator> getIntegerTranslators();
llvm::ArrayRef<OpTranslator> getHostWindowTranslators();
llvm::ArrayRef<OpTranslator> getResizeTranslators();
llvm::ArrayRef<OpTranslator> getRecurrentTranslators();
llvm::ArrayRef<OpTranslator> getControlFlowTranslators();
llvm::ArrayRef<OpTranslator> getValueShapedTranslators();
llvm::ArrayRef<OpTranslator> getSignalTranslators();
llvm::ArrayRef<OpTranslator> getSequenceTranslators();
llvm::ArrayRef<OpTranslator> getStringTranslators();
/// The optimizers of domain ai.onnx.preview.training (version 1).
llvm::ArrayRef<OpTranslator> getPreviewTrainingTranslators();

/// The translator of a default-domain op type; null when there is none.
TranslateFn lookupTranslator(llvm::StringRef opType);
/// The translator of an ai.onnx.preview.training op type; null when none.
TranslateFn lookupPreviewTrainingTranslator(llvm::StringRef opType);

/// The domain of the training optimizers, and its one version geflow reads.
inline constexpr llvm::StringLiteral kPreviewTrainingDomain =
    "ai.onnx.preview.training";
inline constexpr int64_t kPreviewTrainingVersion = 1;

} // namespace geflow::frontend::onnximp

#endif
