//===- Errors.h - Status to Python exceptions -------------------*- C++ -*-===//
//
// C++ code of the extension reports failures by throwing StatusError; one
// registered translator turns it into the geflow.errors class of its code
// (InvalidArgumentError for kInvalidArgument, ...) with the full message.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_PYTHON_ERRORS_H
#define GEFLOW_PYTHON_ERRORS_H

#include "geflow/runtime/Status.h"

#include <pybind11/pybind11.h>

#include <exception>
#include <string>

namespace geflow::python {

namespace py = pybind11;

class StatusError : public std::exception {
public:
  /// `pyClass` overrides the class chosen from the code ("CompileError").
  explicit StatusError(rt::Status status, std::string pyClass = "")
      : status_(std::move(status)), pyClass_(std::move(pyClass)) {}
  const char *what() const noexcept override {
    return status_.message().c_str();
  }
  const rt::Status &status() const { return status_; }
  const std::string &pyClass() const { return pyClass_; }

private:
  rt::Status status_;
  std::string pyClass_;
};

/// Throws StatusError unless `st` is OK.
inline void check(const rt::Status &st) {
  if (!st.ok())
    throw StatusError(st);
}

template <typename T> T unwrap(rt::StatusOr<T> v) {
  if (!v.ok())
    throw StatusError(v.status());
  return std::move(v.value());
}

[[noreturn]] inline void throwInvalid(const std::string &message) {
  throw StatusError(rt::invalidArgument(message));
}

/// Registers the translator; geflow.errors must be importable.
void registerErrors(py::module_ &m);

/// The Python exception object for `st` (for callbacks that pass errors as
/// values). Needs the GIL.
py::object makeException(const rt::Status &st, const std::string &pyClass = "");

} // namespace geflow::python

#endif // GEFLOW_PYTHON_ERRORS_H
