//===- FoldBatchNorm.cpp - Fold inference BatchNorm into Conv2D weights ---===//
#include "dialects/ge/IR/GEUtils.h"
#include "dialects/ge/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>
#include <cstring>

namespace geflow::ge {
#define GEN_PASS_DEF_GEFOLDBATCHNORM
#include "dialects/ge/Transforms/Passes.h.inc"
} // namespace geflow::ge

using namespace mlir;

namespace geflow::ge {
namespace {

/// The f32 values of a constant, or nullopt.
std::optional<std::vector<float>> readFloats(Value v) {
  auto cst = v.getDefiningOp<ConstOp>();
  if (!cst || !cast<ShapedType>(cst.getType()).getElementType().isF32())
    return std::nullopt;
  auto bytes = getRawBytes(cst.getValue());
  if (failed(bytes))
    return std::nullopt;
  std::vector<float> out(bytes->size() / sizeof(float));
  std::memcpy(out.data(), bytes->data(), out.size() * sizeof(float));
  return out;
}

Value makeConst(PatternRewriter &rewriter, Location loc,
                ArrayRef<int64_t> shape, const std::vector<float> &values,
                StringRef name) {
  auto type = RankedTensorType::get(shape, rewriter.getF32Type());
  ArrayRef<char> bytes(reinterpret_cast<const char *>(values.data()),
                       values.size() * sizeof(float));
  return ConstOp::create(rewriter, loc, type,
                         makeElementsAttr(type, bytes, name));
}

struct FoldIntoConv : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto conv = bn.getX().getDefiningOp<Conv2DOp>();
    if (!conv || !conv->hasOneUse() || conv.getResidual() ||
        conv->hasAttr(GEDialect::kFusedActivationAttr) ||
        conv.getDataFormat() != "NCHW" || bn.getDataFormat() != "NCHW")
      return failure();
    auto w = readFloats(conv.getFilter());
    auto scale = readFloats(bn.getScale()), offset = readFloats(bn.getOffset());
    auto mean = readFloats(bn.getMean()), var = readFloats(bn.getVariance());
    if (!w || !scale || !offset || !mean || !var)
      return failure();
    int64_t cout = cast<ShapedType>(conv.getFilter().getType()).getDimSize(0);
    std::vector<float> bias(cout, 0.f);
    if (conv.getBias()) {
      auto b = readFloats(conv.getBias());
      if (!b)
        return failure();
      bias = *b;
    }
    if (static_cast<int64_t>(scale->size()) != cout ||
        static_cast<int64_t>(bias.size()) != cout)
      return failure();
    int64_t perChannel = w->size() / cout;
    double eps = bn.getEpsilon().convertToDouble();
    for (int64_t o = 0; o < cout; ++o) {
      double s = (*scale)[o] / std::sqrt(double((*var)[o]) + eps);
      for (int64_t k = 0; k < perChannel; ++k)
        (*w)[o * perChannel + k] =
            static_cast<float>((*w)[o * perChannel + k] * s);
      bias[o] = static_cast<float>((bias[o] - (*mean)[o]) * s + (*offset)[o]);
    }
    ArrayRef<int64_t> wShape =
        cast<ShapedType>(conv.getFilter().getType()).getShape();
    Value newW =
        makeConst(rewriter, conv.getLoc(), wShape, *w, "folded_filter");
    Value newB =
        makeConst(rewriter, conv.getLoc(), {cout}, bias, "folded_bias");
    rewriter.setInsertionPoint(bn);
    // The BatchNorm's name stays first (it names the task); the conv's is
    // kept so profiles and dumps list both ops the kernel computes.
    auto fused = Conv2DOp::create(
        rewriter, rewriter.getFusedLoc({bn.getLoc(), conv.getLoc()}),
        bn.getType(), conv.getX(), newW, newB, /*residual=*/Value(),
        conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
        conv.getGroupsAttr(), conv.getDataFormatAttr());
    rewriter.replaceOp(bn, fused.getResult());
    rewriter.eraseOp(conv);
    return success();
  }
};

struct GEFoldBatchNormPass : impl::GEFoldBatchNormBase<GEFoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldIntoConv>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace geflow::ge
