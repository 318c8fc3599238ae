//===- NPUDialect.cpp - The npu dialect and its attributes ----------------===//
#include "dialects/npu/IR/NPUDialect.h"
#include "dialects/ge/IR/GEDialect.h"
#include "dialects/npu/IR/NPUOps.h"
#include "geflow/runtime/Strings.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace geflow::npu;

#include "dialects/npu/IR/NPUDialect.cpp.inc"
#include "dialects/npu/IR/NPUEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/npu/IR/NPUAttrs.cpp.inc"

void NPUDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/npu/IR/NPUAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/npu/IR/NPUOps.cpp.inc"
      >();
}

FailureOr<uint64_t> geflow::npu::getStorageBytes(Type type) {
  auto ranked = dyn_cast_if_present<RankedTensorType>(type);
  if (!ranked || !ranked.hasStaticShape())
    return failure();
  auto physical = geflow::ge::getPhysicalShape(ranked);
  if (failed(physical))
    return failure();
  uint64_t elements = 1;
  for (int64_t d : *physical)
    elements *= static_cast<uint64_t>(d);
  // A string element is a 16-byte rt::StringRef (geflow/runtime/Strings.h).
  if (isa<geflow::ge::StringType>(ranked.getElementType()))
    return elements * sizeof(geflow::rt::StringRef);
  if (!ranked.getElementType().isIntOrFloat())
    return failure();
  unsigned bits = ranked.getElementTypeBitWidth();
  return elements * ((bits + 7) / 8);
}

//===----------------------------------------------------------------------===//
// #npu.buf<region [slot], offset, size>
//===----------------------------------------------------------------------===//

Attribute BufferAttr::parse(AsmParser &parser, Type) {
  StringRef keyword;
  uint64_t slot = 0, offset = 0, size = 0;
  if (parser.parseLess() || parser.parseKeyword(&keyword))
    return {};
  auto region = symbolizeMemRegion(keyword);
  if (!region) {
    parser.emitError(parser.getCurrentLocation(),
                     "expected arena, weight, input or output, got '")
        << keyword << "'";
    return {};
  }
  if (*region == MemRegion::input || *region == MemRegion::output)
    if (parser.parseInteger(slot))
      return {};
  if (parser.parseComma() || parser.parseInteger(offset) ||
      parser.parseComma() || parser.parseInteger(size) || parser.parseGreater())
    return {};
  return BufferAttr::get(parser.getContext(), *region, slot, offset, size);
}

void BufferAttr::print(AsmPrinter &printer) const {
  printer << "<" << stringifyMemRegion(getRegion());
  if (getRegion() == MemRegion::input || getRegion() == MemRegion::output)
    printer << " " << getSlot();
  printer << ", " << getOffset() << ", " << getSize() << ">";
}

//===----------------------------------------------------------------------===//
// #npu.tiling<"hex", workspace = N>
//===----------------------------------------------------------------------===//

Attribute TilingAttr::parse(AsmParser &parser, Type) {
  std::string hex;
  uint64_t workspace = 0;
  if (parser.parseLess() || parser.parseString(&hex))
    return {};
  if (succeeded(parser.parseOptionalComma()))
    if (parser.parseKeyword("workspace") || parser.parseEqual() ||
        parser.parseInteger(workspace))
      return {};
  if (parser.parseGreater())
    return {};
  std::string bytes;
  if (!llvm::tryGetFromHex(hex, bytes)) {
    parser.emitError(parser.getCurrentLocation(), "tiling data must be hex");
    return {};
  }
  return TilingAttr::get(parser.getContext(), bytes, workspace);
}

void TilingAttr::print(AsmPrinter &printer) const {
  printer << "<\"" << llvm::toHex(getData(), /*LowerCase=*/true) << "\"";
  if (getWorkspace())
    printer << ", workspace = " << getWorkspace();
  printer << ">";
}
