//===- FuseEpilogue.cpp - Bias adds and activations into Cube epilogues ---===//
#include "dialects/ge/IR/GEUtils.h"
#include "dialects/ge/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace geflow::ge {
#define GEN_PASS_DEF_GEFUSEEPILOGUE
#include "dialects/ge/Transforms/Passes.h.inc"
} // namespace geflow::ge

using namespace mlir;

namespace geflow::ge {
namespace {

/// Which cube ops each fusion may touch (from the pass options).
struct CubeSwitches {
  bool conv = true, matmul = true;
  bool allows(Operation *op) const {
    return isa<Conv2DOp>(op) ? conv
                             : isa<MatMulV2Op, BatchMatMulV2Op>(op) && matmul;
  }
};

/// The dim the epilogue bias runs along: channels for Conv2D, N otherwise.
int64_t biasDim(Operation *op) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  return isa<Conv2DOp>(op) ? 1 : type.getRank() - 1;
}

/// A constant that only varies along `dim` of a result of `resultType` (e.g.
/// [C], [C,1,1] or [1,C,1,1] for NCHW channels), as a 1-D constant.
std::optional<ElementsAttr> asChannelBias(Value v, RankedTensorType resultType,
                                          int64_t dim) {
  auto cst = v.getDefiningOp<ConstOp>();
  if (!cst)
    return std::nullopt;
  auto type = cast<RankedTensorType>(cst.getType());
  int64_t channels = resultType.getDimSize(dim);
  if (type.getElementType() != resultType.getElementType() ||
      type.getNumElements() != channels ||
      type.getRank() > resultType.getRank())
    return std::nullopt;
  // Right-aligned, the constant's only non-1 dim must sit at `dim`.
  int64_t offset = resultType.getRank() - type.getRank();
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.getDimSize(d) != 1 && d + offset != dim)
      return std::nullopt;
  auto bytes = getRawBytes(cst.getValue());
  if (failed(bytes))
    return std::nullopt;
  auto flat = RankedTensorType::get({channels}, type.getElementType());
  return makeElementsAttr(
      flat,
      ArrayRef<char>(reinterpret_cast<const char *>(bytes->data()),
                     bytes->size()),
      "epilogue_bias");
}

struct FuseBiasAdd : OpRewritePattern<AddOp> {
  FuseBiasAdd(MLIRContext *ctx, CubeSwitches on)
      : OpRewritePattern(ctx), on(on) {}
  CubeSwitches on;
  LogicalResult matchAndRewrite(AddOp add,
                                PatternRewriter &rewriter) const override {
    for (int side = 0; side < 2; ++side) {
      Value main = add->getOperand(side), other = add->getOperand(1 - side);
      Operation *cube = main.getDefiningOp();
      if (!cube || !on.allows(cube) || !cube->hasOneUse() ||
          cube->getNumOperands() != 2 || cube->hasAttr("ge.fused_activation") ||
          main.getType() != add.getType() || !sameEngine(cube, add))
        continue;
      auto bias = asChannelBias(other, cast<RankedTensorType>(main.getType()),
                                biasDim(cube));
      if (!bias)
        continue;
      rewriter.setInsertionPoint(cube);
      Value biasValue =
          ConstOp::create(rewriter, other.getLoc(), bias->getType(), *bias);
      // The cube op's location gains the Add's, so that profiles and
      // dumps list the ops the kernel covers.
      rewriter.modifyOpInPlace(cube, [&] {
        // Conv2D sizes its optional operands by segments.
        if (auto conv = dyn_cast<Conv2DOp>(cube))
          conv.getBiasMutable().assign(biasValue);
        else
          cube->insertOperands(2, biasValue);
        cube->setLoc(rewriter.getFusedLoc({cube->getLoc(), add.getLoc()}));
      });
      rewriter.replaceOp(add, main);
      return success();
    }
    return failure();
  }
};

/// Conv2D -> Add(residual): the other addend, a tensor of the result's
/// type, becomes the conv's `residual` operand, added in the epilogue before
/// any activation (which FuseActivation then fuses after it). The conv must
/// not have an activation yet (it would apply before the Add), nor be
/// depthwise (its direct kernel has no residual epilogue).
struct FuseResidualAdd : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AddOp add,
                                PatternRewriter &rewriter) const override {
    // Fuse into the conv at the end of the longer branch, so the shorter
    // one (a ResNet downsample shortcut) can still run beside it on another
    // stream; on a tie prefer the side whose residual is computed before
    // the conv, so nothing moves. Otherwise the conv moves down to the Add.
    Conv2DOp best;
    Value bestResidual;
    bool bestReady = false;
    int64_t bestDepth = -1;
    for (int side = 0; side < 2; ++side) {
      Value main = add->getOperand(side), other = add->getOperand(1 - side);
      auto conv = main.getDefiningOp<Conv2DOp>();
      if (!conv || !fusable(conv, add) || other.getType() != add.getType() ||
          other == main)
        continue;
      bool ready = !other.getDefiningOp() ||
                   other.getDefiningOp()->getBlock() != conv->getBlock() ||
                   other.getDefiningOp()->isBeforeInBlock(conv);
      int64_t depth = chainDepth(main);
      if (depth > bestDepth || (depth == bestDepth && ready && !bestReady)) {
        best = conv;
        bestResidual = other;
        bestReady = ready;
        bestDepth = depth;
      }
    }
    if (!best)
      return failure();
    if (!bestReady)
      rewriter.moveOpBefore(best, add);
    rewriter.modifyOpInPlace(best, [&] {
      best.getResidualMutable().assign(bestResidual);
      best->setLoc(rewriter.getFusedLoc({best->getLoc(), add.getLoc()}));
    });
    rewriter.replaceOp(add, best.getResult());
    return success();
  }

  /// Ops between `v` and the block's start along first operands: how deep
  /// in the graph's longest-running chain a value sits, cheaply.
  static int64_t chainDepth(Value v) {
    int64_t depth = 0;
    for (Operation *op = v.getDefiningOp(); op && op->getNumOperands() > 0;
         op = op->getOperand(0).getDefiningOp())
      ++depth;
    return depth;
  }

  static bool fusable(Conv2DOp conv, AddOp add) {
    int64_t cin = cast<ShapedType>(conv.getX().getType()).getDimSize(1);
    bool depthwise = conv.getGroups() > 1 && int64_t(conv.getGroups()) == cin;
    return conv->hasOneUse() && !conv.getResidual() &&
           !conv->hasAttr("ge.fused_activation") &&
           conv.getDataFormat() == "NCHW" && !depthwise &&
           conv.getType() == add.getType() &&
           conv->getBlock() == add->getBlock() && sameEngine(conv, add);
  }
};

/// The epilogue name of an activation op, with its alpha.
std::optional<std::pair<StringRef, double>> activationOf(Operation *op) {
  if (isa<ReluOp>(op))
    return std::make_pair(StringRef("relu"), 0.0);
  if (isa<Relu6Op>(op))
    return std::make_pair(StringRef("relu6"), 0.0);
  // Exporters write ReLU6 (MobileNet) and often ReLU as Clip(0, 6) and
  // Clip(0, +inf).
  if (auto clip = dyn_cast<ClipOp>(op)) {
    auto lo = clip.getClipValueMin(), hi = clip.getClipValueMax();
    if (lo && lo->isZero() && !lo->isNegative()) {
      if (!hi)
        return std::make_pair(StringRef("relu"), 0.0);
      if (*hi == APFloat(6.0f))
        return std::make_pair(StringRef("relu6"), 0.0);
    }
  }
  if (isa<SigmoidOp>(op))
    return std::make_pair(StringRef("sigmoid"), 0.0);
  if (isa<TanhOp>(op))
    return std::make_pair(StringRef("tanh"), 0.0);
  if (isa<HardSwishOp>(op))
    return std::make_pair(StringRef("hardswish"), 0.0);
  if (auto g = dyn_cast<GeluOp>(op))
    return std::make_pair(
        StringRef(g.getApproximate() == "tanh" ? "gelu_tanh" : "gelu"), 0.0);
  if (auto l = dyn_cast<LeakyReluOp>(op))
    return std::make_pair(StringRef("leaky_relu"),
                          l.getNegativeSlope().convertToDouble());
  return std::nullopt;
}

struct FuseActivation : RewritePattern {
  FuseActivation(MLIRContext *ctx, CubeSwitches on)
      : RewritePattern(MatchAnyOpTypeTag(), 1, ctx), on(on) {}
  CubeSwitches on;
  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    auto act = activationOf(op);
    if (!act || op->getNumOperands() != 1)
      return failure();
    Operation *cube = op->getOperand(0).getDefiningOp();
    if (!cube || !on.allows(cube) || !cube->hasOneUse() ||
        cube->hasAttr("ge.fused_activation") ||
        cube->getResult(0).getType() != op->getResult(0).getType() ||
        !sameEngine(cube, op))
      return failure();
    rewriter.modifyOpInPlace(cube, [&] {
      cube->setLoc(rewriter.getFusedLoc({cube->getLoc(), op->getLoc()}));
      cube->setAttr("ge.fused_activation", rewriter.getStringAttr(act->first));
      if (act->first == "leaky_relu")
        cube->setAttr("ge.fused_alpha", rewriter.getF32FloatAttr(act->second));
    });
    rewriter.replaceOp(op, cube->getResult(0));
    return success();
  }
};

struct GEFuseEpiloguePass : impl::GEFuseEpilogueBase<GEFuseEpiloguePass> {
  using GEFuseEpilogueBase::GEFuseEpilogueBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseBiasAdd>(&getContext(),
                              CubeSwitches{convBias, matmulBias});
    patterns.add<FuseActivation>(
        &getContext(), CubeSwitches{convActivation, matmulActivation});
    if (convResidual)
      patterns.add<FuseResidualAdd>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace geflow::ge
