//===- GENNOps.cpp - Convolution, matmul, pooling and norm ops ------------===//
#include "dialects/ge/IR/GEOpUtils.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace geflow::ge;
using namespace geflow::ge::detail;
using shapes::isDynamic;
using shapes::kDynamic;

bool geflow::ge::areCompatibleCubeResultTypes(TypeRange inferred,
                                              TypeRange actual) {
  if (inferred.size() != actual.size())
    return false;
  for (auto [i, a] : llvm::zip(inferred, actual)) {
    Type ie = getElementTypeOrSelf(i), ae = getElementTypeOrSelf(a);
    bool widened = (ie.isF16() || ie.isBF16()) && ae.isF32();
    if ((ie != ae && !widened) || failed(verifyCompatibleShape(i, a)))
      return false;
  }
  return true;
}

// Checks a 4-entry attribute (strides, dilations, ksize in data-format order;
// pads as [top, bottom, left, right]).
static LogicalResult checkFour(const InferDiag &diag, StringRef name,
                               ArrayRef<int64_t> values, int64_t minValue) {
  if (values.size() != 4)
    return diag(name, " must have 4 entries, got ", values.size());
  for (int64_t v : values)
    if (v < minValue)
      return diag(name, " entries must be >= ", minValue, ", got ",
                  formatList(values));
  return success();
}

static std::optional<Layout4D> checkLayout(const InferDiag &diag,
                                           StringRef df) {
  auto layout = getLayout4D(df);
  if (!layout)
    (void)diag("data_format must be \"NCHW\" or \"NHWC\", got \"", df, "\"");
  return layout;
}

// Windowed op output (conv and pooling share it).
struct WindowParams {
  int64_t kh, kw;
  ArrayRef<int64_t> strides, dilations, pads;
  bool ceil = false;
};

static LogicalResult inferWindowOutput(const InferDiag &diag,
                                       ArrayRef<int64_t> in, const Layout4D &l,
                                       const WindowParams &p,
                                       int64_t outChannels,
                                       SmallVectorImpl<int64_t> &out) {
  out.assign(in.begin(), in.end());
  out[l.c] = outChannels;
  int64_t oh =
      shapes::windowOutputDim(in[l.h], p.kh, p.strides[l.h], p.dilations[l.h],
                              p.pads[0], p.pads[1], p.ceil);
  int64_t ow =
      shapes::windowOutputDim(in[l.w], p.kw, p.strides[l.w], p.dilations[l.w],
                              p.pads[2], p.pads[3], p.ceil);
  if ((!isDynamic(oh) && oh < 1) || (!isDynamic(ow) && ow < 1))
    return diag("window ", p.kh, "x", p.kw, " does not fit the padded input ",
                formatList(in), " (output would be ", oh, "x", ow, ")");
  out[l.h] = oh;
  out[l.w] = ow;
  return success();
}

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type et = getElementType(adaptor.getX());
  if (getElementType(adaptor.getFilter()) != et)
    return diag("filter element type must match x");
  auto layout = checkLayout(diag, adaptor.getDataFormat());
  if (!layout || failed(checkFour(diag, "strides", adaptor.getStrides(), 1)) ||
      failed(checkFour(diag, "dilations", adaptor.getDilations(), 1)) ||
      failed(checkFour(diag, "pads", adaptor.getPads(), 0)))
    return failure();
  int64_t groups = static_cast<int64_t>(adaptor.getGroups());
  if (groups < 1)
    return diag("groups must be >= 1, got ", groups);
  auto x = shapeOf(adaptor.getX()), w = shapeOf(adaptor.getFilter());
  if (!x || !w) {
    inferred.push_back(UnrankedTensorType::get(et));
    return success();
  }
  if (x->size() != 4 || w->size() != 4)
    return diag("x and filter must be 4-D, got ranks ", x->size(), " and ",
                w->size());
  int64_t cin = (*x)[layout->c], cout = (*w)[0], cinPerGroup = (*w)[1];
  if (failed(checkGroupedChannels(diag, cin, cout, cinPerGroup, groups)))
    return failure();
  if (Value bias = adaptor.getBias()) {
    auto b = shapeOf(bias);
    if (b && (b->size() != 1 ||
              (!isDynamic((*b)[0]) && !isDynamic(cout) && (*b)[0] != cout)))
      return diag("bias must be 1-D with ", cout, " elements, got ",
                  formatList(*b));
  }
  if (isDynamic((*w)[2]) || isDynamic((*w)[3]))
    return diag("filter spatial dims must be static");
  SmallVector<int64_t> out;
  WindowParams p{(*w)[2], (*w)[3], adaptor.getStrides(), adaptor.getDilations(),
                 adaptor.getPads()};
  if (failed(inferWindowOutput(diag, *x, *layout, p, cout, out)))
    return failure();
  inferred.push_back(RankedTensorType::get(out, et));
  return success();
}

LogicalResult geflow::ge::detail::checkGroupedChannels(const InferDiag &diag,
                                                       int64_t cin,
                                                       int64_t cout,
                                                       int64_t cinPerGroup,
                                                       int64_t groups) {
  if (!isDynamic(cout) && cout % groups != 0)
    return diag("output channels ", cout, " are not divisible by groups ",
                groups);
  if (!isDynamic(cin) && !isDynamic(cinPerGroup) && cin != cinPerGroup * groups)
    return diag("input channels ", cin, " != filter in-channels ", cinPerGroup,
                " x groups ", groups);
  return success();
}

LogicalResult Conv2DOp::verify() {
  // The residual is added element by element in the epilogue: it must be
  // laid out exactly like the result (shape, dtype and format).
  if (Value residual = getResidual())
    if (residual.getType() != getType())
      return emitOpError() << "residual type " << residual.getType()
                           << " must be the result type " << getType();
  return success();
}

LogicalResult
Conv2DTransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type et = getElementType(adaptor.getX());
  auto layout = checkLayout(diag, adaptor.getDataFormat());
  if (!layout || failed(checkFour(diag, "strides", adaptor.getStrides(), 1)) ||
      failed(checkFour(diag, "dilations", adaptor.getDilations(), 1)) ||
      failed(checkFour(diag, "pads", adaptor.getPads(), 0)) ||
      failed(checkFour(diag, "output_padding", adaptor.getOutputPadding(), 0)))
    return failure();
  if (adaptor.getDataFormat() != "NCHW")
    return diag("only data_format \"NCHW\" is supported");
  int64_t groups = static_cast<int64_t>(adaptor.getGroups());
  if (groups < 1)
    return diag("groups must be >= 1, got ", groups);
  auto x = shapeOf(adaptor.getX()), w = shapeOf(adaptor.getFilter());
  if (!x || !w) {
    inferred.push_back(UnrankedTensorType::get(et));
    return success();
  }
  if (x->size() != 4 || w->size() != 4)
    return diag("x and filter must be 4-D, got ranks ", x->size(), " and ",
                w->size());
  if (!isDynamic((*x)[1]) && !isDynamic((*w)[0]) && (*x)[1] != (*w)[0])
    return diag("input channels ", (*x)[1], " != filter dim 0 (", (*w)[0], ")");
  if (isDynamic((*w)[2]) || isDynamic((*w)[3]))
    return diag("filter spatial dims must be static");
  ArrayRef<int64_t> s = adaptor.getStrides(), d = adaptor.getDilations(),
                    p = adaptor.getPads(), op = adaptor.getOutputPadding();
  SmallVector<int64_t> out = {
      (*x)[0], isDynamic((*w)[1]) ? kDynamic : (*w)[1] * groups,
      shapes::transposedOutputDim((*x)[2], (*w)[2], s[2], d[2], p[0], p[1],
                                  op[2]),
      shapes::transposedOutputDim((*x)[3], (*w)[3], s[3], d[3], p[2], p[3],
                                  op[3])};
  if ((!isDynamic(out[2]) && out[2] < 1) || (!isDynamic(out[3]) && out[3] < 1))
    return diag("output spatial size ", formatList(out), " is empty");
  inferred.push_back(RankedTensorType::get(out, et));
  return success();
}

// Shared by MatMulV2 and BatchMatMulV2: the matrix part of the product.
static LogicalResult inferMatrix(const InferDiag &diag, ArrayRef<int64_t> a,
                                 ArrayRef<int64_t> b, bool ta, bool tb,
                                 int64_t *m, int64_t *n) {
  int64_t am = a[a.size() - 2], ak = a.back();
  int64_t bk = b[b.size() - 2], bn = b.back();
  if (ta)
    std::swap(am, ak);
  if (tb)
    std::swap(bk, bn);
  if (!isDynamic(ak) && !isDynamic(bk) && ak != bk)
    return diag("contraction dims differ: x1 gives K = ", ak,
                ", x2 gives K = ", bk);
  *m = am;
  *n = bn;
  return success();
}

static LogicalResult checkBias(const InferDiag &diag, Value bias, int64_t n) {
  if (!bias)
    return success();
  auto b = shapeOf(bias);
  if (b && (b->size() != 1 ||
            (!isDynamic((*b)[0]) && !isDynamic(n) && (*b)[0] != n)))
    return diag("bias must be 1-D with N = ", n, " elements, got ",
                formatList(*b));
  return success();
}

LogicalResult MatMulV2Op::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type et = getElementType(adaptor.getX1());
  if (getElementType(adaptor.getX2()) != et)
    return diag("x1 and x2 must have the same element type");
  auto a = shapeOf(adaptor.getX1()), b = shapeOf(adaptor.getX2());
  if (!a || !b) {
    inferred.push_back(UnrankedTensorType::get(et));
    return success();
  }
  if (a->size() != 2 || b->size() != 2)
    return diag("operands must be 2-D, got ranks ", a->size(), " and ",
                b->size());
  int64_t m, n;
  if (failed(inferMatrix(diag, *a, *b, adaptor.getTransposeX1(),
                         adaptor.getTransposeX2(), &m, &n)) ||
      failed(checkBias(diag, adaptor.getBias(), n)))
    return failure();
  inferred.push_back(RankedTensorType::get({m, n}, et));
  return success();
}

LogicalResult
BatchMatMulV2Op::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type et = getElementType(adaptor.getX1());
  if (getElementType(adaptor.getX2()) != et)
    return diag("x1 and x2 must have the same element type");
  auto a = shapeOf(adaptor.getX1()), b = shapeOf(adaptor.getX2());
  if (!a || !b) {
    inferred.push_back(UnrankedTensorType::get(et));
    return success();
  }
  if (a->size() < 2 || b->size() < 2)
    return diag("operands must have rank >= 2, got ranks ", a->size(), " and ",
                b->size());
  int64_t m, n;
  if (failed(inferMatrix(diag, *a, *b, adaptor.getAdjX1(), adaptor.getAdjX2(),
                         &m, &n)) ||
      failed(checkBias(diag, adaptor.getBias(), n)))
    return failure();
  auto batch = shapes::broadcast(a->drop_back(2), b->drop_back(2));
  if (!batch)
    return diag("batch dims ", formatList(a->drop_back(2)), " and ",
                formatList(b->drop_back(2)), " are not broadcast-compatible");
  batch->append({m, n});
  inferred.push_back(RankedTensorType::get(*batch, et));
  return success();
}

LogicalResult BiasAddOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  StringRef df = adaptor.getDataFormat();
  if (df != "NCHW" && df != "NHWC" && df != "ND")
    return diag("data_format must be \"NCHW\", \"NHWC\" or \"ND\", got \"", df,
                "\"");
  auto x = shapeOf(adaptor.getX()), b = shapeOf(adaptor.getBias());
  if (x && b) {
    if (b->size() != 1)
      return diag("bias must be 1-D, got rank ", b->size());
    if (df == "NCHW" && x->size() < 2)
      return diag("NCHW input must have rank >= 2");
    if (x->empty())
      return diag("x must have rank >= 1");
    int64_t c = df == "NCHW" ? (*x)[1] : x->back();
    if (!isDynamic(c) && !isDynamic((*b)[0]) && c != (*b)[0])
      return diag("bias has ", (*b)[0], " elements but the channel dim is ", c);
  }
  inferred.push_back(adaptor.getX().getType());
  return success();
}

LogicalResult
geflow::ge::detail::inferSoftmaxLike(const InferDiag &diag, Value x,
                                     ArrayRef<int64_t> axes,
                                     SmallVectorImpl<Type> &inferred) {
  if (auto s = shapeOf(x)) {
    if (axes.empty())
      return diag("axes must not be empty");
    for (int64_t a : axes)
      if (!shapes::normalizeAxis(a, s->size()))
        return diag("axis ", a, " is out of range for rank ", s->size());
  }
  inferred.push_back(x.getType());
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  Type et = getElementType(adaptor.getX());
  if (getElementType(adaptor.getGamma()) != et ||
      getElementType(adaptor.getBeta()) != et)
    return diag("gamma and beta must have x's element type");
  auto x = shapeOf(adaptor.getX());
  if (x) {
    int64_t rank = x->size();
    auto normAxis = shapes::normalizeAxis(adaptor.getBeginNormAxis(), rank);
    auto paramsAxis = shapes::normalizeAxis(adaptor.getBeginParamsAxis(), rank);
    if (!normAxis)
      return diag("begin_norm_axis ", int64_t(adaptor.getBeginNormAxis()),
                  " is out of range for rank ", rank);
    if (!paramsAxis)
      return diag("begin_params_axis ", int64_t(adaptor.getBeginParamsAxis()),
                  " is out of range for rank ", rank);
    ArrayRef<int64_t> expected = x->drop_front(*paramsAxis);
    for (auto [name, v] :
         {std::pair<StringRef, Value>{"gamma", adaptor.getGamma()},
          {"beta", adaptor.getBeta()}}) {
      auto s = shapeOf(v);
      if (!s)
        continue;
      // Parameters may also omit leading 1s (ONNX broadcasts them).
      auto b = shapes::broadcast(expected, *s);
      if (s->size() > expected.size() || !b ||
          SmallVector<int64_t>(*b) != SmallVector<int64_t>(expected))
        return diag(name, " shape ", formatList(*s),
                    " does not match the normalized dims ",
                    formatList(expected));
    }
  }
  if (adaptor.getEpsilon().convertToFloat() < 0)
    return diag("epsilon must be >= 0");
  inferred.push_back(adaptor.getX().getType());
  return success();
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  if (adaptor.getIsTraining())
    return diag("is_training = true is not supported (inference only)");
  StringRef df = adaptor.getDataFormat();
  if (df != "NCHW" && df != "NHWC")
    return diag("data_format must be \"NCHW\" or \"NHWC\", got \"", df, "\"");
  auto x = shapeOf(adaptor.getX());
  if (x) {
    if (x->size() < 2)
      return diag("x must have rank >= 2, got ", x->size());
    int64_t c = df == "NCHW" ? (*x)[1] : x->back();
    for (Value v : {adaptor.getScale(), adaptor.getOffset(), adaptor.getMean(),
                    adaptor.getVariance()}) {
      auto s = shapeOf(v);
      if (s && (s->size() != 1 ||
                (!isDynamic((*s)[0]) && !isDynamic(c) && (*s)[0] != c)))
        return diag("scale, offset, mean and variance must be 1-D with ", c,
                    " elements, got ", formatList(*s));
    }
  }
  inferred.push_back(adaptor.getX().getType());
  return success();
}

template <typename Adaptor>
static LogicalResult inferPool(const InferDiag &diag, Adaptor adaptor,
                               ArrayRef<int64_t> dilations,
                               SmallVectorImpl<Type> &inferred) {
  auto layout = checkLayout(diag, adaptor.getDataFormat());
  if (!layout || failed(checkFour(diag, "ksize", adaptor.getKsize(), 1)) ||
      failed(checkFour(diag, "strides", adaptor.getStrides(), 1)) ||
      failed(checkFour(diag, "pads", adaptor.getPads(), 0)) ||
      failed(checkFour(diag, "dilations", dilations, 1)))
    return failure();
  ArrayRef<int64_t> k = adaptor.getKsize(), pads = adaptor.getPads();
  if (k[layout->n] != 1 || k[layout->c] != 1)
    return diag("ksize must be 1 in the N and C dims, got ", formatList(k));
  int64_t kh = k[layout->h], kw = k[layout->w];
  Type et = getElementType(adaptor.getX());
  auto x = shapeOf(adaptor.getX());
  if (!x) {
    inferred.push_back(UnrankedTensorType::get(et));
    return success();
  }
  if (x->size() != 4)
    return diag("x must be 4-D, got rank ", x->size());
  SmallVector<int64_t> out;
  WindowParams p{kh,        kw,   adaptor.getStrides(),
                 dilations, pads, adaptor.getCeilMode()};
  if (failed(inferWindowOutput(diag, *x, *layout, p, (*x)[layout->c], out)))
    return failure();
  inferred.push_back(RankedTensorType::get(out, et));
  return success();
}

LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return inferPool(InferDiag(loc, getOperationName()), adaptor,
                   adaptor.getDilations(), inferred);
}

LogicalResult AvgPoolOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  static const int64_t ones[] = {1, 1, 1, 1};
  return inferPool(InferDiag(loc, getOperationName()), adaptor, ones, inferred);
}

LogicalResult
GlobalAvgPoolOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  InferDiag diag(loc, getOperationName());
  auto layout = checkLayout(diag, adaptor.getDataFormat());
  if (!layout)
    return failure();
  Type et = getElementType(adaptor.getX());
  auto x = shapeOf(adaptor.getX());
  if (!x) {
    inferred.push_back(UnrankedTensorType::get(et));
    return success();
  }
  if (x->size() != 4)
    return diag("x must be 4-D, got rank ", x->size());
  SmallVector<int64_t> out(*x);
  out[layout->h] = out[layout->w] = 1;
  inferred.push_back(RankedTensorType::get(out, et));
  return success();
}
