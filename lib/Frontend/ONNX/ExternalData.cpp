//===- ExternalData.cpp - ONNX external tensor data, resolved safely ------===//
#include "ExternalData.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include "onnx/onnx_pb.h"

using namespace llvm;

namespace geflow::frontend::onnximp {

static bool parseNonNegative(StringRef text, int64_t &value) {
  return !text.getAsInteger(10, value) && value >= 0;
}

// Checks the location string itself: relative, no "..".
static bool checkRelative(StringRef location, std::string &error) {
  if (location.empty()) {
    error = "external data has no location";
    return false;
  }
  if (sys::path::is_absolute(location) || location.starts_with("/")) {
    error = ("external data location '" + location +
             "' is absolute; it must be relative to the model directory")
                .str();
    return false;
  }
  for (auto it = sys::path::begin(location), e = sys::path::end(location);
       it != e; ++it) {
    if (*it == "..") {
      error = ("external data location '" + location +
               "' must not leave the model directory ('..')")
                  .str();
      return false;
    }
  }
  return true;
}

// Checks where the path really leads: a symlink inside the model directory
// may still point outside it.
static bool checkInsideDir(StringRef modelDir, StringRef location,
                           SmallString<256> &realFile, std::string &error) {
  SmallString<256> full(modelDir);
  sys::path::append(full, location);
  SmallString<256> realDir;
  if (std::error_code ec = sys::fs::real_path(modelDir, realDir)) {
    error = ("cannot resolve the model directory '" + modelDir +
             "': " + ec.message())
                .str();
    return false;
  }
  if (std::error_code ec = sys::fs::real_path(full, realFile)) {
    error =
        ("cannot open external data file '" + location + "': " + ec.message())
            .str();
    return false;
  }
  SmallString<256> prefix(realDir);
  if (!prefix.ends_with("/"))
    prefix += "/";
  if (!realFile.str().starts_with(prefix)) {
    error = ("external data location '" + location +
             "' resolves outside the model directory (to '" + realFile + "')")
                .str();
    return false;
  }
  return true;
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
  if (!checkRelative(result.location, error))
    return failure();
  if (modelDir.empty()) {
    error = "external data needs the model's directory; import the model "
            "from its file";
    return failure();
  }
  SmallString<256> realFile;
  if (!checkInsideDir(modelDir, result.location, realFile, error))
    return failure();
  sys::fs::file_status status;
  if (std::error_code ec = sys::fs::status(realFile, status)) {
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
