//===- TypeMapping.h - ONNX element and tensor types to MLIR ----*- C++ -*-===//
//
// ONNX element types are TensorProto::DataType codes. The ge dialect holds
// f32, f16, bf16, i8, ui8, i32, i64 and i1; every other ONNX type (double,
// int16, uint32, string, ...) is unsupported and named in the error.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_FRONTEND_ONNX_TYPEMAPPING_H
#define GEFLOW_LIB_FRONTEND_ONNX_TYPEMAPPING_H

#include "mlir/IR/BuiltinTypes.h"

#include <optional>
#include <string>

namespace onnx {
class TypeProto;
} // namespace onnx

namespace geflow::frontend::onnximp {

/// The largest rank the importer accepts: far beyond real models (GE itself
/// stops at 8), small enough that a malformed shape cannot make a type with
/// billions of dims.
constexpr int64_t kMaxRank = 64;

/// The ge element type of an ONNX data type code, nullopt when ge has none.
std::optional<mlir::Type> convertDataType(int64_t onnxType,
                                          mlir::MLIRContext *context);

/// "FLOAT", "DOUBLE", ...; "<data type N>" for codes ONNX does not define.
std::string dataTypeName(int64_t onnxType);

/// Bytes per element of an ONNX data type with a fixed size; 0 otherwise
/// (string, undefined).
int64_t dataTypeBytes(int64_t onnxType);

/// The tensor type of an ONNX value: unknown dims (dim_param or no value)
/// become `?`, a missing shape an unranked tensor. Fails with `error` for
/// non-tensor types (sequence, map, optional) and unsupported element types.
mlir::FailureOr<mlir::TensorType> convertTensorType(const onnx::TypeProto &type,
                                                    mlir::MLIRContext *context,
                                                    std::string &error);

} // namespace geflow::frontend::onnximp

#endif
