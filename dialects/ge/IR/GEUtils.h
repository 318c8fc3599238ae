//===- GEUtils.h - ge types, constants and op labels -------------*- C++
//-*-===//
//
// Bridges from ge types and constants to the runtime, and the labels that
// name ops and values in messages.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_DIALECTS_GE_IR_GEUTILS_H
#define GEFLOW_DIALECTS_GE_IR_GEUTILS_H

#include "geflow/runtime/Types.h"

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/Types.h"

#include <optional>
#include <string>
#include <vector>

namespace geflow::ge {

/// The runtime dtype of an element type (nullopt for types geflow does not
/// run: f64, i16, ...).
std::optional<rt::DType> getRuntimeDType(mlir::Type elementType);
/// The first operand or result element type of `op` that only the host CPU
/// engine computes in (f64, i16, u16, u32, u64: rt::isDeviceDType false).
std::optional<rt::DType> hostOnlyDType(mlir::Operation *op);

/// The element type of a runtime dtype.
mlir::Type getElementType(mlir::MLIRContext *ctx, rt::DType dtype);

/// The row-major bytes of a constant as the runtime stores it: splats
/// expanded, i1 as one byte per element. Fails for attributes whose data is
/// unavailable (e.g. an unloaded resource blob).
mlir::FailureOr<std::vector<uint8_t>> getRawBytes(mlir::ElementsAttr attr);

/// A constant of `type` holding `bytes` (row-major, one byte per i1): a
/// dense_resource blob named `name` when larger than `inlineLimit` bytes, so
/// big weights parse and print fast, an inline dense attribute otherwise.
mlir::ElementsAttr makeElementsAttr(mlir::ShapedType type,
                                    llvm::ArrayRef<char> bytes,
                                    llvm::StringRef name,
                                    size_t inlineLimit = 1024);

/// The node names of an op: its NameLoc, or every NameLoc of a fused
/// location (ops merged by a pass), outermost first.
llvm::SmallVector<llvm::StringRef> nodeNames(mlir::Location loc);

/// "Conv2D 'conv1'" for messages: the op name without the dialect and its
/// first node name, when it has one.
std::string opLabel(mlir::Operation *op);

/// Whether two ops run on the same engine (mixed compute's `ge.engine`):
/// fusion never merges ops of two engines.
bool sameEngine(mlir::Operation *a, mlir::Operation *b);

/// The label of a value: its producer's opLabel, or "input 'x'" for a graph
/// argument (its ge.name, else its position).
std::string valueLabel(mlir::Value v);

} // namespace geflow::ge

#endif
