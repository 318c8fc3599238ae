//===- Session.cpp - GE-style compile-and-run API -------------------------===//
#include "CompileCache.h"
#include "SessionInternal.h"
#include "WeightUpdateGraph.h"

#include "geflow/Compiler/Compile.h"
#include "geflow/Compiler/DebugAttachment.h"
#include "geflow/Compiler/Distributed.h"
#include "geflow/runtime/Device.h"
#include "geflow/runtime/Interop.h"
#include "geflow/runtime/Model.h"
#include "geflow/runtime/SharedArena.h"
#include "geflow/runtime/Stream.h"
#include "geflow/runtime/Timeouts.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <set>
#include <thread>
#include <unordered_map>

using namespace mlir;

namespace geflow {

//===----------------------------------------------------------------------===//
// Initialize / Finalize
//===----------------------------------------------------------------------===//

namespace {
struct Global {
  std::mutex mu;
  bool initialized = false;
  Options options;
  int32_t deviceId = 0;
  int sessions = 0;
};
Global &global() {
  static Global g;
  return g;
}

/// GE's timeout options to the runtime's process-wide settings (as ACL's
/// aclrtSetOpExecuteTimeOut: the latest Initialize or Session sets them).
void applySyncTimeouts(const Options &options) {
  rt::setSyncTimeouts(syncTimeoutsOf(options).value_or(rt::SyncTimeouts{}));
}

rt::StatusOr<Options> parseOptions(const OptionMap &raw) {
  std::string error;
  auto options = OptionsRegistry::get().parse(raw, &error);
  if (!options)
    return rt::invalidArgument(error);
  return *options;
}
// The device options against the devices the runtime has: ge.exec.deviceId
// and ge.exec.logicalDeviceId (SINGLE deploy) name one existing device.
Status checkDeployOptions(const Options &options) {
  GEFLOW_RETURN_IF_ERROR(rt::deviceEnvironmentStatus());
  int32_t count = rt::getDeviceCount();
  int64_t device = options.getInt("ge.exec.deviceId", 0);
  if (device >= count)
    return rt::invalidArgument(
        "ge.exec.deviceId " + std::to_string(device) +
        " does not exist: " + "the runtime has " + std::to_string(count) +
        " device(s) (0.." + std::to_string(count - 1) +
        "); GEFLOW_DEVICE_COUNT or GEFLOW_DEVICE_CORES split the host's "
        "cores into more");
  if (auto logical = options.get("ge.exec.logicalDeviceId")) {
    int32_t id = *parseLogicalDeviceId(*logical); // checked by the registry
    if (id >= count)
      return rt::invalidArgument("ge.exec.logicalDeviceId '" + *logical +
                                 "' names device " + std::to_string(id) +
                                 ", but the runtime has " +
                                 std::to_string(count) + " device(s)");
    if (options.has("ge.exec.deviceId") && id != device)
      return rt::invalidArgument(
          "ge.exec.logicalDeviceId '" + *logical + "' names device " +
          std::to_string(id) + " but ge.exec.deviceId is " +
          std::to_string(device) +
          "; in SINGLE deploy mode both name the one device the flow runs on");
  }
  return Status::OK();
}
/// GE_USE_STATIC_MEMORY (TF online-inference guide 7.4.1): the policy the
/// environment gives, nullopt when unset.
rt::StatusOr<std::optional<int>> staticMemoryFromEnvironment() {
  const char *v = std::getenv("GE_USE_STATIC_MEMORY");
  if (!v || !*v)
    return std::optional<int>();
  std::string text = v;
  if (text.size() != 1 || text[0] < '0' || text[0] > '4')
    return rt::invalidArgument(
        "environment variable GE_USE_STATIC_MEMORY='" + text +
        "': expected 0, 1, 2, 3 or 4 (the values of static_memory_policy)");
  return std::optional<int>(text[0] - '0');
}

/// The static memory policy of `options` (session or graph), checked
/// against GE_USE_STATIC_MEMORY: GE forbids setting both (they conflict),
/// geflow accepts both only when they agree.
rt::StatusOr<int> staticMemoryPolicy(const Options &options,
                                     const std::string &where) {
  // GE: 1 is the historic spelling of 2.
  auto canonical = [](int policy) { return policy == 1 ? 2 : policy; };
  auto env = staticMemoryFromEnvironment();
  if (!env.ok())
    return env.status();
  if (!options.has("static_memory_policy"))
    return canonical(env->value_or(0));
  int policy = static_cast<int>(options.getInt("static_memory_policy", 0));
  if (*env && canonical(**env) != canonical(policy))
    return rt::invalidArgument(
        where + "static_memory_policy=" + std::to_string(policy) +
        " and environment variable GE_USE_STATIC_MEMORY=" +
        std::to_string(**env) +
        " conflict (GE: they cannot be used together); unset one");
  return canonical(policy);
}

/// The models a policy puts on the session's shared arena (none for 0).
std::optional<rt::SharedArenaShapes> sharedArenaShapes(int policy) {
  switch (policy) {
  case 2:
    return rt::SharedArenaShapes::Static;
  case 3:
    return rt::SharedArenaShapes::Ranged;
  case 4:
    return rt::SharedArenaShapes::All;
  default:
    return std::nullopt;
  }
}
} // namespace

Status Initialize(const OptionMap &raw) {
  auto options = parseOptions(raw);
  if (!options.ok())
    return options.status();
  GEFLOW_RETURN_IF_ERROR(checkDeployOptions(*options));
  Global &g = global();
  std::lock_guard<std::mutex> lock(g.mu);
  if (g.initialized)
    return rt::invalidArgument(
        "geflow::Initialize was already called; call Finalize first");
  int32_t id = static_cast<int32_t>(options->getInt("ge.exec.deviceId", 0));
  GEFLOW_RETURN_IF_ERROR(rt::setDevice(id));
  // GEInitialize sets up HCCL: the ranks under mpirun (once per process),
  // hccl_timeout (docs/distributed.md).
  rt::StatusOr<rt::RankInfo> ranks = setUpRanks(*options);
  if (!ranks.ok())
    return ranks.status();
  g.deviceId = id;
  g.options = *options;
  applySyncTimeouts(g.options);
  g.initialized = true;
  return Status::OK();
}

Status Finalize() {
  Global &g = global();
  std::lock_guard<std::mutex> lock(g.mu);
  if (!g.initialized)
    return rt::invalidArgument("geflow::Finalize without Initialize");
  if (g.sessions > 0)
    return rt::invalidArgument(
        std::to_string(g.sessions) +
        " session(s) still alive; destroy them before Finalize");
  g.initialized = false;
  return rt::resetDevice(g.deviceId);
}

bool IsInitialized() {
  Global &g = global();
  std::lock_guard<std::mutex> lock(g.mu);
  return g.initialized;
}

//===----------------------------------------------------------------------===//
// Session
//===----------------------------------------------------------------------===//

namespace {

struct GraphEntry {
  std::string path;                   // model file, or empty
  std::shared_ptr<Graph::Impl> graph; // in-memory graph, or null
  Options options;
  std::optional<CompileCache>
      cache;                // ge.graph_compiler_cache_dir + ge.graph_key
  bool compileOnly = false; // ge.runFlag=0
  bool fromCache = false;   // built from the cache, not compiled
  int memoryPolicy = 0;     // static_memory_policy
  std::shared_ptr<rt::Model> model; // once built
  /// What the run-time debug options record: the session's, or the
  /// graph's own when its options give any.
  std::shared_ptr<const DebugAttachment> debug;
  std::mutex buildMu;
};

std::string graphName(uint32_t id) { return "graph " + std::to_string(id); }

rt::TensorRef toRef(const Tensor &t) {
  return {t.data(), t.size(), t.desc().dtype, t.desc().shape};
}

TensorDesc toDesc(const rt::TensorInfo &info) {
  return {info.name, info.dtype, info.shape, info.format};
}

} // namespace

struct Session::Impl {
  Status status;
  bool counted = false; // counted in global().sessions
  Options options;
  /// The session options' profiler/dumper, shared by its graphs.
  std::shared_ptr<const DebugAttachment> debug;
  /// ge.exec.deviceId's device, retained by the Session (released at its
  /// end): sessions of one process may run on different devices.
  std::shared_ptr<rt::Device> device;
  /// static_memory_policy: the session's, and the feature-map arena the
  /// graphs it covers share.
  int memoryPolicy = 0;
  std::shared_ptr<rt::SharedArena> arena;
  std::mutex mu;
  std::unordered_map<uint32_t, std::shared_ptr<GraphEntry>> graphs;

  // RunGraphAsync requests run in order on one worker thread.
  std::mutex queueMu;
  std::condition_variable queueCv, idleCv;
  std::deque<std::function<void()>> queue;
  bool stopping = false, busy = false;
  std::thread worker;

  rt::StatusOr<std::shared_ptr<GraphEntry>> find(uint32_t id) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = graphs.find(id);
    if (it == graphs.end())
      return rt::Status(rt::ErrorCode::kNotFound,
                        "graph " + std::to_string(id) +
                            " was not added to the session");
    return it->second;
  }

  Status add(uint32_t id, std::shared_ptr<GraphEntry> entry,
             const OptionMap &raw) {
    GEFLOW_RETURN_IF_ERROR(status);
    auto graphOptions = parseOptions(raw);
    if (!graphOptions.ok())
      return graphOptions.status();
    entry->options = OptionsRegistry::merge(options, *graphOptions);
    entry->debug = debug;
    if (std::any_of(raw.begin(), raw.end(),
                    [](const auto &kv) { return isRunTimeOption(kv.first); })) {
      auto own = DebugAttachment::fromOptions(entry->options);
      if (!own.ok())
        return rt::Status(own.status().code(),
                          graphName(id) + ": " + own.status().message());
      if (own->profiler() && profileDirTaken(own->profiler()->options().output))
        own->redirectProfile(own->profiler()->options().output + "/graph_" +
                             std::to_string(id));
      entry->debug = std::make_shared<const DebugAttachment>(std::move(*own));
    }
    auto cache = CompileCache::fromOptions(entry->options, graphName(id));
    if (!cache.ok())
      return cache.status();
    if (*cache && llvm::StringRef(entry->path).ends_with(".gfm"))
      return rt::invalidArgument(
          graphName(id) + " ('" + entry->path +
          "') is compiled already; ge.graph_compiler_cache_dir "
          "applies to graphs that need compiling");
    entry->cache = std::move(*cache);
    entry->compileOnly = entry->options.getInt("ge.runFlag", 1) == 0;
    auto policy = staticMemoryPolicy(entry->options, graphName(id) + ": ");
    if (!policy.ok())
      return policy.status();
    entry->memoryPolicy = *policy;
    std::lock_guard<std::mutex> lock(mu);
    if (!graphs.emplace(id, std::move(entry)).second)
      return rt::invalidArgument("graph " + std::to_string(id) +
                                 " is already added");
    return Status::OK();
  }

  /// Whether the session's profile or a graph's own already writes to
  /// `dir` (a second profile there would overwrite its files).
  bool profileDirTaken(const std::string &dir) {
    auto writesTo = [&](const std::shared_ptr<const DebugAttachment> &d) {
      return d && d->profiler() && d->profiler()->options().output == dir;
    };
    std::lock_guard<std::mutex> lock(mu);
    return writesTo(debug) ||
           std::any_of(graphs.begin(), graphs.end(), [&](const auto &g) {
             return writesTo(g.second->debug);
           });
  }

  rt::StatusOr<std::shared_ptr<rt::Model>> build(uint32_t id);
  /// Writes what `debug` recorded (the profile once it has runs); errors
  /// go to stderr, as nobody is left to return them to.
  static void finishDebug(const DebugAttachment &debug);
  /// Whether graph `id` is a weight-update graph (it assigns variables).
  rt::StatusOr<bool> isUpdateGraph(uint32_t id);
  /// The inputs or outputs of weight-update graph `id`.
  std::vector<rt::TensorInfo> updateGraphSignature(uint32_t id, bool inputs);
  /// Runs weight-update graph `id` against the session's built graphs.
  rt::StatusOr<std::vector<Tensor>>
  runUpdateGraph(uint32_t id, const std::vector<Tensor> &inputs);
  /// build(), refused for graphs added with ge.runFlag=0.
  rt::StatusOr<std::shared_ptr<rt::Model>> buildToRun(uint32_t id);
  void workerLoop();
};

// Compiles the graph or model file of `entry` into .gfm bytes.
static rt::StatusOr<std::vector<uint8_t>> compile(uint32_t id,
                                                  GraphEntry &entry) {
  std::string error;
  std::optional<CompileConfig> config =
      parseCompileConfig(entry.options, error);
  if (!config)
    return rt::invalidArgument("cannot compile " + graphName(id) + ":\n" +
                               error);
  if (entry.graph) {
    std::lock_guard<std::mutex> graphLock(entry.graph->mu);
    DiagnosticCollector diags(*entry.graph->context);
    OwningOpRef<ModuleOp> clone = entry.graph->module->clone();
    // Graphs take input_shape as MLIR files do (it marks the geared dims).
    FailureOr<std::vector<uint8_t>> compiled = failure();
    if (succeeded(applyInputShapes(*clone, *config)))
      compiled = compileModule(*clone, *config, entry.graph->name);
    if (failed(compiled))
      return diags.status(rt::ErrorCode::kInvalidArgument,
                          "cannot compile " + graphName(id));
    return std::move(*compiled);
  }
  DialectRegistry registry;
  registerCompilerDialects(registry);
  MLIRContext context(registry);
  DiagnosticCollector diags(context);
  auto compiled = compileModelFile(context, entry.path, "", *config);
  if (failed(compiled))
    return diags.status(rt::ErrorCode::kInvalidArgument,
                        "cannot compile " + graphName(id) + " ('" + entry.path +
                            "')");
  return std::move(*compiled);
}

// compile() through the compile cache: the cached executable when its index
// matches the graph and options, else a compile whose result is stored.
static rt::StatusOr<std::vector<uint8_t>> compileCached(uint32_t id,
                                                        GraphEntry &entry) {
  std::string source;
  if (entry.graph) {
    std::lock_guard<std::mutex> graphLock(entry.graph->mu);
    llvm::raw_string_ostream os(source);
    entry.graph->module->print(os);
  } else {
    auto file = llvm::MemoryBuffer::getFile(entry.path, /*IsText=*/false);
    if (!file)
      return rt::invalidArgument("cannot read " + graphName(id) + " ('" +
                                 entry.path +
                                 "'): " + file.getError().message());
    source = (*file)->getBuffer().str();
  }
  std::string fingerprint = CompileCache::fingerprint(source, entry.options);
  auto lock = entry.cache->lock();
  if (!lock.ok())
    return lock.status();
  auto cached = entry.cache->lookup(fingerprint);
  if (!cached.ok())
    return cached.status();
  if (*cached) {
    entry.fromCache = true;
    return std::move(**cached);
  }
  auto bytes = compile(id, entry);
  if (!bytes.ok())
    return bytes.status();
  GEFLOW_RETURN_IF_ERROR(entry.cache->store(
      fingerprint, *bytes,
      entry.graph ? "graph '" + entry.graph->name + "'" : entry.path));
  return bytes;
}

rt::StatusOr<std::shared_ptr<rt::Model>>
Session::Impl::buildToRun(uint32_t id) {
  auto model = build(id);
  if (!model.ok())
    return model;
  auto found = find(id);
  if (found.ok() && (*found)->compileOnly)
    return rt::invalidArgument(
        graphName(id) +
        " was added with ge.runFlag=0 (compile only): "
        "it is built" +
        ((*found)->cache ? " into " + (*found)->cache->modelPath() : "") +
        " but not run; add it with ge.runFlag=1 to run it");
  return model;
}

rt::StatusOr<std::shared_ptr<rt::Model>> Session::Impl::build(uint32_t id) {
  GEFLOW_RETURN_IF_ERROR(status);
  auto found = find(id);
  if (!found.ok())
    return found.status();
  GraphEntry &entry = **found;
  std::lock_guard<std::mutex> lock(entry.buildMu);
  if (entry.model)
    return entry.model;
  rt::ModelLoadOptions load;
  if (auto shapes = sharedArenaShapes(entry.memoryPolicy)) {
    load.sharedArena = arena;
    load.sharedArenaShapes = *shapes;
  }
  rt::StatusOr<std::unique_ptr<rt::Model>> model = rt::Status();
  if (!entry.path.empty() && llvm::StringRef(entry.path).ends_with(".gfm")) {
    model = rt::Model::load(entry.path, device, load);
  } else {
    auto bytes = entry.cache ? compileCached(id, entry) : compile(id, entry);
    if (!bytes.ok())
      return bytes.status();
    model = rt::Model::loadFromBytes(
        bytes->data(), bytes->size(), device,
        entry.fromCache ? entry.cache->modelPath() : graphName(id), load);
  }
  if (!model.ok())
    return model.status();
  entry.model = std::shared_ptr<rt::Model>(std::move(*model));
  if (entry.debug)
    entry.debug->attach(*entry.model);
  return entry.model;
}

void Session::Impl::finishDebug(const DebugAttachment &debug) {
  if (debug.profiler() && debug.profiler()->runs().empty())
    return;
  std::string log;
  Status st = debug.finish(&log);
  if (!st.ok())
    std::fprintf(stderr, "geflow: session debug output: %s\n",
                 st.message().c_str());
}

void Session::Impl::workerLoop() {
  std::unique_lock<std::mutex> lock(queueMu);
  while (true) {
    queueCv.wait(lock, [&] { return stopping || !queue.empty(); });
    if (queue.empty())
      return;
    std::function<void()> job = std::move(queue.front());
    queue.pop_front();
    busy = true;
    lock.unlock();
    job();
    lock.lock();
    busy = false;
    idleCv.notify_all();
  }
}

Session::Session(const OptionMap &raw) : impl_(std::make_unique<Impl>()) {
  Global &g = global();
  {
    std::lock_guard<std::mutex> lock(g.mu);
    if (!g.initialized) {
      impl_->status = rt::invalidArgument(
          "call geflow::Initialize before creating a Session");
      return;
    }
    ++g.sessions;
    impl_->counted = true;
    impl_->options = g.options;
  }
  auto options = parseOptions(raw);
  if (!options.ok()) {
    impl_->status = options.status();
    return;
  }
  impl_->options = OptionsRegistry::merge(impl_->options, *options);
  if (Status st = checkDeployOptions(impl_->options); !st.ok()) {
    impl_->status = st;
    return;
  }
  auto debug = DebugAttachment::fromOptions(impl_->options);
  if (!debug.ok()) {
    impl_->status = debug.status();
    return;
  }
  if (!debug->empty())
    impl_->debug = std::make_shared<const DebugAttachment>(std::move(*debug));
  applySyncTimeouts(impl_->options);
  auto device = rt::retainDevice(static_cast<int32_t>(
      impl_->options.getInt("ge.exec.deviceId", g.deviceId)));
  if (!device.ok()) {
    impl_->status = device.status();
    return;
  }
  impl_->device = *device;
  auto policy = staticMemoryPolicy(impl_->options, "");
  if (!policy.ok()) {
    impl_->status = policy.status();
    return;
  }
  impl_->memoryPolicy = *policy;
  // Made even under policy 0: a graph's own options may ask for it.
  impl_->arena = std::make_shared<rt::SharedArena>(impl_->device);
  impl_->worker = std::thread([impl = impl_.get()] { impl->workerLoop(); });
}

Session::~Session() {
  if (impl_->worker.joinable()) {
    {
      std::lock_guard<std::mutex> lock(impl_->queueMu);
      impl_->stopping = true;
    }
    impl_->queueCv.notify_all();
    impl_->worker.join();
  }
  // The profiles and dumps of the session's runs (GE writes them as the
  // runs go; here when they are over).
  std::set<const DebugAttachment *> finished;
  for (const auto &[id, entry] : impl_->graphs)
    if (entry->debug && entry->debug != impl_->debug &&
        finished.insert(entry->debug.get()).second)
      Impl::finishDebug(*entry->debug);
  if (impl_->debug)
    Impl::finishDebug(*impl_->debug);
  if (impl_->device)
    (void)rt::resetDevice(impl_->device->id());
  if (impl_->counted) {
    Global &g = global();
    std::lock_guard<std::mutex> lock(g.mu);
    --g.sessions;
  }
}

Status Session::status() const { return impl_->status; }

Status Session::AddGraph(uint32_t id, const std::string &path,
                         const OptionMap &options) {
  auto entry = std::make_shared<GraphEntry>();
  entry->path = path;
  return impl_->add(id, std::move(entry), options);
}

Status Session::AddGraph(uint32_t id, const Graph &graph,
                         const OptionMap &options) {
  auto entry = std::make_shared<GraphEntry>();
  // The session keeps its own copy, so the caller's Graph may go away.
  auto copy = Graph::Impl::create(graph.name());
  // With locations: they carry the GE op names that profiles, dumps and
  // precision records show.
  std::string text;
  {
    llvm::raw_string_ostream os(text);
    graph.module()->print(os, OpPrintingFlags().enableDebugInfo());
  }
  copy->module = OwningOpRef<ModuleOp>(cast<ModuleOp>(
      parseSourceString<ModuleOp>(text, copy->context.get()).release()));
  if (!copy->module)
    return rt::internalError("cannot copy graph '" + graph.name() + "'");
  entry->graph = std::move(copy);
  return impl_->add(id, std::move(entry), options);
}

Status Session::RemoveGraph(uint32_t id) {
  GEFLOW_RETURN_IF_ERROR(impl_->status);
  std::shared_ptr<GraphEntry> entry;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto it = impl_->graphs.find(id);
    if (it == impl_->graphs.end())
      return rt::Status(rt::ErrorCode::kNotFound,
                        "graph " + std::to_string(id) + " was not added");
    entry = std::move(it->second);
    impl_->graphs.erase(it);
  }
  // A graph's own profile is complete once the graph is gone.
  if (entry->debug && entry->debug != impl_->debug)
    Impl::finishDebug(*entry->debug);
  return Status::OK();
}

rt::StatusOr<std::shared_ptr<rt::Profiler>> Session::GetProfiler(uint32_t id) {
  GEFLOW_RETURN_IF_ERROR(impl_->status);
  auto found = impl_->find(id);
  if (!found.ok())
    return found.status();
  const auto &debug = (*found)->debug;
  return debug ? debug->profiler() : nullptr;
}

rt::StatusOr<std::shared_ptr<rt::Dumper>> Session::GetDumper(uint32_t id) {
  GEFLOW_RETURN_IF_ERROR(impl_->status);
  auto found = impl_->find(id);
  if (!found.ok())
    return found.status();
  const auto &debug = (*found)->debug;
  return debug ? debug->dumper() : nullptr;
}

Status Session::BuildGraph(uint32_t id) { return impl_->build(id).status(); }

// Output tensors for the gear the inputs select.
static rt::StatusOr<std::vector<Tensor>>
allocateOutputs(const rt::Model &model, const std::vector<Tensor> &inputs) {
  std::vector<std::vector<int64_t>> shapes;
  for (const Tensor &t : inputs)
    shapes.push_back(t.desc().shape);
  auto selection = model.select(shapes);
  if (!selection.ok())
    return selection.status();
  std::vector<Tensor> outputs;
  for (const rt::TensorInfo &info : selection->outputs)
    outputs.push_back(Tensor::allocate(toDesc(info)));
  return outputs;
}

rt::StatusOr<bool> Session::Impl::isUpdateGraph(uint32_t id) {
  auto found = find(id);
  if (!found.ok())
    return found.status();
  GraphEntry &entry = **found;
  if (!entry.graph)
    return false;
  std::lock_guard<std::mutex> graphLock(entry.graph->mu);
  return isWeightUpdateGraph(*entry.graph->module);
}

std::vector<rt::TensorInfo> Session::Impl::updateGraphSignature(uint32_t id,
                                                                bool inputs) {
  auto found = find(id);
  if (!found.ok() || !(*found)->graph)
    return {};
  std::lock_guard<std::mutex> graphLock((*found)->graph->mu);
  return weightUpdateGraphSignature(*(*found)->graph->module, inputs);
}

rt::StatusOr<std::vector<Tensor>>
Session::Impl::runUpdateGraph(uint32_t id, const std::vector<Tensor> &inputs) {
  std::vector<UpdateTarget> targets;
  {
    std::lock_guard<std::mutex> lock(mu);
    std::vector<uint32_t> ids;
    for (const auto &[other, entry] : graphs)
      if (other != id && entry->model)
        ids.push_back(other);
    std::sort(ids.begin(), ids.end());
    for (uint32_t other : ids)
      targets.push_back({graphName(other), graphs[other]->model});
  }
  auto found = find(id);
  if (!found.ok())
    return found.status();
  std::lock_guard<std::mutex> graphLock((*found)->graph->mu);
  return runWeightUpdateGraph(*(*found)->graph->module, graphName(id), inputs,
                              targets);
}

Status Session::UpdateWeights(uint32_t id, const std::vector<Tensor> &weights) {
  auto model = impl_->buildToRun(id);
  if (!model.ok())
    return model.status();
  std::vector<rt::WeightUpdate> updates;
  for (const Tensor &t : weights)
    updates.push_back(
        {t.desc().name, t.data(), t.size(), t.desc().dtype, t.desc().shape});
  return (*model)->updateWeights(updates);
}

Status Session::RunGraph(uint32_t id, const std::vector<Tensor> &inputs,
                         std::vector<Tensor> &outputs) {
  auto update = impl_->isUpdateGraph(id);
  if (update.ok() && *update) {
    GEFLOW_RETURN_IF_ERROR(impl_->status);
    auto result = impl_->runUpdateGraph(id, inputs);
    if (!result.ok())
      return result.status();
    outputs = std::move(*result);
    return Status::OK();
  }
  auto model = impl_->buildToRun(id);
  if (!model.ok())
    return model.status();
  auto allocated = allocateOutputs(**model, inputs);
  if (!allocated.ok())
    return allocated.status();
  std::vector<rt::TensorRef> in, out;
  for (const Tensor &t : inputs)
    in.push_back(toRef(t));
  for (const Tensor &t : *allocated)
    out.push_back(toRef(t));
  GEFLOW_RETURN_IF_ERROR((*model)->run(in, out));
  outputs = std::move(*allocated);
  return Status::OK();
}

Status Session::RunGraphAsync(uint32_t id, const std::vector<Tensor> &inputs,
                              RunAsyncCallback callback) {
  GEFLOW_RETURN_IF_ERROR(impl_->status);
  if (!callback)
    return rt::invalidArgument("RunGraphAsync needs a callback");
  auto found = impl_->find(id);
  if (!found.ok())
    return found.status();
  if ((*found)->compileOnly)
    return impl_->buildToRun(id).status();
  std::vector<Tensor> copies;
  for (const Tensor &t : inputs)
    copies.push_back(Tensor::copyOf(t.desc(), t.data(), t.size()));
  {
    std::lock_guard<std::mutex> lock(impl_->queueMu);
    impl_->queue.push_back([this, id, copies = std::move(copies), callback]() {
      std::vector<Tensor> outputs;
      Status st = RunGraph(id, copies, outputs);
      callback(st, outputs);
    });
  }
  impl_->queueCv.notify_all();
  return Status::OK();
}

Status Session::Synchronize() {
  std::unique_lock<std::mutex> lock(impl_->queueMu);
  impl_->idleCv.wait(lock,
                     [&] { return impl_->queue.empty() && !impl_->busy; });
  return Status::OK();
}

rt::StatusOr<SessionMemoryInfo> Session::GetMemoryInfo() {
  GEFLOW_RETURN_IF_ERROR(impl_->status);
  SessionMemoryInfo info;
  info.policy = impl_->memoryPolicy;
  info.sharedArenaBytes = impl_->arena->bytes();
  info.sharedArenaPeakBytes = impl_->arena->peakBytes();
  info.sharedArenaGrowths = impl_->arena->growths();
  info.sharedArenaRuns = impl_->arena->runs();
  std::vector<std::pair<uint32_t, std::shared_ptr<GraphEntry>>> entries;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    entries.assign(impl_->graphs.begin(), impl_->graphs.end());
  }
  for (const auto &[id, entry] : entries) {
    // A graph being built (buildMu held while compiling) is not built yet.
    std::unique_lock<std::mutex> built(entry->buildMu, std::try_to_lock);
    if (!built.owns_lock() || !entry->model)
      continue;
    SessionMemoryInfo::GraphMemory &g = info.graphs[id];
    g.policy = entry->memoryPolicy;
    g.arenaBytes = entry->model->arenaBytes();
    g.shared = entry->model->sharedArena() != nullptr;
    g.contexts = entry->model->numContexts();
  }
  return info;
}

Status Session::RunGraphWithStreamAsync(uint32_t id, gfrtStream stream,
                                        const std::vector<Tensor> &inputs,
                                        std::vector<Tensor> &outputs) {
  auto update = impl_->isUpdateGraph(id);
  if (update.ok() && *update)
    return rt::invalidArgument(
        graphName(id) + " is a weight-update graph: run it with RunGraph (it "
                        "updates weights on the host, not on a stream)");
  auto model = impl_->buildToRun(id);
  if (!model.ok())
    return model.status();
  auto s = rt::streamFromHandle(stream);
  if (!s.ok())
    return s.status();
  std::vector<rt::TensorRef> in, out;
  for (const Tensor &t : inputs)
    in.push_back(toRef(t));
  for (const Tensor &t : outputs)
    out.push_back(toRef(t));
  return (*model)->execute(**s, in, out);
}

rt::StatusOr<bool> Session::IsBuiltFromCache(uint32_t id) {
  auto model = impl_->build(id);
  if (!model.ok())
    return model.status();
  return (*impl_->find(id))->fromCache;
}

rt::StatusOr<std::vector<TensorDesc>> Session::GetInputs(uint32_t id) {
  // A weight-update graph is never compiled: its function is the signature.
  auto update = impl_->isUpdateGraph(id);
  if (update.ok() && *update) {
    std::vector<TensorDesc> out;
    for (const rt::TensorInfo &info : impl_->updateGraphSignature(id, true))
      out.push_back(toDesc(info));
    return out;
  }
  auto model = impl_->build(id);
  if (!model.ok())
    return model.status();
  std::vector<TensorDesc> out;
  for (const rt::TensorInfo &info : (*model)->inputs())
    out.push_back(toDesc(info));
  return out;
}

rt::StatusOr<std::vector<TensorDesc>> Session::GetOutputs(uint32_t id) {
  // A weight-update graph is never compiled: its function is the signature.
  auto update = impl_->isUpdateGraph(id);
  if (update.ok() && *update) {
    std::vector<TensorDesc> out;
    for (const rt::TensorInfo &info : impl_->updateGraphSignature(id, false))
      out.push_back(toDesc(info));
    return out;
  }
  auto model = impl_->build(id);
  if (!model.ok())
    return model.status();
  std::vector<TensorDesc> out;
  for (const rt::TensorInfo &info : (*model)->outputs())
    out.push_back(toDesc(info));
  return out;
}

rt::StatusOr<std::vector<std::vector<std::vector<int64_t>>>>
Session::GetGears(uint32_t id) {
  auto model = impl_->build(id);
  if (!model.ok())
    return model.status();
  std::vector<std::vector<std::vector<int64_t>>> gears;
  for (const rt::GearInfo &gear : (*model)->gears()) {
    std::vector<std::vector<int64_t>> shapes;
    for (const rt::TensorInfo &info : gear.inputs)
      shapes.push_back(info.shape);
    gears.push_back(std::move(shapes));
  }
  return gears;
}

} // namespace geflow
