//===- Builder.h - geflow.Graph's C++ side ----------------------*- C++ -*-===//
#ifndef GEFLOW_PYTHON_BUILDER_H
#define GEFLOW_PYTHON_BUILDER_H

#include "geflow/Builder/GraphBuilder.h"

#include <pybind11/pybind11.h>

#include <memory>
#include <mutex>

namespace geflow::python {

namespace py = pybind11;

/// A graph being built. `mu` serializes the graph's MLIR context between
/// building (GIL held) and compiling (GIL released), so that diagnostics
/// of one never land in the other.
struct GraphHolder : std::enable_shared_from_this<GraphHolder> {
  explicit GraphHolder(const std::string &name) : builder(name) {}
  GraphBuilder builder;
  std::mutex mu;
};

/// A value of a graph; keeps its graph alive.
struct ValueRef {
  std::shared_ptr<GraphHolder> graph;
  Value value;
};

void bindBuilder(py::module_ &m);

} // namespace geflow::python

#endif // GEFLOW_PYTHON_BUILDER_H
