//===- TensorImport.h - ONNX tensors to MLIR elements attributes -*- C++
//-*-===//
//
// Initializers and Constant values arrive as onnx::TensorProto with their
// data in raw_data (little-endian bytes) or in a typed repeated field. Small
// tensors become DenseElementsAttr (so folding sees them); larger ones
// dense_resource blobs so that big models print and parse fast.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_FRONTEND_ONNX_TENSORIMPORT_H
#define GEFLOW_LIB_FRONTEND_ONNX_TENSORIMPORT_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinTypes.h"

#include <string>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace geflow::frontend::onnximp {

/// The shape and element type of `tensor`. Fails with `error` for negative
/// dims, an element count that overflows, and element types ge lacks.
mlir::FailureOr<mlir::RankedTensorType>
getTensorType(const onnx::TensorProto &tensor, mlir::MLIRContext *context,
              std::string &error);

/// Whether the tensor's bytes live in an external file.
bool hasExternalData(const onnx::TensorProto &tensor);

/// The value of a tensor with inline data, of type `type` (from
/// getTensorType). Tensors of more than `largeBytes` bytes become
/// dense_resource blobs named after the tensor. Fails with `error` when the
/// data does not match the shape.
mlir::FailureOr<mlir::ElementsAttr>
convertTensorData(const onnx::TensorProto &tensor, mlir::RankedTensorType type,
                  int64_t largeBytes, std::string &error);

} // namespace geflow::frontend::onnximp

#endif
