//===- Profiler.cpp - Recording runs and summarizing them -----------------===//
#include "geflow/runtime/Profiler.h"

#include "ProfileFormat.h"

#include <algorithm>
#include <chrono>
#include <map>

namespace geflow::rt {

Profiler::Profiler(ProfileOptions options) : options_(std::move(options)) {}

uint64_t Profiler::nowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

std::shared_ptr<RunTrace>
Profiler::beginRun(const std::string &model, uint32_t gear,
                   std::shared_ptr<const std::vector<TaskInfo>> tasks) {
  auto run = std::make_shared<RunTrace>();
  run->model = model;
  run->gear = gear;
  run->spans.resize(tasks->size());
  run->tasks = std::move(tasks);
  std::lock_guard<std::mutex> lock(mu_);
  run->run = runs_.size();
  runs_.push_back(run);
  return run;
}

void Profiler::addHostSpan(std::string name, uint64_t startNs, uint64_t endNs) {
  std::lock_guard<std::mutex> lock(mu_);
  hostSpans_.push_back({std::move(name), startNs, endNs});
}

std::vector<std::shared_ptr<RunTrace>> Profiler::runs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return runs_;
}

void Profiler::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  runs_.clear();
  hostSpans_.clear();
}

namespace profile {

void taskBounds(const TaskInfo &info, const TaskSpan &span, uint64_t *start,
                uint64_t *end) {
  *start = span.startNs;
  *end = span.endNs;
  if (info.kind != TaskInfo::Kind::Kernel &&
      info.kind != TaskInfo::Kind::Memcpy)
    return;
  bool any = false;
  for (const BlockSpan &b : span.blocks) {
    if (b.startNs == 0)
      continue; // a block that did not run (its stream failed)
    *start = any ? std::min(*start, b.startNs) : b.startNs;
    *end = any ? std::max(*end, b.endNs) : b.endNs;
    any = true;
  }
}

bool isComputeTask(const TaskInfo &info) {
  return info.kind == TaskInfo::Kind::Kernel ||
         info.kind == TaskInfo::Kind::Memcpy ||
         info.kind == TaskInfo::Kind::HostCall;
}

std::string
joinTensors(const std::vector<TaskTensor> &tensors,
            const std::function<std::string(const TaskTensor &)> &f) {
  std::string out;
  for (size_t i = 0; i < tensors.size(); ++i)
    out += (i ? ";" : "") + f(tensors[i]);
  return out;
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string out;
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? "," : "") + std::to_string(shape[i]);
  return out;
}

} // namespace profile

uint64_t Profiler::originNs() const {
  uint64_t origin = UINT64_MAX;
  for (const auto &run : runs_) {
    if (run->enqueueStartNs)
      origin = std::min(origin, run->enqueueStartNs);
    for (size_t i = 0; i < run->spans.size(); ++i) {
      uint64_t start, end;
      profile::taskBounds((*run->tasks)[i], run->spans[i], &start, &end);
      if (start)
        origin = std::min(origin, start);
    }
  }
  for (const HostSpan &h : hostSpans_)
    origin = std::min(origin, h.startNs);
  return origin == UINT64_MAX ? 0 : origin;
}

std::vector<OpSummaryRow> Profiler::opSummary() const {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t origin = originNs();
  std::vector<OpSummaryRow> rows;
  for (const auto &run : runs_) {
    for (size_t i = 0; i < run->spans.size(); ++i) {
      const TaskInfo &t = (*run->tasks)[i];
      if (!profile::isComputeTask(t))
        continue;
      uint64_t start, end;
      profile::taskBounds(t, run->spans[i], &start, &end);
      if (start == 0)
        continue; // did not run
      OpSummaryRow r;
      r.model = run->model;
      r.run = run->run;
      r.taskId = t.taskId;
      r.opName = t.name;
      r.opType = t.opType;
      r.taskType = t.taskType();
      r.kernel = t.kernel;
      r.stream = t.stream;
      r.startUs = double(start - origin) / 1e3;
      r.durationUs = double(end - start) / 1e3;
      r.blockDim = t.blockDim;
      auto shapes = [](const TaskTensor &x) {
        return profile::shapeText(x.shape);
      };
      auto dtypes = [](const TaskTensor &x) {
        return std::string(dtypeName(x.dtype));
      };
      auto formats = [](const TaskTensor &x) {
        return std::string(formatName(x.format));
      };
      r.inputShapes = profile::joinTensors(t.inputs, shapes);
      r.inputDtypes = profile::joinTensors(t.inputs, dtypes);
      r.inputFormats = profile::joinTensors(t.inputs, formats);
      r.outputShapes = profile::joinTensors(t.outputs, shapes);
      r.outputDtypes = profile::joinTensors(t.outputs, dtypes);
      r.outputFormats = profile::joinTensors(t.outputs, formats);
      r.flops = t.flops;
      r.bytes = t.bytes;
      double seconds = double(end - start) / 1e9;
      if (seconds > 0) {
        r.gflops = double(t.flops) / seconds / 1e9;
        r.gbps = double(t.bytes) / seconds / 1e9;
      }
      for (size_t c = 0; c < t.coveredOps.size(); ++c)
        r.coveredOps += (c ? ";" : "") + t.coveredOps[c];
      r.padding = run->padding;
      rows.push_back(std::move(r));
    }
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const OpSummaryRow &a, const OpSummaryRow &b) {
                     return a.startUs < b.startUs;
                   });
  return rows;
}

std::vector<OpStatisticRow> Profiler::opStatistic() const {
  std::vector<OpSummaryRow> rows = opSummary();
  std::map<std::string, OpStatisticRow> byType;
  double total = 0;
  for (const OpSummaryRow &r : rows) {
    OpStatisticRow &s = byType[r.opType];
    if (s.count == 0) {
      s.opType = r.opType;
      s.minUs = s.maxUs = r.durationUs;
    }
    ++s.count;
    s.totalUs += r.durationUs;
    s.minUs = std::min(s.minUs, r.durationUs);
    s.maxUs = std::max(s.maxUs, r.durationUs);
    total += r.durationUs;
  }
  std::vector<OpStatisticRow> out;
  for (auto &[type, s] : byType) {
    s.avgUs = s.totalUs / double(s.count);
    s.ratio = total > 0 ? 100.0 * s.totalUs / total : 0;
    out.push_back(s);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const OpStatisticRow &a, const OpStatisticRow &b) {
                     return a.totalUs > b.totalUs;
                   });
  return out;
}

} // namespace geflow::rt
