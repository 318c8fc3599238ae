//===- GEConstEval.cpp - Evaluating ge ops on small constants -------------===//
#include "dialects/ge/IR/GEConstEval.h"
#include "dialects/ge/IR/GEShapes.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace mlir;
using llvm::APFloat;
using llvm::APInt;

namespace geflow::ge::consteval {

  SmallVector<int64_t> strides(ArrayRef<int64_t> shape) {
    // Saturating: folds take the strides of any static shape before they
    // check that the operand is a constant small enough to fold.
    SmallVector<int64_t> s(shape.size(), 1);
    for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
      if (llvm::MulOverflow(s[d + 1], shape[d + 1], s[d]))
        s[d] = INT64_MAX;
    return s;
  }

  bool isFoldableShape(ArrayRef<int64_t> shape) {
    int64_t count = 1;
    for (int64_t d : shape)
      if (d < 0 || llvm::MulOverflow(count, d, count) ||
          count > kMaxFoldElements)
        return false;
    return true;
  }

  std::optional<ConstTensor> read(Attribute attr) {
    auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
    if (!dense || !dense.getType().hasStaticShape() ||
        !isFoldableShape(dense.getType().getShape()))
      return std::nullopt;
    ConstTensor t;
    t.shape.assign(dense.getType().getShape().begin(),
                   dense.getType().getShape().end());
    t.elementType = dense.getElementType();
    if (isa<FloatType>(t.elementType)) {
      t.isFloat = true;
      for (APFloat v : dense.getValues<APFloat>())
        t.f.push_back(v.convertToDouble());
      return t;
    }
    auto intType = dyn_cast<IntegerType>(t.elementType);
    if (!intType)
      return std::nullopt;
    for (APInt v : dense.getValues<APInt>())
      t.i.push_back(intType.isUnsigned() || intType.getWidth() == 1
                        ? static_cast<int64_t>(v.getZExtValue())
                        : v.getSExtValue());
    return t;
  }

  DenseElementsAttr write(const ConstTensor &t, ShapedType type) {
    Type et = type.getElementType();
    if (auto ft = dyn_cast<FloatType>(et)) {
      SmallVector<APFloat> values;
      values.reserve(t.size());
      for (int64_t k = 0; k < t.size(); ++k) {
        double v = t.isFloat ? t.f[k] : static_cast<double>(t.i[k]);
        APFloat ap(v);
        bool lost;
        ap.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
        values.push_back(ap);
      }
      return DenseElementsAttr::get(type, values);
    }
    auto it = cast<IntegerType>(et);
    SmallVector<APInt> values;
    values.reserve(t.size());
    for (int64_t k = 0; k < t.size(); ++k) {
      int64_t v;
      if (!t.isFloat) {
        v = t.i[k];
      } else if (it.getWidth() == 1) {
        v = t.f[k] != 0;
      } else {
        double d = std::trunc(t.f[k]);
        v = std::isfinite(d) ? static_cast<int64_t>(d) : 0;
      }
      if (it.getWidth() == 1)
        v = v != 0;
      values.push_back(APInt(it.getWidth(), static_cast<uint64_t>(v),
                             /*isSigned=*/!it.isUnsigned(),
                             /*implicitTrunc=*/true));
    }
    return DenseElementsAttr::get(type, values);
  }

  std::optional<ConstTensor> mapFloat(const ConstTensor &x,
                                      llvm::function_ref<double(double)> fn) {
    if (!x.isFloat)
      return std::nullopt;
    ConstTensor out = x;
    for (double &v : out.f)
      v = fn(v);
    return out;
  }

  // Linear index into an operand of shape `in` for output coordinate `c`
  // (right-aligned broadcasting).
  static int64_t broadcastIndex(ArrayRef<int64_t> c, ArrayRef<int64_t> in,
                                ArrayRef<int64_t> inStrides) {
    int64_t idx = 0;
    size_t offset = c.size() - in.size();
    for (size_t d = 0; d < in.size(); ++d)
      if (in[d] != 1)
        idx += c[d + offset] * inStrides[d];
    return idx;
  }

  // Calls fn(coord, linear) for every coordinate of `shape` in row-major order.
  static void forEachCoord(
      ArrayRef<int64_t> shape,
      llvm::function_ref<void(ArrayRef<int64_t>, int64_t)> fn) {
    int64_t n = shapes::numElements(shape);
    SmallVector<int64_t> c(shape.size(), 0);
    for (int64_t k = 0; k < n; ++k) {
      fn(c, k);
      for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
        if (++c[d] < shape[d])
          break;
        c[d] = 0;
      }
    }
  }

  std::optional<ConstTensor> broadcastBinary(
      const ConstTensor &a, const ConstTensor &b, bool resultIsFloat,
      llvm::function_ref<double(double, double)> ffn,
      llvm::function_ref<std::optional<int64_t>(int64_t, int64_t)> ifn) {
    if (a.isFloat != b.isFloat)
      return std::nullopt;
    auto shape = shapes::broadcast(a.shape, b.shape);
    if (!shape || !isFoldableShape(*shape))
      return std::nullopt;
    if ((a.isFloat && !ffn) || (!a.isFloat && !ifn))
      return std::nullopt;
    ConstTensor out;
    out.shape = *shape;
    out.isFloat = resultIsFloat;
    SmallVector<int64_t> sa = strides(a.shape), sb = strides(b.shape);
    bool ok = true;
    forEachCoord(out.shape, [&](ArrayRef<int64_t> c, int64_t) {
      int64_t ia = broadcastIndex(c, a.shape, sa),
              ib = broadcastIndex(c, b.shape, sb);
      if (a.isFloat) {
        double r = ffn(a.f[ia], b.f[ib]);
        if (resultIsFloat)
          out.f.push_back(r);
        else
          out.i.push_back(static_cast<int64_t>(r));
        return;
      }
      std::optional<int64_t> r = ifn(a.i[ia], b.i[ib]);
      if (!r) {
        ok = false;
        r = 0;
      }
      if (resultIsFloat)
        out.f.push_back(static_cast<double>(*r));
      else
        out.i.push_back(*r);
    });
    if (!ok)
      return std::nullopt;
    return out;
  }

  std::optional<ConstTensor> select(
      const ConstTensor &cond, const ConstTensor &a, const ConstTensor &b) {
    if (cond.isFloat || a.isFloat != b.isFloat)
      return std::nullopt;
    auto ab = shapes::broadcast(a.shape, b.shape);
    auto shape = ab ? shapes::broadcast(cond.shape, *ab) : std::nullopt;
    if (!shape)
      return std::nullopt;
    ConstTensor out;
    out.shape = *shape;
    out.elementType = a.elementType;
    out.isFloat = a.isFloat;
    SmallVector<int64_t> sc = strides(cond.shape), sa = strides(a.shape),
                         sb = strides(b.shape);
    forEachCoord(out.shape, [&](ArrayRef<int64_t> c, int64_t) {
      bool pickA = cond.i[broadcastIndex(c, cond.shape, sc)] != 0;
      const ConstTensor &src = pickA ? a : b;
      int64_t k = broadcastIndex(c, src.shape, pickA ? sa : sb);
      if (out.isFloat)
        out.f.push_back(src.f[k]);
      else
        out.i.push_back(src.i[k]);
    });
    return out;
  }

  ConstTensor gatherElements(
      const ConstTensor &x, ArrayRef<int64_t> outShape,
      llvm::function_ref<int64_t(ArrayRef<int64_t>)> source, double fill) {
    ConstTensor out;
    out.shape.assign(outShape.begin(), outShape.end());
    out.elementType = x.elementType;
    out.isFloat = x.isFloat;
    forEachCoord(outShape, [&](ArrayRef<int64_t> c, int64_t) {
      int64_t s = source(c);
      if (x.isFloat)
        out.f.push_back(s < 0 ? fill : x.f[s]);
      else
        out.i.push_back(s < 0 ? static_cast<int64_t>(fill) : x.i[s]);
    });
    return out;
  }

} // namespace geflow::ge::consteval
