//===- RulesShape.cpp - Data movement, reductions and normalizations ------===//
#include "KernelRules.h"

#include "dialects/ge/IR/GEOps.h"
#include "dialects/ge/IR/GEShapes.h"

using namespace mlir;

namespace geflow::conversion {
namespace {

std::vector<int64_t> toVector(ArrayRef<int64_t> a) {
  return {a.begin(), a.end()};
}
int64_t rankOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getRank();
}
ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

std::vector<int64_t> iota(int64_t n) {
  std::vector<int64_t> v(n);
  for (int64_t i = 0; i < n; ++i)
    v[i] = i;
  return v;
}

template <typename OpT>
KernelRule rule(LogicalResult (*fn)(OpT, KernelLowering &)) {
  return [fn](Operation *op, KernelLowering &out) -> LogicalResult {
    return fn(cast<OpT>(op), out);
  };
}

LogicalResult lowerStridedSlice(ge::StridedSliceOp op, KernelLowering &out) {
  out.kernel = "slice";
  // Both use normalized bounds: end -1 walks backwards past index 0.
  out.attrs.set("starts", toVector(op.getBegin()));
  out.attrs.set("ends", toVector(op.getEnd()));
  out.attrs.set("axes", iota(rankOf(op.getX())));
  out.attrs.set("steps", toVector(op.getStrides()));
  out.inputs = {op.getX()};
  return success();
}

LogicalResult lowerSlice(ge::SliceOp op, KernelLowering &out) {
  out.kernel = "slice";
  std::vector<int64_t> starts = toVector(op.getOffsets()), ends;
  ArrayRef<int64_t> in = shapeOf(op.getX());
  for (auto [d, size] : llvm::enumerate(op.getSize()))
    ends.push_back(size == -1 ? in[d] : starts[d] + size);
  out.attrs.set("starts", starts);
  out.attrs.set("ends", ends);
  out.attrs.set("axes", iota(rankOf(op.getX())));
  out.inputs = {op.getX()};
  return success();
}

LogicalResult lowerPad(ge::PadOp op, KernelLowering &out) {
  out.kernel = "pad";
  // ge pairs [b0, e0, b1, e1, ...]; the kernel wants [b0, b1, ..., e0, e1,
  // ...].
  ArrayRef<int64_t> p = op.getPaddings();
  std::vector<int64_t> pads(p.size());
  size_t rank = p.size() / 2;
  for (size_t d = 0; d < rank; ++d) {
    pads[d] = p[2 * d];
    pads[rank + d] = p[2 * d + 1];
  }
  out.attrs.set("pads", pads);
  out.attrs.set("mode", op.getMode().str());
  out.attrs.set("value",
                static_cast<double>(op.getConstantValue().convertToFloat()));
  out.inputs = {op.getX()};
  return success();
}

template <typename ReduceOp> KernelRule reduce(const char *kernel) {
  return [kernel](Operation *op, KernelLowering &out) -> LogicalResult {
    auto r = cast<ReduceOp>(op);
    out.kernel = kernel;
    std::vector<int64_t> axes = toVector(r.getAxes());
    if (axes.empty())
      axes = iota(rankOf(r.getX()));
    out.attrs.set("axes", axes);
    out.attrs.set("keep_dims", int64_t(r.getKeepDims()));
    out.inputs = {r.getX()};
    return success();
  };
}

template <typename SoftmaxOp> KernelRule softmax(const char *kernel) {
  return [kernel](Operation *op, KernelLowering &out) -> LogicalResult {
    auto s = cast<SoftmaxOp>(op);
    if (s.getAxes().size() != 1)
      return op->emitError()
             << op->getName() << ": the " << kernel
             << " kernel normalizes over one axis, got " << s.getAxes().size();
    out.kernel = kernel;
    out.attrs.set("axis", s.getAxes()[0]);
    out.inputs = {s.getX()};
    out.inplaceInputs = {0};
    return success();
  };
}

LogicalResult lowerLayerNorm(ge::LayerNormOp op, KernelLowering &out) {
  int64_t rank = rankOf(op.getX());
  auto norm = ge::shapes::normalizeAxis(op.getBeginNormAxis(), rank);
  auto params = ge::shapes::normalizeAxis(op.getBeginParamsAxis(), rank);
  if (!norm || !params || *norm != *params)
    return op.emitError() << "ge.LayerNorm: begin_params_axis "
                          << op.getBeginParamsAxis()
                          << " must equal begin_norm_axis "
                          << op.getBeginNormAxis()
                          << " for the layer_norm kernel";
  out.kernel = "layer_norm";
  out.attrs.set("begin_norm_axis", *norm);
  out.attrs.set("epsilon",
                static_cast<double>(op.getEpsilon().convertToFloat()));
  out.inputs = {op.getX(), op.getGamma(), op.getBeta()};
  out.inplaceInputs = {0};
  return success();
}

LogicalResult lowerBatchNorm(ge::BatchNormOp op, KernelLowering &out) {
  if (op.getDataFormat() != "NCHW")
    return op.emitError() << "ge.BatchNorm: data_format \""
                          << op.getDataFormat()
                          << "\" has no kernel yet (only NCHW)";
  out.kernel = "batch_norm";
  out.attrs.set("epsilon",
                static_cast<double>(op.getEpsilon().convertToFloat()));
  out.inputs = {op.getX(), op.getScale(), op.getOffset(), op.getMean(),
                op.getVariance()};
  out.inplaceInputs = {0};
  return success();
}

} // namespace

void addShapeRules(RuleTable &rules) {
  rules.add<ge::TransposeOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        auto t = cast<ge::TransposeOp>(op);
        out.kernel = "transpose";
        out.attrs.set("perm", toVector(t.getPerm()));
        out.inputs = {t.getX()};
        return success();
      });
  rules.add<ge::ConcatV2Op>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        auto c = cast<ge::ConcatV2Op>(op);
        out.kernel = "concat";
        out.attrs.set("axis", *ge::shapes::normalizeAxis(c.getConcatDim(),
                                                         rankOf(c.getY())));
        out.inputs.assign(c.getX().begin(), c.getX().end());
        return success();
      });
  rules.add<ge::SplitOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        auto s = cast<ge::SplitOp>(op);
        out.kernel = "split";
        out.attrs.set("axis", *ge::shapes::normalizeAxis(s.getSplitDim(),
                                                         rankOf(s.getX())));
        out.attrs.set("sizes", toVector(s.getSizeSplits()));
        out.inputs = {s.getX()};
        return success();
      });
  rules.add<ge::StridedSliceOp>(rule(lowerStridedSlice));
  rules.add<ge::SliceOp>(rule(lowerSlice));
  rules.add<ge::GatherV2Op>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        auto g = cast<ge::GatherV2Op>(op);
        out.kernel = "gather";
        out.attrs.set("axis", static_cast<int64_t>(g.getAxis()));
        out.inputs = {g.getX(), g.getIndices()};
        return success();
      });
  rules.add<ge::PadOp>(rule(lowerPad));
  rules.add<ge::TileOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        auto t = cast<ge::TileOp>(op);
        out.kernel = "tile";
        out.attrs.set("multiples", toVector(t.getMultiples()));
        out.inputs = {t.getX()};
        return success();
      });
  rules.add<ge::BroadcastToOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        out.kernel = "expand";
        out.inputs = {op->getOperand(0)};
        return success();
      });
  rules.add<ge::ReduceSumOp>(reduce<ge::ReduceSumOp>("reduce_sum"));
  rules.add<ge::ReduceMeanOp>(reduce<ge::ReduceMeanOp>("reduce_mean"));
  rules.add<ge::ReduceMaxOp>(reduce<ge::ReduceMaxOp>("reduce_max"));
  rules.add<ge::ReduceProdOp>(reduce<ge::ReduceProdOp>("reduce_prod"));
  rules.add<ge::SoftmaxOp>(softmax<ge::SoftmaxOp>("softmax"));
  rules.add<ge::LogSoftmaxOp>(softmax<ge::LogSoftmaxOp>("log_softmax"));
  rules.add<ge::LayerNormOp>(rule(lowerLayerNorm));
  rules.add<ge::BatchNormOp>(rule(lowerBatchNorm));
  rules.add<ge::TransDataOp>([](Operation *op,
                                KernelLowering &out) -> LogicalResult {
    auto t = cast<ge::TransDataOp>(op);
    out.kernel = "trans_data";
    out.attrs.set("src_format", ge::stringifyFormat(t.getSrcFormat()).str());
    out.attrs.set("dst_format", ge::stringifyFormat(t.getDstFormat()).str());
    out.inputs = {t.getX()};
    return success();
  });
}

} // namespace geflow::conversion
