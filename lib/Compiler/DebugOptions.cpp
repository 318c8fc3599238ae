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
}

bool isRunTimeOption(const std::string &name) {
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
  return config;
}

} // namespace geflow
