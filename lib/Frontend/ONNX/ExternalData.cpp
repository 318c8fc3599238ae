//===- ExternalData.cpp - ONNX external tensor data, resolved safely ------===//
#include "ExternalData.h"
#include "geflow/Frontend/WeightPaths.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include "onnx/onnx_pb.h"

using namespace llvm;

namespace geflow::frontend::onnximp {

static bool parseNonNegative(StringRef text, int64_t &value) {
  return !text.getAsInteger(10, value) && value >= 0;
}

FailureOr<ExternalTensor> resolveExternalData(const onnx::TensorProto &tensor,
                                              StringRef modelDir, int64_t bytes,
                                              std::string &error) {
  ExternalTensor result;
  int64_t length = -1;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    StringRef key = entry.key(), value = entry.value();
    if (key == "location") {
      result.location = value.str();
    } else if (key == "offset") {
      if (!parseNonNegative(value, result.offset)) {
        error =
            ("external data offset '" + value + "' is not a byte offset").str();
        return failure();
      }
    } else if (key == "length") {
      if (!parseNonNegative(value, length)) {
        error =
            ("external data length '" + value + "' is not a byte count").str();
        return failure();
      }
    }
  }
  if (modelDir.empty() && !result.location.empty()) {
    error = "external data needs the model's directory; import the model "
            "from its file";
    return failure();
  }
  FailureOr<std::string> realFile =
      resolveWeightFile(modelDir, result.location, error);
  if (failed(realFile))
    return failure();
  sys::fs::file_status status;
  if (std::error_code ec = sys::fs::status(*realFile, status)) {
    error = "cannot open external data file '" + result.location +
            "': " + ec.message();
    return failure();
  }
  if (!sys::fs::is_regular_file(status)) {
    error = "external data location '" + result.location +
            "' is not a regular file";
    return failure();
  }
  if (length >= 0 && length != bytes) {
    error = "external data length " + std::to_string(length) +
            " does not match the tensor's " + std::to_string(bytes) + " bytes";
    return failure();
  }
  uint64_t fileSize = status.getSize();
  if (static_cast<uint64_t>(result.offset) > fileSize ||
      fileSize - result.offset < static_cast<uint64_t>(bytes)) {
    error = "external data file '" + result.location + "' has " +
            std::to_string(fileSize) + " bytes; the tensor needs " +
            std::to_string(bytes) + " bytes at offset " +
            std::to_string(result.offset);
    return failure();
  }
  SmallString<256> normalized(result.location);
  sys::path::remove_dots(normalized, /*remove_dot_dot=*/false);
  result.location = normalized.str().str();
  result.length = bytes;
  return result;
}

} // namespace geflow::frontend::onnximp
