//===- GEHostNNOps.cpp - NN ops only the host engine runs -----------------===//
//
// Result types of the integer conv/matmul, MaxPoolWithArgmax and ROIAlign
// (from operand shapes and attributes), and the verifiers of the
// value-shaped MaxUnpool and DynamicReshape.
//
//===----------------------------------------------------------------------===//
#include "dialects/ge/IR/GEOpUtils.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace geflow::ge;
using namespace geflow::ge::detail;
using shapes::isDynamic;

namespace {

LogicalResult checkEntries(const InferDiag &diag, StringRef name,
                           ArrayRef<int64_t> values, int64_t minValue) {
  if (values.size() != 4)
    return diag(name, " must have 4 entries, got ", values.size());
  for (int64_t v : values)
    if (v < minValue)
      return diag(name, " entries must be >= ", minValue, ", got ",
                  formatList(values));
  return success();
}

/// NCHW output of a 2-D window with `channels` output channels.
LogicalResult windowOutput(const InferDiag &diag, ArrayRef<int64_t> x,
                           int64_t kh, int64_t kw, ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads,
                           bool ceil, int64_t channels,
                           SmallVectorImpl<int64_t> &out) {
  out.assign({x[0], channels, 0, 0});
  out[2] = shapes::windowOutputDim(x[2], kh, strides[2], dilations[2], pads[0],
                                   pads[1], ceil);
  out[3] = shapes::windowOutputDim(x[3], kw, strides[3], dilations[3], pads[2],
                                   pads[3], ceil);
  if ((!isDynamic(out[2]) && out[2] < 1) || (!isDynamic(out[3]) && out[3] < 1))
    return diag("window ", kh, "x", kw, " does not fit the padded input ",
                formatList(x));
  return success();
}

/// An offset (zero point) holds one element, or `perDim` elements in 1-D.
bool isOffsetShape(Value offset, int64_t perDim) {
  auto shape = shapeOf(offset);
  if (!shape)
    return true;
  int64_t count = 1;
  for (int64_t d : *shape)
    count = isDynamic(d) || isDynamic(count) ? shapes::kDynamic : count * d;
  if (count == 1 || isDynamic(count))
    return shape->size() <= 1;
  return shape->size() == 1 && (isDynamic(perDim) || count == perDim);
}

RankedTensorType ranked(Value v) {
  return dyn_cast<RankedTensorType>(v.getType());
}

} // namespace

LogicalResult QuantConv2DOp::inferReturnTypes(MLIRContext *ctx,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type i32 = IntegerType::get(ctx, 32);
  if (getElementType(adaptor.getXOffset()) != getElementType(adaptor.getX()))
    return diag("x_offset must have x's element type");
  if (getElementType(adaptor.getFilterOffset()) !=
      getElementType(adaptor.getFilter()))
    return diag("filter_offset must have the filter's element type");
  if (failed(checkEntries(diag, "strides", adaptor.getStrides(), 1)) ||
      failed(checkEntries(diag, "dilations", adaptor.getDilations(), 1)) ||
      failed(checkEntries(diag, "pads", adaptor.getPads(), 0)))
    return failure();
  auto groups = static_cast<int64_t>(adaptor.getGroups());
  if (groups < 1)
    return diag("groups must be >= 1, got ", groups);
  auto x = shapeOf(adaptor.getX()), w = shapeOf(adaptor.getFilter());
  if (!x || !w) {
    inferred.push_back(UnrankedTensorType::get(i32));
    return success();
  }
  if (x->size() != 4 || w->size() != 4)
    return diag("x and filter must be 4-D, got ranks ", x->size(), " and ",
                w->size());
  int64_t cin = (*x)[1], cout = (*w)[0], cinPerGroup = (*w)[1];
  if (failed(checkGroupedChannels(diag, cin, cout, cinPerGroup, groups)))
    return failure();
  auto bias = shapeOf(adaptor.getBias());
  if (bias && (bias->size() != 1 || (!isDynamic((*bias)[0]) &&
                                     !isDynamic(cout) && (*bias)[0] != cout)))
    return diag("bias must be 1-D with ", cout, " elements, got ",
                formatList(*bias));
  if (!isOffsetShape(adaptor.getXOffset(), 1))
    return diag("x_offset must hold one element");
  if (!isOffsetShape(adaptor.getFilterOffset(), cout))
    return diag("filter_offset must hold one element or one per output "
                "channel (",
                cout, ")");
  if (isDynamic((*w)[2]) || isDynamic((*w)[3]))
    return diag("filter spatial dims must be static");
  SmallVector<int64_t> out;
  if (failed(windowOutput(diag, *x, (*w)[2], (*w)[3], adaptor.getStrides(),
                          adaptor.getDilations(), adaptor.getPads(), false,
                          cout, out)))
    return failure();
  inferred.push_back(RankedTensorType::get(out, i32));
  return success();
}

LogicalResult QuantBatchMatMulOp::inferReturnTypes(
    MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type i32 = IntegerType::get(ctx, 32);
  if (getElementType(adaptor.getX1Offset()) != getElementType(adaptor.getX1()))
    return diag("x1_offset must have x1's element type");
  if (getElementType(adaptor.getX2Offset()) != getElementType(adaptor.getX2()))
    return diag("x2_offset must have x2's element type");
  auto a = shapeOf(adaptor.getX1()), b = shapeOf(adaptor.getX2());
  if (!a || !b) {
    inferred.push_back(UnrankedTensorType::get(i32));
    return success();
  }
  if (a->size() < 2 || b->size() < 2)
    return diag("operands must have rank >= 2, got ranks ", a->size(), " and ",
                b->size());
  int64_t m = (*a)[a->size() - 2], k = a->back(), bk = (*b)[b->size() - 2],
          n = b->back();
  if (!isDynamic(k) && !isDynamic(bk) && k != bk)
    return diag("contraction dims differ: x1 gives K = ", k,
                ", x2 gives K = ", bk);
  if (!isOffsetShape(adaptor.getX1Offset(), m))
    return diag("x1_offset must hold one element or one per row of x1 (", m,
                ")");
  if (!isOffsetShape(adaptor.getX2Offset(), n))
    return diag("x2_offset must hold one element or one per column of x2 (", n,
                ")");
  auto batch = shapes::broadcast(a->drop_back(2), b->drop_back(2));
  if (!batch)
    return diag("batch dims ", formatList(a->drop_back(2)), " and ",
                formatList(b->drop_back(2)), " are not broadcast-compatible");
  batch->append({m, n});
  inferred.push_back(RankedTensorType::get(*batch, i32));
  return success();
}

LogicalResult MaxPoolWithArgmaxOp::inferReturnTypes(
    MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  ArrayRef<int64_t> k = adaptor.getKsize();
  if (failed(checkEntries(diag, "ksize", k, 1)) ||
      failed(checkEntries(diag, "strides", adaptor.getStrides(), 1)) ||
      failed(checkEntries(diag, "dilations", adaptor.getDilations(), 1)) ||
      failed(checkEntries(diag, "pads", adaptor.getPads(), 0)))
    return failure();
  if (k[0] != 1 || k[1] != 1)
    return diag("ksize must be 1 in the N and C dims, got ", formatList(k));
  int64_t order = adaptor.getStorageOrder();
  if (order != 0 && order != 1)
    return diag("storage_order must be 0 or 1, got ", order);
  Type et = getElementType(adaptor.getX());
  Type i64 = IntegerType::get(ctx, 64);
  auto x = shapeOf(adaptor.getX());
  if (!x) {
    inferred.append(
        {UnrankedTensorType::get(et), UnrankedTensorType::get(i64)});
    return success();
  }
  if (x->size() != 4)
    return diag("x must be 4-D, got rank ", x->size());
  SmallVector<int64_t> out;
  if (failed(windowOutput(diag, *x, k[2], k[3], adaptor.getStrides(),
                          adaptor.getDilations(), adaptor.getPads(),
                          adaptor.getCeilMode(), (*x)[1], out)))
    return failure();
  inferred.append(
      {RankedTensorType::get(out, et), RankedTensorType::get(out, i64)});
  return success();
}

LogicalResult ROIAlignOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type et = getElementType(adaptor.getX());
  if (getElementType(adaptor.getRois()) != et)
    return diag("rois must have x's element type");
  int64_t ph = adaptor.getPooledHeight(), pw = adaptor.getPooledWidth();
  if (ph < 1 || pw < 1)
    return diag("pooled_height and pooled_width must be >= 1, got ", ph,
                " and ", pw);
  if (adaptor.getSampleNum() < 0)
    return diag("sample_num must be >= 0, got ", adaptor.getSampleNum());
  StringRef mode = adaptor.getPoolMode();
  if (mode != "avg" && mode != "max")
    return diag("pool_mode must be \"avg\" or \"max\", got \"", mode, "\"");
  auto x = shapeOf(adaptor.getX()), rois = shapeOf(adaptor.getRois()),
       idx = shapeOf(adaptor.getBatchIndices());
  if (x && x->size() != 4)
    return diag("x must be 4-D, got rank ", x->size());
  if (rois &&
      (rois->size() != 2 || (!isDynamic((*rois)[1]) && (*rois)[1] != 4)))
    return diag("rois must be [R, 4], got ", formatList(*rois));
  if (idx &&
      (idx->size() != 1 || (rois && !isDynamic((*idx)[0]) &&
                            !isDynamic((*rois)[0]) && (*idx)[0] != (*rois)[0])))
    return diag("batch_indices must be [R] with R the rows of rois");
  if (!x || !rois) {
    inferred.push_back(UnrankedTensorType::get(et));
    return success();
  }
  inferred.push_back(RankedTensorType::get({(*rois)[0], (*x)[1], ph, pw}, et));
  return success();
}

namespace {
/// Results of a value-shaped op are planned, so static.
LogicalResult verifyStaticResult(Operation *op, Value y) {
  auto t = ranked(y);
  if (!t || !t.hasStaticShape())
    return op->emitOpError() << "needs a static result shape (the values "
                                "decide it; the importer fixes it)";
  return success();
}
} // namespace

LogicalResult MaxUnpoolOp::verify() {
  if (failed(verifyStaticResult(*this, getY())))
    return failure();
  if (getElementTypeOrSelf(getX().getType()) !=
      getElementTypeOrSelf(getY().getType()))
    return emitOpError() << "y must have x's element type";
  auto xt = ranked(getX()), it = ranked(getIndices()),
       st = ranked(getOutputShape());
  if (xt && it && xt.getShape() != it.getShape())
    return emitOpError() << "indices must have x's shape";
  if (st && (st.getRank() != 1 || st.getDimSize(0) != ranked(getY()).getRank()))
    return emitOpError() << "output_shape must hold one entry per dim of y";
  if (xt && xt.getRank() != ranked(getY()).getRank())
    return emitOpError() << "y must have x's rank";
  if (std::optional<ArrayRef<int64_t>> shape = getIndexShape())
    if (static_cast<int64_t>(shape->size()) != ranked(getY()).getRank() ||
        llvm::any_of(*shape, [](int64_t d) { return d < 0; }))
      return emitOpError() << "index_shape must hold one non-negative dim "
                              "per dim of y";
  return success();
}

LogicalResult DynamicReshapeOp::verify() {
  if (failed(verifyStaticResult(*this, getY())))
    return failure();
  if (getElementTypeOrSelf(getX().getType()) !=
      getElementTypeOrSelf(getY().getType()))
    return emitOpError() << "y must have x's element type";
  auto st = ranked(getShape());
  if (st && (st.getRank() != 1 || st.getDimSize(0) != ranked(getY()).getRank()))
    return emitOpError() << "shape must hold one entry per dim of y";
  auto xt = ranked(getX());
  if (xt && xt.hasStaticShape() &&
      xt.getNumElements() != ranked(getY()).getNumElements())
    return emitOpError() << "y must hold x's " << xt.getNumElements()
                         << " elements";
  return success();
}
