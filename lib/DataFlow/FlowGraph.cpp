//===- FlowGraph.cpp - Building a DataFlow graph --------------------------===//
#include "geflow/DataFlow/FlowGraph.h"

namespace geflow::dflow {

FlowGraph::FlowGraph(std::string name) : name_(std::move(name)) {}

FlowEndpoint FlowGraph::AddData(std::string name) {
  if (name.empty())
    name = "FlowData_" + std::to_string(data_.size());
  data_.push_back(std::move(name));
  return {-static_cast<int32_t>(data_.size()), 0};
}

std::vector<FlowEndpoint> FlowGraph::addNode(Node node) {
  nodes_.push_back(std::move(node));
  std::vector<FlowEndpoint> out;
  for (uint32_t i = 0; i < nodes_.back().outputNum; ++i)
    out.push_back({static_cast<int32_t>(nodes_.size() - 1), i});
  return out;
}

std::vector<FlowEndpoint>
FlowGraph::AddNode(GraphPp pp, const std::vector<FlowEndpoint> &inputs,
                   uint32_t outputNum) {
  Node node;
  node.name = pp.name;
  node.isGraph = true;
  node.graph = std::move(pp);
  node.inputs = inputs;
  node.outputNum = outputNum;
  return addNode(std::move(node));
}

std::vector<FlowEndpoint>
FlowGraph::AddNode(FunctionPp pp, const std::vector<FlowEndpoint> &inputs,
                   uint32_t outputNum) {
  Node node;
  node.name = pp.name;
  node.function = std::move(pp);
  node.inputs = inputs;
  node.outputNum = outputNum;
  return addNode(std::move(node));
}

void FlowGraph::SetOutputs(std::vector<FlowEndpoint> outputs) {
  outputs_ = std::move(outputs);
}

} // namespace geflow::dflow
