//===- FlowExecutor.cpp - Building and running a FlowGraph ----------------===//
#include "Pipeline.h"

#include <cctype>
#include <set>

namespace geflow::dflow {

using detail::Item;
using detail::Joiner;
using detail::NodeWorker;
using detail::Sink;
using detail::Value;
using Clock = std::chrono::steady_clock;

namespace {
// The options the flow handles itself: each graph process point gets a cache
// key of its own.
bool isCacheOption(const std::string &name) {
  return name == "ge.graph_key" || name == "ge.graph_compiler_cache_dir" ||
         name == "ge.runFlag";
}

// A compile-cache key for a process point: the flow's key, '_' and the name
// with anything but letters, digits, '_', '-', '.' replaced by '_' (as
// geflow.dataflow names them).
std::string ppKey(const std::string &key, const std::string &pp) {
  std::string out = key + "_";
  for (char c : pp)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                   c == '-' || c == '.'
               ? c
               : '_';
  return out;
}

std::optional<Clock::time_point> deadlineOf(int32_t timeoutMs) {
  if (timeoutMs < 0)
    return std::nullopt;
  return Clock::now() + std::chrono::milliseconds(timeoutMs);
}
} // namespace

struct FlowExecutor::Impl {
  std::string name;
  std::unique_ptr<Session> session;
  std::vector<std::unique_ptr<NodeWorker>> workers;
  std::unique_ptr<Joiner> collector;
  std::vector<std::vector<Sink>> dataSinks;
  bool compileOnly = false;
  bool fromCache = false;

  std::mutex mu;
  std::condition_variable room;
  uint64_t fed = 0, fetched = 0;

  Status check(const FlowGraph &graph);
  Status build(const FlowGraph &graph, const OptionMap &options);
};

Status FlowExecutor::Impl::check(const FlowGraph &graph) {
  auto bad = [&](const std::string &why) {
    return rt::invalidArgument("FlowGraph '" + graph.name() + "': " + why);
  };
  auto checkEndpoint = [&](const FlowEndpoint &e, size_t before,
                           const std::string &what) -> Status {
    if (e.node < 0) {
      if (static_cast<size_t>(-e.node) > graph.data().size() || e.index != 0)
        return bad(what + " names no FlowData of this graph");
    } else if (static_cast<size_t>(e.node) >= before ||
               e.index >= graph.nodes()[e.node].outputNum) {
      return bad(what + " names no output of an earlier node");
    }
    return Status::OK();
  };
  std::set<std::string> names;
  for (size_t n = 0; n < graph.nodes().size(); ++n) {
    const FlowGraph::Node &node = graph.nodes()[n];
    std::string label = "node " + std::to_string(n) + " ('" + node.name + "')";
    if (node.name.empty() || !names.insert(node.name).second)
      return bad(label + " needs a name of its own (it names its cache files)");
    if (node.inputs.empty() || node.outputNum == 0)
      return bad(label + " needs at least one input and one output");
    if (!node.isGraph && !node.function.fn)
      return bad(label + " has an empty function");
    if (node.isGraph && node.graph.modelPath.empty() == !node.graph.graph)
      return bad(label + " needs a model path or a Graph (one of them)");
    for (size_t i = 0; i < node.inputs.size(); ++i)
      GEFLOW_RETURN_IF_ERROR(checkEndpoint(
          node.inputs[i], n, label + " input " + std::to_string(i)));
  }
  if (graph.outputs().empty())
    return bad("has no outputs (SetOutputs)");
  for (size_t i = 0; i < graph.outputs().size(); ++i)
    GEFLOW_RETURN_IF_ERROR(checkEndpoint(graph.outputs()[i],
                                         graph.nodes().size(),
                                         "output " + std::to_string(i)));
  return Status::OK();
}

Status FlowExecutor::Impl::build(const FlowGraph &graph,
                                 const OptionMap &options) {
  name = graph.name();
  OptionMap sessionOptions;
  for (const auto &[k, v] : options)
    if (!isCacheOption(k))
      sessionOptions[k] = v;
  auto get = [&](const std::string &k) -> std::optional<std::string> {
    auto it = options.find(k);
    return it == options.end() ? std::nullopt
                               : std::optional<std::string>(it->second);
  };
  std::optional<std::string> dir = get("ge.graph_compiler_cache_dir"),
                             key = get("ge.graph_key");
  std::string runFlag = get("ge.runFlag").value_or("1");
  compileOnly = runFlag == "0";
  session = std::make_unique<Session>(sessionOptions);
  GEFLOW_RETURN_IF_ERROR(session->status());

  std::vector<NodeWorker::Run> runs;
  fromCache = true;
  bool anyGraph = false;
  for (size_t n = 0; n < graph.nodes().size(); ++n) {
    const FlowGraph::Node &node = graph.nodes()[n];
    if (!node.isGraph) {
      runs.push_back(node.function.fn);
      continue;
    }
    anyGraph = true;
    OptionMap graphOptions = node.graph.options;
    if (dir)
      graphOptions["ge.graph_compiler_cache_dir"] = *dir;
    if (key)
      graphOptions["ge.graph_key"] = ppKey(*key, node.name);
    graphOptions["ge.runFlag"] = runFlag;
    uint32_t id = static_cast<uint32_t>(n);
    Status st = node.graph.graph
                    ? session->AddGraph(id, *node.graph.graph, graphOptions)
                    : session->AddGraph(id, node.graph.modelPath, graphOptions);
    if (st.ok())
      st = session->BuildGraph(id);
    if (!st.ok())
      return Status(st.code(), "FlowGraph '" + name + "': building node '" +
                                   node.name + "' failed: " + st.message());
    auto inputs = session->GetInputs(id);
    auto outputs = session->GetOutputs(id);
    if (!inputs.ok() || !outputs.ok())
      return inputs.ok() ? outputs.status() : inputs.status();
    if (inputs->size() != node.inputs.size() ||
        outputs->size() < node.outputNum)
      return rt::invalidArgument(
          "FlowGraph '" + name + "': node '" + node.name + "' has " +
          std::to_string(node.inputs.size()) + " input(s) and " +
          std::to_string(node.outputNum) + " output(s), its graph " +
          std::to_string(inputs->size()) + " and " +
          std::to_string(outputs->size()));
    auto cached = session->IsBuiltFromCache(id);
    fromCache = fromCache && cached.ok() && *cached;
    uint32_t outputNum = node.outputNum;
    Session *s = session.get();
    runs.push_back([s, id, outputNum](const std::vector<Tensor> &in,
                                      std::vector<Tensor> &out) {
      GEFLOW_RETURN_IF_ERROR(s->RunGraph(id, in, out));
      out.resize(outputNum); // the node's outputs are the graph's first ones
      return Status::OK();
    });
  }
  fromCache = fromCache && anyGraph && dir.has_value();
  if (compileOnly)
    return Status::OK();

  collector = std::make_unique<Joiner>(graph.outputs().size());
  for (size_t n = 0; n < graph.nodes().size(); ++n) {
    const FlowGraph::Node &node = graph.nodes()[n];
    workers.push_back(std::make_unique<NodeWorker>(
        "'" + node.name + "'", node.inputs.size(), node.outputNum, runs[n]));
  }
  dataSinks.resize(graph.data().size());
  auto sinksOf = [&](const FlowEndpoint &e) -> std::vector<Sink> & {
    return e.node < 0 ? dataSinks[-e.node - 1]
                      : workers[e.node]->consumers()[e.index];
  };
  for (size_t n = 0; n < graph.nodes().size(); ++n)
    for (size_t slot = 0; slot < graph.nodes()[n].inputs.size(); ++slot)
      sinksOf(graph.nodes()[n].inputs[slot])
          .push_back({workers[n].get(), slot});
  for (size_t slot = 0; slot < graph.outputs().size(); ++slot)
    sinksOf(graph.outputs()[slot]).push_back({collector.get(), slot});
  for (auto &w : workers)
    w->start();
  return Status::OK();
}

rt::StatusOr<std::unique_ptr<FlowExecutor>>
FlowExecutor::Create(const FlowGraph &graph, const OptionMap &options) {
  auto impl = std::make_unique<Impl>();
  GEFLOW_RETURN_IF_ERROR(impl->check(graph));
  GEFLOW_RETURN_IF_ERROR(impl->build(graph, options));
  return std::unique_ptr<FlowExecutor>(new FlowExecutor(std::move(impl)));
}

FlowExecutor::FlowExecutor(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

FlowExecutor::~FlowExecutor() {
  // Workers first: their process points use the session.
  for (auto &w : impl_->workers)
    w->stop();
  for (auto &w : impl_->workers)
    w->join(); // no thread delivers to a worker being destroyed
  impl_->workers.clear();
  if (impl_->collector)
    impl_->collector->stop();
}

bool FlowExecutor::builtFromCache() const { return impl_->fromCache; }
bool FlowExecutor::compileOnly() const { return impl_->compileOnly; }

Status FlowExecutor::FeedData(const std::vector<Tensor> &inputs,
                              const FlowInfo &info, int32_t timeoutMs) {
  Impl &m = *impl_;
  if (m.compileOnly)
    return Status::OK(); // GE: with ge.runFlag=0 feeding only compiles
  if (inputs.size() != m.dataSinks.size())
    return rt::invalidArgument("FeedData got " + std::to_string(inputs.size()) +
                               " input(s); FlowGraph '" + m.name + "' has " +
                               std::to_string(m.dataSinks.size()) +
                               " FlowData");
  std::vector<Tensor> copies;
  for (const Tensor &t : inputs)
    copies.push_back(Tensor::copyOf(t.desc(), t.data(), t.size()));
  std::unique_lock<std::mutex> lock(m.mu);
  auto roomy = [&] { return m.fed - m.fetched < kFlowQueueDepth; };
  if (auto deadline = deadlineOf(timeoutMs)) {
    if (!m.room.wait_until(lock, *deadline, roomy))
      return Status(rt::ErrorCode::kNotReady,
                    "FeedData timed out after " + std::to_string(timeoutMs) +
                        " ms: " + std::to_string(kFlowQueueDepth) +
                        " items are in flight (FetchData takes them out)");
  } else {
    m.room.wait(lock, roomy);
  }
  uint64_t seq = m.fed++;
  for (size_t d = 0; d < copies.size(); ++d)
    for (const Sink &sink : m.dataSinks[d])
      sink.joiner->deliver(seq, info, sink.slot, Value{copies[d], nullptr});
  return Status::OK();
}

Status FlowExecutor::FetchData(std::vector<Tensor> &outputs, FlowInfo &info,
                               int32_t timeoutMs) {
  Impl &m = *impl_;
  if (m.compileOnly)
    return rt::invalidArgument("FlowGraph '" + m.name +
                               "' was built with ge.runFlag=0: it was "
                               "compiled, not run; there is nothing to fetch");
  Item item;
  if (!m.collector->take(item, deadlineOf(timeoutMs))) {
    std::lock_guard<std::mutex> lock(m.mu);
    return Status(rt::ErrorCode::kNotReady,
                  "FetchData timed out after " + std::to_string(timeoutMs) +
                      " ms: " + std::to_string(m.fed - m.fetched) +
                      " item(s) in flight, none finished");
  }
  {
    std::lock_guard<std::mutex> lock(m.mu);
    ++m.fetched;
  }
  m.room.notify_all();
  info = item.info;
  outputs.clear();
  for (Value &v : item.values) {
    if (v.failure)
      return *v.failure;
    outputs.push_back(std::move(v.tensor));
  }
  return Status::OK();
}

} // namespace geflow::dflow
