//===- geflow-run.cpp - Run a .gfm (or a model file) on the virtual NPU ---===//
//
//   geflow-run --model=m.gfm [--input=NAME=file.npy ...] [--output-dir=DIR]
//              [--loop=N | --duration=SECONDS] [--warmup=N] [--threads=N]
//              [--streams=N] [--seed=N] [--ai-cores=N]
//   geflow-run --model=m.onnx --input_shape="x:1,3,224,224" ...
//
// Inputs come from .npy files or are random (deterministic per --seed);
// each output is summarized and, with --output-dir, written as
// DIR/<output name>.npy; the latency of the timed runs is reported (see
// RunLoop.h for warm-up, --loop/--duration and concurrent runs). .onnx, .air
// and .mlir models are compiled in memory first, under the GE options given as
// ATC-style flags (--input_shape=..., --precision_mode=...) or as
// --option NAME=VALUE, all validated by the options registry.
//
// The tool builds with LLVM's flags (no exceptions); the work is done by
// the compiler and runtime libraries.
//
//===----------------------------------------------------------------------===//
#include "Composites.h"
#include "ModelInfo.h"
#include "RankFiles.h"
#include "RunLoop.h"
#include "RunTensors.h"
#include "ToolSupport.h"

#include "geflow/Compiler/Compile.h"
#include "geflow/Compiler/DebugAttachment.h"
#include "geflow/Compiler/DebugOptions.h"
#include "geflow/Compiler/Distributed.h"
#include "geflow/Compiler/OptionFlags.h"
#include "geflow/Compiler/Options.h"
#include "geflow/runtime/Device.h"
#include "geflow/runtime/Gfm.h"
#include "geflow/runtime/Model.h"
#include "geflow/runtime/Npy.h"
#include "geflow/runtime/RegularFile.h"
#include "geflow/runtime/Stream.h"
#include "proto/gfm.pb.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <unistd.h>

using namespace llvm;
using namespace geflow;

static FlagCategories &groups = FlagCategories::get();
static cl::OptionCategory runCategory("Running");

static cl::opt<std::string>
    modelPath("model", cl::desc("The model: .gfm, .onnx, .air or .mlir"),
              cl::value_desc("path"), cl::cat(groups.input));
static cl::list<std::string>
    inputFiles("input",
               cl::desc("An input from a .npy file (repeat per input; "
                        "none: random inputs)"),
               cl::value_desc("NAME=file.npy"), cl::cat(groups.input));
static cl::opt<std::string>
    outputDir("output-dir", cl::desc("Write each output as DIR/<name>.npy"),
              cl::value_desc("DIR"), cl::cat(groups.output));
static cl::opt<unsigned>
    loopCount("loop",
              cl::desc("Timed runs on each stream (default 1; with "
                       "--duration, at least this many)"),
              cl::init(1), cl::cat(runCategory));
static cl::opt<unsigned>
    warmupCount("warmup",
                cl::desc("Untimed runs on each stream before the timed ones "
                         "(default 1; 0: time the first run too)"),
                cl::init(1), cl::cat(runCategory));
static cl::opt<double> durationSeconds(
    "duration",
    cl::desc("Keep running for this long (at most 3600 s, 10^7 runs) and "
             "report every run"),
    cl::value_desc("seconds"), cl::init(0), cl::cat(runCategory));
static cl::opt<unsigned> streamCount(
    "streams",
    cl::desc("Runs each thread keeps in flight, one per stream (1..16; "
             "default 1)"),
    cl::init(1), cl::cat(runCategory));
static cl::opt<unsigned> seed("seed", cl::desc("Seed of the random inputs"),
                              cl::init(0), cl::cat(runCategory));
static cl::opt<unsigned>
    aiCores("ai-cores",
            cl::desc("AI cores of the virtual NPU (0: one per host core)"),
            cl::init(0), cl::cat(runCategory));
static cl::opt<unsigned> deviceFlag(
    "device",
    cl::desc("Device to run on (as ge.exec.deviceId; GEFLOW_DEVICE_COUNT or "
             "GEFLOW_DEVICE_CORES split the host's cores into several)"),
    cl::value_desc("N"), cl::init(0), cl::cat(runCategory));
static cl::opt<std::string> framework(
    "framework",
    cl::desc("Model framework when compiling: onnx (5), air (1) or mlir "
             "(default: from the extension)"),
    cl::value_desc("name"), cl::cat(groups.input));

static cl::opt<bool>
    info("info",
         cl::desc("Print what the model holds (inputs, outputs, gears and "
                  "ranges, soc and options, kernels per gear, arena, weights, "
                  "streams) and exit without running"),
         cl::cat(runCategory));
static cl::opt<std::string> profileDir(
    "profile",
    cl::desc("Profile the timed runs into DIR: trace.json (Perfetto), "
             "op_summary.csv, op_statistic.csv (as profiling_mode with "
             "profiling_options output DIR)"),
    cl::value_desc("DIR"), cl::cat(runCategory));
static cl::opt<std::string> dumpDir(
    "dump",
    cl::desc("Dump every op's outputs of the timed runs under DIR in GE's "
             "layout, as .npy (as enable_dump with dump_path DIR; dump_step, "
             "dump_mode, dump_layer, dump_data refine it)"),
    cl::value_desc("DIR"), cl::cat(runCategory));
static cl::opt<bool> json("json", cl::desc("With --info: print it as JSON"),
                          cl::cat(runCategory));

static int fail(const Twine &message) {
  errs() << "geflow-run: error: " << message << "\n";
  return 1;
}

static int fail(const rt::Status &status) { return fail(status.message()); }

namespace {

/// The device to run on: --device or ge.exec.deviceId (session_device_id),
/// taken out of `raw` (it is not a compile option). Nullopt with `error`
/// set when both disagree or the value is bad.
std::optional<int32_t> takeDeviceId(std::map<std::string, std::string> &raw,
                                    std::string &error) {
  int32_t id = static_cast<int32_t>(deviceFlag);
  auto given = raw.find("ge.exec.deviceId");
  if (given != raw.end()) {
    std::optional<Options> parsed =
        OptionsRegistry::get().parse({*given}, &error);
    if (!parsed)
      return std::nullopt;
    int32_t optionId =
        static_cast<int32_t>(parsed->getInt("ge.exec.deviceId", 0));
    if (deviceFlag.getNumOccurrences() && optionId != id) {
      error = "--device=" + std::to_string(id) + " and ge.exec.deviceId " +
              std::to_string(optionId) + " disagree; give one";
      return std::nullopt;
    }
    id = optionId;
    raw.erase(given);
  }
  if (id >= rt::getDeviceCount()) {
    if (rt::Status st = rt::deviceEnvironmentStatus(); !st.ok()) {
      error = st.message();
      return std::nullopt;
    }
    error = "device " + std::to_string(id) + " does not exist: there are " +
            std::to_string(rt::getDeviceCount()) +
            " device(s); GEFLOW_DEVICE_COUNT or GEFLOW_DEVICE_CORES split "
            "the host's cores into more";
    return std::nullopt;
  }
  return id;
}

/// Device `id` of the process-wide table, with --ai-cores applied.
rt::StatusOr<std::shared_ptr<rt::Device>> openDevice(int32_t id) {
  if (aiCores.getNumOccurrences()) {
    rt::StatusOr<rt::DeviceOptions> options = rt::getDeviceOptions(id);
    if (!options.ok())
      return options.status();
    options->aiCoreCount = aiCores;
    GEFLOW_RETURN_IF_ERROR(rt::Device::describe(id, *options).status());
    GEFLOW_RETURN_IF_ERROR(rt::configureDevice(id, *options));
  }
  GEFLOW_RETURN_IF_ERROR(rt::setDevice(id));
  return rt::getOpenDevice(id);
}

bool startsWithGfmMagic(const std::string &path) {
  // Regular files only: a FIFO must not stall the probe.
  rt::RegularFile opened = rt::openRegularFile(path);
  if (!opened.ok())
    return false;
  char magic[sizeof(rt::kGfmMagic)] = {};
  bool match = ::read(opened.fd, magic, sizeof(magic)) == sizeof(magic) &&
               std::memcmp(magic, rt::kGfmMagic, sizeof(magic)) == 0;
  ::close(opened.fd);
  return match;
}

/// Compiles an .onnx/.mlir model in memory; errors go to stderr.
rt::StatusOr<std::unique_ptr<rt::Model>>
compileAndLoad(const CompileConfig &config,
               const std::shared_ptr<rt::Device> &device) {
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  // The message names the op; a dump of it would drown the message.
  context.printOpOnDiagnostic(false);
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    if (d.getSeverity() == mlir::DiagnosticSeverity::Error) {
      std::string where = tools::describeLocation(d.getLocation());
      diagnostics += "\n  " + d.str();
      if (!where.empty())
        diagnostics += "\n    at " + where;
      for (const mlir::Diagnostic &note : d.getNotes())
        diagnostics += "\n    note: " + note.str();
    }
    return mlir::success();
  });
  CompileSummary summary;
  auto bytes =
      compileModelFile(context, modelPath, framework, config, &summary);
  if (failed(bytes))
    return rt::Status(rt::ErrorCode::kInvalidArgument,
                      "cannot compile '" + modelPath + "':" +
                          (diagnostics.empty() ? std::string(" (no diagnostic)")
                                               : diagnostics));
  // stdout stays pure JSON under --json.
  (json ? errs() : outs())
      << "compiled '" << modelPath << "' in " << format("%.2f", summary.seconds)
      << " s: "
      << (summary.gears > 1
              ? std::to_string(summary.gears) + " gears, kernels " +
                    summary.kernelCounts() + ", arena (the largest gear's) "
              : std::to_string(summary.kernels) + " kernels, 1 gear(s), arena ")
      << rt::formatBytes(summary.arenaBytes) << ", weights "
      << rt::formatBytes(summary.weightsBytes) << "\n";
  return rt::Model::loadFromBytes(bytes->data(), bytes->size(), device,
                                  modelPath);
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  // One flag per GE option name and alias (ATC spellings).
  OptionFlags geFlags(/*geKeysAsFlags=*/true);
  tools::LogFlag log(groups.debugging);
  // Running right after Input: how to run comes before how to compile.
  std::vector<const cl::OptionCategory *> shown = groups.all();
  shown.insert(shown.begin() + 1, &runCategory);
  tools::showOnlyOptions(shown);
  // libLLVM has a --threads of its own: this one is registered once that
  // one is gone (showOnlyOptions unregisters it).
  cl::opt<unsigned> threadCount(
      "threads",
      cl::desc("Host threads running the model at once, each on streams of its "
               "own (1..64; default 1)"),
      cl::init(1), cl::cat(runCategory));
  tools::parseCommandLine(
      argc, argv,
      "geflow-run: run a model on the virtual NPU\n\n"
      "  GE options (shapes, precision, ...) apply when the model is an "
      ".onnx/.mlir file compiled in memory.\n");
  std::string error;
  if (!log.resolve(&error))
    return fail(error);
  if (json)
    log.keepOffStdout(); // stdout is the JSON document
  if (modelPath.empty())
    return fail("--model is required");
  run::RunLoopConfig loop;
  loop.threads = threadCount;
  loop.streams = streamCount;
  loop.warmup = warmupCount;
  loop.loop = loopCount;
  loop.durationSeconds = durationSeconds;
  error = run::checkRunLoopConfig(loop);
  if (error.empty() && durationSeconds.getNumOccurrences() &&
      !(durationSeconds > 0))
    error = "--duration must be in (0, 3600] seconds";
  if (!error.empty())
    return fail(error);
  std::map<std::string, std::string> rawOptions;
  if (!geFlags.collect(&rawOptions, &error))
    return fail(error);
  // Under mpirun every rank runs this: set up the ranks before anything
  // else, and give each rank its own files ("{rank}", or GE's multi-rank
  // layout <name><rank>.air).
  std::optional<Options> rankOptions =
      OptionsRegistry::get().parse(rawOptions, &error);
  if (!rankOptions)
    return fail(error);
  auto ranks = setUpRanks(*rankOptions);
  if (!ranks.ok())
    return fail(ranks.status());
  modelPath.setValue(run::pathForRank(modelPath, *ranks));
  outputDir.setValue(run::pathForRank(outputDir, *ranks));
  if (ranks->size > 1)
    outs() << "rank " << ranks->rank << " of " << ranks->size << " (local "
           << ranks->localRank << " of " << ranks->localSize << ", "
           << ranks->backend << "), model " << modelPath << "\n";
  std::map<std::string, std::string> inputs;
  for (std::string in : inputFiles) {
    in = run::pathForRank(in, *ranks);
    size_t eq = in.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == in.size())
      return fail("--input expects NAME=file.npy, got '" + in + "'");
    if (!inputs.emplace(in.substr(0, eq), in.substr(eq + 1)).second)
      return fail("input '" + in.substr(0, eq) + "' is given more than once");
  }

  std::optional<int32_t> deviceId = takeDeviceId(rawOptions, error);
  if (!deviceId)
    return fail(error);
  auto device = openDevice(*deviceId);
  if (!device.ok())
    return fail(device.status());

  StringRef ext = sys::path::extension(modelPath);
  tools::StageTimer stage("geflow-run", log);
  bool compile =
      !framework.empty() || ext == ".onnx" || ext == ".mlir" || ext == ".air";
  std::unique_ptr<rt::Model> model;
  if (compile) {
    std::optional<Options> options =
        OptionsRegistry::get().parse(rawOptions, &error);
    if (!options)
      return fail(error);
    error = OptionsRegistry::get().checkNoSessionGraphOptions(*options,
                                                              "geflow-run");
    if (!error.empty())
      return fail(error);
    std::optional<CompileConfig> config = parseCompileConfig(*options, error);
    if (!config)
      return fail(error);
    stage.start("compile and load " + modelPath);
    auto loaded = compileAndLoad(*config, *device);
    if (!loaded.ok())
      return fail(loaded.status());
    model = std::move(loaded.value());
  } else {
    if (!sys::fs::exists(modelPath))
      return fail("cannot open '" + modelPath + "': no such file");
    if (ext != ".gfm" && !startsWithGfmMagic(modelPath))
      return fail(
          "cannot tell the format of '" + modelPath +
          "': expected a .gfm, .onnx, .air or .mlir file (or --framework)");
    for (const auto &[name, value] : rawOptions)
      if (!isRunTimeOption(name))
        return fail("GE options such as '" + name +
                    "' apply when compiling; '" + modelPath +
                    "' is already compiled");
    stage.start("load " + modelPath);
    auto loaded = rt::Model::load(modelPath, *device);
    if (!loaded.ok())
      return fail(loaded.status());
    model = std::move(loaded.value());
  }

  stage.stop();
  // Run-time options (profiling, dumps): valid for a .gfm too. --dump=DIR
  // is enable_dump with dump_path DIR.
  if (!dumpDir.empty()) {
    if (rawOptions.count("dump_path") || rawOptions.count("ge.exec.dumpPath"))
      return fail("--dump gives the dump path: drop --dump_path or --dump");
    rawOptions["enable_dump"] = "true";
    rawOptions["dump_path"] = dumpDir;
  }
  std::optional<Options> runOptions =
      OptionsRegistry::get().parse(rawOptions, &error);
  if (!runOptions)
    return fail(error);
  // Process-wide, as ACL's aclrtSetOpExecuteTimeOut.
  if (std::optional<rt::SyncTimeouts> timeouts = syncTimeoutsOf(*runOptions))
    rt::setSyncTimeouts(*timeouts);
  std::optional<DebugConfig> debugConfig = parseDebugConfig(*runOptions, error);
  if (!debugConfig)
    return fail(error);
  std::optional<DebugAttachment> debug =
      DebugAttachment::create(*debugConfig, profileDir);
  if (info) {
    outs() << (json ? run::modelInfoJson(*model) : run::modelInfoText(*model));
    return 0;
  }
  if (json)
    return fail("--json goes with --info");

  std::vector<std::string> notes;
  // Sequence and optional inputs: one file per tensor.
  if (rt::Status st = run::expandCompositeInputs(model->file().model(), inputs);
      !st.ok())
    return fail(st);
  auto in = run::prepareInputs(*model, inputs, seed, &notes);
  if (!in.ok())
    return fail(in.status());
  std::vector<std::vector<int64_t>> shapes;
  std::vector<rt::TensorRef> inRefs;
  for (const run::HostTensor &t : *in) {
    shapes.push_back(t.shape);
    inRefs.push_back(t.ref());
  }
  auto selection = model->select(shapes);
  if (!selection.ok())
    return fail(selection.status());
  size_t *gear = &selection->gear;
  outs() << "model '" << model->name() << "': " << model->inputs().size()
         << " input(s), " << model->outputs().size() << " output(s), "
         << model->gears().size() << " gear(s); running gear " << *gear
         << (selection->padded ? " padded" : "") << " ("
         << model->gears()[*gear].numTasks << " tasks on "
         << model->gears()[*gear].numStreams << " stream(s)) on "
         << (*device)->properties().aiCoreCount << " AI cores of device "
         << (*device)->id();
  if (!(*device)->properties().cpus.empty())
    outs() << " (host CPUs " << rt::formatCpuList((*device)->properties().cpus)
           << ")";
  outs() << "\n";
  for (const std::string &note : notes)
    outs() << note << "\n";

  // Profile and dump the timed runs only.
  loop.beforeTimed = [&] { debug->attach(*model); };
  if (debug->profiling())
    loop.synchronize = [&](rt::Stream &stream) {
      uint64_t start = rt::Profiler::nowNs();
      rt::Status done = stream.synchronize();
      debug->hostSpan("synchronize", start, rt::Profiler::nowNs());
      return done;
    };
  stage.start("run " + std::to_string(loop.warmup) + " warm-up and " +
              (loop.durationSeconds > 0
                   ? formatv("{0} s of", loop.durationSeconds).str()
                   : std::to_string(loop.loop)) +
              " timed run(s) on " + std::to_string(loop.threads) +
              " thread(s) x " + std::to_string(loop.streams) + " stream(s)");
  auto ran = run::runLoop(*model, **device, inRefs, selection->outputs, loop);
  if (!ran.ok())
    return fail(ran.status());
  std::vector<run::HostTensor> &outputs = ran->outputs;

  stage.stop();
  for (const run::HostTensor &t : outputs)
    outs() << run::summarize(t);
  if (!outputDir.empty()) {
    if (std::error_code ec = sys::fs::create_directories(outputDir))
      return fail("cannot create '" + outputDir + "': " + ec.message());
    const gfm::Model &proto = model->file().model();
    for (const run::HostTensor &t : outputs) {
      auto path = run::outputPath(proto, outputDir, t.name);
      if (!path.ok())
        return fail(path.status());
      std::vector<int64_t> shape = t.shape;
      if (auto physical = rt::physicalShape(t.format, t.shape))
        shape = *physical; // the stored layout of a formatted output
      rt::Status st = rt::writeNpy(*path, t.dtype, shape, t.data.get());
      if (!st.ok())
        return fail(st);
      outs() << "wrote " << *path << "\n";
    }
    if (rt::Status st = run::writeEmptyComposites(proto, outputDir); !st.ok())
      return fail(st);
  }
  std::string debugLog;
  rt::Status written = debug->finish(&debugLog);
  if (!written.ok())
    return fail(written);
  outs() << debugLog;
  outs() << "latency over " << ran->latenciesMs.size() << " run(s)"
         << run::describeRunLoop(loop) << ": "
         << run::latencySummary(ran->latenciesMs, ran->wallSeconds) << "\n";
  return 0;
}
