//===- ProfileWriter.cpp - trace.json, op_summary.csv, op_statistic.csv ---===//
//
// trace.json is the Chrome trace event format (JSON object form), which
// Perfetto and chrome://tracing load. Processes: 0 "Host" (enqueue and
// synchronize spans), 1 "Streams" (a thread per program stream: one slice
// per task), 2 "AI Cores" (a thread per core: one slice per kernel block).
// An event record and each wait for it are short slices on their streams,
// joined by a flow (ph "s" -> "f"). Times are microseconds since the
// profile's first event.
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/Profiler.h"

#include "geflow/runtime/JsonText.h"

#include "ProfileFormat.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace geflow::rt {

namespace {

std::string micros(uint64_t ns, uint64_t origin) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f", double(ns - origin) / 1e3);
  return buf;
}

std::string duration(uint64_t start, uint64_t end) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f",
                end > start ? double(end - start) / 1e3 : 0.0);
  return buf;
}

std::string tensorArgs(const std::vector<TaskTensor> &ts) {
  std::string out = "[";
  for (size_t i = 0; i < ts.size(); ++i) {
    const TaskTensor &t = ts[i];
    out += (i ? "," : "") + std::string("{\"dtype\":") +
           jsonQuote(std::string(dtypeName(t.dtype))) +
           ",\"format\":" + jsonQuote(std::string(formatName(t.format))) +
           ",\"shape\":[" + profile::shapeText(t.shape) +
           "],\"bytes\":" + std::to_string(t.bytes) + "}";
  }
  return out + "]";
}

std::string taskArgs(const TaskInfo &t, const RunTrace &run) {
  std::string covered = "[";
  for (size_t i = 0; i < t.coveredOps.size(); ++i)
    covered += (i ? "," : "") + jsonQuote(t.coveredOps[i]);
  covered += "]";
  std::string out = "{\"op_name\":" + jsonQuote(t.name) +
                    ",\"op_type\":" + jsonQuote(t.opType) +
                    ",\"task_type\":" + jsonQuote(t.taskType()) +
                    ",\"kernel\":" + jsonQuote(t.kernel) +
                    ",\"task_id\":" + std::to_string(t.taskId) +
                    ",\"model\":" + jsonQuote(run.model) +
                    ",\"run\":" + std::to_string(run.run) +
                    ",\"gear\":" + std::to_string(run.gear);
  if (!run.padding.empty())
    out += ",\"padding\":" + jsonQuote(run.padding);
  if (t.kind == TaskInfo::Kind::Record || t.kind == TaskInfo::Kind::Wait)
    return out + ",\"event\":" + std::to_string(t.event) + "}";
  out += ",\"block_dim\":" + std::to_string(t.blockDim) +
         ",\"tiling_bytes\":" + std::to_string(t.tilingBytes) +
         ",\"inputs\":" + tensorArgs(t.inputs) +
         ",\"outputs\":" + tensorArgs(t.outputs) +
         ",\"bytes\":" + std::to_string(t.bytes) +
         ",\"flops\":" + std::to_string(t.flops) +
         ",\"covered_ops\":" + covered;
  if (!t.precision.empty())
    out += ",\"precision\":" + jsonQuote(t.precision);
  return out + "}";
}

std::string csvField(const std::string &s) {
  if (s.find_first_of(",\"\n") == std::string::npos)
    return s;
  std::string out = "\"";
  for (char c : s)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f", v);
  return buf;
}

Status writeText(const std::filesystem::path &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out)
    return Status(ErrorCode::kIoError, "cannot write '" + path.string() + "'");
  return Status::OK();
}

} // namespace

std::string Profiler::traceJson() const {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t origin = originNs();
  std::vector<std::string> events;
  std::set<uint32_t> streams;
  std::set<int32_t> cores;
  auto slice = [&](int pid, int64_t tid, const std::string &name,
                   const std::string &cat, uint64_t start, uint64_t end,
                   const std::string &args) {
    events.push_back(
        "{\"ph\":\"X\",\"pid\":" + std::to_string(pid) +
        ",\"tid\":" + std::to_string(tid) + ",\"name\":" + jsonQuote(name) +
        ",\"cat\":" + jsonQuote(cat) + ",\"ts\":" + micros(start, origin) +
        ",\"dur\":" + duration(start, end) +
        (args.empty() ? "" : ",\"args\":" + args) + "}");
  };
  uint64_t flowId = 0;
  for (const auto &run : runs_) {
    if (options_.hostTrace && run->enqueueStartNs)
      slice(0, 0, "enqueue " + run->model, "host", run->enqueueStartNs,
            run->enqueueEndNs,
            "{\"model\":" + jsonQuote(run->model) +
                ",\"run\":" + std::to_string(run->run) +
                (run->padding.empty()
                     ? std::string()
                     : ",\"padding\":" + jsonQuote(run->padding)) +
                "}");
    // Records by event, in program order: each wait joins the latest one.
    std::map<uint32_t, uint64_t> lastRecordFlow;
    for (size_t i = 0; i < run->spans.size(); ++i) {
      const TaskInfo &t = (*run->tasks)[i];
      const TaskSpan &span = run->spans[i];
      uint64_t start, end;
      profile::taskBounds(t, span, &start, &end);
      if (start == 0)
        continue;
      streams.insert(t.stream);
      std::string args = taskArgs(t, *run);
      if (t.kind == TaskInfo::Kind::Record || t.kind == TaskInfo::Kind::Wait) {
        bool record = t.kind == TaskInfo::Kind::Record;
        std::string name = std::string(record ? "EventRecord" : "EventWait") +
                           " e" + std::to_string(t.event);
        // A 1 us slice to carry the flow end point.
        slice(1, t.stream, name, "event", start, start + 1000, args);
        if (record) {
          uint64_t id = ++flowId;
          lastRecordFlow[t.event] = id;
          events.push_back(
              "{\"ph\":\"s\",\"pid\":1,\"tid\":" + std::to_string(t.stream) +
              ",\"id\":" + std::to_string(id) + ",\"name\":\"event e" +
              std::to_string(t.event) +
              "\",\"cat\":\"event\",\"ts\":" + micros(start, origin) + "}");
        } else if (lastRecordFlow.count(t.event)) {
          events.push_back(
              "{\"ph\":\"f\",\"bp\":\"e\",\"pid\":1,\"tid\":" +
              std::to_string(t.stream) +
              ",\"id\":" + std::to_string(lastRecordFlow[t.event]) +
              ",\"name\":\"event e" + std::to_string(t.event) +
              "\",\"cat\":\"event\",\"ts\":" + micros(start, origin) + "}");
        }
        continue;
      }
      slice(1, t.stream, t.name + " (" + t.opType + ")", t.taskType(), start,
            end, args);
      if (!options_.blockTrace)
        continue;
      for (size_t b = 0; b < span.blocks.size(); ++b) {
        const BlockSpan &block = span.blocks[b];
        if (block.startNs == 0)
          continue;
        cores.insert(block.core);
        slice(2, block.core, t.name + " (" + t.opType + ")", "block",
              block.startNs, block.endNs,
              "{\"block\":" + std::to_string(b) +
                  ",\"block_dim\":" + std::to_string(span.blocks.size()) +
                  ",\"task_id\":" + std::to_string(t.taskId) +
                  ",\"run\":" + std::to_string(run->run) + "}");
      }
    }
  }
  if (options_.hostTrace)
    for (const HostSpan &h : hostSpans_)
      slice(0, 0, h.name, "host", h.startNs, h.endNs, "");

  auto meta = [&](int pid, int64_t tid, const char *what,
                  const std::string &name) {
    events.push_back(std::string("{\"ph\":\"M\",\"pid\":") +
                     std::to_string(pid) + ",\"tid\":" + std::to_string(tid) +
                     ",\"name\":\"" + what +
                     "\",\"args\":{\"name\":" + jsonQuote(name) + "}}");
  };
  meta(0, 0, "process_name", "Host");
  meta(0, 0, "thread_name", "host thread");
  meta(1, 0, "process_name", "Streams");
  meta(2, 0, "process_name", "AI Cores");
  for (uint32_t s : streams)
    meta(1, s, "thread_name", "Stream " + std::to_string(s));
  for (int32_t c : cores)
    meta(2, c, "thread_name",
         c < 0 ? std::string("host thread") : "AI Core " + std::to_string(c));

  std::string out = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  for (size_t i = 0; i < events.size(); ++i)
    out += events[i] + (i + 1 < events.size() ? ",\n" : "\n");
  return out + "]}\n";
}

Status Profiler::write(const std::string &dir) const {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return Status(ErrorCode::kIoError,
                  "cannot create the profiling output directory '" + dir +
                      "': " + ec.message());
  std::filesystem::path root(dir);
  GEFLOW_RETURN_IF_ERROR(writeText(root / "trace.json", traceJson()));

  std::string summary =
      "Model Name,Run,Task ID,Op Name,OP Type,Task Type,Kernel,Stream ID,"
      "Task Start Time(us),Task Duration(us),Block Dim,Input Shapes,"
      "Input Data Types,Input Formats,Output Shapes,Output Data Types,"
      "Output Formats,FLOPs,Bytes,GFLOP/s,GB/s,Covered Ops,Padding\n";
  for (const OpSummaryRow &r : opSummary()) {
    std::vector<std::string> fields = {r.model,
                                       std::to_string(r.run),
                                       std::to_string(r.taskId),
                                       r.opName,
                                       r.opType,
                                       r.taskType,
                                       r.kernel,
                                       std::to_string(r.stream),
                                       number(r.startUs),
                                       number(r.durationUs),
                                       std::to_string(r.blockDim),
                                       r.inputShapes,
                                       r.inputDtypes,
                                       r.inputFormats,
                                       r.outputShapes,
                                       r.outputDtypes,
                                       r.outputFormats,
                                       std::to_string(r.flops),
                                       std::to_string(r.bytes),
                                       number(r.gflops),
                                       number(r.gbps),
                                       r.coveredOps,
                                       r.padding};
    for (size_t i = 0; i < fields.size(); ++i)
      summary += (i ? "," : "") + csvField(fields[i]);
    summary += "\n";
  }
  GEFLOW_RETURN_IF_ERROR(writeText(root / "op_summary.csv", summary));

  std::string statistic = "OP Type,Count,Total Time(us),Min Time(us),"
                          "Avg Time(us),Max Time(us),Ratio(%)\n";
  for (const OpStatisticRow &s : opStatistic())
    statistic += csvField(s.opType) + "," + std::to_string(s.count) + "," +
                 number(s.totalUs) + "," + number(s.minUs) + "," +
                 number(s.avgUs) + "," + number(s.maxUs) + "," +
                 number(s.ratio) + "\n";
  return writeText(root / "op_statistic.csv", statistic);
}

} // namespace geflow::rt
