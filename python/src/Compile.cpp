//===- Compile.cpp - geflow.compile and geflow.load -----------------------===//
//
// Every model source goes through the same compile API as geflow-compile:
// options validated by the registry, import, compileModule, then the .gfm
// bytes are loaded on the device the options name. The GIL is released
// while importing and compiling.
//
//===----------------------------------------------------------------------===//
#include "Builder.h"
#include "Errors.h"
#include "Executable.h"
#include "Runtime.h"

#include "geflow/Compiler/Compile.h"
#include "geflow/Compiler/DiagnosticCollector.h"
#include "geflow/Frontend/ONNXImporter.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include <pybind11/stl.h>

#include <fstream>
#include <sys/stat.h>

namespace geflow::python {

namespace {

using OptionMap = std::map<std::string, std::string>;

Options parseOptions(const OptionMap &raw) {
  std::string error;
  auto options = OptionsRegistry::get().parse(raw, &error);
  if (!options)
    throwInvalid(error);
  return *options;
}

/// Options of geflow.compile, which compiles directly (no Session graph),
/// and the compile's settings they give (parsed here, once).
struct CompileOptions {
  Options options;
  CompileConfig config;
};
CompileOptions parseCompileOptions(const OptionMap &raw) {
  Options options = parseOptions(raw);
  std::string error = OptionsRegistry::get().checkNoSessionGraphOptions(
      options, "geflow.compile");
  if (!error.empty())
    throwInvalid(error + " (use geflow.Session.add_graph)");
  std::optional<CompileConfig> config = parseCompileConfig(options, error);
  if (!config)
    throwInvalid(error);
  return {std::move(options), std::move(*config)};
}

int32_t deviceIdOf(const Options &options) {
  return options.has("ge.exec.deviceId")
             ? static_cast<int32_t>(options.getInt("ge.exec.deviceId", 0))
             : currentDevice();
}

/// What a compile produced, or why it failed.
struct Compiled {
  rt::Status status;
  std::vector<uint8_t> bytes;
  std::string summaryJson;
};

std::unique_ptr<mlir::MLIRContext> makeContext() {
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  return std::make_unique<mlir::MLIRContext>(registry);
}

// Compiles an imported module; `diags` has collected the import's errors.
// `source` names the model in messages, `name` is the executable's name.
Compiled
finishCompile(mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>> module,
              const DiagnosticCollector &diags, const CompileConfig &config,
              const std::string &source, const std::string &name) {
  Compiled c;
  if (failed(module)) {
    c.status = diags.status(rt::ErrorCode::kInvalidArgument,
                            "cannot import '" + source + "'");
    return c;
  }
  CompileSummary summary;
  auto bytes = compileModule(**module, config, name, &summary);
  if (failed(bytes)) {
    c.status = diags.status(rt::ErrorCode::kInvalidArgument,
                            "cannot compile '" + source + "'");
    return c;
  }
  c.bytes = std::move(*bytes);
  c.summaryJson = summary.json();
  return c;
}

Executable toExecutable(Compiled c, const Options &options,
                        const std::string &name) {
  if (!c.status.ok())
    throw StatusError(c.status, "CompileError");
  return loadExecutable(std::move(c.bytes), deviceIdOf(options), name,
                        std::move(c.summaryJson));
}

std::string stem(const std::string &path) {
  size_t slash = path.find_last_of('/');
  std::string file = slash == std::string::npos ? path : path.substr(slash + 1);
  size_t dot = file.find_last_of('.');
  return dot == std::string::npos || dot == 0 ? file : file.substr(0, dot);
}

void requireFile(const std::string &path) {
  struct stat st;
  std::string problem;
  if (::stat(path.c_str(), &st) != 0)
    problem = "no such model file '" + path + "'";
  else if (S_ISDIR(st.st_mode))
    problem = "'" + path + "' is a directory, not a model file";
  else if (!S_ISREG(st.st_mode))
    problem = "'" + path + "' is not a regular file";
  if (!problem.empty())
    throw StatusError(rt::Status(rt::ErrorCode::kIoError, problem));
}

Executable compileFile(const std::string &path, const OptionMap &raw) {
  CompileOptions options = parseCompileOptions(raw);
  requireFile(path);
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".gfm") == 0)
    throwInvalid("'" + path +
                 "' is a compiled executable; load it with geflow.load()");
  // GE IR files by their extension; the rest as geflow-compile guesses
  // (.mlir, else ONNX).
  bool air = path.size() > 4 && path.compare(path.size() - 4, 4, ".air") == 0;
  std::string framework = air ? "air" : "";
  Compiled c;
  {
    py::gil_scoped_release release;
    auto context = makeContext();
    DiagnosticCollector diags(*context);
    c = finishCompile(
        importModelFile(*context, path, framework, options.config), diags,
        options.config, path, stem(path));
  }
  return toExecutable(std::move(c), options.options, stem(path));
}

Executable compileOnnxBytes(const py::bytes &data, const std::string &name,
                            const OptionMap &raw) {
  CompileOptions options = parseCompileOptions(raw);
  std::string bytes = data; // copied while the GIL is held
  Compiled c;
  {
    py::gil_scoped_release release;
    auto context = makeContext();
    DiagnosticCollector diags(*context);
    // No model directory: external data cannot be resolved from bytes.
    auto module = frontend::importONNXModelFromBytes(
        *context, bytes, name, "", getImportOptions(options.config));
    c = finishCompile(std::move(module), diags, options.config, name, name);
  }
  return toExecutable(std::move(c), options.options, name);
}

Executable compileGraph(const std::shared_ptr<GraphHolder> &graph,
                        const OptionMap &raw) {
  CompileOptions options = parseCompileOptions(raw);
  const Graph &g = graph->builder.graph();
  if (graph->builder.outputNames().empty())
    throwInvalid("graph '" + g.name() +
                 "' has no outputs; mark them with Graph.output()");
  Compiled c;
  {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(graph->mu);
    DiagnosticCollector diags(g.context());
    // The pipeline rewrites the module in place; the graph stays buildable.
    mlir::OwningOpRef<mlir::ModuleOp> clone = g.module().clone();
    if (failed(applyInputShapes(*clone, options.config)))
      c.status = diags.status(rt::ErrorCode::kInvalidArgument,
                              "cannot compile '" + g.name() + "'");
    else
      c = finishCompile(std::move(clone), diags, options.config, g.name(),
                        g.name());
  }
  return toExecutable(std::move(c), options.options, g.name());
}

Executable load(const py::object &source, std::optional<int32_t> deviceArg) {
  int32_t deviceId = deviceArg.value_or(currentDevice());
  if (py::isinstance<py::bytes>(source) || PyByteArray_Check(source.ptr()) ||
      PyMemoryView_Check(source.ptr())) {
    std::string data = py::module_::import("builtins")
                           .attr("bytes")(source)
                           .cast<std::string>();
    return loadExecutable(std::vector<uint8_t>(data.begin(), data.end()),
                          deviceId, "<bytes>", "");
  }
  // Anything else is a path; never its repr (a list of bytes, ...).
  if (!py::isinstance<py::str>(source) && !py::hasattr(source, "__fspath__"))
    throw StatusError(rt::invalidArgument(
                          "geflow.load takes a .gfm path or .gfm bytes, got " +
                          std::string(Py_TYPE(source.ptr())->tp_name)),
                      "ArgumentTypeError");
  std::string path =
      py::module_::import("os").attr("fsdecode")(source).cast<std::string>();
  requireFile(path);
  std::shared_ptr<rt::Device> device = getDevice(deviceId);
  rt::StatusOr<std::unique_ptr<rt::Model>> model = rt::Status();
  {
    py::gil_scoped_release release;
    model = rt::Model::load(path, device);
  }
  Executable e;
  e.model = std::shared_ptr<rt::Model>(unwrap(std::move(model)));
  e.deviceId = deviceId;
  e.path = path;
  return e;
}

py::list optionSpecs() {
  py::list out;
  for (const OptionSpec &s : OptionsRegistry::get().specs()) {
    static const char *kinds[] = {"enum", "int", "bool", "string", "path"};
    py::dict d;
    d["name"] = s.name;
    d["aliases"] = s.aliases;
    d["kind"] = kinds[static_cast<int>(s.kind)];
    d["allowed"] = s.allowed;
    d["default"] =
        s.defaultValue.empty() ? py::none() : py::cast(s.defaultValue);
    d["help"] = s.help;
    out.append(std::move(d));
  }
  return out;
}

} // namespace

void bindCompile(py::module_ &m) {
  m.def("_compile_file", &compileFile, py::arg("path"), py::arg("options"));
  m.def("_compile_onnx_bytes", &compileOnnxBytes, py::arg("data"),
        py::arg("name"), py::arg("options"));
  m.def("_compile_graph", &compileGraph, py::arg("graph"), py::arg("options"));
  m.def("_validate_options",
        [](const OptionMap &raw) { (void)parseOptions(raw); });
  m.def("load", &load, py::arg("source"), py::arg("device_id") = py::none(),
        R"doc(
Loads a compiled executable: a .gfm path, or .gfm bytes. The file is
validated (a corrupt file raises CorruptFileError) and memory-mapped. It runs
on `device_id` (default: the thread's device, geflow.set_device).
)doc");
  m.def("option_specs", &optionSpecs,
        "The GE options geflow accepts: name, aliases, kind, allowed values, "
        "default and help of each.");
}

} // namespace geflow::python
