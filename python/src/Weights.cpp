//===- Weights.cpp - Weight update of Executables from Python -------------===//
//
// Executable.update_weights({name: array}), .weights, .get_weight(name) and
// .weight_version (docs/weight-update.md). Every problem of an update (a
// name that is not an updatable weight, a dtype or shape mismatch) is
// reported in one error, and then nothing changes.
//
//===----------------------------------------------------------------------===//
#include "Weights.h"
#include "Arrays.h"
#include "Errors.h"
#include "Executable.h"

#include <pybind11/stl.h>

namespace geflow::python {

namespace {

std::string describe(const std::string &dtype, const py::array &a) {
  std::vector<int64_t> shape(a.shape(), a.shape() + a.ndim());
  return dtype + rt::shapeToString(shape);
}

const rt::TensorInfo *findVariable(const rt::Model &model,
                                   const std::string &name) {
  for (const rt::TensorInfo &v : model.variables())
    if (v.name == name)
      return &v;
  return nullptr;
}

} // namespace

void updateWeights(rt::Model &model, py::handle weights) {
  if (!py::isinstance<py::dict>(weights))
    throw StatusError(
        rt::invalidArgument(std::string("update_weights takes a dict "
                                        "{name: array}, got ") +
                            Py_TYPE(weights.ptr())->tp_name),
        "ArgumentTypeError");
  py::module_ np = py::module_::import("numpy");
  std::vector<rt::WeightUpdate> updates;
  std::vector<py::array> keep;
  std::vector<std::string> problems;
  for (auto [key, value] : py::reinterpret_borrow<py::dict>(weights)) {
    if (!py::isinstance<py::str>(key)) {
      problems.push_back(std::string("a key of type ") +
                         Py_TYPE(key.ptr())->tp_name + " is not a weight name");
      continue;
    }
    std::string name = key.cast<std::string>();
    const rt::TensorInfo *var = findVariable(model, name);
    py::array array;
    if (py::isinstance<py::array>(value)) {
      // Arrays keep their dtype (a mismatch is an error, never a cast).
      array = np.attr("ascontiguousarray")(value);
    } else if (var) {
      // Lists and scalars take the weight's dtype.
      array = np.attr("ascontiguousarray")(value, toNumpy(var->dtype));
    } else {
      problems.push_back("'" + name + "' is not an updatable weight");
      continue;
    }
    rt::WeightUpdate u;
    u.name = name;
    u.data = array.data();
    u.size = static_cast<uint64_t>(array.nbytes());
    u.shape.assign(array.shape(), array.shape() + array.ndim());
    // bf16 travels as uint16 arrays of the raw bits.
    if (var && var->dtype == rt::DType::BF16 &&
        array.dtype().equal(py::dtype::of<uint16_t>())) {
      u.dtype = rt::DType::BF16;
    } else {
      try {
        u.dtype = parseDType(array.dtype());
      } catch (const StatusError &) {
        std::string want = var ? std::string(rt::dtypeName(var->dtype)) +
                                     rt::shapeToString(var->shape)
                               : "";
        problems.push_back(
            var ? "'" + name + "' is " + want + ", got " +
                      describe(py::str(array.dtype()).cast<std::string>(),
                               array)
                : "'" + name + "' is not an updatable weight");
        continue;
      }
    }
    keep.push_back(array);
    updates.push_back(std::move(u));
  }
  if (!problems.empty())
    check(model.checkWeightUpdates(updates, problems));
  py::gil_scoped_release release;
  check(model.updateWeights(updates));
}

py::array getWeight(const rt::Model &model, const std::string &name) {
  const rt::TensorInfo *var = findVariable(model, name);
  if (!var)
    throwInvalid("'" + name + "' is not an updatable weight of model '" +
                 model.name() + "'");
  py::array out = allocateArray(*var);
  check(model.readWeight(name, out.mutable_data(), uint64_t(out.nbytes())));
  return out;
}

void bindWeights(py::module_ &m) {
  auto cls =
      py::reinterpret_borrow<py::class_<Executable>>(m.attr("Executable"));
  cls.def(
         "update_weights",
         [](Executable &e, py::handle weights) {
           updateWeights(*e.model, weights);
         },
         py::arg("weights"), R"doc(
Replaces updatable weights without recompiling (compile with
updatable_weights="all" or a list of names). `weights` is {name: array}: any
subset of the updatable weights, each of the weight's dtype and shape (bf16 as
uint16 raw bits). Every mismatch is reported in one error and then nothing
changes. Converted (fp16/bf16) and pre-packed copies are derived again exactly
as the compiler derived them, so results equal a fresh compile with the new
values. Runs started before the call finish with the old weights; runs after
use the new ones.
)doc")
      .def_property_readonly(
          "weights",
          [](const Executable &e) { return tensorSpecs(e.model->variables()); },
          "The updatable weights: TensorSpec(name, shape, dtype, format).")
      .def(
          "get_weight",
          [](const Executable &e, const std::string &name) {
            return getWeight(*e.model, name);
          },
          py::arg("name"),
          "A copy of the current value of an updatable weight.")
      .def_property_readonly(
          "weight_version",
          [](const Executable &e) { return e.model->weightVersion(); },
          "0 for the compiled weights; each update_weights adds one.");
}

} // namespace geflow::python
