//===- Pipeline.cpp - Node threads joined by in-order queues --------------===//
#include "Pipeline.h"

namespace geflow::dflow::detail {

void Joiner::deliver(uint64_t seq, const FlowInfo &info, size_t slot,
                     Value value) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, added] = pending_.try_emplace(seq);
  auto &[item, filled] = it->second;
  if (added) {
    item.seq = seq;
    item.info = info;
    item.values.resize(slots_);
  }
  item.values[slot] = std::move(value);
  if (++filled == slots_) {
    ready_.push_back(std::move(item));
    pending_.erase(it);
    cv_.notify_all();
  }
}

bool Joiner::take(
    Item &item, std::optional<std::chrono::steady_clock::time_point> deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  auto ready = [&] { return !ready_.empty() || stopping_; };
  if (deadline)
    cv_.wait_until(lock, *deadline, ready);
  else
    cv_.wait(lock, ready);
  if (ready_.empty() || stopping_)
    return false;
  item = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

void Joiner::stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopping_ = true;
  cv_.notify_all();
}

NodeWorker::~NodeWorker() {
  stop();
  join();
}

void NodeWorker::start() {
  thread_ = std::thread([this] { loop(); });
}

void NodeWorker::join() {
  if (thread_.joinable())
    thread_.join();
}

void NodeWorker::loop() {
  Item item;
  while (take(item, std::nullopt)) {
    std::shared_ptr<const Status> failure;
    std::vector<Tensor> inputs, outputs;
    for (Value &v : item.values) {
      if (v.failure && !failure)
        failure = v.failure;
      inputs.push_back(std::move(v.tensor));
    }
    if (!failure) {
      Status st = run_(inputs, outputs);
      if (st.ok() && outputs.size() != consumers_.size())
        st = rt::invalidArgument(
            "the process point returned " + std::to_string(outputs.size()) +
            " outputs; the node has " + std::to_string(consumers_.size()));
      if (!st.ok())
        failure = std::make_shared<const Status>(
            st.code(), "FlowNode " + label_ + " failed on item " +
                           std::to_string(item.seq) + ": " + st.message());
    }
    for (size_t o = 0; o < consumers_.size(); ++o)
      for (const Sink &sink : consumers_[o])
        sink.joiner->deliver(item.seq, item.info, sink.slot,
                             failure ? Value{Tensor(), failure}
                                     : Value{outputs[o], nullptr});
  }
}

} // namespace geflow::dflow::detail
