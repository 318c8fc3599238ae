//===- GEOps.cpp - ge op definitions and shared helpers -------------------===//
//
// Op-specific inference, verification and folding live beside their ODS by
// concept: GEElementwiseOps.cpp, GENNOps.cpp, GEShapeOps.cpp, GEReduceOps.cpp,
// GEDataOps.cpp, GEIndexOps.cpp.
//
//===----------------------------------------------------------------------===//
#include "dialects/ge/IR/GEConstEval.h"
#include "dialects/ge/IR/GEOpUtils.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

bool geflow::ge::areCompatibleResultTypes(TypeRange inferred,
                                          TypeRange actual) {
  if (inferred.size() != actual.size())
    return false;
  for (auto [a, b] : llvm::zip(inferred, actual)) {
    if (getElementTypeOrSelf(a) != getElementTypeOrSelf(b))
      return false;
    if (failed(verifyCompatibleShape(a, b)))
      return false;
  }
  return true;
}

namespace geflow::ge::detail {

std::optional<SmallVector<int64_t>> getConstantInts(Value v) {
  DenseIntElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<int64_t> out;
  for (const APInt &x : attr.getValues<APInt>())
    out.push_back(x.getSExtValue());
  return out;
}

std::string formatList(ArrayRef<int64_t> values) {
  std::string s = "[";
  for (auto [i, v] : llvm::enumerate(values)) {
    if (i)
      s += ", ";
    s += shapes::isDynamic(v) ? std::string("?") : std::to_string(v);
  }
  return s + "]";
}

std::optional<Layout4D> getLayout4D(StringRef dataFormat) {
  if (dataFormat == "NCHW")
    return Layout4D{0, 1, 2, 3};
  if (dataFormat == "NHWC")
    return Layout4D{0, 3, 1, 2};
  return std::nullopt;
}

OpFoldResult foldByGather(Attribute operand, Type type,
                          llvm::function_ref<int64_t(ArrayRef<int64_t>)> source,
                          double fill) {
  namespace ce = geflow::ge::consteval;
  auto rt = dyn_cast<RankedTensorType>(type);
  auto x = ce::read(operand);
  if (!x || !rt || !rt.hasStaticShape() || !ce::isFoldableShape(rt.getShape()))
    return {};
  return ce::write(ce::gatherElements(*x, rt.getShape(), source, fill), rt);
}

} // namespace geflow::ge::detail

#define GET_OP_CLASSES
#include "dialects/ge/IR/GEOps.cpp.inc"
