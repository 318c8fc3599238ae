//===- Arrays.h - NumPy arrays as runtime tensors ---------------*- C++ -*-===//
//
// Inputs are bound zero-copy when an array is C-contiguous and of the
// model's dtype; anything else array-like (lists, scalars, non-contiguous
// arrays) is converted once. A NumPy array of another dtype is an error,
// never a silent cast. Outputs are fresh 64-byte aligned arrays (as device
// memory is), handed to NumPy without a copy.
//
// NumPy has no bfloat16: bf16 tensors travel as uint16 arrays of the raw
// bits.
//
// Strings: an input may be any array-like of str or bytes (a 'U', 'S' or
// object array, a list); str is encoded as UTF-8. A string output comes
// back as an object array of str (bytes for elements that are not valid
// UTF-8). String outputs are always new arrays (no `outputs=` buffers).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_PYTHON_ARRAYS_H
#define GEFLOW_PYTHON_ARRAYS_H

#include "geflow/runtime/Model.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

namespace geflow::python {

namespace py = pybind11;

/// The NumPy dtype tensors of `t` use.
py::dtype toNumpy(rt::DType t);
/// Exports the runtime's dtype table as _geflow.DTYPES: (name, NumPy dtype,
/// is float) per dtype, in the runtime's order.
void bindDTypes(py::module_ &m);
/// A dtype argument: a runtime name ("float32", "bfloat16", "bool"), a NumPy
/// dtype or scalar type (np.float32). Unsupported dtypes are an error that
/// lists the supported ones.
rt::DType parseDType(py::handle h);

/// A string output's buffer for one run: its elements and the store its
/// strings are copied to (TensorRef::strings). Held in a capsule.
py::object allocateStringOutput(const rt::TensorInfo &info, rt::TensorRef *ref);
/// The object array of str (or bytes) a run left in allocateStringOutput's
/// buffer `holder`.
py::object stringOutputArray(py::handle holder,
                             const std::vector<int64_t> &shape);

/// Tensors bound for one run; `keepAlive` holds the arrays whose memory the
/// refs point to.
struct BoundTensors {
  std::vector<rt::TensorRef> refs;
  std::vector<py::object> keepAlive;
  std::vector<std::vector<int64_t>> shapes() const;
};

/// Binds `inputs` (a dict by name, a list/tuple in signature order, or one
/// array for a single-input model) to `signature`. Errors name the input.
BoundTensors bindInputs(const std::vector<rt::TensorInfo> &signature,
                        py::handle inputs);

/// Binds caller-provided output arrays (writeable, C-contiguous, the
/// model's dtype; never converted).
BoundTensors bindOutputs(const std::vector<rt::TensorInfo> &signature,
                         py::handle outputs);

/// The shape of the NumPy array holding `info`: its logical shape, or the
/// physical shape for fractal / 5HD formats.
std::vector<int64_t> arrayShape(const rt::TensorInfo &info);

/// A zero-filled, 64-byte aligned array for `info` (of arrayShape(info)).
py::array allocateArray(const rt::TensorInfo &info);

/// Binds a caller's array as output `info`, to be written in place: it must
/// be a writeable, C-contiguous array of the output's dtype and arrayShape;
/// errors name the output and what differs. The array goes to `keepAlive`.
rt::TensorRef bindOutputArray(const rt::TensorInfo &info, py::handle array,
                              std::vector<py::object> &keepAlive);

/// What a run returns: the arrays of the `selected` outputs (indices into
/// `infos` and `arrays`), as a list in that order or as {name: array}.
py::object selectedResult(const std::vector<rt::TensorInfo> &infos,
                          const std::vector<size_t> &selected, bool asDict,
                          const std::vector<py::object> &arrays);

/// Fresh output arrays for `infos`, bound.
BoundTensors allocateOutputs(const std::vector<rt::TensorInfo> &infos);

} // namespace geflow::python

#endif // GEFLOW_PYTHON_ARRAYS_H
