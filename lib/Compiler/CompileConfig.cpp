//===- CompileConfig.cpp - Parse the GE options bag once ------------------===//
#include "geflow/Compiler/CompileConfig.h"
#include "AoeConfig.h"
#include "FusionSwitch.h"

#include "geflow/Compiler/DebugOptions.h"

#include "geflow/SocInfo/PrecisionMode.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <cstdlib>

namespace geflow {

std::optional<GearConfig>
parseGearConfig(const std::string &kind, const std::string &text,
                std::optional<std::vector<NamedShape>> inputShapes,
                bool gearPadding, std::string &error) {
  GearConfig config;
  config.kind = kind;
  config.inputShapes = std::move(inputShapes);
  config.gearPadding = gearPadding;
  if (kind.empty())
    return config;
  auto values = kind == "dynamic_batch_size" ? parseDynamicBatch(text, &error)
                                             : parseDynamicDims(text, &error);
  if (!values) {
    error = kind + ": " + error;
    return std::nullopt;
  }
  config.values = std::move(*values);
  return config;
}

static std::string joinInts(const std::vector<int64_t> &values) {
  std::string s;
  for (size_t i = 0; i < values.size(); ++i)
    s += (i ? "," : "") + std::to_string(values[i]);
  return s;
}

std::string formatInputShape(const std::vector<NamedShape> &shapes) {
  std::string s;
  for (size_t i = 0; i < shapes.size(); ++i)
    s += (i ? ";" : "") + shapes[i].name + ":" + joinInts(shapes[i].dims);
  return s;
}

std::string formatGearValues(const GearConfig &config) {
  std::string s;
  const char *separator = config.kind == "dynamic_batch_size" ? "," : ";";
  for (size_t i = 0; i < config.values.size(); ++i)
    s += (i ? separator : "") + joinInts(config.values[i]);
  return s;
}

static PrecisionConfig precisionConfigFromOptions(const Options &options) {
  PrecisionConfig config;
  config.mode = options.get("precision_mode");
  if (auto v2 = options.get("precision_mode_v2")) {
    config.modeV2 = *v2;
    config.mode = ge::precision::precisionModeOfV2(*v2)->str();
  }
  config.modifyMixlist = options.get("modify_mixlist").value_or("");
  config.keepDtype = options.get("keep_dtype").value_or("");
  config.customizeDtypes = options.get("customize_dtypes").value_or("");
  if (auto tensors = options.get("keep_tensors_dtypes")) {
    config.keepTensorsDtypes.emplace();
    llvm::SmallVector<llvm::StringRef> parts;
    llvm::StringRef(*tensors).split(parts, ',', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef p : parts)
      if (!p.trim().empty())
        config.keepTensorsDtypes->push_back(p.trim().str());
  }
  config.replaceGraphConfig = llvm::any_of(
      std::initializer_list<const char *>{
          "soc_version", "precision_mode_v2", "modify_mixlist", "keep_dtype",
          "customize_dtypes", "keep_tensors_dtypes"},
      [&](const char *name) { return options.has(name); });
  return config;
}

std::optional<CompileConfig> parseCompileConfig(const Options &options,
                                                std::string &error) {
  CompileConfig config;
  if (auto text = options.get("input_shape")) {
    config.inputShapes = parseInputShape(*text, &error);
    if (!config.inputShapes) {
      error = "input_shape: " + error;
      return std::nullopt;
    }
  }
  if (auto text = options.get("input_sequence_shape")) {
    auto shapes = parseSequenceShape(*text, &error);
    if (!shapes) {
      error = "input_sequence_shape: " + error;
      return std::nullopt;
    }
    config.sequenceShapes = std::move(*shapes);
  }
  if (auto text = options.get("input_shape_range")) {
    config.shapeRanges = parseShapeRange(*text, &error);
    if (!config.shapeRanges) {
      error = "input_shape_range: " + error;
      return std::nullopt;
    }
  }
  // GE's OP_NO_REUSE_MEM: "name,Type, name2" (GE's examples put spaces
  // after the commas).
  if (const char *noReuse = std::getenv("OP_NO_REUSE_MEM")) {
    llvm::SmallVector<llvm::StringRef> parts;
    llvm::StringRef(noReuse).split(parts, ',', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef p : parts)
      if (!p.trim().empty())
        config.pipeline.noReuseOps.push_back(p.trim().str());
  }
  auto graphDump = parseGraphDumpConfig(options, error);
  if (!graphDump)
    return std::nullopt;
  config.graphDump = *graphDump;
  config.externalWeight = options.getBool("external_weight");
  config.airWeightThreshold =
      options.getInt("air_weight_threshold", config.airWeightThreshold);
  config.gearPadding = options.getBool("gear_padding");
  config.graphMemoryMaxSize = static_cast<uint64_t>(
      options.getInt("graph_memory_max_size", config.graphMemoryMaxSize));
  config.constantMaxSize = static_cast<uint64_t>(
      options.getInt("constant_max_size", config.constantMaxSize));
  config.optionValues = options.values();
  if (auto text = options.get("updatable_weights")) {
    if (*text == "all") {
      config.variables.allUpdatable = true;
    } else if (!text->empty()) {
      size_t start = 0;
      while (start <= text->size()) {
        size_t end = text->find(',', start);
        config.variables.updatable.push_back(text->substr(
            start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos)
          break;
        start = end + 1;
      }
    }
  }
  config.variables.frozen = options.getBool("frozen_variable");
  config.variables.maxBytes = static_cast<uint64_t>(
      options.getInt("variable_memory_max_size",
                     static_cast<int64_t>(config.variables.maxBytes)));
  if (config.variables.frozen &&
      (config.variables.allUpdatable || !config.variables.updatable.empty())) {
    error = "frozen_variable=true turns variables into constants, which "
            "contradicts updatable_weights; set only one of them";
    return std::nullopt;
  }
  // Debug options (profiling, dumps, debug_dir) are not part of the
  // executable.
  for (auto it = config.optionValues.begin(); it != config.optionValues.end();)
    it = isDebugOption(it->first) ? config.optionValues.erase(it) : ++it;

  PipelineConfig &pipeline = config.pipeline;
  if (auto file = options.get("fusion_switch_file")) {
    error = readFusionSwitchFile(*file, pipeline.fusion);
    if (!error.empty())
      return std::nullopt;
  }
  if (auto soc = options.get("soc_version"))
    pipeline.soc = *soc;
  pipeline.printPrecisionDecisions =
      options.getBool("print_precision_decisions");
  // stream_max_parallel_num: the largest engine count bounds the streams
  // (the registry has validated the text).
  if (auto streams = options.get("stream_max_parallel_num")) {
    pipeline.maxStreams = parseStreamParallel(*streams).value_or(1);
    pipeline.mixed.maxHostStreams =
        parseStreamParallel(*streams, /*hostEngine=*/true).value_or(1);
  }
  pipeline.mixed.enabled = options.getBool("mix_compile_mode");
  pipeline.mixed.inOutPair = options.get("in_out_pair").value_or("");
  pipeline.mixed.inOutPairFlag = options.getBool("in_out_pair_flag");
  pipeline.precision = precisionConfigFromOptions(options);
  pipeline.implMode = options.get("op_select_implmode").value_or("");
  pipeline.formatSelection = options.get("format_selection").value_or("auto");
  pipeline.smallChannel = options.get("enable_small_channel") == "1";
  if (auto types = options.get("optypelist_for_implmode")) {
    std::string list = *types;
    for (size_t start = 0; start <= list.size();) {
      size_t end = std::min(list.find(',', start), list.size());
      pipeline.implModeOpTypes.push_back(list.substr(start, end - start));
      start = end + 1;
    }
  }

  // Operator tuning: the options, else GE's environment variables.
  std::optional<std::string> aoeMode = options.get("aoe_mode");
  if (!aoeMode)
    if (const char *env = std::getenv("AOE_MODE"); env && *env) {
      if (std::string why = checkAoeMode(env); !why.empty()) {
        error = "environment variable AOE_MODE: " + why;
        return std::nullopt;
      }
      aoeMode = env;
    }
  pipeline.aoeMode = aoeMode ? 2 : 0;
  if (auto bank = options.get("op_bank_path"))
    pipeline.opBankPath = *bank;
  else if (const char *env = std::getenv("TUNE_BANK_PATH"); env && *env)
    pipeline.opBankPath = env;
  pipeline.aoeTimeLimit =
      unsigned(options.getInt("aoe_time_limit", pipeline.aoeTimeLimit));
  if (pipeline.aoeMode && pipeline.opBankPath.empty()) {
    error = "aoe_mode=2 needs a directory for the tuned op bank: set "
            "op_bank_path (or the TUNE_BANK_PATH environment variable)";
    return std::nullopt;
  }
  if (auto file = options.get("aoe_config_file")) {
    if (!pipeline.aoeMode) {
      error = "aoe_config_file names the ops aoe_mode tunes: set aoe_mode=2 "
              "(or AOE_MODE=2)";
      return std::nullopt;
    }
    error =
        readAoeConfigFile(*file, pipeline.tuneOpsName, pipeline.tuneOpsType);
    if (!error.empty())
      return std::nullopt;
  }

  std::string kind;
  for (const char *k :
       {"dynamic_dims", "dynamic_batch_size", "dynamic_image_size"})
    if (options.has(k))
      kind = k;
  auto gears = parseGearConfig(kind, kind.empty() ? "" : *options.get(kind),
                               config.inputShapes, config.gearPadding, error);
  if (!gears)
    return std::nullopt;
  pipeline.gears = std::move(*gears);
  return config;
}

} // namespace geflow
