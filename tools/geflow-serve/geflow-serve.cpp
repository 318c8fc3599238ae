//===- geflow-serve.cpp - The geflow model server -------------------------===//
//
//   geflow-serve --model_name=cnn --model_base_path=/models/cnn \
//                --rest_api_port=8501 --port=8500
//   geflow-serve --model_config_file=models.config --enable_batching ...
//
// Serves compiled models over TF Serving's REST API and the Open Inference
// Protocol (KServe v2) over REST and gRPC; flags are named as TF Serving
// names them. A model's base path holds numbered version directories, each
// with one .gfm, or one .onnx/.air/.mlir model (plus an optional options.txt of
// GE options, NAME=VALUE per line) compiled when the version loads. The
// server library (this folder) does the serving; this file reads the
// flags and compiles models, which needs the compiler.
//
//===----------------------------------------------------------------------===//
#include "Server.h"
#include "ServerConfig.h"
#include "ToolSupport.h"

#include "geflow/Compiler/Compile.h"
#include "geflow/Compiler/Options.h"
#include "geflow/Support/InputLimits.h"
#include "geflow/runtime/Device.h"
#include "geflow/runtime/Model.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <thread>

using namespace llvm;
using namespace geflow;

static cl::OptionCategory modelCategory("Models");
static cl::OptionCategory serverCategory("Serving");

static cl::opt<std::string>
    modelName("model_name", cl::desc("Name of the model (one-model mode)"),
              cl::init("default"), cl::cat(modelCategory));
static cl::opt<std::string> modelBasePath(
    "model_base_path",
    cl::desc("Directory of the model's numbered versions (one-model mode)"),
    cl::value_desc("DIR"), cl::cat(modelCategory));
static cl::opt<std::string> modelConfigFile(
    "model_config_file",
    cl::desc("A ModelServerConfig (protobuf text) listing several models"),
    cl::value_desc("FILE"), cl::cat(modelCategory));
static cl::opt<double> pollWaitSeconds(
    "file_system_poll_wait_seconds",
    cl::desc("Seconds between scans for new versions (0: load once)"),
    cl::init(1), cl::cat(modelCategory));
static cl::opt<bool>
    enableWarmup("enable_model_warmup",
                 cl::desc("Run every gear once before a version serves"),
                 cl::init(true), cl::cat(modelCategory));
static cl::opt<unsigned>
    numLoadThreads("num_load_threads",
                   cl::desc("Versions loaded at once (default 1)"), cl::init(1),
                   cl::cat(modelCategory));
static cl::opt<unsigned>
    aiCores("ai_cores",
            cl::desc("AI cores of the virtual NPU (0: one per host core)"),
            cl::init(0), cl::cat(modelCategory));
static cl::opt<unsigned> idleSpinMicros(
    "ai_core_idle_spin_micros",
    cl::desc("How long the AI cores keep polling after the last inference "
             "before they sleep (rt::DeviceOptions::idleSpinMicros): a "
             "request within it is not slowed by wake-ups; CPU spent "
             "polling, yielded to other threads (0..1000000)"),
    cl::init(2000), cl::cat(modelCategory));

static cl::opt<int> grpcPort("port",
                             cl::desc("gRPC port (KServe v2; 0: no gRPC)"),
                             cl::init(8500), cl::cat(serverCategory));
static cl::opt<int>
    restPort("rest_api_port",
             cl::desc("HTTP/REST port (TF Serving and KServe v2; 0: none)"),
             cl::init(0), cl::cat(serverCategory));
static cl::opt<unsigned>
    restThreads("rest_api_num_threads",
                cl::desc("HTTP worker threads (0: 4 per host core, at least "
                         "16)"),
                cl::init(0), cl::cat(serverCategory));
static cl::opt<int64_t> restTimeoutMs(
    "rest_api_timeout_in_ms",
    cl::desc("Deadline of a request, queueing included (default 30000)"),
    cl::init(30000), cl::cat(serverCategory));
static cl::opt<std::string>
    bindAddress("bind_address",
                cl::desc("Address to listen on (default 0.0.0.0)"),
                cl::init("0.0.0.0"), cl::cat(serverCategory));
static cl::opt<uint64_t> maxRequestBytes(
    "max_request_bytes",
    cl::desc("Largest request body or gRPC message (default 64 MiB)"),
    cl::init(uint64_t(64) << 20), cl::cat(serverCategory));
static cl::opt<int64_t> maxInflight(
    "max_inflight_requests",
    cl::desc("Inference requests in flight at once; more are answered 429 / "
             "RESOURCE_EXHAUSTED (0: no limit)"),
    cl::init(0), cl::cat(serverCategory));
static cl::opt<bool>
    enableBatching("enable_batching",
                   cl::desc("Merge concurrent requests onto the batch gears"),
                   cl::cat(serverCategory));
static cl::opt<std::string> batchingParametersFile(
    "batching_parameters_file",
    cl::desc("BatchingParameters (protobuf text): max_batch_size, "
             "batch_timeout_micros, max_enqueued_batches, num_batch_threads"),
    cl::value_desc("FILE"), cl::cat(serverCategory));
static cl::opt<std::string>
    accessLog("access_log",
              cl::desc("Append one JSON line per HTTP request to FILE ('-': "
                       "stderr)"),
              cl::value_desc("FILE"), cl::cat(serverCategory));
static cl::opt<double> drainSeconds(
    "shutdown_drain_seconds",
    cl::desc("Longest wait for in-flight gRPC calls on SIGTERM (default 30)"),
    cl::init(30), cl::cat(serverCategory));

static int fail(const Twine &message) {
  errs() << "geflow-serve: error: " << message << "\n";
  return 1;
}

namespace {

/// geflow-serve's codecs carry numbers only: a model with string inputs or
/// outputs is refused when loaded, naming the tensor.
serve::Status refuseStrings(const rt::Model &model) {
  for (const auto *list : {&model.inputs(), &model.outputs()})
    for (const rt::TensorInfo &t : *list)
      if (t.dtype == rt::DType::String)
        return serve::invalidArgument(
            "model '" + model.name() + "': " +
            (list == &model.inputs() ? "input '" : "output '") + t.name +
            "' is a string tensor; geflow-serve does not serve string "
            "tensors (run the model with geflow-run or the Python API)");
  return serve::Status();
}

/// The GE options of a version's options.txt (NAME=VALUE per line, '#'
/// comments), validated by the options registry.
serve::Result<CompileConfig> readCompileOptions(const std::string &path) {
  std::map<std::string, std::string> raw;
  if (sys::fs::exists(path)) {
    std::string error;
    std::unique_ptr<MemoryBuffer> buffer =
        readInputFile(path, kMaxJsonFileBytes, error);
    if (!buffer)
      return serve::invalidArgument("cannot read '" + path + "': " + error);
    SmallVector<StringRef> lines;
    buffer->getBuffer().split(lines, '\n');
    for (size_t i = 0; i < lines.size(); ++i) {
      StringRef line = lines[i].trim();
      if (line.empty() || line.starts_with("#"))
        continue;
      auto [name, value] = line.split('=');
      if (!line.contains('=') || name.trim().empty())
        return serve::invalidArgument(path + ":" + std::to_string(i + 1) +
                                      ": expected NAME=VALUE, got '" +
                                      line.str() + "'");
      raw[name.trim().str()] = value.trim().str();
    }
  }
  std::string error;
  std::optional<Options> options = OptionsRegistry::get().parse(raw, &error);
  if (!options)
    return serve::invalidArgument(path + ": " + error);
  error = OptionsRegistry::get().checkNoSessionGraphOptions(*options,
                                                            "geflow-serve");
  if (!error.empty())
    return serve::invalidArgument(path + ": " + error);
  std::optional<CompileConfig> config = parseCompileConfig(*options, error);
  if (!config)
    return serve::invalidArgument(path + ": " + error);
  return *config;
}

/// Loads the model of a version directory: its .gfm, or its .onnx/.air/.mlir
/// compiled in memory.
serve::Result<std::unique_ptr<rt::Model>>
loadVersion(const std::string &dir, const std::shared_ptr<rt::Device> &device) {
  std::vector<std::string> compiled, sources;
  std::error_code ec;
  for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    StringRef ext = sys::path::extension(it->path());
    if (ext == ".gfm")
      compiled.push_back(it->path());
    else if (ext == ".onnx" || ext == ".air" || ext == ".mlir")
      sources.push_back(it->path());
  }
  if (ec)
    return serve::invalidArgument("cannot read '" + dir + "': " + ec.message());
  if (compiled.size() + sources.size() != 1)
    return serve::invalidArgument(
        "'" + dir +
        "' must hold exactly one model (a .gfm, .onnx, .air or .mlir); "
        "it holds " +
        std::to_string(compiled.size() + sources.size()));
  if (!compiled.empty()) {
    rt::StatusOr<std::unique_ptr<rt::Model>> model =
        rt::Model::load(compiled[0], device);
    if (!model.ok())
      return serve::invalidArgument(model.status().message());
    if (serve::Status st = refuseStrings(**model); !st.ok())
      return st;
    return std::move(model.value());
  }
  serve::Result<CompileConfig> config =
      readCompileOptions(dir + "/options.txt");
  if (!config.ok())
    return config.status();
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  mlir::MLIRContext context(registry, mlir::MLIRContext::Threading::DISABLED);
  context.printOpOnDiagnostic(false);
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    if (d.getSeverity() == mlir::DiagnosticSeverity::Error)
      diagnostics += "\n  " + d.str();
    return mlir::success();
  });
  auto bytes = compileModelFile(context, sources[0], "", *config);
  if (failed(bytes))
    return serve::invalidArgument("cannot compile '" + sources[0] +
                                  "':" + diagnostics);
  rt::StatusOr<std::unique_ptr<rt::Model>> model = rt::Model::loadFromBytes(
      bytes->data(), bytes->size(), device, sources[0]);
  if (!model.ok())
    return serve::invalidArgument(model.status().message());
  if (serve::Status st = refuseStrings(**model); !st.ok())
    return st;
  return std::move(model.value());
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  tools::showOnlyOptions({&modelCategory, &serverCategory});
  cl::ParseCommandLineOptions(
      argc, argv,
      "geflow-serve: serve compiled models over TF Serving's REST API and "
      "the Open Inference Protocol (KServe v2, REST and gRPC)\n");

  std::vector<serve::ModelSource> sources;
  if (!modelConfigFile.empty()) {
    if (!modelBasePath.empty())
      return fail("give --model_config_file or --model_base_path, not both");
    auto read = serve::readModelConfigFile(modelConfigFile);
    if (!read.ok())
      return fail(read.status().message());
    sources = std::move(*read);
  } else {
    if (modelBasePath.empty())
      return fail("give --model_base_path (with --model_name) or "
                  "--model_config_file");
    if (modelName.empty() ||
        StringRef(modelName).find_first_of("/:") != StringRef::npos)
      return fail("--model_name must be non-empty without '/' or ':'");
    sources.push_back({modelName, modelBasePath, {}});
  }
  if (restPort < 0 || restPort > 65535 || grpcPort < 0 || grpcPort > 65535)
    return fail("ports must be in [0, 65535]");
  if (restPort == 0 && grpcPort == 0)
    return fail("both --rest_api_port and --port are 0: nothing to serve on");
  if (restPort == grpcPort)
    return fail("--rest_api_port and --port must differ");
  if (restTimeoutMs < 1)
    return fail("--rest_api_timeout_in_ms must be at least 1");
  if (pollWaitSeconds < 0)
    return fail("--file_system_poll_wait_seconds must not be negative");
  if (maxInflight < 0)
    return fail("--max_inflight_requests must not be negative");
  if (maxRequestBytes < 1024)
    return fail("--max_request_bytes must be at least 1024");

  serve::RepositoryOptions repository;
  repository.warmUp = enableWarmup;
  repository.numLoadThreads = std::max(1u, numLoadThreads.getValue());
  repository.batching.enabled = enableBatching;
  if (!batchingParametersFile.empty()) {
    if (!enableBatching)
      return fail("--batching_parameters_file needs --enable_batching");
    auto params = serve::readBatchingParametersFile(batchingParametersFile,
                                                    repository.batching);
    if (!params.ok())
      return fail(params.status().message());
    repository.batching = *params;
  }

  serve::ServerOptions options;
  options.host = bindAddress;
  options.restPort = restPort;
  options.grpcPort = grpcPort;
  unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  options.restThreads =
      restThreads ? restThreads.getValue() : std::max(16u, 4 * hw);
  options.limits.maxBodyBytes = maxRequestBytes;
  options.limits.timeoutMs = restTimeoutMs;
  options.limits.maxInflight = maxInflight;
  options.pollSeconds = pollWaitSeconds;
  options.drainSeconds = drainSeconds;
  options.accessLog = accessLog;

  rt::DeviceOptions deviceOptions;
  deviceOptions.aiCoreCount = aiCores;
  deviceOptions.idleSpinMicros = idleSpinMicros;
  auto device = rt::Device::create(0, deviceOptions);
  if (!device.ok())
    return fail(device.status().message());
  std::shared_ptr<rt::Device> shared = std::move(device.value());
  options.onRequest = [shared] { shared->expectWork(); };

  return serve::runServer(
      options, std::move(sources),
      [shared](const std::string &dir) { return loadVersion(dir, shared); },
      repository);
}
