//===- TensorImport.cpp - ONNX tensors to MLIR elements attributes --------===//
#include "TensorImport.h"
#include "TypeMapping.h"

#include "geflow/runtime/Strings.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/SwapByteOrder.h"

#include "onnx/onnx_pb.h"

#include <cstring>

using namespace mlir;

namespace geflow::frontend::onnximp {

FailureOr<RankedTensorType> getTensorType(const onnx::TensorProto &tensor,
                                          MLIRContext *context,
                                          std::string &error) {
  std::optional<Type> elementType =
      convertDataType(tensor.data_type(), context);
  if (!elementType) {
    error = "element type " + dataTypeName(tensor.data_type()) +
            " is not supported";
    return failure();
  }
  SmallVector<int64_t> dims;
  int64_t count = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0) {
      error = "has a negative dim " + std::to_string(dim);
      return failure();
    }
    // 2^48 elements is far beyond any model and keeps byte counts exact.
    constexpr int64_t kMaxElements = int64_t(1) << 48;
    if (dim != 0 && count > kMaxElements / dim) {
      error = "has too many elements";
      return failure();
    }
    count *= dim;
    dims.push_back(dim);
  }
  return RankedTensorType::get(dims, *elementType);
}

bool hasExternalData(const onnx::TensorProto &tensor) {
  return tensor.has_data_location() &&
         tensor.data_location() == onnx::TensorProto::EXTERNAL;
}

// Copies a typed repeated field into little-endian element storage,
// narrowing each value to `Storage` (ONNX keeps int8/uint8/bool/float16/
// bfloat16 in int32_data, one value per entry).
template <typename Storage, typename Field>
static LogicalResult packField(const Field &field, int64_t count,
                               std::vector<char> &out, std::string &error) {
  if (field.size() != count) {
    error = "holds " + std::to_string(field.size()) +
            " values but its shape needs " + std::to_string(count);
    return failure();
  }
  out.resize(count * sizeof(Storage));
  for (int64_t i = 0; i < count; ++i) {
    Storage v = static_cast<Storage>(field.Get(i));
    std::memcpy(out.data() + i * sizeof(Storage), &v, sizeof(Storage));
  }
  return success();
}

static LogicalResult packTypedData(const onnx::TensorProto &tensor,
                                   int64_t count, std::vector<char> &out,
                                   std::string &error) {
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    return packField<float>(tensor.float_data(), count, out, error);
  case onnx::TensorProto::INT64:
    return packField<int64_t>(tensor.int64_data(), count, out, error);
  case onnx::TensorProto::INT32:
    return packField<int32_t>(tensor.int32_data(), count, out, error);
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
    return packField<uint8_t>(tensor.int32_data(), count, out, error);
  case onnx::TensorProto::BOOL:
    if (failed(packField<uint8_t>(tensor.int32_data(), count, out, error)))
      return failure();
    for (char &c : out)
      c = c != 0;
    return success();
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
    // The 16-bit pattern of each value is the low half of an int32 entry.
    return packField<uint16_t>(tensor.int32_data(), count, out, error);
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
    return packField<uint16_t>(tensor.int32_data(), count, out, error);
  case onnx::TensorProto::DOUBLE:
    return packField<double>(tensor.double_data(), count, out, error);
  case onnx::TensorProto::UINT32:
    return packField<uint32_t>(tensor.uint64_data(), count, out, error);
  case onnx::TensorProto::UINT64:
    return packField<uint64_t>(tensor.uint64_data(), count, out, error);
  default:
    error = "element type " + dataTypeName(tensor.data_type()) +
            " is not supported";
    return failure();
  }
}

FailureOr<ElementsAttr> convertTensorData(const onnx::TensorProto &tensor,
                                          RankedTensorType type,
                                          int64_t largeBytes,
                                          std::string &error) {
  if (!llvm::sys::IsLittleEndianHost) {
    error = "ONNX tensor data is little-endian; big-endian hosts are not "
            "supported";
    return failure();
  }
  int64_t count = type.getNumElements();
  if (tensor.data_type() == onnx::TensorProto::STRING) {
    // Strings live in string_data (raw_data cannot hold them).
    if (tensor.string_data_size() != count) {
      error = "holds " + std::to_string(tensor.string_data_size()) +
              " strings but its shape needs " + std::to_string(count);
      return failure();
    }
    SmallVector<StringRef> values;
    for (const std::string &s : tensor.string_data()) {
      if (s.size() > rt::kMaxStringElementBytes) {
        error = "holds a string of " + std::to_string(s.size()) +
                " bytes, over the limit of " +
                std::to_string(rt::kMaxStringElementBytes);
        return failure();
      }
      values.push_back(s);
    }
    return ElementsAttr(DenseStringElementsAttr::get(type, values));
  }
  int64_t elementBytes = dataTypeBytes(tensor.data_type());
  std::vector<char> storage;
  ArrayRef<char> bytes;
  if (tensor.has_raw_data()) {
    const std::string &raw = tensor.raw_data();
    if (static_cast<int64_t>(raw.size()) != count * elementBytes) {
      error = "raw_data holds " + std::to_string(raw.size()) +
              " bytes but its shape needs " +
              std::to_string(count * elementBytes);
      return failure();
    }
    bytes = ArrayRef<char>(raw.data(), raw.size());
  } else {
    if (failed(packTypedData(tensor, count, storage, error)))
      return failure();
    bytes = storage;
  }

  // MLIR packs i1 as bits; build bool constants value by value.
  if (type.getElementType().isInteger(1)) {
    SmallVector<bool> values;
    values.reserve(count);
    for (char c : bytes)
      values.push_back(c != 0);
    return ElementsAttr(DenseElementsAttr::get(type, values));
  }
  if (count * elementBytes > largeBytes) {
    std::string name = tensor.name().empty() ? "constant" : tensor.name();
    AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        bytes, static_cast<size_t>(elementBytes), /*dataIsMutable=*/false);
    return ElementsAttr(
        DenseResourceElementsAttr::get(type, name, std::move(blob)));
  }
  if (count == 0)
    return ElementsAttr(DenseElementsAttr::get(type, ArrayRef<Attribute>{}));
  bool isSplat = false;
  if (!DenseElementsAttr::isValidRawBuffer(type, bytes, isSplat)) {
    error = "data does not match its type";
    return failure();
  }
  return ElementsAttr(DenseElementsAttr::getFromRawBuffer(type, bytes));
}

} // namespace geflow::frontend::onnximp
