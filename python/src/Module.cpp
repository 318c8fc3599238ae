//===- Module.cpp - The geflow._geflow extension module -------------------===//
//
// The C++ half of the geflow package; python/geflow/*.py is the public API
// on top of it.
//
//===----------------------------------------------------------------------===//
#include "Arrays.h"
#include "Errors.h"

namespace geflow::python {
void bindRuntime(py::module_ &m);
void bindExecutable(py::module_ &m);
void bindCompile(py::module_ &m);
void bindBuilder(py::module_ &m);
void bindSession(py::module_ &m);
void bindLibrary(py::module_ &m);
void bindWeights(py::module_ &m);
void bindDebug(py::module_ &m);
void bindAirExport(py::module_ &m);
void bindDistributed(py::module_ &m);
} // namespace geflow::python

PYBIND11_MODULE(_geflow, m) {
  using namespace geflow::python;
  m.doc() = "geflow's compiler and runtime (use the geflow package)";
  registerErrors(m);
  bindDTypes(m);
  bindRuntime(m);
  bindExecutable(m);
  bindWeights(m);
  bindCompile(m);
  bindBuilder(m);
  bindSession(m);
  bindLibrary(m);
  bindDebug(m);
  bindAirExport(m);
  bindDistributed(m);
}
