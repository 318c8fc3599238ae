//===- AirTypes.h - GE IR dtypes, shapes and layouts <-> MLIR types -*- C++
//-*-//
//
// GE IR numbers a dtype two ways: TensorDescriptor.dtype uses the proto enum
// (float32 = 1), while attributes of kind `dt` (Cast dst_type, FileConstant
// dtype) use the C++ ge::DataType enum (float32 = 0). Both tables live here
// so no other file writes a dtype number.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_FRONTEND_AIR_AIRTYPES_H
#define GEFLOW_LIB_FRONTEND_AIR_AIRTYPES_H

#include "mlir/IR/BuiltinTypes.h"

#include <optional>
#include <string>

namespace ge::proto {
class TensorDescriptor;
} // namespace ge::proto

namespace geflow::frontend::air {

/// The element type of a proto-enum dtype (TensorDescriptor.dtype), or
/// failure with `error` naming the dtype.
mlir::FailureOr<mlir::Type>
typeFromProtoDType(mlir::MLIRContext *ctx, int64_t dtype, std::string &error);
/// The element type of a C++-enum dtype (attributes of kind `dt`).
mlir::FailureOr<mlir::Type> typeFromCppDType(mlir::MLIRContext *ctx,
                                             int64_t dtype, std::string &error);
/// The proto-enum / C++-enum number of an element type (nullopt: no GE dtype).
std::optional<int> protoDTypeOf(mlir::Type type);
std::optional<int> cppDTypeOf(mlir::Type type);

/// The tensor type a descriptor declares: shape dims (-1 unknown, [-2]
/// unknown rank, which geflow refuses) and dtype. Layouts ND, NCHW, NHWC
/// and the empty string describe the logical shape; others are refused.
mlir::FailureOr<mlir::RankedTensorType>
typeFromDesc(mlir::MLIRContext *ctx, const ::ge::proto::TensorDescriptor &desc,
             std::string &error);

/// Fills `desc` (dtype, shape, layout) from a ranked tensor type.
mlir::LogicalResult fillDesc(mlir::Type type, llvm::StringRef name,
                             ::ge::proto::TensorDescriptor &desc,
                             std::string &error);

/// Bytes per element as GE stores it (i1 is one byte).
int64_t elementBytes(mlir::Type elementType);

} // namespace geflow::frontend::air

#endif
