//===- geflow-compile.cpp - ATC-style offline model compiler --------------===//
//
//   geflow-compile --model=m.onnx --framework=onnx --output=m      -> m.gfm
//   geflow-compile ... --emit=mlir [--mlir-stage=import|graph|npu] -> m.mlir
//   geflow-compile ... --emit=lib [--lib-runtime=shared]   -> libm.so, m.h
//       [--lib-program=code|interpreter]
//   geflow-compile ... --emit=staticlib                     -> libm.a, m.h
//   geflow-compile ... --emit=air  -> m.air (GE IR) + weight files,
//   dynamo.pbtxt geflow-compile [GE options] --print-pipeline  -> the
//   geflow-opt argument
//       running the same pipeline on the --mlir-stage=import output
//
// Flags follow ATC's names; every GE option flag goes through the options
// registry, so a bad value is the same clear error here as in Python. The
// work happens in the compiler library; this file only wires flags to it.
// Outputs are written to a temporary file and renamed: a failed compile
// leaves nothing behind. With --external_weight=true the large weights go to
// weight/ beside the .gfm (see geflow/Target/ExternalWeights.h).
//
//===----------------------------------------------------------------------===//
#include "ToolSupport.h"
#include "geflow/Compiler/Compile.h"
#include "geflow/Compiler/OptionFlags.h"
#include "geflow/Compiler/Options.h"
#include "geflow/Compiler/Pipeline.h"
#include "geflow/Frontend/AIR.h"
#include "geflow/Target/ModelLibrary.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "geflow/runtime/Gfm.h"

#include <chrono>

using namespace llvm;

static geflow::FlagCategories &groups = geflow::FlagCategories::get();
static cl::opt<std::string> modelPath("model", cl::desc("The model file"),
                                      cl::value_desc("path"),
                                      cl::cat(groups.input));
static cl::opt<std::string> framework(
    "framework",
    cl::desc("The model's framework: onnx (ATC code 5), air (GE IR, ATC code "
             "1) or mlir; default: from the file extension"),
    cl::value_desc("name|code"), cl::cat(groups.input));
static cl::opt<std::string> output(
    "output",
    cl::desc("Output path; the --emit kind's extension is added unless present "
             "('-' writes MLIR to stdout)"),
    cl::value_desc("path"), cl::cat(groups.output));
static cl::opt<std::string> emit(
    "emit",
    cl::desc("What to produce: exe (.gfm; the default), mlir (the default "
             "when --output is - or ends in .mlir), air (the imported graph "
             "as GE IR, the default when --output ends in .air), lib "
             "(lib<name>.so and <name>.h, a C library; docs/aot.md) or "
             "staticlib (lib<name>.a and <name>.h)"),
    cl::cat(groups.output));
static cl::opt<std::string> libRuntime(
    "lib-runtime",
    cl::desc("With --emit=lib: static (the runtime linked into the library, "
             "the default) or shared (the library needs libgeflow_runtime.so)"),
    cl::init("static"), cl::cat(groups.output));
static cl::opt<std::string> libProgram(
    "lib-program",
    cl::desc("With --emit=lib|staticlib: code (each gear's task program "
             "emitted as straight-line kernel calls, the default; programs "
             "code cannot express fall back to interpreter, with a note) or "
             "interpreter (the embedded .gfm run by the executor)"),
    cl::init("code"), cl::cat(groups.output));
static cl::opt<std::string> mlirStage(
    "mlir-stage",
    cl::desc("With --emit=mlir: import (the imported graph), graph (after the "
             "graph passes) or npu (the planned task program)"),
    cl::init("import"), cl::cat(groups.output));
static cl::opt<bool> quiet("quiet",
                           cl::desc("Do not print the compile summary"),
                           cl::cat(groups.output));
static cl::opt<std::string>
    summaryFile("summary-json",
                cl::desc("Also write the compile summary as JSON here"),
                cl::value_desc("path"), cl::cat(groups.output));
static cl::opt<bool>
    printPrecision("print-precision-decisions",
                   cl::desc("Print which ops were reduced or kept in which "
                            "dtype, and why (the same as "
                            "--print_precision_decisions=true)"),
                   cl::cat(groups.debugging));

static cl::opt<bool> printPipeline(
    "print-pipeline",
    cl::desc("Print the geflow-opt --pass-pipeline argument running this "
             "compile's pipeline on the --mlir-stage=import output (with "
             "--mlir-stage=graph: up to the graph stage) and exit"),
    cl::cat(groups.debugging));

static int fail(const Twine &message) {
  errs() << "geflow-compile: error: " << message << "\n";
  return 1;
}

namespace {
/// Sums the time of the top-level passes; at --log=debug prints each one.
class PassProgress : public mlir::PassInstrumentation {
public:
  PassProgress(const geflow::tools::LogFlag &log, double *seconds)
      : log_(log), seconds_(seconds) {}
  void runBeforePass(mlir::Pass *, mlir::Operation *) override {
    if (depth_++ == 0)
      begin_ = std::chrono::steady_clock::now();
  }
  void runAfterPass(mlir::Pass *pass, mlir::Operation *) override { end(pass); }
  void runAfterPassFailed(mlir::Pass *pass, mlir::Operation *) override {
    end(pass);
  }

private:
  void end(mlir::Pass *pass) {
    if (--depth_ != 0)
      return;
    double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin_)
            .count();
    *seconds_ += s;
    if (log_.level() == geflow::tools::LogLevel::Debug)
      log_.stream() << "geflow-compile: [debug] pass " << pass->getArgument()
                    << ": " << format("%.1f", s * 1000) << " ms\n";
  }
  const geflow::tools::LogFlag &log_;
  double *seconds_;
  int depth_ = 0;
  std::chrono::steady_clock::time_point begin_;
};
} // namespace

static std::string withExtension(StringRef extension) {
  if (output == "-" || StringRef(output).ends_with(extension))
    return output;
  return output + extension.str();
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  // Every GE option is a flag of the same name (as ATC's are); the "ge."
  // session and cache keys go through --option.
  geflow::OptionFlags optionFlags(/*geKeysAsFlags=*/false);
  geflow::tools::LogFlag log(groups.debugging);
  mlir::registerPassManagerCLOptions();
  mlir::registerMLIRContextCLOptions();
  // --mlir-print-debuginfo: the node names (locations) survive a round trip
  // of the imported IR through geflow-opt.
  mlir::registerAsmPrinterCLOptions();
  // MLIR's options stay accepted; these few are listed (under Debugging).
  auto &registered = cl::getRegisteredOptions();
  for (StringRef name : {"mlir-print-debuginfo", "mlir-print-ir-after-failure"})
    if (cl::Option *o = registered.lookup(name))
      o->addCategory(groups.debugging);
  geflow::tools::showOnlyOptions(groups.all());
  geflow::tools::parseCommandLine(
      argc, argv, "geflow offline model compiler (ATC-style)\n");
  std::string error;
  if (!log.resolve(&error))
    return fail(error);
  if (!printPipeline && (modelPath.empty() || output.empty()))
    return fail("--model and --output are required");
  if (emit.empty())
    emit = output == "-" || StringRef(output).ends_with(".mlir") ? "mlir"
           : StringRef(output).ends_with(".air")                 ? "air"
                                                                 : "exe";
  bool emitLib = emit == "lib" || emit == "staticlib";
  if (emit != "exe" && emit != "mlir" && emit != "air" && !emitLib)
    return fail("--emit=" + emit +
                " is not supported; accepted: exe, mlir, air, lib, staticlib");
  if (libRuntime != "static" && libRuntime != "shared")
    return fail("--lib-runtime=" + libRuntime +
                " is not one of static, shared");
  if (libProgram != "code" && libProgram != "interpreter")
    return fail("--lib-program=" + libProgram +
                " is not one of code, interpreter");
  if (emit == "air" && output == "-")
    return fail("--emit=air needs a file --output (weights go beside it)");
  if (mlirStage != "import" && mlirStage != "graph" && mlirStage != "npu")
    return fail("--mlir-stage=" + mlirStage +
                " is not one of import, graph, npu");
  if ((emit == "exe" || emitLib) && output == "-" && !printPipeline)
    return fail("--emit=" + emit + " needs a file --output");

  std::map<std::string, std::string> raw;
  if (!optionFlags.collect(&raw, &error))
    return fail(error);
  if (printPrecision)
    raw["print_precision_decisions"] = "true";
  auto options = geflow::OptionsRegistry::get().parse(raw, &error);
  if (!options)
    return fail(error);
  error = geflow::OptionsRegistry::get().checkNoSessionGraphOptions(
      *options, "geflow-compile");
  if (!error.empty())
    return fail(error + " (--output names the executable)");
  std::optional<geflow::CompileConfig> config =
      geflow::parseCompileConfig(*options, error);
  if (!config)
    return fail(error);
  if (printPipeline) {
    if (config->shapeRanges)
      return fail("input_shape_range compiles the graph twice (at the upper "
                  "bounds and at probe shapes): no one geflow-opt pipeline");
    geflow::PipelineConfig pipeline = config->pipeline;
    pipeline.stopAfterGraph = emit == "mlir" && mlirStage == "graph";
    // Shell-quoted: the line pastes into a shell or a response file (@file).
    std::string text = geflow::printCompilePipeline(pipeline), quoted;
    for (char c : text)
      quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    outs() << "'--pass-pipeline=" << quoted << "'\n";
    return 0;
  }

  // ATC writes into a missing output directory by creating it (as the
  // compile cache does); a failure is reported before the compile starts.
  if (StringRef parent = sys::path::parent_path(output);
      output != "-" && !parent.empty())
    if (std::error_code ec = sys::fs::create_directories(parent);
        ec || !sys::fs::is_directory(parent))
      return fail("cannot create the --output directory '" + parent.str() +
                  "': " + (ec ? ec.message() : "a file of that name exists"));

  auto start = std::chrono::steady_clock::now();
  mlir::DialectRegistry registry;
  geflow::registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  geflow::tools::DiagnosticPrinter diagnostics(context, "geflow-compile", log);
  geflow::tools::StageTimer stage("geflow-compile", log);
  double passSeconds = 0;
  stage.start("import " + modelPath);
  auto module = geflow::importModelFile(context, modelPath, framework, *config);
  if (failed(module))
    return 1;
  stage.stop();
  geflow::PassManagerHook hook = [&](mlir::PassManager &pm) {
    pm.addInstrumentation(std::make_unique<PassProgress>(log, &passSeconds));
    return mlir::applyPassManagerCLOptions(pm);
  };

  if (emit == "air") {
    std::string path = withExtension(".air");
    geflow::frontend::AirExportOptions exportOptions;
    exportOptions.externalWeightThreshold = config->airWeightThreshold;
    geflow::frontend::AirExportResult written;
    if (failed(geflow::frontend::exportAirModel(**module, path, exportOptions,
                                                written, error)))
      return fail(error);
    if (!quiet)
      outs() << "geflow-compile: wrote " << path << " ("
             << written.weightFiles.size() << " weight file(s), "
             << written.weightBytes << " bytes; " << written.textPath << ")\n";
    return 0;
  }

  if (emit == "mlir") {
    // DUMP_GE_GRAPH dumps the stages this emit runs, as a full compile does.
    if (failed(geflow::runDumpedPipeline(
            **module, *config, mlirStage == "graph",
            sys::path::stem(modelPath).str(), hook, mlirStage != "import")))
      return 1;
    std::string path = withExtension(".mlir");
    if (Error e = writeToOutput(path, [&](raw_ostream &os) {
          (*module)->print(os);
          return Error::success();
        }))
      return fail("cannot write '" + path + "': " + toString(std::move(e)));
    return 0;
  }

  geflow::CompileSummary summary;
  std::string name = sys::path::stem(modelPath).str();
  // A library's external weights go beside it, as a .gfm's do.
  std::string path = emitLib
                         ? (Twine(sys::path::parent_path(output)) +
                            (sys::path::has_parent_path(output) ? "/" : "") +
                            geflow::libraryName(output) + ".gfm")
                               .str()
                         : withExtension(".gfm");
  // external_weight: files named after the output, so that models compiled
  // into one directory share its weight/ without clashing.
  geflow::ExternalWeights external;
  external.prefix = sys::path::stem(path).str();
  stage.start("compile (graph passes, lowering, packing weights)");
  auto bytes =
      geflow::compileModule(**module, *config, name, &summary, hook, &external);
  if (failed(bytes))
    return 1;
  stage.stop(formatv("passes {0:F1} ms", passSeconds * 1000).str());
  stage.start("write " + path);
  // The weights first: the .gfm that lists them appears once they are there.
  geflow::rt::Status st = geflow::writeExternalWeights(path, external);
  if (!st.ok())
    return fail(st.message());
  geflow::ModelLibraryResult library;
  if (emitLib) {
    stage.stop();
    stage.start("build the model library");
    geflow::ModelLibraryOptions libOptions;
    libOptions.shared = emit == "lib";
    libOptions.staticArchive = emit == "staticlib";
    libOptions.runtime = libRuntime == "shared"
                             ? geflow::LibraryRuntime::Shared
                             : geflow::LibraryRuntime::Static;
    libOptions.program = libProgram == "interpreter"
                             ? geflow::LibraryProgram::Interpreter
                             : geflow::LibraryProgram::Code;
    st = geflow::emitModelLibrary(*bytes, output, libOptions, &library);
    if (!library.note.empty())
      errs() << "geflow-compile: note: the task program is interpreted, not "
                "emitted as code: "
             << library.note << "\n";
    // What ran, also when it failed: the compiler line is what to retry.
    if (!quiet || !st.ok())
      for (const std::string &command : library.commands)
        errs() << "geflow-compile: ran " << command << "\n";
  } else {
    st = geflow::rt::writeFileAtomically(path, bytes->data(), bytes->size());
  }
  if (!st.ok())
    return fail(st.message());
  stage.stop();
  // The summary's time covers the whole compile, import included.
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (!summaryFile.empty()) {
    std::string json = summary.json() + "\n";
    geflow::rt::Status written =
        geflow::rt::writeFileAtomically(summaryFile, json.data(), json.size());
    if (!written.ok())
      return fail(written.message());
  }
  if (!quiet) {
    if (emitLib)
      for (const std::string &file : library.files) {
        uint64_t size = 0;
        (void)sys::fs::file_size(file, size);
        outs() << "geflow-compile: wrote " << file << " (" << size
               << " bytes)\n";
      }
    else
      outs() << "geflow-compile: wrote " << path << " (" << bytes->size()
             << " bytes)\n";
    if (!external.files.empty()) {
      uint64_t total = 0;
      for (const geflow::ExternalWeightFile &f : external.files)
        total += f.bytes.size();
      SmallString<256> dir(sys::path::parent_path(path));
      sys::path::append(dir, geflow::kExternalWeightDir);
      outs() << "geflow-compile: wrote " << external.files.size()
             << " external weight file(s) (" << total << " bytes) to " << dir
             << "/\n";
    }
    outs() << summary.str() << "\n";
  }
  return 0;
}
