//===- AirAttrs.h - GE IR AttrDef <-> MLIR attributes -------------*- C++
//-*-===//
#ifndef GEFLOW_LIB_FRONTEND_AIR_AIRATTRS_H
#define GEFLOW_LIB_FRONTEND_AIR_AIRATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace ge::proto {
class AttrDef;
class TensorDef;
} // namespace ge::proto

namespace geflow::frontend::air {

/// The MLIR attribute of a wire attribute: list i -> DenseI64ArrayAttr, i ->
/// i64, f -> f32, b -> bool, s -> string (a #ge.format for `src_format` /
/// `dst_format`), dt -> TypeAttr (C++ numbering). Tensors, graphs and other
/// lists fail with `error`.
mlir::FailureOr<mlir::Attribute> importAttr(mlir::MLIRContext *ctx,
                                            llvm::StringRef name,
                                            const ::ge::proto::AttrDef &attr,
                                            std::string &error);

/// The wire form of an inherent ge op attribute (the inverse of importAttr).
mlir::LogicalResult exportAttr(mlir::Attribute attr, ::ge::proto::AttrDef &out,
                               std::string &error);

/// The tensor a TensorDef holds, its bytes checked against its descriptor.
struct WireTensor {
  mlir::RankedTensorType type;
  llvm::StringRef bytes;
};
mlir::FailureOr<WireTensor> readTensor(mlir::MLIRContext *ctx,
                                       const ::ge::proto::TensorDef &tensor,
                                       std::string &error);

/// The elements of an integer (int32/int64) tensor.
mlir::FailureOr<llvm::SmallVector<int64_t>> tensorInts(const WireTensor &t,
                                                       std::string &error);
/// The one element of a float32 (or integer) tensor.
mlir::FailureOr<double> tensorScalar(const WireTensor &t, std::string &error);

/// A TensorDef holding `bytes` of `type`.
mlir::LogicalResult writeTensor(mlir::RankedTensorType type,
                                llvm::ArrayRef<uint8_t> bytes,
                                llvm::StringRef name,
                                ::ge::proto::TensorDef &out,
                                std::string &error);

} // namespace geflow::frontend::air

#endif
