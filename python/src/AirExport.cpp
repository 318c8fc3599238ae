//===- AirExport.cpp - geflow.export_air ----------------------------------===//
//
// Writes a geflow.Graph, or a model file (.onnx, .air, .mlir) as imported,
// as a GE IR .air file with its weight files and dynamo.pbtxt, through the
// same exporter as `geflow-compile --emit=air`.
//
//===----------------------------------------------------------------------===//
#include "Builder.h"
#include "Errors.h"

#include "geflow/Compiler/Compile.h"
#include "geflow/Compiler/CompileConfig.h"
#include "geflow/Compiler/DiagnosticCollector.h"
#include "geflow/Frontend/AIR.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include <pybind11/stl.h>

namespace geflow::python {

namespace {

py::dict exportAir(const py::object &source, const std::string &path,
                   std::optional<int64_t> threshold,
                   const std::string &weightDir,
                   const std::string &filePathPrefix,
                   const std::vector<std::string> &weightNames, bool text,
                   const std::map<std::string, std::string> &rawOptions) {
  // The GE options (air_weight_threshold, input_shape for a model file).
  std::string error;
  auto parsed = OptionsRegistry::get().parse(rawOptions, &error);
  if (!parsed)
    throwInvalid(error);
  std::optional<CompileConfig> config = parseCompileConfig(*parsed, error);
  if (!config)
    throwInvalid(error);
  if (threshold && *threshold < 0)
    throwInvalid("weight_threshold must be >= 0, got " +
                 std::to_string(*threshold));
  frontend::AirExportOptions options;
  options.externalWeightThreshold =
      threshold.value_or(config->airWeightThreshold);
  options.weightDir = weightDir;
  options.filePathPrefix = filePathPrefix;
  options.weightNames = weightNames;
  options.writeText = text;
  frontend::AirExportResult result;
  bool ok;
  if (py::isinstance<GraphHolder>(source)) {
    auto graph = source.cast<std::shared_ptr<GraphHolder>>();
    if (graph->builder.outputNames().empty())
      throwInvalid("graph '" + graph->builder.graph().name() +
                   "' has no outputs; mark them with Graph.output()");
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(graph->mu);
    mlir::OwningOpRef<mlir::ModuleOp> clone =
        graph->builder.graph().module().clone();
    ok = succeeded(
        frontend::exportAirModel(*clone, path, options, result, error));
  } else {
    std::string model = source.cast<std::string>();
    py::gil_scoped_release release;
    mlir::DialectRegistry registry;
    registerCompilerDialects(registry);
    mlir::MLIRContext context(registry);
    DiagnosticCollector diags(context);
    auto module = importModelFile(context, model, "", *config);
    if (failed(module)) {
      error = diags
                  .status(rt::ErrorCode::kInvalidArgument,
                          "cannot import '" + model + "'")
                  .message();
      ok = false;
    } else {
      ok = succeeded(
          frontend::exportAirModel(**module, path, options, result, error));
    }
  }
  if (!ok)
    throw StatusError(rt::Status(rt::ErrorCode::kInvalidArgument, error),
                      "CompileError");
  py::dict out;
  out["path"] = path;
  out["weight_files"] = result.weightFiles;
  out["weight_bytes"] = result.weightBytes;
  out["text"] = result.textPath;
  return out;
}

} // namespace

void bindAirExport(py::module_ &m) {
  m.def("_export_air", &exportAir, py::arg("source"), py::arg("path"),
        py::arg("weight_threshold"), py::arg("weight_dir"),
        py::arg("file_path_prefix"), py::arg("weight_names"), py::arg("text"),
        py::arg("options"));
}

} // namespace geflow::python
