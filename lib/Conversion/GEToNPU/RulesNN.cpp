//===- RulesNN.cpp - Cube kernels: convolution, matmul, pooling -----------===//
#include "KernelRules.h"

#include "dialects/ge/IR/GEOps.h"

using namespace mlir;

namespace geflow::conversion {
namespace {

std::vector<int64_t> toVector(ArrayRef<int64_t> a) {
  return {a.begin(), a.end()};
}

LogicalResult requireNCHW(Operation *op, StringRef dataFormat) {
  if (dataFormat == "NCHW")
    return success();
  return op->emitError()
         << op->getName() << ": data_format \"" << dataFormat
         << "\" has no kernel yet (only NCHW); transpose the input";
}

LogicalResult lowerConv(ge::Conv2DOp op, KernelLowering &out) {
  if (failed(requireNCHW(op, op.getDataFormat())))
    return failure();
  out.kernel = "conv2d";
  out.attrs.set("strides", spatialHW(op.getStrides(), "NCHW"));
  out.attrs.set("dilations", spatialHW(op.getDilations(), "NCHW"));
  out.attrs.set("pads", toVector(op.getPads()));
  out.attrs.set("groups", static_cast<int64_t>(op.getGroups()));
  out.inputs = {op.getX(), op.getFilter()};
  if (op.getBias())
    out.inputs.push_back(op.getBias());
  if (op.getResidual()) {
    // The last input, added in the epilogue (ge-fuse-epilogue).
    out.inputs.push_back(op.getResidual());
    out.attrs.set("residual", int64_t(1));
  }
  return success();
}

LogicalResult lowerConvTranspose(ge::Conv2DTransposeOp op,
                                 KernelLowering &out) {
  out.kernel = "conv2d_transpose";
  out.attrs.set("strides", spatialHW(op.getStrides(), "NCHW"));
  out.attrs.set("dilations", spatialHW(op.getDilations(), "NCHW"));
  out.attrs.set("pads", toVector(op.getPads()));
  out.attrs.set("output_padding", spatialHW(op.getOutputPadding(), "NCHW"));
  out.attrs.set("groups", static_cast<int64_t>(op.getGroups()));
  out.inputs = {op.getX(), op.getFilter()};
  if (op.getBias())
    out.inputs.push_back(op.getBias());
  return success();
}

LogicalResult lowerMatMul(ge::MatMulV2Op op, KernelLowering &out) {
  out.kernel = "matmul";
  out.attrs.set("transpose_x1", int64_t(op.getTransposeX1()));
  out.attrs.set("transpose_x2", int64_t(op.getTransposeX2()));
  out.inputs = {op.getX1(), op.getX2()};
  if (op.getBias())
    out.inputs.push_back(op.getBias());
  return success();
}

LogicalResult lowerBatchMatMul(ge::BatchMatMulV2Op op, KernelLowering &out) {
  out.kernel = "batch_matmul";
  out.attrs.set("adj_x1", int64_t(op.getAdjX1()));
  out.attrs.set("adj_x2", int64_t(op.getAdjX2()));
  out.inputs = {op.getX1(), op.getX2()};
  if (op.getBias())
    out.inputs.push_back(op.getBias());
  return success();
}

template <typename PoolOp>
LogicalResult lowerPool(PoolOp op, StringRef kernel, KernelLowering &out) {
  if (failed(requireNCHW(op, op.getDataFormat())))
    return failure();
  out.kernel = kernel.str();
  out.attrs.set("ksize", spatialHW(op.getKsize(), "NCHW"));
  out.attrs.set("strides", spatialHW(op.getStrides(), "NCHW"));
  out.attrs.set("pads", toVector(op.getPads()));
  out.attrs.set("ceil_mode", int64_t(op.getCeilMode()));
  out.inputs = {op.getX()};
  return success();
}

/// The D, H, W entries of a 5-entry NCDHW attribute.
std::vector<int64_t> spatialDHW(ArrayRef<int64_t> a) {
  return {a.begin() + 2, a.end()};
}

template <typename ConvOp>
LogicalResult lowerConv3D(ConvOp op, StringRef kernel, KernelLowering &out) {
  out.kernel = kernel.str();
  out.attrs.set("strides", spatialDHW(op.getStrides()));
  out.attrs.set("dilations", spatialDHW(op.getDilations()));
  out.attrs.set("pads", toVector(op.getPads()));
  out.attrs.set("groups", static_cast<int64_t>(op.getGroups()));
  out.inputs = {op.getX(), op.getFilter()};
  if (op.getBias())
    out.inputs.push_back(op.getBias());
  return success();
}

template <typename PoolOp>
LogicalResult lowerPool3D(PoolOp op, StringRef kernel, KernelLowering &out) {
  out.kernel = kernel.str();
  out.attrs.set("ksize", spatialDHW(op.getKsize()));
  out.attrs.set("strides", spatialDHW(op.getStrides()));
  out.attrs.set("dilations", spatialDHW(op.getDilations()));
  out.attrs.set("pads", toVector(op.getPads()));
  out.attrs.set("ceil_mode", int64_t(op.getCeilMode()));
  out.inputs = {op.getX()};
  return success();
}

/// Epilogue activation fused by ge-fuse-epilogue.
void setActivation(Operation *op, KernelLowering &out) {
  if (auto act = op->getAttrOfType<StringAttr>("ge.fused_activation")) {
    out.attrs.set("activation", act.str());
    if (auto alpha = op->getAttrOfType<FloatAttr>("ge.fused_alpha"))
      out.attrs.set("alpha", alpha.getValueAsDouble());
  }
}

template <typename OpT>
KernelRule rule(LogicalResult (*fn)(OpT, KernelLowering &)) {
  return [fn](Operation *op, KernelLowering &out) -> LogicalResult {
    if (failed(fn(cast<OpT>(op), out)))
      return failure();
    setActivation(op, out);
    return success();
  };
}

} // namespace

void addNNRules(RuleTable &rules) {
  rules.add<ge::Conv2DOp>(rule(lowerConv));
  rules.add<ge::Conv2DTransposeOp>(rule(lowerConvTranspose));
  rules.add<ge::MatMulV2Op>(rule(lowerMatMul));
  rules.add<ge::BatchMatMulV2Op>(rule(lowerBatchMatMul));
  rules.add<ge::MaxPoolOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        auto pool = cast<ge::MaxPoolOp>(op);
        if (failed(lowerPool(pool, "max_pool", out)))
          return failure();
        out.attrs.set("dilations", spatialHW(pool.getDilations(), "NCHW"));
        return success();
      });
  rules.add<ge::AvgPoolOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        auto pool = cast<ge::AvgPoolOp>(op);
        if (failed(lowerPool(pool, "avg_pool", out)))
          return failure();
        out.attrs.set("count_include_pad", int64_t(!pool.getExclusive()));
        return success();
      });
  rules.add<ge::GlobalAvgPoolOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        auto pool = cast<ge::GlobalAvgPoolOp>(op);
        if (failed(requireNCHW(op, pool.getDataFormat())))
          return failure();
        out.kernel = "global_avg_pool";
        out.inputs = {pool.getX()};
        return success();
      });
  rules.add<ge::Conv3DOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        return lowerConv3D(cast<ge::Conv3DOp>(op), "conv3d", out);
      });
  rules.add<ge::Conv3DTransposeOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        auto conv = cast<ge::Conv3DTransposeOp>(op);
        if (failed(lowerConv3D(conv, "conv3d_transpose", out)))
          return failure();
        out.attrs.set("output_padding", spatialDHW(conv.getOutputPadding()));
        return success();
      });
  rules.add<ge::MaxPool3DOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        return lowerPool3D(cast<ge::MaxPool3DOp>(op), "max_pool3d", out);
      });
  rules.add<ge::AvgPool3DOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        auto pool = cast<ge::AvgPool3DOp>(op);
        if (failed(lowerPool3D(pool, "avg_pool3d", out)))
          return failure();
        out.attrs.set("count_include_pad", int64_t(pool.getCountIncludePad()));
        out.attrs.set("divisor_override",
                      static_cast<int64_t>(pool.getDivisorOverride()));
        return success();
      });
  rules.add<ge::LpPool3DOp>(
      [](Operation *op, KernelLowering &out) -> LogicalResult {
        auto pool = cast<ge::LpPool3DOp>(op);
        if (failed(lowerPool3D(pool, "lp_pool3d", out)))
          return failure();
        out.attrs.set("p", static_cast<int64_t>(pool.getP()));
        return success();
      });
}

} // namespace geflow::conversion
