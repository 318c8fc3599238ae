//===- Executable.h - A loaded model for Python -----------------*- C++ -*-===//
#ifndef GEFLOW_PYTHON_EXECUTABLE_H
#define GEFLOW_PYTHON_EXECUTABLE_H

#include "geflow/runtime/Model.h"

#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <vector>

namespace geflow::python {

namespace py = pybind11;

/// A compiled (or loaded) model, ready to run. Shared read-only between
/// threads: every run gets its own execution context from the model.
struct Executable {
  std::shared_ptr<rt::Model> model;
  int32_t deviceId = 0;
  /// The .gfm bytes of an in-memory compile (what save() writes), or empty
  /// when the model was loaded from `path`.
  std::vector<uint8_t> bytes;
  std::string path;
  /// The compile summary as JSON, or "" for a loaded model.
  std::string summaryJson;
};

/// Loads .gfm bytes on device `deviceId`.
Executable loadExecutable(std::vector<uint8_t> bytes, int32_t deviceId,
                          const std::string &name, std::string summaryJson);

/// The output signature of a run with these input shapes (the gear they
/// select, padded or not).
std::vector<rt::TensorInfo>
outputsFor(const rt::Model &model,
           const std::vector<std::vector<int64_t>> &shapes);

/// Signature entries as geflow.TensorSpec objects.
py::list tensorSpecs(const std::vector<rt::TensorInfo> &infos);

void bindExecutable(py::module_ &m);

} // namespace geflow::python

#endif // GEFLOW_PYTHON_EXECUTABLE_H
