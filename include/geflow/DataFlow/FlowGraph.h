//===- FlowGraph.h - DataFlow pipelines in C++ ------------------*- C++ -*-===//
//
// GE's DataFlow for C++ users: a FlowGraph of FlowData inputs and nodes, each
// carrying one process point (a graph geflow compiles, GE's GraphPp, or a C++
// function), run by a FlowExecutor as a pipeline: one host thread per node,
// a node runs an item as soon as all of its inputs for it have arrived, items
// come out in feed order, and a failing process point fails its item only.
//
//   geflow::Initialize({});
//   dflow::FlowGraph flow("pipeline");
//   auto x = flow.AddData("x");
//   auto pre = flow.AddNode(dflow::FunctionPp{"pre", normalize}, {x}, 1);
//   auto out = flow.AddNode(dflow::GraphPp{"cnn", "cnn.onnx"}, pre, 1);
//   flow.SetOutputs(out);
//   auto exec = dflow::FlowExecutor::Create(flow, {});
//   (*exec)->FeedData({image}, {});            // asynchronous
//   (*exec)->FetchData(outputs, info, 1000);   // in feed order
//
// Options are GE's: ge.graph_compiler_cache_dir + ge.graph_key compile every
// graph process point into the compile cache under the key "<key>_<pp name>"
// (the names geflow.dataflow uses), and ge.runFlag=0 compiles without
// running. The Python module geflow.dataflow adds the flow index, the
// resource description and Python function process points.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_DATAFLOW_FLOWGRAPH_H
#define GEFLOW_DATAFLOW_FLOWGRAPH_H

#include "geflow/Session.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace geflow::dflow {

/// Carried with an item from FeedData to FetchData (GE's DataFlowInfo).
struct FlowInfo {
  uint64_t startTime = 0;
  uint64_t endTime = 0;
  uint32_t flowFlags = 0;
};

/// A graph geflow compiles (GE's GraphPp): a model file (.onnx, .mlir) or
/// an in-memory Graph, with its own compile options.
struct GraphPp {
  std::string name;
  std::string modelPath;
  std::shared_ptr<const Graph> graph; // instead of modelPath
  OptionMap options;
};

/// A C++ function (GE's FunctionPp runs a UDF): fills `outputs` from
/// `inputs`; a non-OK status fails the item.
struct FunctionPp {
  using Fn = std::function<Status(const std::vector<Tensor> &inputs,
                                  std::vector<Tensor> &outputs)>;
  std::string name;
  Fn fn;
};

/// An output of a FlowData (node < 0) or of a node.
struct FlowEndpoint {
  int32_t node = -1;
  uint32_t index = 0;
};

class FlowGraph {
public:
  explicit FlowGraph(std::string name = "FlowGraph");

  /// A graph input (GE's FlowData); fed in the order added.
  FlowEndpoint AddData(std::string name = "");
  /// A node of `pp` on `inputs` with `outputNum` outputs (GE's FlowNode
  /// with its process point mapped in order); returns its outputs.
  std::vector<FlowEndpoint> AddNode(GraphPp pp,
                                    const std::vector<FlowEndpoint> &inputs,
                                    uint32_t outputNum);
  std::vector<FlowEndpoint> AddNode(FunctionPp pp,
                                    const std::vector<FlowEndpoint> &inputs,
                                    uint32_t outputNum);
  /// What FetchData returns, in this order.
  void SetOutputs(std::vector<FlowEndpoint> outputs);

  struct Node {
    std::string name;
    bool isGraph = false;
    GraphPp graph;
    FunctionPp function;
    std::vector<FlowEndpoint> inputs;
    uint32_t outputNum = 0;
  };
  const std::string &name() const { return name_; }
  const std::vector<std::string> &data() const { return data_; }
  const std::vector<Node> &nodes() const { return nodes_; }
  const std::vector<FlowEndpoint> &outputs() const { return outputs_; }

private:
  std::vector<FlowEndpoint> addNode(Node node);
  std::string name_;
  std::vector<std::string> data_;
  std::vector<Node> nodes_;
  std::vector<FlowEndpoint> outputs_;
};

/// Items fed and not yet fetched, at most; FeedData waits beyond it.
constexpr size_t kFlowQueueDepth = 128;

class FlowExecutor {
public:
  /// Checks the flow, compiles (or loads from the compile cache) every graph
  /// process point through a Session with `options`, and starts the node
  /// threads. Needs geflow::Initialize.
  static rt::StatusOr<std::unique_ptr<FlowExecutor>>
  Create(const FlowGraph &graph, const OptionMap &options);
  /// Stops the threads; items in flight are dropped.
  ~FlowExecutor();
  FlowExecutor(const FlowExecutor &) = delete;
  FlowExecutor &operator=(const FlowExecutor &) = delete;

  /// Feeds one item: a tensor per FlowData (copied). Waits up to
  /// `timeoutMs` (-1: forever) while kFlowQueueDepth items are in flight.
  Status FeedData(const std::vector<Tensor> &inputs, const FlowInfo &info,
                  int32_t timeoutMs = -1);
  /// The next item's outputs in feed order, or its failure; kNotReady when
  /// nothing finishes within `timeoutMs` (-1: wait).
  Status FetchData(std::vector<Tensor> &outputs, FlowInfo &info,
                   int32_t timeoutMs = -1);

  /// Whether every graph process point was loaded from the compile cache.
  bool builtFromCache() const;
  /// Whether the flow was built with ge.runFlag=0 (compiled, not run).
  bool compileOnly() const;

  struct Impl;

private:
  explicit FlowExecutor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

} // namespace geflow::dflow

#endif
