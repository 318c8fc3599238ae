//===- GEWindow3DOps.cpp - Conv3D, Conv3DTranspose and the 3-D pools ------===//
//
// NCDHW only: strides, dilations and ksize have five entries (N and C are
// 1), pads six ([front, back, top, bottom, left, right]).
//
//===----------------------------------------------------------------------===//
#include "dialects/ge/IR/GEOpUtils.h"

using namespace mlir;
using namespace geflow::ge;
using namespace geflow::ge::detail;
using shapes::isDynamic;
using shapes::kDynamic;

namespace {

/// Checks a per-dim attribute: `size` entries, each >= minValue; with
/// `unitNC` the N and C entries (of five) must be 1.
LogicalResult checkList(const InferDiag &diag, StringRef name,
                        ArrayRef<int64_t> values, size_t size, int64_t minValue,
                        bool unitNC) {
  if (values.size() != size)
    return diag(name, " must have ", size, " entries, got ", values.size());
  for (int64_t v : values)
    if (v < minValue)
      return diag(name, " entries must be >= ", minValue, ", got ",
                  formatList(values));
  if (unitNC && (values[0] != 1 || values[1] != 1))
    return diag(name, " must be 1 in the N and C dims, got ",
                formatList(values));
  return success();
}

LogicalResult checkFormat(const InferDiag &diag, StringRef df) {
  if (df != "NCDHW")
    return diag("data_format must be \"NCDHW\", got \"", df, "\"");
  return success();
}

LogicalResult checkWindowAttrs(const InferDiag &diag, ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> pads,
                               ArrayRef<int64_t> dilations) {
  if (failed(checkList(diag, "strides", strides, 5, 1, true)) ||
      failed(checkList(diag, "pads", pads, 6, 0, false)) ||
      failed(checkList(diag, "dilations", dilations, 5, 1, true)))
    return failure();
  return success();
}

/// The output's spatial dims for a window of `kernel` (3 entries).
LogicalResult windowDims(const InferDiag &diag, ArrayRef<int64_t> x,
                         ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                         bool ceil, SmallVectorImpl<int64_t> &out) {
  for (int i = 0; i < 3; ++i) {
    int64_t o = shapes::windowOutputDim(x[2 + i], kernel[i], strides[2 + i],
                                        dilations[2 + i], pads[2 * i],
                                        pads[2 * i + 1], ceil);
    if (!isDynamic(o) && o < 1)
      return diag("window ", formatList(kernel),
                  " does not fit the padded input ", formatList(x),
                  " (output dim ", i + 2, " would be ", o, ")");
    out.push_back(o);
  }
  return success();
}

LogicalResult checkBias(const InferDiag &diag, Value bias, int64_t cout) {
  if (!bias)
    return success();
  auto b = shapeOf(bias);
  if (b && (b->size() != 1 ||
            (!isDynamic((*b)[0]) && !isDynamic(cout) && (*b)[0] != cout)))
    return diag("bias must be 1-D with ", cout, " elements, got ",
                formatList(*b));
  return success();
}

template <typename Adaptor>
LogicalResult inferPool3D(const InferDiag &diag, Adaptor adaptor,
                          SmallVectorImpl<Type> &inferred) {
  if (failed(checkFormat(diag, adaptor.getDataFormat())) ||
      failed(checkList(diag, "ksize", adaptor.getKsize(), 5, 1, true)) ||
      failed(checkWindowAttrs(diag, adaptor.getStrides(), adaptor.getPads(),
                              adaptor.getDilations())))
    return failure();
  Type et = getElementType(adaptor.getX());
  auto x = shapeOf(adaptor.getX());
  if (!x) {
    inferred.push_back(UnrankedTensorType::get(et));
    return success();
  }
  if (x->size() != 5)
    return diag("x must be 5-D (NCDHW), got rank ", x->size());
  SmallVector<int64_t> out = {(*x)[0], (*x)[1]};
  if (failed(windowDims(diag, *x, adaptor.getKsize().drop_front(2),
                        adaptor.getStrides(), adaptor.getPads(),
                        adaptor.getDilations(), adaptor.getCeilMode(), out)))
    return failure();
  inferred.push_back(RankedTensorType::get(out, et));
  return success();
}

} // namespace

LogicalResult Conv3DOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type et = getElementType(adaptor.getX());
  if (getElementType(adaptor.getFilter()) != et)
    return diag("filter element type must match x");
  if (failed(checkFormat(diag, adaptor.getDataFormat())) ||
      failed(checkWindowAttrs(diag, adaptor.getStrides(), adaptor.getPads(),
                              adaptor.getDilations())))
    return failure();
  int64_t groups = static_cast<int64_t>(adaptor.getGroups());
  if (groups < 1)
    return diag("groups must be >= 1, got ", groups);
  auto x = shapeOf(adaptor.getX()), w = shapeOf(adaptor.getFilter());
  if (!x || !w) {
    inferred.push_back(UnrankedTensorType::get(et));
    return success();
  }
  if (x->size() != 5 || w->size() != 5)
    return diag("x and filter must be 5-D, got ranks ", x->size(), " and ",
                w->size());
  int64_t cin = (*x)[1], cout = (*w)[0], cinPerGroup = (*w)[1];
  if (failed(checkGroupedChannels(diag, cin, cout, cinPerGroup, groups)))
    return failure();
  if (failed(checkBias(diag, adaptor.getBias(), cout)))
    return failure();
  if (llvm::any_of(w->drop_front(2), isDynamic))
    return diag("filter spatial dims must be static");
  SmallVector<int64_t> out = {(*x)[0], cout};
  if (failed(windowDims(diag, *x, w->drop_front(2), adaptor.getStrides(),
                        adaptor.getPads(), adaptor.getDilations(), false, out)))
    return failure();
  inferred.push_back(RankedTensorType::get(out, et));
  return success();
}

LogicalResult
Conv3DTransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type et = getElementType(adaptor.getX());
  if (getElementType(adaptor.getFilter()) != et)
    return diag("filter element type must match x");
  ArrayRef<int64_t> s = adaptor.getStrides(), d = adaptor.getDilations(),
                    p = adaptor.getPads(), op = adaptor.getOutputPadding();
  if (failed(checkFormat(diag, adaptor.getDataFormat())) ||
      failed(checkWindowAttrs(diag, s, p, d)) ||
      failed(checkList(diag, "output_padding", op, 5, 0, false)))
    return failure();
  for (int i = 2; i < 5; ++i)
    if (op[i] >= std::max(s[i], d[i]))
      return diag("output_padding ", formatList(op),
                  " must be smaller than the stride or the dilation");
  int64_t groups = static_cast<int64_t>(adaptor.getGroups());
  if (groups < 1)
    return diag("groups must be >= 1, got ", groups);
  auto x = shapeOf(adaptor.getX()), w = shapeOf(adaptor.getFilter());
  if (!x || !w) {
    inferred.push_back(UnrankedTensorType::get(et));
    return success();
  }
  if (x->size() != 5 || w->size() != 5)
    return diag("x and filter must be 5-D, got ranks ", x->size(), " and ",
                w->size());
  if (!isDynamic((*x)[1]) && !isDynamic((*w)[0]) && (*x)[1] != (*w)[0])
    return diag("input channels ", (*x)[1], " != filter dim 0 (", (*w)[0], ")");
  if (!isDynamic((*x)[1]) && (*x)[1] % groups != 0)
    return diag("input channels ", (*x)[1], " are not divisible by groups ",
                groups);
  if (llvm::any_of(w->drop_front(2), isDynamic))
    return diag("filter spatial dims must be static");
  int64_t cout = isDynamic((*w)[1]) ? kDynamic : (*w)[1] * groups;
  if (failed(checkBias(diag, adaptor.getBias(), cout)))
    return failure();
  SmallVector<int64_t> out = {(*x)[0], cout};
  for (int i = 0; i < 3; ++i) {
    int64_t o = shapes::transposedOutputDim((*x)[2 + i], (*w)[2 + i], s[2 + i],
                                            d[2 + i], p[2 * i], p[2 * i + 1],
                                            op[2 + i]);
    if (!isDynamic(o) && o < 1)
      return diag("output dim ", i + 2, " would be ", o, " for input ",
                  formatList(*x), " and pads ", formatList(p));
    out.push_back(o);
  }
  inferred.push_back(RankedTensorType::get(out, et));
  return success();
}

LogicalResult MaxPool3DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return inferPool3D(InferDiag(loc, getOperationName()), adaptor, inferred);
}

LogicalResult AvgPool3DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  if (adaptor.getDivisorOverride() < 0)
    return diag("divisor_override must be >= 0, got ",
                adaptor.getDivisorOverride());
  return inferPool3D(diag, adaptor, inferred);
}

LogicalResult LpPool3DOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  if (adaptor.getP() < 1)
    return diag("p must be >= 1, got ", adaptor.getP());
  return inferPool3D(diag, adaptor, inferred);
}
