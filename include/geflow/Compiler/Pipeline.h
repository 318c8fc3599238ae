//===- Pipeline.h - The compile pipeline, the same from every entry point -===//
#ifndef GEFLOW_COMPILER_PIPELINE_H
#define GEFLOW_COMPILER_PIPELINE_H

#include "geflow/Compiler/Options.h"

#include "mlir/Pass/PassManager.h"

namespace geflow {

/// geflow's fusion rules, all on by default; GE's fusion_switch_file turns
/// them off by name (lib/Compiler/FusionSwitch.cpp has the names).
struct FusionSwitches {
  bool convBatchnorm = true;  // GraphFusion ConvBatchnormFusionPass
  bool convBiasAdd = true;    // GraphFusion ConvBiasAddFusionPass
  bool matmulBiasAdd = true;  // GraphFusion MatMulBiasAddFusionPass
  bool convElemwise = true;   // UBFusion TbeConvElemwiseFusionPass
  bool matmulElemwise = true; // UBFusion TbeMatmulElemwiseFusionPass
  bool eltwise = true;        // UBFusion TbeEltwiseFusionPass
  /// The names of the rules switched off.
  std::vector<std::string> disabled() const;
};

/// Pipeline settings derived from validated GE options.
struct PipelineConfig {
  std::string soc = "host";
  unsigned cores = 0;       // 0: the soc's core count
  int64_t maxStreams = 1;   // stream_max_parallel_num (GE default 1)
  bool inPlace = true;
  std::string memoryStrategy = "best";
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
};

/// Reads the settings the pipeline needs from `options` (stream counts from
/// stream_max_parallel_num, the soc, the fusion_switch_file...). Fails, with
/// the reason in `error`, only for a bad fusion_switch_file.
std::optional<PipelineConfig> getPipelineConfig(const Options &options, std::string &error);

/// The graph passes: canonicalize, infer shapes, fold.
void buildGraphPipeline(mlir::OpPassManager &pm, const PipelineConfig &config);

/// Everything from ge graph to a planned npu task program.
void buildCompilePipeline(mlir::OpPassManager &pm, const PipelineConfig &config);

/// Registers `--geflow-compile-pipeline` (and its options) with the pass
/// registry, for geflow-opt.
void registerCompilePipeline();

} // namespace geflow

#endif
