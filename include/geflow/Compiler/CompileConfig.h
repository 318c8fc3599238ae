//===- CompileConfig.h - A compile's settings, parsed once ------*- C++ -*-===//
//
// The GE options bag (geflow::Options, validated by the registry) is parsed
// once, where a compile enters the compiler, into these typed settings; the
// import, the passes and the pipeline read them and never the strings.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_COMPILER_COMPILECONFIG_H
#define GEFLOW_COMPILER_COMPILECONFIG_H

#include "geflow/Compiler/GraphDumpConfig.h"
#include "geflow/Compiler/Options.h"
#include "geflow/Compiler/ShapeOptions.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace geflow {

/// What ge-attach-precision records on the graphs (GE's precision options;
/// the soc is the pipeline's).
struct PrecisionConfig {
  /// precision_mode, or the mode precision_mode_v2 stands for; unset: a
  /// graph's own ge.precision_mode (or the soc default) applies.
  std::optional<std::string> mode;
  std::string modeV2; // precision_mode_v2 as given ("" unset)
  // Config files ("" unset).
  std::string modifyMixlist, keepDtype, customizeDtypes;
  std::optional<std::vector<std::string>> keepTensorsDtypes;
  /// Replace a graph's own ge.precision_config: set when any precision
  /// option is given (an MLIR graph compiled without them keeps its own).
  bool replaceGraphConfig = false;
};

/// GE's gear options (dynamic_batch_size, dynamic_dims, dynamic_image_size).
struct GearConfig {
  /// The gear option given ("" none): "dynamic_batch_size", "dynamic_dims"
  /// or "dynamic_image_size".
  std::string kind;
  /// As parsed: one vector per gear (dynamic_batch_size: one value each).
  std::vector<std::vector<int64_t>> values;
  /// input_shape, whose -1 dims the gears fix.
  std::optional<std::vector<NamedShape>> inputShapes;
  /// gear_padding: gears are required.
  bool gearPadding = false;
};

/// geflow's fusion rules, all on by default; GE's fusion_switch_file turns
/// them off by name (lib/Compiler/FusionSwitch.cpp has the names).
struct FusionSwitches {
  bool convBatchnorm = true;  // GraphFusion ConvBatchnormFusionPass
  bool convBiasAdd = true;    // GraphFusion ConvBiasAddFusionPass
  bool matmulBiasAdd = true;  // GraphFusion MatMulBiasAddFusionPass
  bool convElemwise = true;   // UBFusion TbeConvElemwiseFusionPass
  bool matmulElemwise = true; // UBFusion TbeMatmulElemwiseFusionPass
  bool eltwise = true;        // UBFusion TbeEltwiseFusionPass
  bool gelu = true;           // GraphFusion GeluFusionPass
  /// The names of the rules switched off.
  std::vector<std::string> disabled() const;
};

/// GE's mixed compute (docs/mixed-compute.md): what ge-place-engines puts
/// on the host CPU engine, and how many host streams there are.
struct MixedComputeConfig {
  bool enabled = false;      // mix_compile_mode
  std::string inOutPair;     // in_out_pair, as given ("" none)
  bool inOutPairFlag = true; // in_out_pair_flag
  /// stream_max_parallel_num's host engine count (DNN_VM_HOST_CPU or
  /// DNN_VM_AICPU; GE's default 1).
  int64_t maxHostStreams = 1;
};

/// Environment variables read at compile time that change the executable
/// (GE's OP_NO_REUSE_MEM); caches keyed by the options must key them too.
inline constexpr const char *kCompileEnvironmentVariables[] = {
    "OP_NO_REUSE_MEM"};

/// Everything the compile pipeline (lib/Compiler/Pipeline.cpp) runs under;
/// `geflow-opt --geflow-compile-pipeline=...` sets every field.
struct PipelineConfig {
  std::string soc = "host";
  unsigned cores = 0;     // 0: the soc's core count
  int64_t maxStreams = 1; // stream_max_parallel_num (GE default 1)
  bool inPlace = true;
  std::string memoryStrategy = "best";
  /// GE's OP_NO_REUSE_MEM environment variable: node names and op types
  /// whose results get arena bytes of their own.
  std::vector<std::string> noReuseOps;
  /// Stop after the ge graph passes (what --emit=mlir prints by default).
  bool stopAfterGraph = false;
  /// ge-apply-precision writes its decision table to stderr.
  bool printPrecisionDecisions = false;
  /// Shape-ranged programs are re-tiled at run time: weights stay unpacked
  /// (a packed layout is tied to the compile-time tiling) and concat inputs
  /// are not placed as slices (their offsets would change with the shapes).
  bool prepackWeights = true;
  bool elideConcat = true;
  FusionSwitches fusion;
  /// op_select_implmode as given ("" unset: each kernel's default, direct
  /// convolution) and optypelist_for_implmode (empty: every op type).
  std::string implMode;
  std::vector<std::string> implModeOpTypes;
  /// format_selection: "auto" (ge-select-formats' cost model), "nchw" (the
  /// pass does not run) or "nc1hwc0" (every conv chain); enable_small_channel.
  std::string formatSelection = "auto";
  bool smallChannel = false;
  /// Operator tuning (docs/tuning.md): aoe_mode (0: off, 2: operator
  /// tuning), the op bank directory ("" none), the ops aoe_config_file
  /// names (both empty: every tunable op) and the time limit in seconds.
  unsigned aoeMode = 0;
  std::string opBankPath;
  std::vector<std::string> tuneOpsName, tuneOpsType;
  unsigned aoeTimeLimit = 600;
  /// What ge-attach-precision and ge-attach-gears record on the graph.
  PrecisionConfig precision;
  GearConfig gears;
  MixedComputeConfig mixed;
};

/// Weight update (GE 5.5): which weights become ge.Variable ops, kept
/// unfolded so that the executable can rewrite them (docs/weight-update.md).
struct VariableConfig {
  /// updatable_weights=all: every float weight of the model.
  bool allUpdatable = false;
  /// updatable_weights=a,b: these weights (by initializer / node name).
  std::vector<std::string> updatable;
  /// frozen_variable: every variable with an initial value becomes a Const.
  bool frozen = false;
  /// variable_memory_max_size: most bytes of all variables together.
  uint64_t maxBytes = 5368709120;
};

/// A whole compile: the import's shapes, the pipeline, the executable.
struct CompileConfig {
  /// input_shape: applied at import (its -1 dims stay unknown or geared).
  std::optional<std::vector<NamedShape>> inputShapes;
  /// input_shape_range: one program for every shape in the range.
  std::optional<std::vector<NamedShapeRange>> shapeRanges;
  /// input_sequence_shape: contents of ONNX sequence/optional inputs.
  std::vector<NamedSequenceShape> sequenceShapes;
  PipelineConfig pipeline;
  /// external_weight: large weights go to files beside the .gfm.
  bool externalWeight = false;
  /// air_weight_threshold: .air export puts every float weight in a file
  /// once they total more than this many bytes.
  int64_t airWeightThreshold = kDefaultAirWeightThreshold;
  /// gear_padding: the executable's gears are checked for padding.
  bool gearPadding = false;
  /// graph_memory_max_size and constant_max_size (lib/Compiler/SizeLimits.h).
  uint64_t graphMemoryMaxSize = 26843545600;
  uint64_t constantMaxSize = uint64_t(1) << 31;
  /// updatable_weights, frozen_variable, variable_memory_max_size.
  VariableConfig variables;
  /// The validated options, recorded in the executable.
  std::map<std::string, std::string> optionValues;
  /// DUMP_GE_GRAPH / DUMP_GRAPH_LEVEL / debug_dir (GraphDump.h).
  GraphDumpConfig graphDump;
};

/// Parses validated GE options into the compile's settings: the one place
/// the options bag is read. Fails, with the reason in `error`, for a bad
/// fusion_switch_file or malformed shape options.
std::optional<CompileConfig> parseCompileConfig(const Options &options,
                                                std::string &error);

/// Parses the gear option `kind` = `text` (kind "" for none). Fails, with
/// the reason in `error`, for malformed text.
std::optional<GearConfig>
parseGearConfig(const std::string &kind, const std::string &text,
                std::optional<std::vector<NamedShape>> inputShapes,
                bool gearPadding, std::string &error);

/// The GE text of parsed settings: "x:-1,3,8,8;m:1,4" and "1,2,4" /
/// "4,8;6,16" (for config.kind), which parse back to the same values.
std::string formatInputShape(const std::vector<NamedShape> &shapes);
std::string formatGearValues(const GearConfig &config);

} // namespace geflow

#endif
