//===- Errors.cpp - Status to Python exceptions ---------------------------===//
#include "Errors.h"

namespace geflow::python {

namespace {

const char *className(rt::ErrorCode code) {
  switch (code) {
  case rt::ErrorCode::kInvalidArgument:
    return "InvalidArgumentError";
  case rt::ErrorCode::kNotFound:
    return "NotFoundError";
  case rt::ErrorCode::kUnsupported:
    return "UnsupportedError";
  case rt::ErrorCode::kOutOfMemory:
    return "OutOfMemoryError";
  case rt::ErrorCode::kCorruptFile:
    return "CorruptFileError";
  case rt::ErrorCode::kIoError:
    return "FileError";
  case rt::ErrorCode::kTaskFailed:
  case rt::ErrorCode::kTimeout: // a stuck task or wait
    return "TaskFailedError";
  default:
    return "Error";
  }
}

} // namespace

py::object makeException(const rt::Status &st, const std::string &pyClass) {
  py::module_ errors = py::module_::import("geflow.errors");
  py::object cls =
      errors.attr(pyClass.empty() ? className(st.code()) : pyClass.c_str());
  py::object exc = cls(st.message());
  exc.attr("code") = static_cast<int32_t>(st.code());
  return exc;
}

void registerErrors(py::module_ &m) {
  // Imported once now, so that a broken install fails at import time.
  py::module_::import("geflow.errors");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p)
        std::rethrow_exception(p);
    } catch (const StatusError &e) {
      py::object exc = makeException(e.status(), e.pyClass());
      PyErr_SetObject(reinterpret_cast<PyObject *>(Py_TYPE(exc.ptr())),
                      exc.ptr());
    }
  });
}

} // namespace geflow::python
