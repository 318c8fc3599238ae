//===- Compile.cpp - Compile a model into a .gfm executable ---------------===//
#include "geflow/Compiler/Compile.h"
#include "ControlFlow.h"
#include "MixedCompute.h"
#include "MlirInput.h"
#include "OutputCheck.h"
#include "Precision.h"
#include "ShapeRange.h"
#include "SizeLimits.h"
#include "Variables.h"
#include "geflow/Compiler/GraphDump.h"
#include "geflow/Compiler/Pipeline.h"
#include "geflow/Compiler/ShapeOptions.h"
#include "geflow/Frontend/Frontend.h"
#include "geflow/Target/GfmWriter.h"
#include "geflow/runtime/Model.h"
#include "lib/Compiler/Transforms/Passes.h"

#include "dialects/ge/IR/GEDialect.h"
#include "dialects/npu/IR/NPUOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"

#include <chrono>
#include <sstream>

using namespace mlir;

namespace geflow {

void registerCompilerDialects(DialectRegistry &registry) {
  registry.insert<ge::GEDialect, npu::NPUDialect, func::FuncDialect,
                  arith::ArithDialect>();
  frontend::registerFrontendDialects(registry);
}

static std::string formatBytes(uint64_t b) {
  std::ostringstream os;
  if (b >= (uint64_t(1) << 20))
    os << (b / double(1 << 20)) << " MiB";
  else if (b >= 1024)
    os << (b / 1024.0) << " KiB";
  else
    os << b << " B";
  return os.str();
}

// "15" for one gear; "30 per gear, 90 over 3 gears" when the gears agree;
// "28/29/30 in gears 0-2, 87 over 3 gears" (at most 8 listed) otherwise.
std::string CompileSummary::kernelCounts() const {
  std::ostringstream os;
  if (kernelsPerGear.size() <= 1) {
    os << kernels;
    return os.str();
  }
  size_t n = kernelsPerGear.size();
  if (llvm::all_equal(kernelsPerGear)) {
    os << kernelsPerGear[0] << " per gear";
  } else if (n <= 8) {
    for (size_t i = 0; i < n; ++i)
      os << (i ? "/" : "") << kernelsPerGear[i];
    os << " in gears 0-" << n - 1;
  } else {
    os << *llvm::min_element(kernelsPerGear) << " to "
       << *llvm::max_element(kernelsPerGear) << " per gear";
  }
  os << ", " << kernels << " over " << n << " gears";
  return os.str();
}

std::string CompileSummary::str() const {
  std::ostringstream os;
  os.precision(3);
  os << "soc: " << soc << ", precision_mode: " << precisionMode
     << (precisionModeFrom.empty() || precisionModeFrom == "option"
             ? ""
             : " (" + precisionModeFrom + ")")
     << "\n"
     << "graph ops: " << graphOps << " (per gear); kernels: " << kernelCounts()
     << "; gears: " << gears
     << "\n"
     // With several gears, the gears share one arena (sized for the
     // largest) and one weight blob; streams and events are per gear.
     << "arena: " << formatBytes(arenaBytes)
     << (gears > 1 ? " (the largest gear's; naive " : " (naive ")
     << formatBytes(naiveBytes) << ", max-live lower bound "
     << formatBytes(maxLiveBytes) << ")\n"
     << "weights: " << formatBytes(weightsBytes)
     << (gears > 1 ? " (shared by the gears)" : "") << ", streams: " << streams
     << ", events: " << events << (gears > 1 ? " (most of any gear)" : "")
     << "\n"
     << (fusionOff.empty()
             ? ""
             : "fusion rules off: " + llvm::join(fusionOff, ", ") + "\n");
  if (!hostOps.empty() || engineCopies) {
    os << "host CPU engine: " << hostOps.size() << " task(s), " << engineCopies
       << " copies between device and host memory\n";
    for (const HostOp &op : hostOps)
      os << "  " << op.name << " (" << op.type << "): " << op.reason << "\n";
  }
  os << "compile time: " << seconds << " s";
  return os.str();
}

std::string CompileSummary::json() const {
  std::ostringstream os;
  os << "{\"soc\": \"" << soc << "\", \"precision_mode\": \"" << precisionMode
     << "\", \"precision_mode_from\": \"" << precisionModeFrom
     << "\", \"graph_ops\": " << graphOps << ", \"kernels\": " << kernels
     << ", \"kernels_per_gear\": [";
  for (size_t i = 0; i < kernelsPerGear.size(); ++i)
    os << (i ? ", " : "") << kernelsPerGear[i];
  os << "], \"gears\": " << gears << ", \"arena_bytes\": " << arenaBytes
     << ", \"naive_bytes\": " << naiveBytes
     << ", \"max_live_bytes\": " << maxLiveBytes
     << ", \"weights_bytes\": " << weightsBytes << ", \"streams\": " << streams
     << ", \"events\": " << events << ", \"fusion_off\": [";
  for (size_t i = 0; i < fusionOff.size(); ++i)
    os << (i ? ", " : "") << "\"" << fusionOff[i] << "\"";
  os << "], \"host_ops\": [";
  auto quoted = [](const std::string &text) {
    std::string out = "\"";
    for (char c : text)
      out += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
    return out + "\"";
  };
  for (size_t i = 0; i < hostOps.size(); ++i)
    os << (i ? ", " : "") << "{\"name\": " << quoted(hostOps[i].name)
       << ", \"type\": " << quoted(hostOps[i].type)
       << ", \"reason\": " << quoted(hostOps[i].reason) << "}";
  os << "], \"engine_copies\": " << engineCopies << ", \"seconds\": " << seconds
     << "}";
  return os.str();
}

// Applies input_shape to a ge function whose arguments carry `ge.name`
// (frontends other than ONNX, which applies it while importing).
LogicalResult applyInputShapes(ModuleOp module, const CompileConfig &config) {
  if (!config.inputShapes)
    return success();
  for (func::FuncOp f : module.getOps<func::FuncOp>()) {
    SmallVector<Type> inputs(f.getArgumentTypes());
    for (const NamedShape &ns : *config.inputShapes) {
      auto it = llvm::find_if(
          llvm::seq<unsigned>(0, f.getNumArguments()), [&](unsigned i) {
            auto name = f.getArgAttrOfType<StringAttr>(i, "ge.name");
            return name && name.getValue() == ns.name;
          });
      if (it == llvm::seq<unsigned>(0, f.getNumArguments()).end())
        return f.emitError() << "input_shape names '" << ns.name
                             << "', which is not an input of the graph";
      unsigned i = *it;
      auto old = cast<RankedTensorType>(inputs[i]);
      SmallVector<int64_t> dims;
      for (int64_t d : ns.dims)
        dims.push_back(d < 0 ? ShapedType::kDynamic : d);
      auto type =
          RankedTensorType::get(dims, old.getElementType(), old.getEncoding());
      if (failed(verifyCompatibleShape(type, old)))
        return f.emitError()
               << "input_shape gives '" << ns.name << "' shape " << type
               << ", incompatible with the model's " << old;
      inputs[i] = type;
      f.getArgument(i).setType(type);
    }
    f.setFunctionType(
        FunctionType::get(f.getContext(), inputs, f.getResultTypes()));
  }
  return success();
}

static FailureOr<OwningOpRef<ModuleOp>>
importByFramework(MLIRContext &context, const std::string &path,
                  const std::string &framework, const CompileConfig &config);

FailureOr<OwningOpRef<ModuleOp>> importModelFile(MLIRContext &context,
                                                 const std::string &path,
                                                 const std::string &framework,
                                                 const CompileConfig &config) {
  auto module = importByFramework(context, path, framework, config);
  if (failed(module))
    return failure();
  // External weight paths resolve against the model's directory.
  llvm::SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  (**module)->setAttr(kModelDirAttr, StringAttr::get(&context, dir));
  return module;
}

frontend::ImportOptions getImportOptions(const CompileConfig &config) {
  frontend::ImportOptions importOptions;
  importOptions.sequenceShapes = config.sequenceShapes;
  if (config.inputShapes) {
    importOptions.inputShapes = *config.inputShapes;
  } else if (config.shapeRanges) {
    // The range gives the input shapes (ATC): its ranged dims become dynamic.
    for (const NamedShapeRange &r : *config.shapeRanges) {
      NamedShape shape{r.name, {}};
      for (auto [lo, hi] : r.dims)
        shape.dims.push_back(lo == hi ? lo : -1);
      importOptions.inputShapes.push_back(std::move(shape));
    }
  }
  // Updatable weights must reach applyVariableOptions unfolded and under
  // their initializer names: the import's canonicalization would fold and
  // merge them (the compile pipeline canonicalizes afterwards).
  if (config.variables.allUpdatable || !config.variables.updatable.empty()) {
    importOptions.markInitializers = true;
    importOptions.canonicalize = false;
  }
  return importOptions;
}

static FailureOr<OwningOpRef<ModuleOp>>
importByFramework(MLIRContext &context, const std::string &path,
                  const std::string &framework, const CompileConfig &config) {
  std::string fw = framework;
  if (fw.empty())
    fw = llvm::sys::path::extension(path) == ".mlir"  ? "mlir"
         : llvm::sys::path::extension(path) == ".air" ? "air"
                                                      : "onnx";
  if (fw == "mlir") {
    auto module = parseMlirModelFile(context, path);
    if (failed(module))
      return failure();
    if (failed(applyInputShapes(**module, config)))
      return failure();
    return module;
  }
  std::string error;
  auto kind = frontend::parseFramework(fw, error);
  if (failed(kind))
    return emitError(UnknownLoc::get(&context)) << error, failure();
  return frontend::importModel(context, *kind, path, getImportOptions(config));
}

LogicalResult runPipeline(ModuleOp module, const CompileConfig &config,
                          bool graphOnly, const PassManagerHook &hook) {
  if (failed(checkTensorSizes(module, getSizeLimits(config))))
    return failure();
  if (config.shapeRanges && !graphOnly)
    return runRangedPipeline(module, *config.shapeRanges, config.pipeline,
                             hook);
  PipelineConfig pipeline = config.pipeline;
  pipeline.stopAfterGraph = graphOnly;
  PassManager pm(module.getContext());
  if (hook && failed(hook(pm)))
    return failure();
  buildCompilePipeline(pm, pipeline);
  return pm.run(module);
}

LogicalResult runDumpedPipeline(ModuleOp module, const CompileConfig &config,
                                bool graphOnly, const std::string &graphName,
                                const PassManagerHook &hook, bool stages) {
  GraphDumper dumper(config.graphDump, graphName);
  PassManagerHook dumpHook = hook;
  if (dumper.enabled())
    dumpHook = [&](PassManager &pm) -> LogicalResult {
      if (hook && failed(hook(pm)))
        return failure();
      dumper.instrument(pm);
      return success();
    };
  return success(
      succeeded(dumper.dumpImported(module)) &&
      (!stages ||
       succeeded(runPipeline(module, config, graphOnly, dumpHook))) &&
      succeeded(dumper.dumpFinal(module)) && succeeded(dumper.finish(module)));
}

FailureOr<std::vector<uint8_t>>
compileModule(ModuleOp module, const CompileConfig &config,
              const std::string &modelName, CompileSummary *summary,
              const PassManagerHook &hook, ExternalWeights *externalWeights) {
  auto start = std::chrono::steady_clock::now();
  // Checked first: a .gfm without its weight files could never load.
  bool external = config.externalWeight;
  if (external && !externalWeights)
    return module.emitError(
               "external_weight=true keeps the weights in files beside the "
               "output .gfm, but this compile is in memory and has no output "
               "file; compile with geflow-compile --output=... and load the "
               ".gfm from its file"),
           failure();
  CompileSummary local;
  CompileSummary &s = summary ? *summary : local;
  s.soc = config.pipeline.soc;
  s.fusionOff = config.pipeline.fusion.disabled();
  std::string error;
  auto precision = resolvePrecision(config.pipeline.precision,
                                    config.pipeline.soc, error, module);
  if (failed(precision))
    return module.emitError() << "soc_version: " << error, failure();
  s.precisionMode = precision->mode;
  s.precisionModeFrom = precision->from();
  module.walk([&](Operation *op) {
    if (isa<ge::GEDialect>(op->getDialect()))
      ++s.graphOps;
  });

  // A .air's FileConstant weights become variables as its Const weights
  // do: their files are read first (the pipeline would read them only after
  // the variables are chosen), keeping the node's name.
  if (config.variables.allUpdatable || !config.variables.updatable.empty()) {
    PassManager load(module.getContext());
    load.addPass(createGELoadFileConstants());
    if (failed(load.run(module)))
      return failure();
  }
  if (failed(applyVariableOptions(module, config.variables)) ||
      failed(checkInOutPairNames(module, config.pipeline.mixed)))
    return failure();
  if (failed(outlineControlFlow(module, config, modelName)))
    return failure();
  if (failed(runDumpedPipeline(module, config, /*graphOnly=*/false, modelName,
                               hook)))
    return failure();

  GfmWriteOptions write;
  write.modelName = modelName;
  write.soc = config.pipeline.soc;
  write.options = config.optionValues;
  if (external) {
    write.externalWeightMinBytes = kExternalWeightMinBytes;
    write.externalWeights = externalWeights;
  }
  // Again after the passes: folding may have built new constants.
  if (failed(checkTensorSizes(module, getSizeLimits(config))) ||
      failed(checkPlannedSizes(module, getSizeLimits(config))) ||
      failed(checkGfmNames(module, modelName)))
    return failure();
  auto bytes = serializeGfm(module, write);
  if (failed(bytes) ||
      failed(checkGfmLoads(module, *bytes, modelName, config.gearPadding)))
    return failure();

  for (npu::ProgramOp p : module.getOps<npu::ProgramOp>()) {
    ++s.gears;
    s.arenaBytes = std::max<uint64_t>(s.arenaBytes, p.getArenaSize());
    s.weightsBytes = p.getWeightsSize();
    s.streams = std::max<int64_t>(s.streams, p.getNumStreams());
    s.events = std::max<int64_t>(s.events, p.getNumEvents());
    if (auto naive = p->getAttrOfType<IntegerAttr>("npu.naive_size"))
      s.naiveBytes = std::max<uint64_t>(s.naiveBytes, naive.getInt());
    if (auto live = p->getAttrOfType<IntegerAttr>("npu.max_live"))
      s.maxLiveBytes = std::max<uint64_t>(s.maxLiveBytes, live.getInt());
    int64_t kernels = 0;
    p.walk([&](npu::KernelOp k) { kernels += !k.getElided(); });
    s.kernelsPerGear.push_back(kernels);
    s.kernels += kernels;
  }
  summarizeMixedCompute(module, s);
  s.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return bytes;
}

FailureOr<std::vector<uint8_t>>
compileModelFile(MLIRContext &context, const std::string &path,
                 const std::string &framework, const CompileConfig &config,
                 CompileSummary *summary, const PassManagerHook &hook) {
  auto start = std::chrono::steady_clock::now();
  auto module = importModelFile(context, path, framework, config);
  if (failed(module))
    return failure();
  std::string name = llvm::sys::path::stem(path).str();
  auto bytes = compileModule(**module, config, name, summary, hook);
  if (summary && succeeded(bytes))
    summary->seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
  return bytes;
}

} // namespace geflow
