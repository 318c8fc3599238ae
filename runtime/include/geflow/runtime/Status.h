//===- Status.h - Error codes and Status for the geflow runtime -*- C++ -*-===//
//
// Every runtime call reports failure as a Status: a stable error code (the
// same numbers the C API returns) and a message naming what went wrong.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_STATUS_H
#define GEFLOW_RUNTIME_STATUS_H

#include <cstdint>
#include <string>
#include <utility>

namespace geflow::rt {

/// Stable numeric codes; the C API (`gfrtError`) uses the same values.
enum class ErrorCode : int32_t {
  kSuccess = 0,
  kInvalidArgument = 100000,
  kInvalidHandle = 100001,
  kNotFound = 100002,
  kUnsupported = 100003,
  kOutOfMemory = 200000,
  kCorruptFile = 300000,
  kIoError = 300001,
  kTaskFailed = 400000,
  kNotReady = 400001,
  kTimeout =
      400002, // stream_sync_timeout, event_sync_timeout, op_execute_timeout
  kInternal = 500000,
};

const char *errorCodeName(ErrorCode code);

class [[nodiscard]] Status {
public:
  Status() = default;
  Status(ErrorCode code, std::string message)
      : code_(code), message_(std::move(message)) {}
  static Status OK() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kSuccess; }
  ErrorCode code() const { return code_; }
  const std::string &message() const { return message_; }
  /// "<code name>: <message>", or "success".
  std::string toString() const;

private:
  ErrorCode code_ = ErrorCode::kSuccess;
  std::string message_;
};

inline Status invalidArgument(std::string msg) {
  return Status(ErrorCode::kInvalidArgument, std::move(msg));
}
inline Status unsupported(std::string msg) {
  return Status(ErrorCode::kUnsupported, std::move(msg));
}
inline Status internalError(std::string msg) {
  return Status(ErrorCode::kInternal, std::move(msg));
}

/// A value or the Status explaining why there is none.
template <typename T> class [[nodiscard]] StatusOr {
public:
  StatusOr(T value) : value_(std::move(value)), hasValue_(true) {}
  StatusOr(Status status) : status_(std::move(status)) {}
  bool ok() const { return hasValue_; }
  const Status &status() const { return status_; }
  T &value() & { return value_; }
  const T &value() const & { return value_; }
  T &&value() && { return std::move(value_); }
  T *operator->() { return &value_; }
  const T *operator->() const { return &value_; }
  T &operator*() { return value_; }

private:
  Status status_;
  T value_{};
  bool hasValue_ = false;
};

} // namespace geflow::rt

#define GEFLOW_RETURN_IF_ERROR(expr)                                           \
  do {                                                                         \
    ::geflow::rt::Status _st = (expr);                                         \
    if (!_st.ok())                                                             \
      return _st;                                                              \
  } while (0)

#endif // GEFLOW_RUNTIME_STATUS_H
