//===- Session.cpp - geflow.Session: the GE-style API from Python ---------===//
//
// Mirrors geflow::Session (include/geflow/Session.h) call for call. Inputs
// are NumPy arrays wrapped without a copy; outputs are the Session's own
// tensors handed to NumPy without a copy. Calls that compile or wait release
// the GIL; the RunGraphAsync callback takes it only to call Python.
//
//===----------------------------------------------------------------------===//
#include "Arrays.h"
#include "AsyncRun.h"
#include "Builder.h"
#include "Executable.h"

#include "geflow/Session.h"

#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <condition_variable>

namespace geflow::python {

namespace {

using OptionMap = std::map<std::string, std::string>;

/// GE options from Python, converted and checked as geflow.compile's are
/// (a dict; ints, bools and lists become GE's text): a str such as
/// "precision_mode=force_fp16", None values or other types are errors that
/// say what to write, not pybind's list of overloads.
OptionMap optionMap(py::handle options) {
  return py::module_::import("geflow.options")
      .attr("options_dict")(options)
      .cast<OptionMap>();
}

rt::TensorInfo toInfo(const TensorDesc &d) {
  rt::TensorInfo info;
  info.name = d.name;
  info.dtype = d.dtype;
  info.format = d.format;
  info.shape = d.shape;
  info.bytes = d.bytes();
  return info;
}

std::vector<rt::TensorInfo> toInfos(const std::vector<TensorDesc> &descs) {
  std::vector<rt::TensorInfo> out;
  for (const TensorDesc &d : descs)
    out.push_back(toInfo(d));
  return out;
}

/// Zero-copy view of an owned output tensor; the array keeps it alive.
py::array toArray(const Tensor &t) {
  auto *owner = new Tensor(t);
  py::capsule capsule(owner, [](void *p) { delete static_cast<Tensor *>(p); });
  std::vector<py::ssize_t> dims(t.desc().shape.begin(), t.desc().shape.end());
  if (t.desc().format != rt::Format::ND &&
      t.desc().format != rt::Format::NCHW &&
      t.desc().format != rt::Format::NHWC) {
    auto physical = rt::physicalShape(t.desc().format, t.desc().shape);
    if (physical)
      dims.assign(physical->begin(), physical->end());
  }
  return py::array(toNumpy(t.desc().dtype), dims, {}, t.data(), capsule);
}

py::list toList(const std::vector<Tensor> &tensors) {
  py::list out;
  for (const Tensor &t : tensors)
    out.append(toArray(t));
  return out;
}

/// Completion of one RunGraphAsync, filled on the session's worker thread.
struct SessionFuture {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  Status status;
  std::vector<Tensor> outputs;

  py::list result() {
    {
      py::gil_scoped_release release;
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return done; });
    }
    check(status);
    return toList(outputs);
  }
  bool isDone() {
    std::lock_guard<std::mutex> lock(mu);
    return done;
  }
};

class PySession {
public:
  explicit PySession(const OptionMap &options) {
    // GE requires GEInitialize first; Python does it on first use with the
    // defaults (geflow.initialize() sets global options explicitly).
    if (!IsInitialized())
      check(Initialize({}));
    session_ = std::make_unique<Session>(options);
    check(session_->status());
  }

  ~PySession() {
    // The destructor joins the worker thread, whose callback may be waiting
    // for the GIL.
    if (PyGILState_Check()) {
      py::gil_scoped_release release;
      session_.reset();
    }
  }

  void addGraph(uint32_t id, py::handle model, const OptionMap &options) {
    // A geflow.Graph holds its builder as `_b`.
    py::object builder = py::getattr(model, "_b", py::none());
    if (py::isinstance<GraphHolder>(builder)) {
      auto graph = builder.cast<std::shared_ptr<GraphHolder>>();
      std::lock_guard<std::mutex> lock(graph->mu);
      check(session_->AddGraph(id, graph->builder.graph(), options));
      return;
    }
    py::object fspath = py::module_::import("os").attr("fspath");
    std::string path;
    try {
      path = fspath(model).cast<std::string>();
    } catch (py::error_already_set &) {
      throwInvalid("add_graph takes a model path (.onnx, .mlir, .gfm) or a "
                   "geflow.Graph, got " +
                   py::str(py::type::of(model)).cast<std::string>());
    }
    check(session_->AddGraph(id, path, options));
  }

  void removeGraph(uint32_t id) { check(session_->RemoveGraph(id)); }

  /// {name: array} as named tensors borrowing the (contiguous) arrays.
  void updateWeights(uint32_t id, const py::dict &weights) {
    py::module_ np = py::module_::import("numpy");
    std::vector<py::array> keep;
    std::vector<Tensor> tensors;
    for (auto [key, value] : weights) {
      py::array a = np.attr("ascontiguousarray")(value);
      std::vector<int64_t> shape(a.shape(), a.shape() + a.ndim());
      tensors.push_back(Tensor::wrap(
          {py::str(key).cast<std::string>(), parseDType(a.dtype()), shape},
          a.mutable_data(), uint64_t(a.nbytes())));
      keep.push_back(a);
    }
    py::gil_scoped_release release;
    check(session_->UpdateWeights(id, tensors));
  }

  void buildGraph(uint32_t id) {
    Status st;
    {
      py::gil_scoped_release release;
      st = session_->BuildGraph(id);
    }
    check(st);
  }

  std::vector<TensorDesc> inputs(uint32_t id) {
    rt::StatusOr<std::vector<TensorDesc>> descs = rt::Status();
    {
      py::gil_scoped_release release;
      descs = session_->GetInputs(id);
    }
    return unwrap(std::move(descs));
  }

  std::vector<TensorDesc> outputs(uint32_t id) {
    rt::StatusOr<std::vector<TensorDesc>> descs = rt::Status();
    {
      py::gil_scoped_release release;
      descs = session_->GetOutputs(id);
    }
    return unwrap(std::move(descs));
  }

  /// Binds `inputs` against the graph's signature (building it if needed).
  std::pair<BoundTensors, std::vector<Tensor>> bind(uint32_t id,
                                                    py::handle inputs) {
    std::vector<rt::TensorInfo> signature = toInfos(this->inputs(id));
    BoundTensors bound = bindInputs(signature, inputs);
    std::vector<Tensor> tensors;
    for (size_t i = 0; i < bound.refs.size(); ++i) {
      const rt::TensorRef &r = bound.refs[i];
      tensors.push_back(
          Tensor::wrap({signature[i].name, r.dtype, r.shape, rt::Format::ND},
                       r.data, r.size));
    }
    return {std::move(bound), std::move(tensors)};
  }

  py::list runGraph(uint32_t id, py::handle inputs) {
    auto [bound, tensors] = bind(id, inputs);
    std::vector<Tensor> outs;
    Status st;
    {
      py::gil_scoped_release release;
      st = session_->RunGraph(id, tensors, outs);
    }
    check(st);
    return toList(outs);
  }

  std::shared_ptr<SessionFuture>
  runGraphAsync(uint32_t id, py::handle inputs,
                std::optional<py::function> callback) {
    auto [bound, tensors] = bind(id, inputs);
    auto future = std::make_shared<SessionFuture>();
    // The callback object is released under the GIL (it is a Python object).
    auto pyCallback =
        std::make_shared<std::optional<py::function>>(std::move(callback));
    auto done = [future, pyCallback](Status st, std::vector<Tensor> &outs) {
      if (*pyCallback) {
        py::gil_scoped_acquire gil;
        try {
          py::object error = st.ok() ? py::none() : makeException(st);
          (**pyCallback)(error, st.ok() ? toList(outs) : py::list());
        } catch (py::error_already_set &e) {
          e.discard_as_unraisable("geflow.Session.run_graph_async callback");
        }
        pyCallback->reset();
      }
      std::lock_guard<std::mutex> lock(future->mu);
      future->status = st;
      future->outputs = outs;
      future->done = true;
      future->cv.notify_all();
    };
    // RunGraphAsync copies the inputs: nothing to keep alive.
    check(session_->RunGraphAsync(id, tensors, done));
    return future;
  }

  std::unique_ptr<AsyncRun>
  runGraphWithStreamAsync(uint32_t id, std::shared_ptr<PyStream> stream,
                          py::handle inputs, py::handle outputs) {
    auto [bound, tensors] = bind(id, inputs);
    BoundTensors outBound;
    std::vector<rt::TensorInfo> outInfos = toInfos(this->outputs(id));
    if (outputs.is_none()) {
      for (const rt::TensorInfo &info : outInfos)
        for (int64_t d : info.shape)
          if (d < 0)
            throwInvalid("output '" + info.name +
                         "' has a geared dim; pass `outputs` arrays "
                         "of the gear's output shapes");
      outBound = allocateOutputs(outInfos);
    } else {
      outBound = bindOutputs(outInfos, outputs);
    }
    std::vector<Tensor> outTensors;
    for (size_t i = 0; i < outBound.refs.size(); ++i) {
      const rt::TensorRef &r = outBound.refs[i];
      outTensors.push_back(
          Tensor::wrap({outInfos[i].name, r.dtype, r.shape, rt::Format::ND},
                       r.data, r.size));
    }
    auto handle = std::make_unique<AsyncRun>(stream, std::move(bound),
                                             std::move(outBound));
    Status st;
    {
      py::gil_scoped_release release;
      st = session_->RunGraphWithStreamAsync(id, stream->handle(), tensors,
                                             outTensors);
      Status recorded = stream->stream()->recordEvent(handle->event());
      if (st.ok())
        st = recorded;
    }
    if (!st.ok()) {
      handle->waitAfterFailure();
      check(st);
    }
    return handle;
  }

  py::list gears(uint32_t id) {
    rt::StatusOr<std::vector<std::vector<std::vector<int64_t>>>> gears =
        rt::Status();
    {
      py::gil_scoped_release release;
      gears = session_->GetGears(id);
    }
    py::list out;
    for (const auto &gear : unwrap(std::move(gears))) {
      py::list shapes;
      for (const auto &shape : gear)
        shapes.append(py::tuple(py::cast(shape)));
      out.append(std::move(shapes));
    }
    return out;
  }

  bool builtFromCache(uint32_t id) {
    rt::StatusOr<bool> cached = rt::Status();
    {
      py::gil_scoped_release release;
      cached = session_->IsBuiltFromCache(id);
    }
    return unwrap(std::move(cached));
  }

  std::shared_ptr<rt::Profiler> profiler(uint32_t id) {
    return unwrap(session_->GetProfiler(id));
  }
  std::shared_ptr<rt::Dumper> dumper(uint32_t id) {
    return unwrap(session_->GetDumper(id));
  }

  py::dict memoryInfo() {
    SessionMemoryInfo info = unwrap(session_->GetMemoryInfo());
    py::dict graphs;
    for (const auto &[id, g] : info.graphs) {
      py::dict d;
      d["policy"] = g.policy;
      d["arena_bytes"] = g.arenaBytes;
      d["shared"] = g.shared;
      d["contexts"] = g.contexts;
      graphs[py::int_(id)] = d;
    }
    py::dict out;
    out["policy"] = info.policy;
    out["shared_arena_bytes"] = info.sharedArenaBytes;
    out["shared_arena_peak_bytes"] = info.sharedArenaPeakBytes;
    out["shared_arena_growths"] = info.sharedArenaGrowths;
    out["shared_arena_runs"] = info.sharedArenaRuns;
    out["graphs"] = graphs;
    return out;
  }

  void synchronize() {
    Status st;
    {
      py::gil_scoped_release release;
      st = session_->Synchronize();
    }
    check(st);
  }

private:
  std::unique_ptr<Session> session_;
};

} // namespace

void bindSession(py::module_ &m) {
  m.def(
      "initialize",
      [](py::handle options) { check(Initialize(optionMap(options))); },
      py::arg("options") = py::none(), R"doc(
GEInitialize: global options (ge.exec.deviceId, graph_run_mode and any graph
option that should apply to every session). Optional: the first Session
initializes with the defaults.
)doc");
  m.def(
      "finalize", [] { check(Finalize()); },
      "GEFinalize: every Session must have been destroyed.");
  m.def("is_initialized", &IsInitialized);

  py::class_<SessionFuture, std::shared_ptr<SessionFuture>>(m, "SessionFuture")
      .def("result", &SessionFuture::result,
           "Waits for the run; returns its outputs or raises its failure.")
      .def("done", &SessionFuture::isDone);

  py::class_<PySession>(m, "Session", R"doc(
The GE-style session (geflow::Session): graphs are added by id, built
(compiled and loaded) and run. Options are GE options, validated when the
session is created (ValueError naming the option and its allowed values).
)doc")
      .def(py::init([](py::handle options) {
             return std::make_unique<PySession>(optionMap(options));
           }),
           py::arg("options") = py::none())
      .def(
          "add_graph",
          [](PySession &session, uint32_t id, py::handle graph,
             py::handle options) {
            session.addGraph(id, graph, optionMap(options));
          },
          py::arg("graph_id"), py::arg("graph"),
          py::arg("options") = py::none(),
          "Registers a model path (.onnx, .mlir, .gfm) or a geflow.Graph "
          "under `graph_id`; "
          "`options` are the graph's own GE options.")
      .def("remove_graph", &PySession::removeGraph, py::arg("graph_id"))
      .def("update_weights", &PySession::updateWeights, py::arg("graph_id"),
           py::arg("weights"),
           "Replaces updatable weights of a graph ({name: array}) without "
           "recompiling (docs/weight-update.md).")
      .def("build_graph", &PySession::buildGraph, py::arg("graph_id"),
           "Compiles (unless it is a .gfm) and loads the graph.")
      .def("run_graph", &PySession::runGraph, py::arg("graph_id"),
           py::arg("inputs"),
           "Runs the graph (building it first if needed); returns the outputs.")
      .def("run_graph_async", &PySession::runGraphAsync, py::arg("graph_id"),
           py::arg("inputs"), py::arg("callback") = py::none(), R"doc(
Queues a run on the session's worker (inputs are copied) and returns a future
whose result() waits for the outputs. `callback(error, outputs)`, if given, is
called from the worker thread when the run has finished (error is None or a
geflow.Error).
)doc")
      .def("run_graph_with_stream_async", &PySession::runGraphWithStreamAsync,
           py::arg("graph_id"), py::arg("stream"), py::arg("inputs"),
           py::arg("outputs") = py::none(), R"doc(
Enqueues a run on `stream` and returns an AsyncRun (result() waits and returns
the outputs). `outputs` are arrays to write into; by default they are
allocated from the graph's output signature.
)doc")
      .def(
          "get_inputs",
          [](PySession &s, uint32_t id) {
            return tensorSpecs(toInfos(s.inputs(id)));
          },
          py::arg("graph_id"))
      .def(
          "get_outputs",
          [](PySession &s, uint32_t id) {
            return tensorSpecs(toInfos(s.outputs(id)));
          },
          py::arg("graph_id"))
      .def("get_gears", &PySession::gears, py::arg("graph_id"))
      .def("is_built_from_cache", &PySession::builtFromCache,
           py::arg("graph_id"),
           "Whether the graph was loaded from the compile cache "
           "(ge.graph_compiler_cache_dir + ge.graph_key) rather than compiled; "
           "builds it first.")
      .def("profiler", &PySession::profiler, py::arg("graph_id"),
           "The geflow.Profiler that profiling_mode attached to the graph "
           "(session or graph options), or None; the session writes it at "
           "its end.")
      .def("dumper", &PySession::dumper, py::arg("graph_id"),
           "The geflow.Dumper of enable_dump / enable_dump_debug / "
           "enable_exception_dump for the graph, or None.")
      .def("memory_info", &PySession::memoryInfo,
           "Feature-map memory (static_memory_policy): {'policy', "
           "'shared_arena_bytes', 'shared_arena_peak_bytes', "
           "'shared_arena_growths', 'shared_arena_runs', 'graphs': {id: "
           "{'policy', 'arena_bytes', 'shared', 'contexts'}}} of the built "
           "graphs.")
      .def("synchronize", &PySession::synchronize,
           "Waits for every run_graph_async still queued.");
}

} // namespace geflow::python
