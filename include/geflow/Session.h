//===- Session.h - GE-style compile-and-run API -----------------*- C++ -*-===//
//
// The call sequence of GE's asynchronous execution sample:
//
//   geflow::Initialize({{"ge.exec.deviceId", "0"}, {"ge.graphRunMode", "0"}});
//   geflow::Session session({});
//   session.AddGraph(1, "model.onnx");          // or a Graph, or a .gfm
//   session.BuildGraph(1);                       // compile + load
//   gfrtSetDevice(0); gfrtCreateStream(&stream); gfrtMalloc(...); ...
//   session.RunGraphWithStreamAsync(1, stream, inputs, outputs);
//   gfrtSynchronizeStream(stream);
//   geflow::Finalize();
//
// Option names are GE's; every option map is validated by the options
// registry, and a bad name or value is an error naming it.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SESSION_H
#define GEFLOW_SESSION_H

#include "geflow/Tensor.h"
#include "geflow/runtime/Dump.h"
#include "geflow/runtime/Profiler.h"
#include "geflow/runtime/gfrt.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mlir {
class MLIRContext;
class ModuleOp;
} // namespace mlir

namespace geflow {

using OptionMap = std::map<std::string, std::string>;

/// A graph in the ge dialect, held in memory (what AddGraph takes besides a
/// model path). Built from MLIR text or a model file; the Python graph
/// builder makes these too.
class Graph {
public:
  Graph();
  ~Graph();
  Graph(Graph &&);
  Graph &operator=(Graph &&);

  /// Parses ge-dialect MLIR text; errors carry their locations.
  static rt::StatusOr<Graph> fromMLIR(const std::string &text,
                                      const std::string &name = "graph");
  /// Imports a model file (.onnx, .mlir) with `options` (input_shape, ...).
  static rt::StatusOr<Graph> fromFile(const std::string &path,
                                      const OptionMap &options = {});
  /// An empty graph (a module without a function yet), for builders that
  /// fill in module() (GraphBuilder).
  static Graph create(const std::string &name);

  const std::string &name() const;
  /// The graph printed as MLIR.
  std::string str() const;
  /// The graph's own context and module.
  mlir::MLIRContext &context() const;
  mlir::ModuleOp module() const;

  struct Impl;
  Impl &impl() const { return *impl_; }

private:
  explicit Graph(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// GEInitialize: global options (ge.exec.deviceId, ge.graphRunMode, and any
/// graph option to apply to every session).
Status Initialize(const OptionMap &options);
/// GEFinalize: closes what Initialize opened; sessions must be gone.
Status Finalize();
bool IsInitialized();

/// Feature-map memory of a Session's graphs (static_memory_policy,
/// docs/static-memory.md).
struct SessionMemoryInfo {
  /// The session's policy (static_memory_policy or GE_USE_STATIC_MEMORY;
  /// graphs may set their own).
  int policy = 0;
  /// The shared arena: its block's bytes (the most one run on it needed),
  /// the most bytes its blocks held at once, how often it grew, and how
  /// many runs used it.
  uint64_t sharedArenaBytes = 0;
  uint64_t sharedArenaPeakBytes = 0;
  uint64_t sharedArenaGrowths = 0;
  uint64_t sharedArenaRuns = 0;
  struct GraphMemory {
    int policy = 0;
    /// Feature-map bytes a run of the graph needs (its largest gear).
    uint64_t arenaBytes = 0;
    /// Whether its runs use the shared arena (else each of its execution
    /// contexts holds arenaBytes of its own).
    bool shared = false;
    /// Its execution contexts (runs that were in flight at once).
    size_t contexts = 0;
  };
  /// The built graphs by id.
  std::map<uint32_t, GraphMemory> graphs;
};

using RunAsyncCallback =
    std::function<void(Status, std::vector<Tensor> &outputs)>;

class Session {
public:
  /// Session options are validated here; a bad one makes every call of the
  /// session return that error.
  explicit Session(const OptionMap &options);
  ~Session();
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  /// The error of the constructor's options, or OK.
  Status status() const;

  /// Registers a graph: a model path (.onnx, .mlir, .gfm) or a Graph.
  Status AddGraph(uint32_t graphId, const std::string &modelPath,
                  const OptionMap &options = {});
  Status AddGraph(uint32_t graphId, const Graph &graph,
                  const OptionMap &options = {});
  Status RemoveGraph(uint32_t graphId);
  /// Replaces updatable weights of graph `graphId` (compiled with
  /// updatable_weights) without recompiling, from tensors named after them
  /// (docs/weight-update.md); builds the graph first if needed. Every
  /// mismatch is reported at once and then nothing changes. A graph that
  /// assigns variables (ge.Assign/AssignAdd/AssignSub of its inputs) is a
  /// weight-update graph: RunGraph of it updates the variables of the
  /// session's built graphs the same way.
  Status UpdateWeights(uint32_t graphId, const std::vector<Tensor> &weights);

  /// Compiles (unless the graph is a .gfm) and loads the graph.
  Status BuildGraph(uint32_t graphId);
  /// Runs synchronously; builds first if needed. Outputs are allocated.
  Status RunGraph(uint32_t graphId, const std::vector<Tensor> &inputs,
                  std::vector<Tensor> &outputs);
  /// Runs in the background (inputs are copied); `callback` gets the status
  /// and the outputs when the run has finished.
  Status RunGraphAsync(uint32_t graphId, const std::vector<Tensor> &inputs,
                       RunAsyncCallback callback);
  /// Enqueues a run on the caller's stream; outputs are the caller's
  /// buffers (gfrtMalloc'ed or host). Synchronize the stream to finish it.
  Status RunGraphWithStreamAsync(uint32_t graphId, gfrtStream stream,
                                 const std::vector<Tensor> &inputs,
                                 std::vector<Tensor> &outputs);

  /// Signature of a built graph (-1: geared dims) and its gear table.
  rt::StatusOr<std::vector<TensorDesc>> GetInputs(uint32_t graphId);
  rt::StatusOr<std::vector<TensorDesc>> GetOutputs(uint32_t graphId);
  rt::StatusOr<std::vector<std::vector<std::vector<int64_t>>>>
  GetGears(uint32_t graphId);
  /// Whether the graph was loaded from the compile cache
  /// (ge.graph_compiler_cache_dir) rather than compiled; builds it first.
  rt::StatusOr<bool> IsBuiltFromCache(uint32_t graphId);
  /// The profiler and the dumper that the run-time debug options
  /// (profiling_mode/profiling_options, enable_dump and dump_*,
  /// enable_dump_debug, enable_exception_dump, and PROFILING_MODE /
  /// PROFILING_OPTIONS) attached to graph `graphId`; null when off. Session
  /// options give one shared by the session's graphs, graph options one for
  /// that graph. The profile is written to its output directory when the
  /// session is destroyed (a graph's own one when it is removed);
  /// profiler->write(dir) writes it sooner. docs/debugging.md.
  rt::StatusOr<std::shared_ptr<rt::Profiler>> GetProfiler(uint32_t graphId);
  rt::StatusOr<std::shared_ptr<rt::Dumper>> GetDumper(uint32_t graphId);
  /// Waits for every RunGraphAsync still in flight.
  Status Synchronize();
  /// Feature-map memory of the session and its built graphs.
  rt::StatusOr<SessionMemoryInfo> GetMemoryInfo();

  struct Impl;

private:
  std::unique_ptr<Impl> impl_;
};

} // namespace geflow

#endif
