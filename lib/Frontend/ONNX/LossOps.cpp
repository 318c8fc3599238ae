//===- LossOps.cpp - NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss ---===//
//
// Both are compositions. With input [N, C, d...] and target [N, d...]:
//   picked = GatherElements(input, ExpandDims(target', 1), dim 1) -> [N, d...]
//   w      = weight[target'] (GatherV2), 0 where target == ignore_index
//   loss   = -picked * w
// where target' replaces ignored positions by class 0, so the gathers stay
// in range whatever ignore_index is. Reductions: none; sum; mean divides by
// sum(w) (the count of non-ignored positions without weights).
// SoftmaxCrossEntropyLoss is this loss of LogSoftmax(scores, axis 1), whose
// value is the optional second output.
//
//===----------------------------------------------------------------------===//
#include "OpTranslators.h"
#include "TranslatorUtils.h"

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

/// The loss of log-probabilities `logProb` [N, C, d...] for `target`.
Value negativeLogLikelihood(NodeContext &n, Value logProb, Value target,
                            Value weight) {
  std::string reduction = n.getString("reduction", "mean");
  if (reduction != "none" && reduction != "sum" && reduction != "mean") {
    (void)n.fail("reduction must be none, sum or mean, got '" + reduction +
                 "'");
    return {};
  }
  if (!isFloatTensor(logProb)) {
    (void)requireFloat(n, logProb);
    return {};
  }
  auto rank = getRank(logProb), targetRank = getRank(target);
  if (!rank || !targetRank || *rank < 2 || *targetRank != *rank - 1) {
    (void)n.unsupported(
        "the loss needs input [N, C, d...] and target [N, d...] "
        "of known ranks");
    return {};
  }
  Type et = getElementType(logProb);
  Type targetType = getElementType(target);
  Value ignored, safeTarget = target;
  if (n.hasAttr("ignore_index")) {
    Value ii = n.constantScalar(targetType, n.getInt("ignore_index", 0));
    ignored = n.create<EqualOp>(target, ii);
    safeTarget = ignored ? n.create<SelectOp>(
                               ignored, n.constantScalar(targetType, 0), target)
                         : Value();
  }
  Value index = safeTarget
                    ? n.create<ExpandDimsOp>(safeTarget, ArrayRef<int64_t>{1})
                    : Value();
  Value picked =
      index ? n.create<GatherElementsOp>(logProb, index, uint64_t(1)) : Value();
  picked = picked ? n.create<SqueezeOp>(picked, ArrayRef<int64_t>{1}) : Value();
  // Per-position weights; null means all ones.
  Value w;
  if (weight)
    w = safeTarget ? n.create<GatherV2Op>(weight, safeTarget, uint64_t(0))
                   : Value();
  if (ignored)
    w = n.create<SelectOp>(ignored, n.constantScalar(et, 0),
                           w ? w : n.constantScalar(et, 1));
  if (!picked || ((weight || ignored) && !w))
    return {};
  Value loss = n.create<NegOp>(picked);
  if (loss && w)
    loss = n.create<MulOp>(loss, w);
  if (!loss || reduction == "none")
    return loss;
  Value sum = n.create<ReduceSumOp>(loss, ArrayRef<int64_t>{}, false);
  if (!sum || reduction == "sum")
    return sum;
  if (!w)
    return n.create<ReduceMeanOp>(loss, ArrayRef<int64_t>{}, false);
  Value total = n.create<ReduceSumOp>(w, ArrayRef<int64_t>{}, false);
  return total ? n.create<RealDivOp>(sum, total) : Value();
}

LogicalResult translateNegativeLogLikelihoodLoss(NodeContext &n) {
  Value input = n.getRequiredInput(0), target = n.getRequiredInput(1);
  if (!input || !target)
    return failure();
  Value loss = negativeLogLikelihood(n, input, target, n.getInput(2));
  n.setOutput(0, loss);
  return success(loss != nullptr);
}

LogicalResult translateSoftmaxCrossEntropyLoss(NodeContext &n) {
  Value scores = n.getRequiredInput(0), labels = n.getRequiredInput(1);
  if (!scores || !labels || failed(requireFloat(n, scores)))
    return failure();
  Value logProb = n.create<LogSoftmaxOp>(scores, ArrayRef<int64_t>{1});
  Value loss = logProb
                   ? negativeLogLikelihood(n, logProb, labels, n.getInput(2))
                   : Value();
  n.setOutput(0, loss);
  if (n.getNumOutputs() > 1)
    n.setOutput(1, logProb);
  return success(loss != nullptr);
}

} // namespace

ArrayRef<OpTranslator> getLossTranslators() {
  static const OpTranslator table[] = {
      {"NegativeLogLikelihoodLoss", translateNegativeLogLikelihoodLoss},
      {"SoftmaxCrossEntropyLoss", translateSoftmaxCrossEntropyLoss},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
