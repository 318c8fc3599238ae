//===- TypeMapping.cpp - ONNX element and tensor types to MLIR ------------===//
#include "TypeMapping.h"

#include "dialects/ge/IR/GEDialect.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLExtras.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace geflow::frontend::onnximp {

std::optional<Type> convertDataType(int64_t onnxType, MLIRContext *context) {
  Builder b(context);
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::INT8:
    return b.getI8Type();
  case onnx::TensorProto::UINT8:
    return b.getIntegerType(8, /*isSigned=*/false);
  case onnx::TensorProto::INT32:
    return b.getI32Type();
  case onnx::TensorProto::INT64:
    return b.getI64Type();
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::INT16:
    return b.getI16Type();
  case onnx::TensorProto::UINT16:
    return b.getIntegerType(16, /*isSigned=*/false);
  case onnx::TensorProto::UINT32:
    return b.getIntegerType(32, /*isSigned=*/false);
  case onnx::TensorProto::UINT64:
    return b.getIntegerType(64, /*isSigned=*/false);
  case onnx::TensorProto::STRING:
    return ge::StringType::get(context);
  default:
    return std::nullopt;
  }
}

std::string dataTypeName(int64_t onnxType) {
  if (onnx::TensorProto::DataType_IsValid(static_cast<int>(onnxType)) &&
      onnxType != onnx::TensorProto::UNDEFINED)
    return onnx::TensorProto::DataType_Name(
        static_cast<onnx::TensorProto::DataType>(onnxType));
  return "<data type " + std::to_string(onnxType) + ">";
}

int64_t dataTypeBytes(int64_t onnxType) {
  switch (onnxType) {
  case onnx::TensorProto::BOOL:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
    return 1;
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
    return 2;
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
    return 4;
  case onnx::TensorProto::DOUBLE:
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT64:
  case onnx::TensorProto::COMPLEX64:
    return 8;
  case onnx::TensorProto::COMPLEX128:
    return 16;
  default:
    return 0;
  }
}

FailureOr<TensorType> convertTensorType(const onnx::TypeProto &type,
                                        MLIRContext *context,
                                        std::string &error) {
  if (!type.has_tensor_type()) {
    error = type.has_sequence_type()   ? "sequence values are not supported"
            : type.has_optional_type() ? "optional values are not supported"
            : type.has_map_type()      ? "map values are not supported"
                                       : "the value has no tensor type";
    return failure();
  }
  const onnx::TypeProto::Tensor &tensor = type.tensor_type();
  std::optional<Type> elementType =
      convertDataType(tensor.elem_type(), context);
  if (!elementType) {
    error = "element type " + dataTypeName(tensor.elem_type()) +
            " is not supported (ge holds FLOAT, FLOAT16, BFLOAT16, INT8, "
            "UINT8, INT32, INT64, BOOL, DOUBLE, INT16, UINT16, UINT32, "
            "UINT64, STRING)";
    return failure();
  }
  if (!tensor.has_shape())
    return TensorType(UnrankedTensorType::get(*elementType));
  if (tensor.shape().dim_size() > kMaxRank) {
    error = "rank " + std::to_string(tensor.shape().dim_size()) +
            " is not supported (at most " + std::to_string(kMaxRank) + ")";
    return failure();
  }
  SmallVector<int64_t> dims;
  // Far beyond any real tensor; keeps element counts from overflowing.
  constexpr int64_t kMaxDim = int64_t(1) << 40;
  for (const auto &[index, dim] : llvm::enumerate(tensor.shape().dim())) {
    if (!dim.has_dim_value()) {
      dims.push_back(ShapedType::kDynamic);
      continue;
    }
    // A negative size is a broken model, not an unknown dim (dim_param or
    // no value marks those).
    if (dim.dim_value() < 0) {
      error = "dim " + std::to_string(index) + " has the negative size " +
              std::to_string(dim.dim_value()) +
              " (an unknown dim has a dim_param or no value; --input_shape "
              "can fix it)";
      return failure();
    }
    if (dim.dim_value() > kMaxDim) {
      error = "dim " + std::to_string(index) + " has the size " +
              std::to_string(dim.dim_value()) + ", which is too large";
      return failure();
    }
    dims.push_back(dim.dim_value());
  }
  return TensorType(RankedTensorType::get(dims, *elementType));
}

} // namespace geflow::frontend::onnximp
