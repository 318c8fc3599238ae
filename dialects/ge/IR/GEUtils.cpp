//===- GEUtils.cpp - ge types, constants and op labels --------------------===//
#include "dialects/ge/IR/GEUtils.h"
#include "dialects/ge/IR/GEDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/TypeUtilities.h"

#include <cstring>

using namespace mlir;

namespace geflow::ge {

std::optional<rt::DType> getRuntimeDType(Type t) {
  if (t.isF32())
    return rt::DType::F32;
  if (t.isF16())
    return rt::DType::F16;
  if (t.isBF16())
    return rt::DType::BF16;
  if (t.isInteger(1))
    return rt::DType::Bool;
  if (t.isUnsignedInteger(8))
    return rt::DType::U8;
  if (t.isSignlessInteger(8) || t.isSignedInteger(8))
    return rt::DType::I8;
  if (t.isSignlessInteger(32) || t.isSignedInteger(32))
    return rt::DType::I32;
  if (t.isSignlessInteger(64) || t.isSignedInteger(64))
    return rt::DType::I64;
  if (t.isF64())
    return rt::DType::F64;
  if (t.isSignlessInteger(16) || t.isSignedInteger(16))
    return rt::DType::I16;
  if (t.isUnsignedInteger(16))
    return rt::DType::U16;
  if (t.isUnsignedInteger(32))
    return rt::DType::U32;
  if (t.isUnsignedInteger(64))
    return rt::DType::U64;
  if (isa<StringType>(t))
    return rt::DType::String;
  return std::nullopt;
}

std::optional<rt::DType> hostOnlyDType(Operation *op) {
  auto check = [](TypeRange types) -> std::optional<rt::DType> {
    for (Type t : types)
      if (auto d = getRuntimeDType(getElementTypeOrSelf(t));
          d && !rt::isDeviceDType(*d))
        return d;
    return std::nullopt;
  };
  if (auto d = check(op->getOperandTypes()))
    return d;
  return check(op->getResultTypes());
}

Type getElementType(MLIRContext *ctx, rt::DType dtype) {
  Builder b(ctx);
  switch (dtype) {
  case rt::DType::F32:
    return b.getF32Type();
  case rt::DType::F16:
    return b.getF16Type();
  case rt::DType::BF16:
    return b.getBF16Type();
  case rt::DType::I8:
    return b.getI8Type();
  case rt::DType::U8:
    return b.getIntegerType(8, /*isSigned=*/false);
  case rt::DType::I32:
    return b.getI32Type();
  case rt::DType::I64:
    return b.getI64Type();
  case rt::DType::Bool:
    return b.getI1Type();
  case rt::DType::F64:
    return b.getF64Type();
  case rt::DType::I16:
    return b.getI16Type();
  case rt::DType::U16:
    return b.getIntegerType(16, /*isSigned=*/false);
  case rt::DType::U32:
    return b.getIntegerType(32, /*isSigned=*/false);
  case rt::DType::U64:
    return b.getIntegerType(64, /*isSigned=*/false);
  case rt::DType::String:
    return StringType::get(ctx);
  }
  return Type();
}

FailureOr<std::vector<uint8_t>> getRawBytes(ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  if (!type.hasStaticShape())
    return failure();
  size_t count = type.getNumElements();
  Type et = type.getElementType();
  if (!et.isIntOrFloat()) // strings have no fixed-size bytes
    return failure();
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return failure();
    ArrayRef<char> data = blob->getData();
    return std::vector<uint8_t>(data.begin(), data.end());
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return failure();
  if (et.isInteger(1)) {
    std::vector<uint8_t> out;
    out.reserve(count);
    for (bool b : dense.getValues<bool>())
      out.push_back(b);
    return out;
  }
  size_t elemBytes = (et.getIntOrFloatBitWidth() + 7) / 8;
  ArrayRef<char> raw = dense.getRawData();
  std::vector<uint8_t> out(count * elemBytes);
  if (dense.isSplat()) {
    for (size_t off = 0; off < out.size(); off += elemBytes)
      std::memcpy(out.data() + off, raw.data(), elemBytes);
  } else {
    std::memcpy(out.data(), raw.data(), out.size());
  }
  return out;
}

ElementsAttr makeElementsAttr(ShapedType type, ArrayRef<char> bytes,
                              StringRef name, size_t inlineLimit) {
  if (type.getElementType().isInteger(1)) {
    SmallVector<bool> values;
    for (char c : bytes)
      values.push_back(c != 0);
    return DenseElementsAttr::get(type, values);
  }
  if (bytes.size() > inlineLimit) {
    size_t align = std::max<size_t>(1, type.getElementTypeBitWidth() / 8);
    AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        bytes, align, /*dataIsMutable=*/false);
    return DenseResourceElementsAttr::get(type, name, std::move(blob));
  }
  return DenseElementsAttr::getFromRawBuffer(type, bytes);
}

SmallVector<StringRef> nodeNames(Location loc) {
  SmallVector<StringRef> names;
  loc->walk([&](Location l) {
    if (auto named = dyn_cast<NameLoc>(l))
      names.push_back(named.getName().getValue());
    return WalkResult::advance();
  });
  return names;
}

std::string opLabel(Operation *op) {
  std::string label = op->getName().stripDialect().str();
  SmallVector<StringRef> names = nodeNames(op->getLoc());
  if (!names.empty())
    label += " '" + names.front().str() + "'";
  return label;
}

std::string valueLabel(Value v) {
  if (Operation *def = v.getDefiningOp())
    return opLabel(def);
  auto arg = cast<BlockArgument>(v);
  auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
  if (func)
    if (auto name =
            func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "ge.name"))
      return "input '" + name.str() + "'";
  return "input " + std::to_string(arg.getArgNumber());
}

} // namespace geflow::ge

bool geflow::ge::sameEngine(Operation *a, Operation *b) {
  return a->getAttr(geflow::ge::GEDialect::kEngineAttr) ==
         b->getAttr(geflow::ge::GEDialect::kEngineAttr);
}
