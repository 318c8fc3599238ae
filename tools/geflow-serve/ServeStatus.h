//===- ServeStatus.h - Request outcomes of geflow-serve ---------*- C++ -*-===//
//
// The outcome of a request as both protocols report it: a code that maps to
// an HTTP status (TF Serving's and KServe's REST answers) and to a gRPC
// status code, and a message that names the problem.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SERVE_SERVESTATUS_H
#define GEFLOW_SERVE_SERVESTATUS_H

#include <optional>
#include <string>
#include <utility>

namespace geflow::serve {

enum class Code {
  kOk,
  kInvalidArgument,   // 400, INVALID_ARGUMENT
  kNotFound,          // 404, NOT_FOUND
  kPayloadTooLarge,   // 413, RESOURCE_EXHAUSTED
  kResourceExhausted, // 429, RESOURCE_EXHAUSTED (a full queue)
  kDeadlineExceeded,  // 504, DEADLINE_EXCEEDED
  kUnavailable,       // 503, UNAVAILABLE (not ready, shutting down)
  kInternal,          // 500, INTERNAL
};

class Status {
public:
  Status() = default;
  Status(Code code, std::string message)
      : code_(code), message_(std::move(message)) {}
  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string &message() const { return message_; }

private:
  Code code_ = Code::kOk;
  std::string message_;
};

inline Status invalidArgument(std::string message) {
  return Status(Code::kInvalidArgument, std::move(message));
}
inline Status notFound(std::string message) {
  return Status(Code::kNotFound, std::move(message));
}

/// A value or the Status saying why there is none.
template <typename T> class Result {
public:
  Result(T value) : value_(std::move(value)) {}
  Result(Status status) : status_(std::move(status)) {}
  bool ok() const { return value_.has_value(); }
  const Status &status() const { return status_; }
  T &value() { return *value_; }
  const T &value() const { return *value_; }
  T *operator->() { return &*value_; }
  const T *operator->() const { return &*value_; }
  T &operator*() { return *value_; }

private:
  std::optional<T> value_;
  Status status_;
};

/// The HTTP status of a code (200 for kOk).
int httpStatus(Code code);
/// TF Serving's and gRPC's name of a code ("INVALID_ARGUMENT").
const char *codeName(Code code);

} // namespace geflow::serve

#endif // GEFLOW_SERVE_SERVESTATUS_H
