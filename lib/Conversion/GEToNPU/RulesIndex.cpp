//===- RulesIndex.cpp - Gathers, scatters, arg reductions, resize ---------===//
#include "KernelRules.h"

#include "dialects/ge/IR/GEOps.h"
#include "dialects/ge/IR/GEShapes.h"

using namespace mlir;

namespace geflow::conversion {
namespace {

int64_t rankOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getRank();
}

template <typename ArgOp> KernelRule argReduce(const char *kernel) {
  return [kernel](Operation *op, KernelLowering &out) -> LogicalResult {
    auto a = cast<ArgOp>(op);
    out.kernel = kernel;
    out.attrs.set(
        "axis", *ge::shapes::normalizeAxis(
                    static_cast<int64_t>(a.getDimension()), rankOf(a.getX())));
    out.inputs = {a.getX()};
    return success();
  };
}

/// resize takes x, then roi and scales when present (has_roi, has_scales);
/// sizes are the output shape.
LogicalResult lowerResize(Operation *op, KernelLowering &out) {
  auto r = cast<ge::ResizeOp>(op);
  out.kernel = "resize";
  out.attrs.set("mode", r.getMode().str());
  out.attrs.set("coordinate_transformation_mode",
                r.getCoordinateTransformationMode().str());
  out.attrs.set("nearest_mode", r.getNearestMode().str());
  out.attrs.set("cubic_coeff_a",
                static_cast<double>(r.getCubicCoeffA().convertToFloat()));
  out.attrs.set("exclude_outside", int64_t(r.getExcludeOutside()));
  out.attrs.set(
      "extrapolation_value",
      static_cast<double>(r.getExtrapolationValue().convertToFloat()));
  out.attrs.set("has_roi", int64_t(r.getRoi() != nullptr));
  out.attrs.set("has_scales", int64_t(r.getScales() != nullptr));
  out.inputs = {r.getX()};
  if (r.getRoi())
    out.inputs.push_back(r.getRoi());
  if (r.getScales())
    out.inputs.push_back(r.getScales());
  return success();
}

} // namespace

void addIndexRules(RuleTable &rules) {
  rules.add<ge::ResizeOp>(lowerResize);
  rules.add<ge::GatherElementsOp>([](Operation *op,
                                     KernelLowering &out) -> LogicalResult {
    auto g = cast<ge::GatherElementsOp>(op);
    out.kernel = "gather_elements";
    out.attrs.set("axis",
                  *ge::shapes::normalizeAxis(static_cast<int64_t>(g.getDim()),
                                             rankOf(g.getX())));
    out.inputs = {g.getX(), g.getIndex()};
    return success();
  });
  rules.add<ge::GatherNdOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        auto g = cast<ge::GatherNdOp>(op);
        out.kernel = "gather_nd";
        out.attrs.set("batch_dims", static_cast<int64_t>(g.getBatchDims()));
        out.inputs = {g.getX(), g.getIndices()};
        return success();
      });
  // Scatters start from a copy of x, which they may overwrite in place.
  rules.add<ge::ScatterElementsOp>([](Operation *op,
                                      KernelLowering &out) -> LogicalResult {
    auto s = cast<ge::ScatterElementsOp>(op);
    out.kernel = "scatter_elements";
    out.attrs.set("axis",
                  *ge::shapes::normalizeAxis(static_cast<int64_t>(s.getDim()),
                                             rankOf(s.getX())));
    out.attrs.set("reduction", s.getReduction().str());
    out.inputs = {s.getX(), s.getIndices(), s.getUpdates()};
    out.inplaceInputs = {0};
    return success();
  });
  rules.add<ge::ScatterNdUpdateOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        auto s = cast<ge::ScatterNdUpdateOp>(op);
        out.kernel = "scatter_nd";
        out.attrs.set("reduction", s.getReduction().str());
        out.inputs = {s.getX(), s.getIndices(), s.getUpdates()};
        out.inplaceInputs = {0};
        return success();
      });
  rules.add<ge::GridSampler2DOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        auto g = cast<ge::GridSampler2DOp>(op);
        out.kernel = "grid_sample";
        out.attrs.set("mode", g.getInterpolationMode().str());
        out.attrs.set("padding_mode", g.getPaddingMode().str());
        out.attrs.set("align_corners", int64_t(g.getAlignCorners()));
        out.inputs = {g.getX(), g.getGrid()};
        return success();
      });
  rules.add<ge::ArgMaxDOp>(argReduce<ge::ArgMaxDOp>("arg_max"));
  rules.add<ge::ArgMinDOp>(argReduce<ge::ArgMinDOp>("arg_min"));
}

} // namespace geflow::conversion
