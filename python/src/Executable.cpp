//===- Executable.cpp - Running compiled models from Python ---------------===//
#include "Executable.h"
#include "Arrays.h"
#include "AsyncRun.h"
#include "Errors.h"
#include "Runtime.h"

#include "proto/gfm.pb.h"

#include <pybind11/stl.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace geflow::python {

Executable loadExecutable(std::vector<uint8_t> bytes, int32_t deviceId,
                          const std::string &name, std::string summaryJson) {
  std::shared_ptr<rt::Device> device = getDevice(deviceId);
  rt::StatusOr<std::unique_ptr<rt::Model>> model = rt::Status();
  {
    py::gil_scoped_release release;
    model = rt::Model::loadFromBytes(bytes.data(), bytes.size(), device, name);
  }
  Executable e;
  e.model = std::shared_ptr<rt::Model>(unwrap(std::move(model)));
  e.deviceId = deviceId;
  e.bytes = std::move(bytes);
  e.summaryJson = std::move(summaryJson);
  return e;
}

std::vector<rt::TensorInfo>
outputsFor(const rt::Model &model,
           const std::vector<std::vector<int64_t>> &shapes) {
  // The selection knows padded gears (gear_padding): outputs then have the
  // inputs' batch, not the gear's.
  return unwrap(model.select(shapes)).outputs;
}

py::list tensorSpecs(const std::vector<rt::TensorInfo> &infos) {
  static py::object *cls =
      new py::object(py::module_::import("geflow.types").attr("TensorSpec"));
  py::list out;
  for (const rt::TensorInfo &info : infos)
    out.append((*cls)(info.name, py::tuple(py::cast(info.shape)),
                      toNumpy(info.dtype),
                      std::string(rt::formatName(info.format))));
  return out;
}

/// The model's ONNX sequence and optional inputs or outputs: dicts with
/// name, kind ("sequence"/"optional"), present, holds_sequence and tensors
/// (the program inputs/outputs that hold them, in order).
py::list compositeSigs(const rt::Model &model, bool outputs) {
  const gfm::Model &proto = model.file().model();
  py::list out;
  for (const gfm::CompositeSig &c :
       outputs ? proto.composite_outputs() : proto.composite_inputs()) {
    py::dict d;
    d["name"] = c.name();
    d["kind"] =
        c.kind() == gfm::CompositeSig::OPTIONAL ? "optional" : "sequence";
    d["present"] = c.present();
    d["holds_sequence"] = c.holds_sequence();
    d["dtype"] = toNumpy(static_cast<rt::DType>(c.dtype()));
    d["tensors"] =
        std::vector<std::string>(c.tensors().begin(), c.tensors().end());
    out.append(d);
  }
  return out;
}

namespace {

std::string quotedNames(const std::vector<rt::TensorInfo> &infos) {
  std::string names;
  for (const rt::TensorInfo &info : infos)
    names += (names.empty() ? "'" : ", '") + info.name + "'";
  return names;
}

[[noreturn]] void throwTypeError(const std::string &message) {
  throw StatusError(rt::invalidArgument(message), "ArgumentTypeError");
}

size_t outputIndex(const std::vector<rt::TensorInfo> &infos, py::handle key,
                   const char *where) {
  if (!py::isinstance<py::str>(key))
    throwTypeError(std::string(where) + " names outputs by str, got " +
                   Py_TYPE(key.ptr())->tp_name);
  std::string name = key.cast<std::string>();
  for (size_t i = 0; i < infos.size(); ++i)
    if (infos[i].name == name)
      return i;
  throwInvalid("unknown output '" + name + "' in " + where +
               "; the model's outputs are " + quotedNames(infos));
}

/// The outputs `output_names` selects (all, in order, when None).
std::vector<size_t> selectOutputs(const std::vector<rt::TensorInfo> &infos,
                                  py::handle names) {
  std::vector<size_t> selected;
  if (names.is_none()) {
    for (size_t i = 0; i < infos.size(); ++i)
      selected.push_back(i);
    return selected;
  }
  if (py::isinstance<py::str>(names))
    throwTypeError("output_names takes a list of names, got the str '" +
                   names.cast<std::string>() + "' (write ['" +
                   names.cast<std::string>() + "'])");
  if (!py::isinstance<py::list>(names) && !py::isinstance<py::tuple>(names))
    throwTypeError(std::string("output_names takes a list of names, got ") +
                   Py_TYPE(names.ptr())->tp_name);
  for (py::handle name : names)
    selected.push_back(outputIndex(infos, name, "output_names"));
  return selected;
}

/// Per output, the caller's array to write it into (null: allocate one).
/// `outputs` is a dict by output name (any of them), a list/tuple with one
/// array per selected output, or one array when one output is selected.
std::vector<py::handle>
providedOutputs(const std::vector<rt::TensorInfo> &infos,
                const std::vector<size_t> &selected, py::handle outputs) {
  std::vector<py::handle> provided(infos.size());
  if (outputs.is_none())
    return provided;
  if (py::isinstance<py::dict>(outputs)) {
    for (auto [key, value] : py::reinterpret_borrow<py::dict>(outputs))
      provided[outputIndex(infos, key, "outputs")] = value;
    return provided;
  }
  if (py::isinstance<py::list>(outputs) || py::isinstance<py::tuple>(outputs)) {
    auto seq = py::reinterpret_borrow<py::sequence>(outputs);
    if (seq.size() != selected.size()) {
      std::vector<rt::TensorInfo> names;
      for (size_t i : selected)
        names.push_back(infos[i]);
      throwInvalid("outputs has " + std::to_string(seq.size()) +
                   " array(s), but the run returns " +
                   std::to_string(selected.size()) + " (" + quotedNames(names) +
                   "); pass one array per output, or a dict by output name");
    }
    for (size_t k = 0; k < selected.size(); ++k)
      provided[selected[k]] = seq[k];
    return provided;
  }
  if (py::isinstance<py::array>(outputs) && selected.size() == 1) {
    provided[selected[0]] = outputs;
    return provided;
  }
  throwTypeError(std::string("outputs takes a dict by output name or a list "
                             "of arrays (the model's outputs are ") +
                 quotedNames(infos) + "), got " +
                 Py_TYPE(outputs.ptr())->tp_name);
}

/// The outputs' buffers: the caller's arrays where `provided` has one,
/// new arrays elsewhere (keepAlive[i] is output i's array).
BoundTensors outputBuffers(const std::vector<rt::TensorInfo> &infos,
                           const std::vector<py::handle> &provided) {
  BoundTensors out;
  for (size_t i = 0; i < infos.size(); ++i) {
    if (provided[i]) {
      out.refs.push_back(bindOutputArray(infos[i], provided[i], out.keepAlive));
      continue;
    }
    if (infos[i].dtype == rt::DType::String) {
      rt::TensorRef ref;
      out.keepAlive.push_back(allocateStringOutput(infos[i], &ref));
      out.refs.push_back(std::move(ref));
      continue;
    }
    py::array arr = allocateArray(infos[i]);
    rt::TensorRef ref;
    ref.data = arr.mutable_data();
    ref.size = static_cast<uint64_t>(arr.nbytes());
    ref.dtype = infos[i].dtype;
    ref.shape = infos[i].shape;
    out.refs.push_back(std::move(ref));
    out.keepAlive.push_back(std::move(arr));
  }
  return out;
}

[[noreturn]] void throwNoInputs(const Executable &e, const char *method) {
  throwTypeError(std::string("Executable.") + method +
                 "() takes the inputs as a dict by input "
                 "name, a list in input order or one array; got None (the "
                 "model's inputs are " +
                 quotedNames(e.model->inputs()) + ")");
}

py::object run(Executable &e, py::handle inputs, py::handle outputs,
               py::handle outputNames, bool asDict) {
  if (inputs.is_none())
    throwNoInputs(e, "run");
  BoundTensors in = bindInputs(e.model->inputs(), inputs);
  std::vector<rt::TensorInfo> infos = outputsFor(*e.model, in.shapes());
  std::vector<size_t> selected = selectOutputs(infos, outputNames);
  BoundTensors out =
      outputBuffers(infos, providedOutputs(infos, selected, outputs));
  rt::Status st;
  {
    py::gil_scoped_release release;
    st = e.model->run(in.refs, out.refs);
  }
  check(st);
  for (size_t i = 0; i < infos.size(); ++i)
    if (infos[i].dtype == rt::DType::String)
      out.keepAlive[i] = stringOutputArray(out.keepAlive[i], infos[i].shape);
  return selectedResult(infos, selected, asDict, out.keepAlive);
}

std::unique_ptr<AsyncRun> runAsync(Executable &e, py::handle inputs,
                                   std::shared_ptr<PyStream> stream,
                                   py::handle outputs, py::handle outputNames,
                                   bool asDict) {
  if (inputs.is_none())
    throwNoInputs(e, "run_async");
  if (!stream)
    stream = defaultStream(e.deviceId);
  BoundTensors in = bindInputs(e.model->inputs(), inputs);
  std::vector<rt::TensorInfo> infos = outputsFor(*e.model, in.shapes());
  std::vector<size_t> selected = selectOutputs(infos, outputNames);
  for (const rt::TensorInfo &info : infos)
    if (info.dtype == rt::DType::String)
      throwInvalid("output '" + info.name +
                   "' is a string tensor: run the model with "
                   "Executable.run, which returns string outputs");
  BoundTensors out =
      outputBuffers(infos, providedOutputs(infos, selected, outputs));
  std::vector<rt::TensorRef> inRefs = in.refs, outRefs = out.refs;
  auto handle =
      std::make_unique<AsyncRun>(stream, std::move(in), std::move(out));
  handle->selectResult(std::move(infos), std::move(selected), asDict);
  rt::Status st;
  {
    py::gil_scoped_release release;
    st = e.model->execute(*stream->stream(), inRefs, outRefs);
    // Recorded even after a failure part-way: what was enqueued must finish
    // before the buffers may go.
    rt::Status recorded = stream->stream()->recordEvent(handle->event());
    if (st.ok())
      st = recorded;
  }
  if (!st.ok()) {
    handle->waitAfterFailure();
    check(st);
  }
  return handle;
}

void save(const Executable &e, const std::string &path) {
  std::vector<uint8_t> fromFile;
  const std::vector<uint8_t> *bytes = &e.bytes;
  if (bytes->empty()) {
    std::ifstream in(e.path, std::ios::binary);
    fromFile.assign(std::istreambuf_iterator<char>(in), {});
    if (!in.good() && !in.eof())
      throw StatusError(
          rt::Status(rt::ErrorCode::kIoError, "cannot read '" + e.path + "'"));
    bytes = &fromFile;
  }
  // Written beside the target and renamed over it: a model loaded from the
  // old file keeps its mapping of the old bytes.
  std::string tmp = path + ".tmp" + std::to_string(::getpid());
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char *>(bytes->data()),
            static_cast<std::streamsize>(bytes->size()));
  out.close();
  if (!out || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw StatusError(
        rt::Status(rt::ErrorCode::kIoError, "cannot write '" + path + "'"));
  }
}

py::list gearList(const rt::Model &model) {
  py::list gears;
  for (const rt::GearInfo &gear : model.gears()) {
    py::list shapes;
    for (const rt::TensorInfo &info : gear.inputs)
      shapes.append(py::tuple(py::cast(info.shape)));
    gears.append(std::move(shapes));
  }
  return gears;
}

/// Per input, (min, max) per dim of a shape-ranged executable; None otherwise.
py::object shapeRanges(const rt::Model &model) {
  if (model.gears().size() != 1 || model.gears()[0].ranges.empty())
    return py::none();
  const rt::GearInfo &gear = model.gears()[0];
  py::list inputs;
  for (size_t i = 0; i < gear.inputs.size(); ++i) {
    py::list dims;
    for (size_t d = 0; d < gear.inputs[i].shape.size(); ++d) {
      int64_t lo = gear.inputs[i].shape[d], hi = lo;
      for (const rt::DimRange &r : gear.ranges)
        if (r.input == i && r.dim == d) {
          lo = r.min;
          hi = r.max;
        }
      dims.append(py::make_tuple(lo, hi));
    }
    inputs.append(py::tuple(dims));
  }
  return std::move(inputs);
}

/// What the .gfm records about its compile and its programs: soc, the GE
/// options it was compiled with, and per gear the kernels, tasks, arena,
/// streams and events (the keys the compile summary shares, plus more).
py::dict fileSummary(const rt::Model &model) {
  const gfm::Model &m = model.file().model();
  py::dict d;
  d["producer"] = m.producer();
  d["soc"] = m.soc();
  py::dict options;
  for (const auto &[name, value] : m.options())
    options[py::str(name)] = value;
  auto mode = m.options().find("precision_mode");
  d["precision_mode"] = mode == m.options().end() ? py::object(py::none())
                                                  : py::str(mode->second);
  d["options"] = std::move(options);
  py::list kernels, tasks;
  int64_t totalKernels = 0;
  for (const gfm::Program &p : m.gears()) {
    int64_t n = 0;
    for (const gfm::Task &t : p.tasks())
      n += t.kind_case() == gfm::Task::kKernel;
    kernels.append(n);
    tasks.append(p.tasks_size());
    totalKernels += n;
  }
  uint64_t arena = 0;
  uint32_t streams = 0, events = 0;
  for (const rt::GearInfo &g : model.gears()) {
    arena = std::max(arena, g.arenaSize);
    streams = std::max(streams, g.numStreams);
    events = std::max(events, g.numEvents);
  }
  d["gears"] = m.gears_size();
  d["kernels"] = totalKernels;
  d["kernels_per_gear"] = std::move(kernels);
  d["tasks_per_gear"] = std::move(tasks);
  d["arena_bytes"] = arena;
  d["weights_bytes"] = m.weights_size();
  d["external_weight_files"] = m.external_weights_size();
  d["streams"] = streams;
  d["events"] = events;
  return d;
}

} // namespace

void bindExecutable(py::module_ &m) {
  py::class_<AsyncRun>(m, "AsyncRun", R"doc(
A run enqueued by Executable.run_async. It owns the run's inputs and outputs
until the run has finished; result() waits and returns the outputs.
)doc")
      .def("result", &AsyncRun::result,
           "Waits for the run; returns its outputs (a list of arrays, or "
           "as run_async's output_names/as_dict ask) or raises its failure.")
      .def("done", &AsyncRun::done, "True once the run has finished.");

  py::class_<Executable>(m, "Executable", R"doc(
A compiled model loaded on the virtual NPU (geflow.compile, geflow.load).

inputs / outputs describe the signature (-1 marks a dim that differs between
gears); run() executes synchronously, run_async() on a stream. One executable
may run from many threads at once.
)doc")
      .def_property_readonly(
          "name", [](const Executable &e) { return e.model->name(); })
      .def_property_readonly(
          "inputs",
          [](const Executable &e) { return tensorSpecs(e.model->inputs()); },
          "The inputs: TensorSpec(name, shape, dtype, format) in order.")
      .def_property_readonly(
          "outputs",
          [](const Executable &e) { return tensorSpecs(e.model->outputs()); },
          "The outputs: TensorSpec(name, shape, dtype, format) in order.")
      .def_property_readonly(
          "composite_inputs",
          [](const Executable &e) { return compositeSigs(*e.model, false); },
          "ONNX sequence and optional inputs: dicts (name, kind, present, "
          "holds_sequence, dtype, tensors: the inputs holding them). "
          "geflow.run_values passes them as lists and None.")
      .def_property_readonly(
          "composite_outputs",
          [](const Executable &e) { return compositeSigs(*e.model, true); },
          "ONNX sequence and optional outputs, as composite_inputs.")
      .def_property_readonly(
          "gears", [](const Executable &e) { return gearList(*e.model); },
          "The gear table: for each gear, the input shapes it runs (for a "
          "shape-ranged "
          "executable, the upper bounds).")
      .def_property_readonly(
          "shape_ranges",
          [](const Executable &e) { return shapeRanges(*e.model); },
          "For an executable compiled with input_shape_range: per input, (min, "
          "max) "
          "per dim; any shape in the ranges runs. None otherwise.")
      .def_property_readonly("device_id",
                             [](const Executable &e) { return e.deviceId; })
      .def_property_readonly(
          "summary_json", [](const Executable &e) { return e.summaryJson; },
          "The compile summary as JSON ('' for a loaded model).")
      .def_property_readonly(
          "_file_summary",
          [](const Executable &e) { return fileSummary(*e.model); },
          "What the .gfm records (soc, options, kernels per gear, sizes).")
      .def("run", &run, py::arg("inputs"), py::arg("outputs") = py::none(),
           py::arg("output_names") = py::none(), py::arg("as_dict") = false,
           R"doc(
Runs the model and returns its outputs as a list of arrays (output order).

`inputs` is a dict by input name, a list in input order, or one array for a
single-input model. C-contiguous arrays of the model's dtype are used in place
(no copy); lists and non-contiguous arrays are converted; an array of another
dtype is an error. The GIL is released while the model runs.

`output_names` (a list of output names) selects which outputs are returned,
in that order; `as_dict=True` returns {name: array} instead of a list.
`outputs` are arrays to write the outputs into (ONNX Runtime's IOBinding): a
dict by output name (any subset; the rest are allocated) or a list with one
array per returned output. Each must be a writeable C-contiguous array of the
output's dtype and shape; the same array objects are returned.
)doc")
      .def("run_async", &runAsync, py::arg("inputs"),
           py::arg("stream") = nullptr, py::arg("outputs") = py::none(),
           py::arg("output_names") = py::none(), py::arg("as_dict") = false,
           R"doc(
Enqueues a run on `stream` (default: the device's default stream) and returns
an AsyncRun at once; its result() waits and returns the outputs, selected and
shaped by `output_names` and `as_dict` as run()'s are; `outputs` are arrays
to write them into, as for run(). The inputs and outputs are kept alive, and
must not be touched, until the run has finished.
)doc")
      .def("save", &save, py::arg("path"),
           "Writes the executable as a .gfm file.")
      .def("__repr__", [](const Executable &e) {
        return "<geflow.Executable '" + e.model->name() +
               "': " + std::to_string(e.model->inputs().size()) +
               " input(s), " + std::to_string(e.model->outputs().size()) +
               " output(s), " + std::to_string(e.model->gears().size()) +
               " gear(s)>";
      });
}

} // namespace geflow::python
