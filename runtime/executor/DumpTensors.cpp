//===- DumpTensors.cpp - Writing dumped tensors, checking for overflow ----===//
#include "DumpRun.h"

#include "geflow/runtime/Npy.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

namespace geflow::rt::exec {

namespace {

uint64_t nowMicros() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
}

struct Stats {
  uint64_t count = 0, nan = 0, negInf = 0, posInf = 0;
  double min = 0, max = 0, sum = 0;
  uint64_t finite = 0;
};

Stats statsOf(const TaskTensor &t, const void *data) {
  Stats s;
  size_t size = dtypeSize(t.dtype);
  if (!data || size == 0)
    return s;
  s.count = t.bytes / size;
  const auto *p = static_cast<const uint8_t *>(data);
  for (uint64_t i = 0; i < s.count; ++i) {
    double v = elementAsDouble(t.dtype, p, i);
    if (std::isnan(v)) {
      ++s.nan;
    } else if (std::isinf(v)) {
      ++(v < 0 ? s.negInf : s.posInf);
    } else {
      s.min = s.finite ? std::min(s.min, v) : v;
      s.max = s.finite ? std::max(s.max, v) : v;
      s.sum += v;
      ++s.finite;
    }
  }
  return s;
}

bool hasNonFinite(const TaskTensor &t, const void *data) {
  if (!isFloat(t.dtype) || !data)
    return false;
  Stats s = statsOf(t, data);
  return s.nan + s.negInf + s.posInf > 0;
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string out;
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? "x" : "") + std::to_string(shape[i]);
  return out;
}

/// "{op_type}.{op_name}.{task_id}" with GE's name rule.
std::string prefixOf(const TaskInfo &t) {
  return dumpFileName(t.opType) + "." + dumpFileName(t.name) + "." +
         std::to_string(t.taskId);
}

/// The timestamp of task `i`'s files: its first file's.
std::string stampOf(DumpRun &run, size_t i) {
  if (run.stamps[i] == 0)
    run.stamps[i] = nowMicros();
  return std::to_string(run.stamps[i]);
}

std::string runDir(const DumpRun &run) {
  return run.base + "/" + std::to_string(run.step);
}

void ensureDir(DumpRun &run, const std::string &dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    run.dumper->noteError(
        Status(ErrorCode::kIoError, "cannot create the dump directory '" + dir +
                                        "': " + ec.message()));
}

/// Writes `tensors` (as .npy, or rows of the stats CSV) for task `t`.
void writeTensors(DumpRun &run, const TaskInfo &t, const std::string &file,
                  const char *kind, const std::vector<TaskTensor> &tensors,
                  const std::vector<const void *> &data, bool stats) {
  std::string csv;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const TaskTensor &x = tensors[i];
    if (x.isConst || !data[i])
      continue; // weights may be stored in a kernel's packed layout
    if (stats) {
      Stats s = statsOf(x, data[i]);
      char line[512];
      std::snprintf(line, sizeof(line),
                    "%s,%zu,%s,%s,%s,%llu,%.9g,%.9g,%.9g,%llu,%llu,%llu\n",
                    kind, i, std::string(dtypeName(x.dtype)).c_str(),
                    std::string(formatName(x.format)).c_str(),
                    shapeText(x.shape).c_str(),
                    static_cast<unsigned long long>(s.count), s.min, s.max,
                    s.finite ? s.sum / double(s.finite) : 0.0,
                    static_cast<unsigned long long>(s.nan),
                    static_cast<unsigned long long>(s.negInf),
                    static_cast<unsigned long long>(s.posInf));
      csv += line;
      continue;
    }
    std::vector<int64_t> shape = x.shape;
    if (auto physical = physicalShape(x.format, x.shape))
      shape = *physical; // the stored layout of a formatted tensor
    std::string path = file + "." + kind + "." + std::to_string(i) + ".npy";
    Status st = writeNpy(path, x.dtype, shape, data[i]);
    if (!st.ok())
      run.dumper->noteError(st);
    else
      run.dumper->countFile();
  }
  if (stats && !csv.empty()) {
    std::string path = file + ".csv";
    bool fresh = !std::filesystem::exists(path);
    std::ofstream out(path, std::ios::app);
    if (fresh)
      out << "Input/Output,Index,Data Type,Format,Shape,Count,Min Value,"
             "Max Value,Avg Value,NaN Count,Negative Inf Count,"
             "Positive Inf Count\n";
    out << csv;
    if (!out)
      run.dumper->noteError(
          Status(ErrorCode::kIoError, "cannot write '" + path + "'"));
    else if (fresh)
      run.dumper->countFile();
  }
}

std::vector<const void *> pointers(const void *const *p, size_t n) {
  return std::vector<const void *>(p, p + n);
}

std::vector<const void *>
copies(const std::vector<std::vector<uint8_t>> &buffers) {
  std::vector<const void *> out;
  for (const auto &b : buffers)
    out.push_back(b.empty() ? nullptr : b.data());
  return out;
}

std::string csvField(const std::string &s) {
  if (s.find_first_of(",\"\n") == std::string::npos)
    return s;
  std::string out = "\"";
  for (char c : s)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

/// Whether dump_debug_mode checks task `t` for overflow: aicore_overflow
/// the AI Core kernels, atomic_overflow the float work done elsewhere (GE:
/// atomic adds and SDMA; here the memcpy and host CPU tasks), all both.
bool checksOverflow(const DumpOptions &o, const TaskInfo &t) {
  if (!o.overflow)
    return false;
  bool aiCore = t.kind == TaskInfo::Kind::Kernel;
  bool atomic =
      t.kind == TaskInfo::Kind::Memcpy || t.kind == TaskInfo::Kind::HostCall;
  if (o.overflowMode == "aicore_overflow")
    return aiCore;
  if (o.overflowMode == "atomic_overflow")
    return atomic;
  return aiCore || atomic;
}

bool wantsTensors(const DumpRun &run, const TaskInfo &t) {
  return run.tensors && !run.dumper->root().empty() &&
         run.dumper->options().wantsOp(t.name, t.coveredOps);
}

} // namespace

bool DumpRun::watches(size_t i) const {
  const TaskInfo &t = (*tasks)[i];
  if (t.kind == TaskInfo::Kind::Record || t.kind == TaskInfo::Kind::Wait)
    return false;
  const DumpOptions &o = dumper->options();
  return checksOverflow(o, t) || o.exceptionDump || wantsTensors(*this, t);
}

std::shared_ptr<DumpRun>
beginDumpRun(std::shared_ptr<Dumper> dumper,
             std::shared_ptr<const std::vector<TaskInfo>> tasks,
             const std::string &model, uint32_t modelId, int32_t deviceId,
             uint64_t step, const std::string &padding) {
  auto run = std::make_shared<DumpRun>();
  const DumpOptions &o = dumper->options();
  run->dumper = std::move(dumper);
  run->tasks = std::move(tasks);
  run->model = model;
  run->modelId = modelId;
  run->deviceId = deviceId;
  run->step = step;
  run->padding = padding;
  run->tensors = o.enabled && o.wantsStep(step);
  if (!run->dumper->root().empty())
    run->base = run->dumper->root() + "/" + std::to_string(deviceId) + "/" +
                dumpFileName(model) + "/" + std::to_string(modelId);
  size_t n = run->tasks->size();
  run->inputCopies.resize(n);
  run->inputsNonFinite.assign(n, 0);
  run->stamps.assign(n, 0);
  run->failed.reset(new std::atomic<bool>[n]);
  for (size_t i = 0; i < n; ++i)
    run->failed[i] = false;
  if (run->tensors && !run->base.empty()) {
    // Which task holds which GE op, written before any tensor.
    std::string dir = runDir(*run);
    ensureDir(*run, dir);
    std::string map = "Task ID,Op Type,Op Name,Task Type,Kernel,Stream ID,"
                      "Dumped,File Prefix,Covered Ops,Padding\n";
    for (const TaskInfo &t : *run->tasks) {
      if (t.kind == TaskInfo::Kind::Record || t.kind == TaskInfo::Kind::Wait)
        continue;
      std::string covered;
      for (size_t c = 0; c < t.coveredOps.size(); ++c)
        covered += (c ? ";" : "") + t.coveredOps[c];
      map += std::to_string(t.taskId) + "," + csvField(t.opType) + "," +
             csvField(t.name) + "," + t.taskType() + "," + t.kernel + "," +
             std::to_string(t.stream) + "," +
             (o.wantsOp(t.name, t.coveredOps) ? "yes" : "no") + "," +
             csvField(prefixOf(t)) + "," + csvField(covered) + "," +
             csvField(padding) + "\n";
    }
    std::ofstream out(dir + "/mapping.csv", std::ios::trunc);
    out << map;
    if (!out)
      run->dumper->noteError(Status(ErrorCode::kIoError,
                                    "cannot write '" + dir + "/mapping.csv'"));
  }
  return run;
}

void dumpBefore(DumpRun &run, size_t i, const void *const *inputs) {
  const TaskInfo &t = (*run.tasks)[i];
  const DumpOptions &o = run.dumper->options();
  if (checksOverflow(o, t) || o.exceptionDump) {
    // The inputs as the kernel reads them (an in-place kernel overwrites
    // them), for the overflow check and the dumps of a bad task.
    auto &saved = run.inputCopies[i];
    saved.assign(t.inputs.size(), {});
    bool nonFinite = false;
    for (size_t k = 0; k < t.inputs.size(); ++k) {
      if (!inputs[k])
        continue;
      const auto *p = static_cast<const uint8_t *>(inputs[k]);
      if (!t.inputs[k].isConst)
        saved[k].assign(p, p + t.inputs[k].bytes);
      nonFinite = nonFinite || hasNonFinite(t.inputs[k], inputs[k]);
    }
    run.inputsNonFinite[i] = nonFinite;
  }
  if (wantsTensors(run, t) && o.mode != DumpOptions::Mode::Output) {
    std::string dir = runDir(run);
    ensureDir(run, dir);
    std::string file = dir + "/" + prefixOf(t) + "." + stampOf(run, i);
    writeTensors(run, t, file, "input", t.inputs,
                 pointers(inputs, t.inputs.size()),
                 o.data == DumpOptions::Data::Stats);
  }
}

void dumpAfter(DumpRun &run, size_t i, const void *const *inputs,
               void *const *outputs) {
  const TaskInfo &t = (*run.tasks)[i];
  const DumpOptions &o = run.dumper->options();
  const bool stats = o.data == DumpOptions::Data::Stats;
  if (wantsTensors(run, t) && o.mode != DumpOptions::Mode::Input) {
    std::string dir = runDir(run);
    ensureDir(run, dir);
    std::string file = dir + "/" + prefixOf(t) + "." + stampOf(run, i);
    writeTensors(run, t, file, "output", t.outputs,
                 pointers(outputs, t.outputs.size()), stats);
  }
  if (checksOverflow(o, t) && !run.inputsNonFinite[i]) {
    for (size_t k = 0; k < t.outputs.size(); ++k) {
      if (!isFloat(t.outputs[k].dtype) ||
          !hasNonFinite(t.outputs[k], outputs[k]))
        continue;
      Stats s = statsOf(t.outputs[k], outputs[k]);
      OverflowRecord r;
      r.model = run.model;
      r.step = run.step;
      r.taskId = t.taskId;
      r.opName = t.name;
      r.opType = t.opType;
      r.kernel = t.kernel;
      r.coveredOps = t.coveredOps;
      r.precision = t.precision;
      r.output = static_cast<uint32_t>(k);
      r.nanCount = s.nan;
      r.infCount = s.negInf + s.posInf;
      if (!run.base.empty()) {
        std::string dir = runDir(run) + "/overflow";
        ensureDir(run, dir);
        std::string file = dir + "/" + prefixOf(t) + "." + stampOf(run, i);
        writeTensors(run, t, file, "input", t.inputs,
                     copies(run.inputCopies[i]), stats);
        writeTensors(run, t, file, "output", t.outputs,
                     pointers(outputs, t.outputs.size()), stats);
        r.files = file;
      }
      run.dumper->addOverflow(std::move(r));
      break;
    }
  }
  (void)inputs;
  run.inputCopies[i].clear();
  run.inputCopies[i].shrink_to_fit();
}

void dumpOnFailure(DumpRun &run, size_t i) {
  if (!run.dumper->options().exceptionDump || run.base.empty() ||
      run.failed[i].exchange(true))
    return;
  const TaskInfo &t = (*run.tasks)[i];
  std::string dir = runDir(run) + "/exception";
  ensureDir(run, dir);
  std::string file = dir + "/" + prefixOf(t) + "." + stampOf(run, i);
  writeTensors(run, t, file, "input", t.inputs, copies(run.inputCopies[i]),
               false);
}

} // namespace geflow::rt::exec
