//===- DebugOptions.cpp - Profiling, dump and debug options ---------------===//
#include "geflow/Compiler/DebugOptions.h"

#include "llvm/Support/JSON.h"

#include <algorithm>
#include <cstdlib>

namespace geflow {

namespace {

using Kind = OptionSpec::Kind;

OptionSpec spec(std::string name, Kind kind, std::string help,
                std::vector<std::string> aliases = {}, std::string dflt = "") {
  OptionSpec s;
  s.name = std::move(name);
  s.kind = kind;
  s.help = std::move(help);
  s.aliases = std::move(aliases);
  s.defaultValue = std::move(dflt);
  s.scope = OptionScope::Global;
  s.affectsExecutable = false; // how runs are recorded, not what runs
  return s;
}

// GE's profiling_options keys: switches take "on"/"off"; the others a value.
const char *const kSwitchKeys[] = {
    "training_trace", "task_trace",    "hccl",    "aicpu",  "l2",
    "msproftx",       "runtime_api",   "op_attr", "ge_api", "task_memory",
    "task_time",      "host_sys_usage"};
const char *const kValueKeys[] = {"output",
                                  "storage_limit",
                                  "fp_point",
                                  "bp_point",
                                  "aic_metrics",
                                  "sys_hardware_mem_freq",
                                  "llc_profiling",
                                  "sys_io_sampling_freq",
                                  "sys_interconnection_freq",
                                  "dvpp_freq",
                                  "host_sys",
                                  "host_sys_usage_freq",
                                  "instr_profiling_freq"};
const char *const kAicMetrics[] = {"ArithmeticUtilization",
                                   "PipeUtilization",
                                   "Memory",
                                   "MemoryL0",
                                   "MemoryUB",
                                   "ResourceConflictRatio",
                                   "L2Cache",
                                   "PipelineExecuteUtilization"};

template <size_t N> bool contains(const char *const (&list)[N], std::string s) {
  return std::find_if(std::begin(list), std::end(list),
                      [&](const char *k) { return s == k; }) != std::end(list);
}

template <size_t N> std::string joined(const char *const (&list)[N]) {
  std::string out;
  for (const char *k : list)
    out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

} // namespace

std::string parseProfilingOptions(const std::string &text,
                                  rt::ProfileOptions *out) {
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  if (!parsed)
    return "not valid JSON (" + llvm::toString(parsed.takeError()) +
           "); expected GE's form {\"output\": \"DIR\", \"task_trace\": "
           "\"on\", ...}";
  const llvm::json::Object *object = parsed->getAsObject();
  if (!object)
    return "expected a JSON object such as {\"output\": \"DIR\", "
           "\"task_trace\": \"on\"}";
  rt::ProfileOptions options;
  std::vector<std::string> unknown;
  for (const auto &[key, value] : *object) {
    std::string name = key.str();
    std::optional<llvm::StringRef> s = value.getAsString();
    if (contains(kSwitchKeys, name)) {
      bool levels = name == "task_time" && s && (*s == "l0" || *s == "l1");
      if (!s || (*s != "on" && *s != "off" && !levels))
        return "key '" + name + "' takes \"on\" or \"off\"";
      bool on = *s != "off";
      if (name == "task_trace" || name == "task_time")
        options.taskTrace = on;
      else if (name == "runtime_api")
        options.hostTrace = on;
    } else if (contains(kValueKeys, name)) {
      if (!s || s->empty())
        return "key '" + name + "' takes a non-empty string";
      if (name == "output")
        options.output = s->str();
      if (name == "aic_metrics" && !contains(kAicMetrics, s->str()))
        return "key 'aic_metrics' has value '" + s->str() +
               "'; allowed values are " + joined(kAicMetrics);
    } else {
      unknown.push_back(name);
    }
  }
  if (!unknown.empty()) {
    std::sort(unknown.begin(), unknown.end());
    std::string list;
    for (const std::string &u : unknown)
      list += (list.empty() ? "'" : ", '") + u + "'";
    return "unknown key" + std::string(unknown.size() > 1 ? "s " : " ") + list +
           "; known keys are " + joined(kValueKeys) + ", " +
           joined(kSwitchKeys);
  }
  if (out)
    *out = options;
  return "";
}

void addDebugOptionSpecs(std::vector<OptionSpec> &specs) {
  size_t first = specs.size();
  specs.push_back(spec("debug_dir", Kind::String,
                       "Folder for the DUMP_GE_GRAPH graph dumps (default: "
                       "the current directory)"));
  specs.push_back(spec("profiling_mode", Kind::Bool,
                       "Record task traces of every run (GE profiling; "
                       "env PROFILING_MODE)",
                       {"ge.exec.profilingMode"}, "false"));
  OptionSpec profilingOptions =
      spec("profiling_options", Kind::String,
           "GE profiling JSON {\"output\":DIR,\"task_trace\":\"on\",...} "
           "(env PROFILING_OPTIONS)",
           {"ge.exec.profilingOptions"});
  profilingOptions.check = [](const std::string &v) {
    return parseProfilingOptions(v);
  };
  specs.push_back(profilingOptions);

  specs.push_back(spec("enable_dump", Kind::Bool,
                       "Dump the tensors of the selected ops and runs (GE "
                       "data dump; needs dump_path)",
                       {"ge.exec.enableDump"}, "false"));
  specs.push_back(spec("dump_path", Kind::Path,
                       "Directory of data, overflow and exception dumps",
                       {"ge.exec.dumpPath"}));
  OptionSpec step = spec("dump_step", Kind::String,
                         "Runs to dump: \"0|5|10-20\" (default: every run)",
                         {"ge.exec.dumpStep"});
  step.check = [](const std::string &v) -> std::string {
    auto parsed = rt::parseDumpStep(v);
    return parsed.ok() ? "" : parsed.status().message();
  };
  specs.push_back(step);
  OptionSpec mode =
      spec("dump_mode", Kind::Enum, "Tensors to dump: input, output or all",
           {"ge.exec.dumpMode"}, "output");
  mode.allowed = {"input", "output", "all"};
  specs.push_back(mode);
  specs.push_back(spec("dump_layer", Kind::String,
                       "GE op names to dump, space-separated (default: all)",
                       {"ge.exec.dumpLayer"}));
  OptionSpec data =
      spec("dump_data", Kind::Enum,
           "tensor: the data as .npy; stats: a CSV of min/max/mean/NaN/Inf",
           {"ge.exec.dumpData"}, "tensor");
  data.allowed = {"tensor", "stats"};
  specs.push_back(data);
  specs.push_back(spec("enable_dump_debug", Kind::Bool,
                       "Report (and dump) ops whose float outputs overflow "
                       "to Inf/NaN",
                       {"ge.exec.enableDumpDebug"}, "false"));
  OptionSpec debugMode = spec("dump_debug_mode", Kind::Enum,
                              "Overflows to detect (with enable_dump_debug)",
                              {"ge.exec.dumpDebugMode"}, "all");
  debugMode.allowed = {"aicore_overflow", "atomic_overflow", "all"};
  specs.push_back(debugMode);
  OptionSpec exception =
      spec("enable_exception_dump", Kind::Int,
           "1 or 2: dump the inputs of a task that fails (needs dump_path)",
           {"ge.exec.enable_exception_dump"}, "0");
  exception.maxValue = 2;
  specs.push_back(exception);
  // debug_dir is where a compile writes its graph dumps: nothing at run time.
  for (size_t i = first; i < specs.size(); ++i)
    specs[i].runTime = specs[i].name != "debug_dir";
}

bool isDebugOption(const std::string &name) {
  static const std::vector<OptionSpec> specs = [] {
    std::vector<OptionSpec> s;
    addDebugOptionSpecs(s);
    return s;
  }();
  for (const OptionSpec &s : specs)
    if (s.name == name ||
        std::find(s.aliases.begin(), s.aliases.end(), name) != s.aliases.end())
      return true;
  return false;
}

bool isRunTimeOption(const std::string &name) {
  const OptionSpec *spec = OptionsRegistry::get().find(name);
  return spec && spec->runTime;
}

std::optional<DebugConfig> parseDebugConfig(const Options &options,
                                            std::string &error,
                                            bool readEnvironment) {
  DebugConfig config;
  auto fromEnv = [&](const char *option,
                     const char *variable) -> std::optional<std::string> {
    if (options.has(option))
      return options.get(option);
    if (readEnvironment)
      if (const char *v = std::getenv(variable); v && *v)
        return std::string(v);
    return std::nullopt;
  };
  std::optional<std::string> mode = fromEnv("profiling_mode", "PROFILING_MODE");
  bool profiling = false;
  if (mode) {
    if (*mode != "true" && *mode != "false" && *mode != "1" && *mode != "0") {
      error = "environment variable PROFILING_MODE has value '" + *mode +
              "': expected true or false (1 or 0)";
      return std::nullopt;
    }
    profiling = *mode == "true" || *mode == "1";
  }
  std::optional<std::string> json =
      fromEnv("profiling_options", "PROFILING_OPTIONS");
  if (profiling) {
    rt::ProfileOptions profile;
    if (json) {
      std::string why = parseProfilingOptions(*json, &profile);
      if (!why.empty()) {
        error = (options.has("profiling_options")
                     ? std::string("option 'profiling_options'")
                     : std::string("environment variable PROFILING_OPTIONS")) +
                ": " + why;
        return std::nullopt;
      }
    }
    if (profile.output.empty())
      profile.output = "./PROF";
    config.profile = profile;
  } else if (options.has("profiling_options")) {
    error = "option 'profiling_options' needs profiling_mode true (or "
            "PROFILING_MODE=true)";
    return std::nullopt;
  }

  rt::DumpOptions dump;
  dump.enabled = options.getBool("enable_dump");
  dump.overflow = options.getBool("enable_dump_debug");
  dump.exceptionDump = options.getInt("enable_exception_dump", 0) > 0;
  if (auto path = options.get("dump_path"))
    dump.path = *path;
  for (const char *name : {"dump_step", "dump_mode", "dump_layer", "dump_data"})
    if (options.has(name) && !dump.enabled) {
      error = std::string("option '") + name + "' needs enable_dump true";
      return std::nullopt;
    }
  if (options.has("dump_debug_mode") && !dump.overflow) {
    error = "option 'dump_debug_mode' needs enable_dump_debug true";
    return std::nullopt;
  }
  if (dump.enabled && dump.overflow) {
    error = "options 'enable_dump' and 'enable_dump_debug' cannot both be "
            "true (GE): dump the data or detect overflows";
    return std::nullopt;
  }
  if ((dump.enabled || dump.exceptionDump) && dump.path.empty()) {
    error = std::string("option '") +
            (dump.enabled ? "enable_dump" : "enable_exception_dump") +
            "' needs dump_path";
    return std::nullopt;
  }
  if (options.has("dump_path") && !dump.enabled && !dump.overflow &&
      !dump.exceptionDump) {
    error = "option 'dump_path' needs enable_dump, enable_dump_debug or "
            "enable_exception_dump";
    return std::nullopt;
  }
  if (auto steps = options.get("dump_step"))
    dump.steps = *rt::parseDumpStep(*steps);
  std::string modeText = *options.get("dump_mode");
  dump.mode = modeText == "input" ? rt::DumpOptions::Mode::Input
              : modeText == "all" ? rt::DumpOptions::Mode::All
                                  : rt::DumpOptions::Mode::Output;
  if (auto layers = options.get("dump_layer")) {
    std::string word;
    for (char c : *layers + " ") {
      if (c == ' ') {
        if (!word.empty())
          dump.layers.push_back(word);
        word.clear();
      } else {
        word += c;
      }
    }
  }
  dump.data = *options.get("dump_data") == "stats"
                  ? rt::DumpOptions::Data::Stats
                  : rt::DumpOptions::Data::Tensor;
  dump.overflowMode = *options.get("dump_debug_mode");
  if (dump.enabled || dump.overflow || dump.exceptionDump)
    config.dump = dump;
  return config;
}

} // namespace geflow
