//===- SelectFormats.cpp - NCHW or NC1HWC0 per conv chain -----------------===//
//
// GE picks each op's format from the formats its kernels support and puts
// TransData where neighbours disagree. Here: ops with an NC1HWC0 kernel
// (Conv2D, pools, BatchNorm, float elementwise ops on same-shaped operands)
// that feed each other form chains; a chain with a Conv2D runs in NC1HWC0
// when the cost model (FormatCostModel.h) says that saves more than the
// TransData at its boundaries cost, and every op inside follows it.
//
//===----------------------------------------------------------------------===//
#include "dialects/ge/IR/ElementwiseSpec.h"
#include "dialects/ge/IR/GEUtils.h"
#include "dialects/ge/Transforms/FormatCostModel.h"
#include "dialects/ge/Transforms/Passes.h"

#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace geflow::ge {
#define GEN_PASS_DEF_GESELECTFORMATS
#include "dialects/ge/Transforms/Passes.h.inc"
} // namespace geflow::ge

using namespace mlir;

namespace geflow::ge {
namespace {

/// A static 4-D float tensor without a format of its own.
bool isPlain4d(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.getRank() == 4 && t.hasStaticShape() &&
         isa<FloatType>(t.getElementType()) && getFormat(t) == Format::ND;
}

int64_t channelsOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getDimSize(1);
}

int64_t elementsOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getNumElements();
}

bool isOneElement(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.hasStaticShape() && t.getNumElements() == 1;
}

/// The operands of `op` that carry the chain's data (the rest, e.g.
/// filters, biases and scalars, keep their format), or nullopt when `op`
/// has no NC1HWC0 kernel for these operands.
std::optional<SmallVector<unsigned>> dataOperands(Operation *op) {
  if (op->getNumResults() != 1 || !isPlain4d(op->getResult(0)) ||
      op->hasAttr(GEDialect::kEngineAttr) || hostOnlyDType(op))
    return std::nullopt;
  auto firstOnly =
      [&](StringRef dataFormat) -> std::optional<SmallVector<unsigned>> {
    if (dataFormat != "NCHW" || !isPlain4d(op->getOperand(0)))
      return std::nullopt;
    return SmallVector<unsigned>{0};
  };
  // Conv2D: x, and a fused residual (it comes in the output's format);
  // filter and bias keep theirs.
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    auto operands = firstOnly(conv.getDataFormat());
    if (operands && conv.getResidual())
      operands->push_back(conv.getResidualMutable()[0].getOperandNumber());
    return operands;
  }
  if (auto pool = dyn_cast<MaxPoolOp>(op))
    return firstOnly(pool.getDataFormat());
  if (auto pool = dyn_cast<AvgPoolOp>(op))
    return firstOnly(pool.getDataFormat());
  if (auto pool = dyn_cast<GlobalAvgPoolOp>(op))
    return firstOnly(pool.getDataFormat());
  if (auto bn = dyn_cast<BatchNormOp>(op))
    return bn.getIsTraining() ? std::nullopt : firstOnly(bn.getDataFormat());
  if (!getElementwiseSpec(op))
    return std::nullopt;
  // Elementwise: every operand the result's shape (data) or one element (a
  // scalar, which the vector engine reads as ND).
  auto shape = cast<RankedTensorType>(op->getResult(0).getType()).getShape();
  SmallVector<unsigned> data;
  for (OpOperand &o : op->getOpOperands()) {
    auto t = dyn_cast<RankedTensorType>(o.get().getType());
    if (!t || !isa<FloatType>(t.getElementType()))
      return std::nullopt;
    if (isPlain4d(o.get()) && t.getShape() == shape)
      data.push_back(o.getOperandNumber());
    else if (!isOneElement(o.get()))
      return std::nullopt;
  }
  if (data.empty())
    return std::nullopt;
  return data;
}

formats::ConvShape convShape(Conv2DOp conv) {
  auto x = cast<RankedTensorType>(conv.getX().getType());
  auto y = cast<RankedTensorType>(conv.getType());
  auto f = cast<RankedTensorType>(conv.getFilter().getType());
  ArrayRef<int64_t> strides = conv.getStrides();
  return {x.getDimSize(0),          x.getDimSize(1),
          y.getDimSize(1),          y.getDimSize(2),
          y.getDimSize(3),          f.getDimSize(2),
          f.getDimSize(3),          strides.size() == 4 ? strides[2] : 1,
          int64_t(conv.getGroups())};
}

/// A chain: ops in block order, the values entering it and the results
/// used outside it.
struct Chain {
  SmallVector<Operation *> ops;
  SetVector<Value> inputs;
  SetVector<Value> outputs;
  /// Convs reading their input in NCHW (the small-channel path).
  DenseSet<Operation *> smallChannel;
};

struct GESelectFormatsPass : impl::GESelectFormatsBase<GESelectFormatsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (mode != "auto" && mode != "nc1hwc0") {
      getOperation().emitError()
          << "ge-select-formats: mode '" << mode << "' is not auto or nc1hwc0";
      return signalPassFailure();
    }
    Block &block = getOperation().getBody().front();
    DenseMap<Operation *, SmallVector<unsigned>> data;
    llvm::EquivalenceClasses<Operation *> classes;
    for (Operation &op : block)
      if (auto operands = dataOperands(&op)) {
        data[&op] = *operands;
        classes.insert(&op);
      }
    for (auto &[op, operands] : data)
      for (unsigned i : operands)
        if (Operation *def = op->getOperand(i).getDefiningOp();
            def && data.count(def))
          classes.unionSets(op, def);

    llvm::MapVector<Operation *, Chain> chains;
    for (Operation &op : block)
      if (data.count(&op))
        chains[classes.getLeaderValue(&op)].ops.push_back(&op);
    for (auto &[leader, chain] : chains) {
      collectBoundaries(chain, data);
      if (!llvm::any_of(chain.ops,
                        [](Operation *op) { return isa<Conv2DOp>(op); }))
        continue;
      if (smallChannel)
        pickSmallChannelConvs(chain);
      double saved = secondsSaved(chain);
      if (printDecisions)
        llvm::errs() << "ge-select-formats: chain of " << chain.ops.size()
                     << " ops from " << opLabel(chain.ops.front()) << ": "
                     << (mode == "nc1hwc0" || saved > 0 ? "NC1HWC0" : "NCHW")
                     << " (estimated " << llvm::format("%+.3f", saved * 1e3)
                     << " ms saved)\n";
      if (mode == "nc1hwc0" || saved > 0)
        convert(chain, data);
    }
  }

  void
  collectBoundaries(Chain &chain,
                    const DenseMap<Operation *, SmallVector<unsigned>> &data) {
    DenseSet<Operation *> members(chain.ops.begin(), chain.ops.end());
    for (Operation *op : chain.ops) {
      for (unsigned i : data.lookup(op)) {
        Value v = op->getOperand(i);
        if (!members.contains(v.getDefiningOp()))
          chain.inputs.insert(v);
      }
      for (OpOperand &use : op->getResult(0).getUses())
        if (!members.contains(use.getOwner()) ||
            !llvm::is_contained(data.lookup(use.getOwner()),
                                use.getOperandNumber()))
          chain.outputs.insert(op->getResult(0));
    }
  }

  /// First-layer convs (C_in <= 4, no groups, no residual) on a chain input:
  /// they read it as NCHW instead of through a TransData that pads it to 16
  /// channels.
  void pickSmallChannelConvs(Chain &chain) {
    for (Operation *op : chain.ops) {
      auto conv = dyn_cast<Conv2DOp>(op);
      if (conv && conv.getGroups() == 1 && !conv.getResidual() &&
          channelsOf(conv.getX()) <= 4 && chain.inputs.contains(conv.getX()))
        chain.smallChannel.insert(op);
    }
  }

  /// What NC1HWC0 saves over NCHW for the whole chain (negative: it costs).
  double secondsSaved(const Chain &chain) {
    double saved = 0;
    for (Operation *op : chain.ops) {
      Value y = op->getResult(0);
      if (auto conv = dyn_cast<Conv2DOp>(op)) {
        formats::ConvShape s = convShape(conv);
        double c0 = chain.smallChannel.contains(op)
                        ? formats::convSecondsSmallChannel(s)
                        : formats::convSecondsC0(s);
        saved += formats::convSecondsNchw(s) - c0;
      } else {
        saved -= formats::paddedLaneSeconds(elementsOf(y), channelsOf(y));
      }
    }
    for (Value v : chain.inputs)
      if (llvm::any_of(v.getUsers(), [&](Operation *u) {
            return !chain.smallChannel.contains(u) &&
                   llvm::is_contained(chain.ops, u);
          }))
        saved -= formats::transDataSeconds(elementsOf(v), channelsOf(v), true);
    for (Value v : chain.outputs)
      saved -= formats::transDataSeconds(elementsOf(v), channelsOf(v), false);
    return saved;
  }

  void convert(Chain &chain,
               const DenseMap<Operation *, SmallVector<unsigned>> &data) {
    OpBuilder b(&getContext());
    DenseSet<Operation *> members(chain.ops.begin(), chain.ops.end());
    auto c0Type = [](Value v) {
      return withFormat(cast<RankedTensorType>(v.getType()), Format::NC1HWC0);
    };
    // Inputs: one TransData each, read by every chain op but the
    // small-channel convs.
    for (Value v : chain.inputs) {
      SmallVector<OpOperand *> uses;
      for (OpOperand &use : v.getUses())
        if (members.contains(use.getOwner()) &&
            !chain.smallChannel.contains(use.getOwner()) &&
            llvm::is_contained(data.lookup(use.getOwner()),
                               use.getOperandNumber()))
          uses.push_back(&use);
      if (uses.empty())
        continue;
      b.setInsertionPointAfterValue(v);
      auto td = TransDataOp::create(b, v.getLoc(), c0Type(v), v, Format::NCHW,
                                    Format::NC1HWC0);
      for (OpOperand *use : uses)
        use->set(td);
    }
    // Outputs: one TransData back to plain NCHW for every use outside.
    for (Value v : chain.outputs) {
      v.setType(c0Type(v));
      b.setInsertionPointAfterValue(v);
      auto td = TransDataOp::create(
          b, v.getLoc(),
          withFormat(cast<RankedTensorType>(v.getType()), Format::ND), v,
          Format::NC1HWC0, Format::ND);
      v.replaceUsesWithIf(td, [&](OpOperand &use) {
        return use.getOwner() != td &&
               (!members.contains(use.getOwner()) ||
                !llvm::is_contained(data.lookup(use.getOwner()),
                                    use.getOperandNumber()));
      });
    }
    for (Operation *op : chain.ops)
      op->getResult(0).setType(c0Type(op->getResult(0)));
  }
};

} // namespace
} // namespace geflow::ge
