//===- Options.cpp - The GE options registry ------------------------------===//
#include "geflow/Compiler/Options.h"
#include "geflow/Compiler/DebugOptions.h"
#include "geflow/Compiler/ShapeOptions.h"

#include "geflow/SocInfo/OpInfo.h"
#include "geflow/SocInfo/PrecisionMode.h"

#include "dialects/ge/Transforms/Passes.h"

#include <algorithm>
#include <cctype>

namespace geflow {

using Kind = OptionSpec::Kind;

static OptionSpec enumOption(std::string name, std::vector<std::string> allowed,
                             std::string dflt, std::string help) {
  OptionSpec s;
  s.name = std::move(name);
  s.kind = Kind::Enum;
  s.allowed = std::move(allowed);
  s.defaultValue = std::move(dflt);
  s.help = std::move(help);
  return s;
}

static OptionSpec option(std::string name, Kind kind, std::string help,
                         std::string dflt = "") {
  OptionSpec s;
  s.name = std::move(name);
  s.kind = kind;
  s.help = std::move(help);
  s.defaultValue = std::move(dflt);
  return s;
}

std::string checkAoeMode(const std::string &mode) {
  if (mode == "2")
    return "";
  if (mode == "1")
    return "aoe_mode 1 (subgraph tuning) is not supported: geflow tunes "
           "operators (aoe_mode 2)";
  if (mode == "4")
    return "aoe_mode 4 (gradient split tuning) is not supported: geflow "
           "compiles inference graphs and tunes operators (aoe_mode 2)";
  return "expected 2 (operator tuning), got \"" + mode + "\"";
}

bool isHostEngineName(const std::string &engine) {
  return engine == "DNN_VM_HOST_CPU" || engine == "DNN_VM_AICPU";
}

std::optional<int64_t> parseStreamParallel(const std::string &v,
                                           bool hostEngine) {
  int64_t most = 0;
  size_t start = 0;
  while (start <= v.size()) {
    size_t end = v.find(',', start);
    std::string part = v.substr(
        start, end == std::string::npos ? std::string::npos : end - start);
    size_t colon = part.find(':');
    std::string number =
        part.substr(colon == std::string::npos ? 0 : colon + 1);
    std::string engine =
        colon == std::string::npos ? "" : part.substr(0, colon);
    if (number.empty() ||
        !std::all_of(number.begin(), number.end(), ::isdigit) ||
        std::stoll(number.substr(0, 9)) < 1)
      return std::nullopt;
    // The host engines count host streams, every other engine (AI core,
    // vector) device streams.
    if (isHostEngineName(engine) == hostEngine)
      most = std::max<int64_t>(most, std::stoll(number.substr(0, 9)));
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  return most == 0 ? 1 : most; // GE's default parallelism of an engine
}

std::optional<int32_t> parseLogicalDeviceId(const std::string &v) {
  // "[0:3]": one server:device pair; geflow has one server, this host.
  if (v.size() < 5 || v.front() != '[' || v.back() != ']')
    return std::nullopt;
  std::string body = v.substr(1, v.size() - 2);
  size_t colon = body.find(':');
  if (colon == std::string::npos)
    return std::nullopt;
  std::string server = body.substr(0, colon), device = body.substr(colon + 1);
  auto digits = [](const std::string &s) {
    return !s.empty() && s.size() <= 4 &&
           std::all_of(s.begin(), s.end(), ::isdigit);
  };
  if (!digits(server) || !digits(device) || std::stoi(server) != 0)
    return std::nullopt;
  return std::stoi(device);
}

static std::string checkStreamParallel(const std::string &v) {
  return parseStreamParallel(v, false)
             ? ""
             : "expected a positive count or Engine:count pairs such as "
               "\"AIcoreEngine:4\", got \"" +
                   v + "\"";
}

OptionsRegistry::OptionsRegistry() {
  specs_.push_back(enumOption(
      "precision_mode",
      {"force_fp16", "force_fp32", "cube_fp16in_fp32out", "allow_fp32_to_fp16",
       "must_keep_origin_dtype", "allow_mix_precision",
       "allow_mix_precision_fp16", "allow_mix_precision_bf16",
       "allow_fp32_to_bf16"},
      "", "Operator precision mode (GE); the soc profile decides the default"));
  specs_.push_back(enumOption(
      "precision_mode_v2",
      {"fp16", "origin", "cube_fp16in_fp32out", "mixed_float16",
       "mixed_bfloat16"},
      "", "Operator precision mode, v2 names; excludes precision_mode"));
  specs_.push_back(
      option("modify_mixlist", Kind::Path,
             "JSON file editing the mixed-precision black/white/gray lists"));
  specs_.push_back(
      option("keep_dtype", Kind::Path,
             "File of op names whose dtype stays as in the model (ATC)"));
  specs_.push_back(
      option("keep_tensors_dtypes", Kind::String,
             "Comma-separated tensor names that keep their dtype"));
  specs_.push_back(
      option("customize_dtypes", Kind::Path,
             "Per-op / per-OpType input and output dtype overrides"));
  // One soc_version per profile under socs/ (op-info library, default mode).
  OptionSpec soc =
      enumOption("soc_version", ge::precision::getBuiltinSocNames(), "host",
                 "Target soc profile (virtual NPU description)");
  // DataFlow's init options spell it ge.socVersion.
  soc.aliases = {"ge.socVersion"};
  specs_.push_back(soc);
  specs_.push_back(
      option("print_precision_decisions", Kind::Bool,
             "Print each op's precision decision as a table on stderr "
             "(geflow extension)",
             "false"));
  specs_.back().affectsExecutable = false;

  OptionSpec inputShape =
      option("input_shape", Kind::String,
             "Input shapes \"x:1,3,224,224;mask:1,-1\" (-1: geared dim)");
  inputShape.check = checkInputShapeSyntax;
  specs_.push_back(inputShape);
  OptionSpec sequenceShape = option(
      "input_sequence_shape", Kind::String,
      "Element shapes of ONNX sequence/optional inputs \"x:[2,3],[4];o:none\" "
      "(geflow extension)");
  sequenceShape.check = checkSequenceShapeSyntax;
  specs_.push_back(sequenceShape);
  OptionSpec dims =
      option("dynamic_dims", Kind::String,
             "Gears for the -1 dims of input_shape: \"1,224;8,448\"");
  dims.check = checkDynamicDimsSyntax;
  specs_.push_back(dims);
  OptionSpec batch =
      option("dynamic_batch_size", Kind::String,
             "Batch-size gears \"1,2,4,8\" for the -1 batch dim");
  batch.check = checkDynamicBatchSyntax;
  specs_.push_back(batch);
  OptionSpec image =
      option("dynamic_image_size", Kind::String,
             "Image-size gears \"224,224;448,448\" for -1 H,W dims");
  image.check = checkDynamicDimsSyntax;
  specs_.push_back(image);
  OptionSpec nodeType =
      option("dynamic_node_type", Kind::Int,
             "0: dataset inputs are dynamic; 1: placeholder inputs");
  nodeType.maxValue = 1;
  // Every geflow graph input is a placeholder (GE Data node); there are no
  // dataset (GetNext) inputs for 0 to make dynamic.
  nodeType.check = [](const std::string &v) -> std::string {
    return v == "0" ? "geflow graphs have no dataset (GetNext) inputs, only "
                      "placeholder "
                      "inputs: use 1 or leave it unset"
                    : "";
  };
  specs_.push_back(nodeType);
  OptionSpec range =
      option("input_shape_range", Kind::String,
             "Shape ranges \"data:[1~8,3,224,224]\" (runtime tiling)");
  range.aliases = {"dynamic_inputs_shape_range"};
  range.check = checkShapeRangeSyntax;
  specs_.push_back(range);
  specs_.push_back(option(
      "gear_padding", Kind::Bool,
      "Pad geared batch dims up to the next gear (geflow extension)", "false"));

  // GE's implementation modes (docs/compiler.md#implementation-modes).
  specs_.push_back(enumOption(
      "op_select_implmode",
      {"high_precision", "high_performance", "high_precision_for_all",
       "high_performance_for_all"},
      "",
      "Operator implementation mode: high_performance lets 3x3 convolutions "
      "run as Winograd; unset or high_precision keeps direct convolution"));
  OptionSpec implTypes =
      option("optypelist_for_implmode", Kind::String,
             "Op types (\"Conv2D,Pooling\") op_select_implmode applies to");
  implTypes.check = [](const std::string &v) -> std::string {
    size_t start = 0;
    while (true) {
      size_t end = v.find(',', start);
      std::string name = v.substr(
          start, end == std::string::npos ? std::string::npos : end - start);
      if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
            return std::isalnum(c) || c == '_';
          }))
        return "expected comma-separated op types such as \"Conv2D,Pooling\", "
               "got \"" +
               v + "\"";
      if (end == std::string::npos)
        return "";
      start = end + 1;
    }
  };
  specs_.push_back(implTypes);
  // Operator tuning (GE's AOE, docs/tuning.md).
  OptionSpec aoeMode =
      option("aoe_mode", Kind::String,
             "Tuning mode of AOE: 2 times candidate tilings of every tunable "
             "kernel on this machine and keeps the fastest in the op bank "
             "(op_bank_path); unset: the AOE_MODE environment variable");
  aoeMode.check = [](const std::string &v) { return checkAoeMode(v); };
  specs_.push_back(aoeMode);
  specs_.push_back(
      option("aoe_config_file", Kind::Path,
             "JSON file {\"tune_ops_name\": [...], \"tune_ops_type\": [...]} "
             "naming the ops aoe_mode tunes (default: every tunable op)"));
  specs_.push_back(option(
      "op_bank_path", Kind::String,
      "Directory of the tuned op bank (geflow_op_bank.json) that aoe_mode "
      "writes and every compile reads; unset: the TUNE_BANK_PATH "
      "environment variable"));
  OptionSpec aoeTime = option(
      "aoe_time_limit", Kind::Int,
      "Most seconds aoe_mode spends timing kernels in one compile; kernels "
      "left over keep their default tiling (geflow extension)",
      "600");
  aoeTime.minValue = 1;
  aoeTime.maxValue = 86400;
  specs_.push_back(aoeTime);
  specs_.push_back(option("fusion_switch_file", Kind::Path,
                          "JSON file turning graph/UB fusion rules on or off"));
  // Formats (docs/compiler.md#formats): ge-select-formats.
  specs_.push_back(enumOption(
      "format_selection", {"auto", "nchw", "nc1hwc0"}, "auto",
      "Conv chains in NC1HWC0 where the cost model says it pays (auto), "
      "never (nchw) or always (nc1hwc0) (geflow extension)"));
  OptionSpec smallChannel =
      option("enable_small_channel", Kind::Int,
             "1: first-layer convs with at most 4 input channels read NCHW "
             "and write NC1HWC0 without padding the channels to 16",
             "0");
  smallChannel.aliases = {"ge.enableSmallChannel"};
  smallChannel.minValue = 0;
  smallChannel.maxValue = 1;
  specs_.push_back(smallChannel);
  // Memory bounds, checked with overflow-safe counts before anything is
  // materialized (lib/Compiler/SizeLimits.cpp). GE's default for
  // graph_memory_max_size is 26843545600 (25 GiB).
  OptionSpec graphMemory =
      option("graph_memory_max_size", Kind::Int,
             "Most bytes of one tensor, of an execution's arena and of the "
             "weights",
             "26843545600");
  graphMemory.minValue = 1;
  specs_.push_back(graphMemory);
  OptionSpec constantMax =
      option("constant_max_size", Kind::Int,
             "Most bytes of one constant (geflow extension)", "2147483648");
  constantMax.minValue = 1;
  specs_.push_back(constantMax);
  specs_.push_back(option("external_weight", Kind::Bool,
                          "Store Const weights in files beside the model",
                          "false"));
  // TorchAir's limit: a ModelDef stays under protobuf's 2 GiB with 200 MiB
  // to spare, so weights go to files past 2048 - 200 MiB.
  OptionSpec airThreshold =
      option("air_weight_threshold", Kind::Int,
             "GE IR (.air) export: when the float weights total more than this "
             "many bytes, all of them go to raw files beside the .air "
             "(FileConstant); 0: always (geflow extension)",
             std::to_string(kDefaultAirWeightThreshold));
  airThreshold.aliases = {"air-weight-threshold"};
  airThreshold.affectsExecutable = false;
  specs_.push_back(airThreshold);
  // Weight update (GE 5.5): which weights stay variables instead of being
  // folded as constants (lib/Compiler/Variables.cpp, docs/weight-update.md).
  OptionSpec updatable =
      option("updatable_weights", Kind::String,
             "Weights kept updatable without recompiling: \"all\" (every "
             "float initializer) or comma-separated initializer names "
             "(geflow extension)");
  updatable.check = [](const std::string &v) -> std::string {
    if (v.empty() || v == "all")
      return "";
    size_t start = 0;
    while (true) {
      size_t end = v.find(',', start);
      if (end == start || start == v.size())
        return "expected \"all\" or comma-separated weight names without "
               "empty entries, got \"" +
               v + "\"";
      if (end == std::string::npos)
        return "";
      start = end + 1;
    }
  };
  specs_.push_back(updatable);
  specs_.push_back(option("frozen_variable", Kind::Bool,
                          "Turn variables into constants (GE): they fold and "
                          "can no longer be updated",
                          "false"));
  // GE's documented default is 5 GiB (historic versions).
  OptionSpec variableMemory = option(
      "variable_memory_max_size", Kind::Int,
      "Most bytes all variables (updatable weights) may hold", "5368709120");
  variableMemory.minValue = 1;
  specs_.push_back(variableMemory);
  // GE: Host moves variables off the device's memory (needs
  // mix_compile_mode). geflow's variables never are in device memory: they
  // live in the executable's host memory and both engines read them in
  // place, so Host has nothing to move (docs/weight-update.md).
  OptionSpec placement =
      enumOption("variable_placement", {"Device", "Host"}, "Device",
                 "Where variables live (GE): Device; Host is refused, as "
                 "geflow's variables are already in host memory");
  placement.check = [](const std::string &v) -> std::string {
    return v == "Host" ? "Host is not supported: geflow keeps variables in "
                         "the executable's host memory, which the device "
                         "and the host CPU engine both read in place (no "
                         "device memory to free); use Device"
                       : "";
  };
  specs_.push_back(placement);

  // GE's documented default: one stream per engine.
  OptionSpec streams =
      option("stream_max_parallel_num", Kind::String,
             "Most parallel streams per engine: \"4\" or \"AIcoreEngine:4\"; "
             "DNN_VM_HOST_CPU/DNN_VM_AICPU count host engine streams",
             "1");
  streams.check = checkStreamParallel;
  specs_.push_back(streams);

  // Mixed compute (GE 5.2, docs/mixed-compute.md).
  specs_.push_back(option("mix_compile_mode", Kind::Bool,
                          "Run ops the device cannot run on the host CPU "
                          "engine instead of failing (mixed compute)",
                          "false"));
  OptionSpec inOutPair =
      option("in_out_pair", Kind::String,
             "Ranges of ops by first and last node names, as Python prints "
             "[[in_nodes, out_nodes]]: on the device (in_out_pair_flag "
             "true) or the host (false); needs mix_compile_mode");
  inOutPair.check = [](const std::string &v) -> std::string {
    std::string error;
    return ge::parseInOutPairs(v, error) ? "" : error;
  };
  specs_.push_back(inOutPair);
  specs_.push_back(option("in_out_pair_flag", Kind::Bool,
                          "true: the in_out_pair ranges run on the device "
                          "and the rest on the host; false: the reverse",
                          "true"));

  // GE's execution timeouts (TF online-inference guide 7.1), applied to the
  // runtime by Initialize and each Session (geflow/runtime/Timeouts.h).
  // -1: wait forever (GE's default).
  auto timeout = [&](std::string name, std::string unit, std::string help) {
    OptionSpec s = option(std::move(name), Kind::Int,
                          help + " (" + unit + "; -1: no limit)", "-1");
    s.minValue = -1;
    s.maxValue = 1000000000; // ~31 years of seconds, ~11 days of ms
    s.scope = OptionScope::Session;
    s.affectsExecutable = false;
    s.runTime = true;
    specs_.push_back(s);
  };
  timeout("op_execute_timeout", "seconds",
          "How long one kernel or callback may run before its stream fails");
  timeout("stream_sync_timeout", "milliseconds",
          "How long synchronizing a stream may wait before it fails");
  timeout("event_sync_timeout", "milliseconds",
          "How long synchronizing an event may wait before it fails");

  // Collectives across ranks (docs/distributed.md): GE's hccl_timeout
  // (TF online-inference guide 7.1, seconds, 0: no limit) and the rank
  // configuration.
  OptionSpec hccl = option("hccl_timeout", Kind::Int,
                           "How long a collective waits for the other ranks "
                           "before it fails naming the ranks that did not "
                           "arrive (seconds; 0: no limit)",
                           "1800");
  hccl.maxValue = 2147483647;
  hccl.scope = OptionScope::Session;
  hccl.affectsExecutable = false;
  hccl.runTime = true;
  specs_.push_back(hccl);
  OptionSpec rankTable =
      option("rank_table_file", Kind::Path,
             "GE rank table (JSON): the ranks and their servers (default: "
             "RANK_TABLE_FILE)");
  rankTable.aliases = {"ge.exec.rankTableFile"};
  rankTable.scope = OptionScope::Session;
  rankTable.affectsExecutable = false;
  rankTable.runTime = true;
  specs_.push_back(rankTable);
  OptionSpec localRank =
      option("local_rank_id", Kind::Int,
             "This process's rank on its server (checked against the "
             "launcher's)");
  localRank.maxValue = 1023;
  localRank.scope = OptionScope::Session;
  localRank.affectsExecutable = false;
  localRank.runTime = true;
  specs_.push_back(localRank);

  // TF adapter's session_device_id is the per-Session spelling (TF online
  // inference guide 7.1); both select a virtual NPU of the process-wide
  // table (docs/distributed.md#devices).
  OptionSpec device =
      option("ge.exec.deviceId", Kind::Int, "Device to run on", "0");
  device.aliases = {"session_device_id"};
  device.scope = OptionScope::Session;
  device.maxValue = 1023;
  device.affectsExecutable = false;
  specs_.push_back(device);
  OptionSpec runMode =
      option("graph_run_mode", Kind::Int,
             "0: inference (the only mode geflow runs); 1: training", "0");
  runMode.aliases = {"ge.graphRunMode"};
  runMode.maxValue = 1;
  runMode.scope = OptionScope::Session;
  runMode.check = [](const std::string &v) -> std::string {
    return v == "1" ? "graph_run_mode 1 (training) is not supported; use 0"
                    : "";
  };
  specs_.push_back(runMode);
  // DataFlow's deployment: which logical device of which server a flow runs
  // on. geflow deploys on this host only; Session checks the device exists.
  OptionSpec deployMode = enumOption(
      "ge.exec.logicalDeviceClusterDeployMode", {"SINGLE", "MULTI"}, "SINGLE",
      "SINGLE: the flow runs on one device (MULTI is not supported)");
  deployMode.scope = OptionScope::Session;
  deployMode.sessionGraphsOnly = true;
  deployMode.affectsExecutable = false;
  deployMode.check = [](const std::string &v) -> std::string {
    return v == "MULTI" ? "MULTI (a flow spread over several devices) is not "
                          "supported: geflow deploys a flow on one device; "
                          "use SINGLE"
                        : "";
  };
  specs_.push_back(deployMode);
  OptionSpec logicalDevice =
      option("ge.exec.logicalDeviceId", Kind::String,
             "Logical device \"[server:device]\" the flow runs on (server 0 "
             "is this host)");
  logicalDevice.scope = OptionScope::Session;
  logicalDevice.sessionGraphsOnly = true;
  logicalDevice.affectsExecutable = false;
  logicalDevice.check = [](const std::string &v) -> std::string {
    return parseLogicalDeviceId(v) ? ""
                                   : "expected \"[server:device]\" with "
                                     "server 0 (this host), e.g. \"[0:0]\"";
  };
  specs_.push_back(logicalDevice);
  // The compile cache (DataFlow offline compilation): <dir>/<key>.gfm with
  // <key>.idx and <key>.lock; see lib/Session/CompileCache.cpp.
  OptionSpec key =
      option("ge.graph_key", Kind::String,
             "Key naming a graph in the compile cache (its file names)");
  key.sessionGraphsOnly = true;
  key.affectsExecutable = false;
  key.check = [](const std::string &v) -> std::string {
    bool ok = v[0] != '.' && std::all_of(v.begin(), v.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) ||
                       c == '_' || c == '-' || c == '.';
              });
    return ok ? ""
              : "a cache key names files: use letters, digits, '_', '-' and "
                "'.' "
                "(not first)";
  };
  specs_.push_back(key);
  OptionSpec cacheDir =
      option("ge.graph_compiler_cache_dir", Kind::Path,
             "Directory of the compile cache (needs ge.graph_key)");
  cacheDir.sessionGraphsOnly = true;
  cacheDir.affectsExecutable = false;
  specs_.push_back(cacheDir);
  OptionSpec runFlag =
      option("ge.runFlag", Kind::Int,
             "0: compile only (offline compilation); 1: compile and run", "1");
  runFlag.maxValue = 1;
  runFlag.sessionGraphsOnly = true;
  runFlag.affectsExecutable = false;
  specs_.push_back(runFlag);
  // GE's feature-map memory across a Session's graphs (TF online-inference
  // guide 7.1 "memory management", 7.4.1 GE_USE_STATIC_MEMORY;
  // docs/static-memory.md): 0 each graph its own memory, 2 (and 1, its
  // historic spelling) static-shape graphs share one arena sized by the
  // largest, 3 shape-ranged graphs share one, 4 all graphs do.
  OptionSpec staticMemory =
      option("static_memory_policy", Kind::Int,
             "Feature-map memory of a Session's graphs: 0 per graph; 1/2 "
             "static-shape graphs share one arena grown to the largest; 3 "
             "shape-ranged graphs share one; 4 all graphs share one",
             "0");
  staticMemory.aliases = {"ge.exec.staticMemoryPolicy"};
  staticMemory.maxValue = 4;
  staticMemory.scope = OptionScope::Session;
  staticMemory.sessionGraphsOnly = true;
  staticMemory.affectsExecutable = false;
  specs_.push_back(staticMemory);
  addDebugOptionSpecs(specs_);
}

const OptionsRegistry &OptionsRegistry::get() {
  static const OptionsRegistry registry;
  return registry;
}

const OptionSpec *OptionsRegistry::find(const std::string &name) const {
  for (const OptionSpec &s : specs_)
    if (s.name == name ||
        std::find(s.aliases.begin(), s.aliases.end(), name) != s.aliases.end())
      return &s;
  return nullptr;
}

static std::string join(const std::vector<std::string> &v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i)
    out += (i ? ", " : "") + v[i];
  return out;
}

std::string OptionsRegistry::checkValue(const OptionSpec &spec,
                                        const std::string &value) const {
  auto bad = [&](const std::string &why) {
    return "option '" + spec.name + "' has value '" + value + "': " + why;
  };
  switch (spec.kind) {
  case Kind::Enum:
    if (std::find(spec.allowed.begin(), spec.allowed.end(), value) ==
        spec.allowed.end())
      return bad("allowed values are " + join(spec.allowed));
    break;
  case Kind::Bool:
    if (value != "true" && value != "false" && value != "1" && value != "0" &&
        value != "True" && value != "False")
      return bad("expected true or false (1 or 0)");
    break;
  case Kind::Int: {
    bool digits = !value.empty() &&
                  std::all_of(value.begin() + (value[0] == '-'), value.end(),
                              ::isdigit) &&
                  value.size() < 19 && value != "-";
    if (!digits)
      return bad("expected an integer");
    int64_t v = std::stoll(value);
    if (v < spec.minValue || v > spec.maxValue)
      return bad("expected an integer in [" + std::to_string(spec.minValue) +
                 ", " + std::to_string(spec.maxValue) + "]");
    break;
  }
  case Kind::Path:
  case Kind::String:
    if (value.empty())
      return bad("must not be empty");
    break;
  }
  if (spec.check) {
    std::string msg = spec.check(value);
    if (!msg.empty())
      return bad(msg);
  }
  return "";
}

std::optional<Options>
OptionsRegistry::parse(const std::map<std::string, std::string> &raw,
                       std::string *error) const {
  Options out;
  std::vector<std::string> problems;
  std::vector<std::string> names;
  for (const OptionSpec &s : specs_) {
    names.push_back(s.name);
    names.insert(names.end(), s.aliases.begin(), s.aliases.end());
  }
  for (const auto &[name, value] : raw) {
    const OptionSpec *spec = find(name);
    if (!spec) {
      std::string near = suggestNearest(name, names);
      problems.push_back(
          "unknown option '" + name + "'" +
          (near.empty() ? "" : " (did you mean '" + near + "'?)"));
      continue;
    }
    std::string msg = checkValue(*spec, value);
    if (!msg.empty()) {
      problems.push_back(msg);
      continue;
    }
    std::string canonical = value;
    if (spec->kind == Kind::Bool)
      canonical = (value == "true" || value == "1" || value == "True")
                      ? "true"
                      : "false";
    out.values_[spec->name] = canonical;
  }
  // Combinations GE rejects.
  if (out.has("precision_mode") && out.has("precision_mode_v2"))
    problems.push_back(
        "options 'precision_mode' and 'precision_mode_v2' cannot be used "
        "together (GE); set only precision_mode_v2");
  if (out.has("modify_mixlist")) {
    // GE applies the lists only under automatic mixed precision.
    std::optional<std::string> mode = out.get("precision_mode");
    if (auto v2 = out.get("precision_mode_v2"))
      mode = ge::precision::precisionModeOfV2(*v2)->str();
    auto parsed = mode ? ge::precision::parseMode(*mode) : std::nullopt;
    if (!parsed || !ge::precision::isMixed(*parsed))
      problems.push_back(
          "option 'modify_mixlist' needs a mixed precision mode "
          "(precision_mode "
          "allow_mix_precision, allow_mix_precision_fp16 or "
          "allow_mix_precision_bf16, or "
          "precision_mode_v2 mixed_float16 or mixed_bfloat16); the mode is " +
          (out.has("precision_mode_v2")
               ? "'" + *out.get("precision_mode_v2") + "'"
           : mode ? "'" + *mode + "'"
                  : std::string("the soc's default")));
  }
  if (out.has("optypelist_for_implmode")) {
    // GE: the list narrows high_precision / high_performance; the _for_all
    // modes cover every op.
    std::string mode = out.get("op_select_implmode").value_or("");
    if (mode != "high_precision" && mode != "high_performance")
      problems.push_back(
          "option 'optypelist_for_implmode' needs op_select_implmode "
          "high_precision or high_performance; the mode is " +
          (mode.empty() ? std::string("unset") : "'" + mode + "'"));
  }
  if (out.has("dynamic_dims") + out.has("dynamic_batch_size") +
          out.has("dynamic_image_size") >
      1)
    problems.push_back("only one of 'dynamic_dims', 'dynamic_batch_size' and "
                       "'dynamic_image_size' may be set");
  bool mixed = out.getBool("mix_compile_mode");
  if (out.has("in_out_pair") && !mixed)
    problems.push_back("option 'in_out_pair' places ops for mixed compute; it "
                       "needs mix_compile_mode=true");
  // The flag's default (true) alone changes nothing; false says the ranges
  // stay on the host, which needs ranges and mixed compute.
  if (!out.getBool("in_out_pair_flag") && (!mixed || !out.has("in_out_pair")))
    problems.push_back("option 'in_out_pair_flag' set to false keeps the "
                       "in_out_pair ranges on the host; it needs "
                       "mix_compile_mode=true and in_out_pair");
  if (mixed)
    for (const char *name : {"dynamic_dims", "dynamic_batch_size",
                             "dynamic_image_size", "input_shape_range"})
      if (out.has(name))
        problems.push_back(std::string("options 'mix_compile_mode' and '") +
                           name +
                           "' cannot be used together: mixed compute "
                           "programs have static shapes (GE: dynamic gears "
                           "do not work with mixed compute)");
  if (!problems.empty()) {
    error->clear();
    for (size_t i = 0; i < problems.size(); ++i)
      *error += (i ? "\n" : "") + problems[i];
    return std::nullopt;
  }
  return out;
}

std::string
OptionsRegistry::checkNoSessionGraphOptions(const Options &options,
                                            const std::string &what) const {
  std::string out;
  for (const auto &[name, value] : options.values()) {
    const OptionSpec *spec = find(name);
    if (spec && spec->sessionGraphsOnly)
      out += (out.empty() ? "" : "\n") +
             ("option '" + name +
              "' applies to graphs added to a "
              "Session (the compile cache, run flag and shared memory); " +
              what + " compiles directly");
  }
  return out;
}

Options OptionsRegistry::merge(const Options &base, const Options &overrides) {
  Options out = base;
  for (const auto &[k, v] : overrides.values())
    out.values_[k] = v;
  return out;
}

std::optional<std::string> Options::get(const std::string &name) const {
  auto it = values_.find(name);
  if (it != values_.end())
    return it->second;
  const OptionSpec *spec = OptionsRegistry::get().find(name);
  if (spec && !spec->defaultValue.empty())
    return spec->defaultValue;
  return std::nullopt;
}

bool Options::getBool(const std::string &name) const {
  auto v = get(name);
  return v && *v == "true";
}

int64_t Options::getInt(const std::string &name, int64_t dflt) const {
  auto v = get(name);
  return v ? std::stoll(*v) : dflt;
}

static size_t editDistance(const std::string &a, const std::string &b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min(
          {prev[j] + 1, cur[j - 1] + 1,
           prev[j - 1] + (std::tolower(a[i - 1]) != std::tolower(b[j - 1]))});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string suggestNearest(const std::string &name,
                           const std::vector<std::string> &candidates) {
  std::string best;
  size_t bestDist = SIZE_MAX;
  for (const std::string &c : candidates) {
    size_t d = editDistance(name, c);
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  return bestDist <= std::max<size_t>(2, name.size() / 3) ? best : "";
}

std::optional<rt::SyncTimeouts> syncTimeoutsOf(const Options &options) {
  if (!options.has("op_execute_timeout") &&
      !options.has("stream_sync_timeout") && !options.has("event_sync_timeout"))
    return std::nullopt;
  int64_t opSeconds = options.getInt("op_execute_timeout", -1);
  return rt::SyncTimeouts{opSeconds < 0 ? -1 : opSeconds * 1000,
                          options.getInt("stream_sync_timeout", -1),
                          options.getInt("event_sync_timeout", -1)};
}

} // namespace geflow
