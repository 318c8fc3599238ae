//===- ConvertConstant.cpp - Float constants in another float dtype -------===//
#include "dialects/ge/Transforms/Precision/ConvertConstant.h"

#include "dialects/ge/IR/GEUtils.h"

// The runtime's own scalar conversions: a constant converted here equals the
// same constant cast by the runtime's cast kernel, bit for bit.
#include "geflow/runtime/Half.h"

#include <cstring>

using namespace mlir;

namespace geflow::ge::precision {

static float load(Type t, const uint8_t *p) {
  if (t.isF32()) {
    float f;
    std::memcpy(&f, p, 4);
    return f;
  }
  uint16_t h;
  std::memcpy(&h, p, 2);
  return t.isF16() ? rt::halfToFloat(h) : rt::bf16ToFloat(h);
}

static void store(Type t, float f, uint8_t *p) {
  if (t.isF32()) {
    std::memcpy(p, &f, 4);
    return;
  }
  uint16_t h = t.isF16() ? rt::floatToHalf(f) : rt::floatToBf16(f);
  std::memcpy(p, &h, 2);
}

FailureOr<ElementsAttr> convertFloatConstant(ElementsAttr value, FloatType to,
                                             StringRef name) {
  auto type = cast<ShapedType>(value.getType());
  Type from = type.getElementType();
  auto isOurFloat = [](Type t) { return t.isF32() || t.isF16() || t.isBF16(); };
  if (!isOurFloat(from) || !isOurFloat(to))
    return failure();
  auto bytes = getRawBytes(value);
  if (failed(bytes))
    return failure();
  size_t count = type.getNumElements(), inSize = from.isF32() ? 4 : 2,
         outSize = to.isF32() ? 4 : 2;
  if (bytes->size() != count * inSize)
    return failure();
  std::vector<uint8_t> out(count * outSize);
  for (size_t i = 0; i < count; ++i)
    store(to, load(from, bytes->data() + i * inSize), out.data() + i * outSize);
  return makeElementsAttr(
      type.clone(to),
      ArrayRef<char>(reinterpret_cast<const char *>(out.data()), out.size()),
      name);
}

} // namespace geflow::ge::precision
