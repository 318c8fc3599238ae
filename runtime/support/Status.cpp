#include "geflow/runtime/Status.h"

namespace geflow::rt {

const char *errorCodeName(ErrorCode code) {
  switch (code) {
  case ErrorCode::kSuccess:
    return "success";
  case ErrorCode::kInvalidArgument:
    return "invalid argument";
  case ErrorCode::kInvalidHandle:
    return "invalid handle";
  case ErrorCode::kNotFound:
    return "not found";
  case ErrorCode::kUnsupported:
    return "unsupported";
  case ErrorCode::kOutOfMemory:
    return "out of memory";
  case ErrorCode::kCorruptFile:
    return "corrupt file";
  case ErrorCode::kIoError:
    return "i/o error";
  case ErrorCode::kTaskFailed:
    return "task failed";
  case ErrorCode::kNotReady:
    return "not ready";
  case ErrorCode::kTimeout:
    return "timeout";
  case ErrorCode::kInternal:
    return "internal error";
  }
  return "unknown error";
}

std::string Status::toString() const {
  if (ok())
    return "success";
  return std::string(errorCodeName(code_)) + ": " + message_;
}

} // namespace geflow::rt
