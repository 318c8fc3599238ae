//===- GEDialect.h - The ge graph dialect -----------------------*- C++ -*-===//
#ifndef GEFLOW_DIALECTS_GE_IR_GEDIALECT_H
#define GEFLOW_DIALECTS_GE_IR_GEDIALECT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/OpImplementation.h"

#include "dialects/ge/IR/GEDialect.h.inc"
#include "dialects/ge/IR/GEEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/ge/IR/GEAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/ge/IR/GETypes.h.inc"

namespace geflow::ge {

/// The format encoded in a tensor type, ND when it carries none.
Format getFormat(mlir::Type type);

/// `type` with its format encoding replaced (ND drops the encoding).
mlir::RankedTensorType withFormat(mlir::RankedTensorType type, Format format);

/// Physical (stored) shape of a tensor type from its format; failure when the
/// format does not fit the rank or the shape is dynamic.
mlir::FailureOr<llvm::SmallVector<int64_t>>
getPhysicalShape(mlir::RankedTensorType type);

/// Precision modes accepted in the `ge.precision_mode` graph attribute.
llvm::ArrayRef<llvm::StringRef> getPrecisionModes();

} // namespace geflow::ge

#endif // GEFLOW_DIALECTS_GE_IR_GEDIALECT_H
