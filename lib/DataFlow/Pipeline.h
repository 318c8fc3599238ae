//===- Pipeline.h - Node threads joined by in-order queues ------*- C++ -*-===//
//
// Every item fed has a sequence number. A Joiner collects an item's inputs
// by slot and releases items whose slots are all filled; since every
// producer delivers in feed order, items complete in feed order. A
// NodeWorker is a Joiner with a thread that runs its process point on each
// released item and delivers the outputs to the next Joiners. A failed item
// carries its Status instead of tensors, passed on without running.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_DATAFLOW_PIPELINE_H
#define GEFLOW_LIB_DATAFLOW_PIPELINE_H

#include "geflow/DataFlow/FlowGraph.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace geflow::dflow::detail {

/// A tensor, or the failure of the item it belongs to.
struct Value {
  Tensor tensor;
  std::shared_ptr<const Status> failure;
};

struct Item {
  uint64_t seq = 0;
  FlowInfo info;
  std::vector<Value> values;
};

class Joiner {
public:
  explicit Joiner(size_t slots) : slots_(slots) {}
  virtual ~Joiner() = default;

  void deliver(uint64_t seq, const FlowInfo &info, size_t slot, Value value);
  /// The next complete item, waiting until `deadline` (nullopt: forever)
  /// or until stop(); false when none came.
  bool take(Item &item,
            std::optional<std::chrono::steady_clock::time_point> deadline);
  void stop();

protected:
  size_t slots_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<uint64_t, std::pair<Item, size_t>> pending_;
  std::deque<Item> ready_;
  bool stopping_ = false;
};

/// Where one output of a producer goes.
struct Sink {
  Joiner *joiner;
  size_t slot;
};

class NodeWorker : public Joiner {
public:
  using Run = std::function<Status(const std::vector<Tensor> &inputs,
                                   std::vector<Tensor> &outputs)>;
  NodeWorker(std::string label, size_t inputs, size_t outputs, Run run)
      : Joiner(inputs), label_(std::move(label)), run_(std::move(run)),
        consumers_(outputs) {}
  ~NodeWorker() override;

  std::vector<std::vector<Sink>> &consumers() { return consumers_; }
  void start();
  void join();

private:
  void loop();
  std::string label_;
  Run run_;
  std::vector<std::vector<Sink>> consumers_;
  std::thread thread_;
};

} // namespace geflow::dflow::detail

#endif
