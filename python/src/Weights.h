//===- Weights.h - Weight update from Python --------------------*- C++ -*-===//
#ifndef GEFLOW_PYTHON_WEIGHTS_H
#define GEFLOW_PYTHON_WEIGHTS_H

#include "geflow/runtime/Model.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

namespace geflow::python {

namespace py = pybind11;

/// Applies {name: array} to `model`'s updatable weights (all problems in
/// one error; the GIL is released while the weights are derived).
void updateWeights(rt::Model &model, py::handle weights);
/// A copy of updatable weight `name`.
py::array getWeight(const rt::Model &model, const std::string &name);
/// Executable.update_weights, .weights, .get_weight, .weight_version.
void bindWeights(py::module_ &m);

} // namespace geflow::python

#endif
