//===- Pipeline.cpp - The compile pipeline --------------------------------===//
#include "geflow/Compiler/Pipeline.h"
#include "lib/Compiler/Transforms/Passes.h"

#include "dialects/ge/Transforms/Passes.h"
#include "dialects/npu/Transforms/Passes.h"
#include "geflow/SocInfo/PrecisionMode.h"
#include "lib/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>

using namespace mlir;

namespace geflow {

void buildGraphPipeline(OpPassManager &pm, const PipelineConfig &config) {
  pm.addPass(createGELoadFileConstants());
  pm.addPass(createGEAttachPrecision(config.precision, config.soc));
  pm.addPass(createGEAttachGears(config.gears));
  pm.addPass(ge::createGESpecializeGears());
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  fpm.addPass(createCanonicalizerPass());
  fpm.addPass(ge::createGEInferShapes());
  fpm.addPass(createCanonicalizerPass());
  fpm.addPass(createCSEPass());
  const FusionSwitches &fusion = config.fusion;
  if (fusion.convBatchnorm)
    fpm.addPass(ge::createGEFoldBatchNorm());
  // Before precision decisions, so that Gelu gets one decision for the
  // whole formula.
  if (fusion.gelu)
    fpm.addPass(ge::createGEFuseGelu());
  // Dtypes are chosen before fusion, so fused chains fuse in their dtype.
  ge::GEApplyPrecisionOptions precision;
  precision.printDecisions = config.printPrecisionDecisions;
  fpm.addPass(ge::createGEApplyPrecision(precision));
  // Placed once dtypes are final (the op-info check judges them) and before
  // fusion, which names the ops in_out_pair names and never merges ops of
  // two engines.
  if (config.mixed.enabled || !config.mixed.inOutPair.empty()) {
    ge::GEPlaceEnginesOptions place;
    place.mixCompileMode = config.mixed.enabled;
    place.inOutPair = config.mixed.inOutPair;
    place.inOutPairFlag = config.mixed.inOutPairFlag;
    place.soc = config.soc;
    fpm.addPass(ge::createGEPlaceEngines(place));
  }
  ge::GEFuseEpilogueOptions epilogue;
  epilogue.convBias = fusion.convBiasAdd;
  epilogue.matmulBias = fusion.matmulBiasAdd;
  epilogue.convActivation = fusion.convElemwise;
  epilogue.matmulActivation = fusion.matmulElemwise;
  epilogue.convResidual = fusion.convElemwise;
  fpm.addPass(ge::createGEFuseEpilogue(epilogue));
  // Formats after the graph fusions (biases and activations are in the
  // conv epilogues) and before UB fusion, which then groups per format.
  if (config.formatSelection != "nchw") {
    ge::GESelectFormatsOptions formats;
    formats.mode = config.formatSelection;
    formats.smallChannel = config.smallChannel;
    fpm.addPass(ge::createGESelectFormats(formats));
  }
  if (fusion.eltwise)
    fpm.addPass(ge::createGEFuseElementwise());
}

void buildCompilePipeline(OpPassManager &pm, const PipelineConfig &config) {
  buildGraphPipeline(pm, config);
  if (config.stopAfterGraph)
    return;
  ConvertGEToNPUOptions lowering;
  lowering.soc = config.soc;
  lowering.cores = config.cores;
  lowering.prepack = config.prepackWeights;
  lowering.implMode = config.implMode;
  lowering.implModeOpTypes.assign(config.implModeOpTypes.begin(),
                                  config.implModeOpTypes.end());
  lowering.aoeMode = config.aoeMode;
  lowering.opBankPath = config.opBankPath;
  lowering.tuneOpsName.assign(config.tuneOpsName.begin(),
                              config.tuneOpsName.end());
  lowering.tuneOpsType.assign(config.tuneOpsType.begin(),
                              config.tuneOpsType.end());
  lowering.aoeTimeLimit = config.aoeTimeLimit;
  pm.addPass(createConvertGEToNPU(lowering));
  OpPassManager &ppm = pm.nest<npu::ProgramOp>();
  ppm.addPass(npu::createNPUInsertEngineCopies());
  ppm.addPass(npu::createNPUBindOutputs());
  if (config.elideConcat)
    ppm.addPass(npu::createNPUElideConcat());
  npu::NPUAssignStreamsOptions streams;
  streams.maxStreams = config.maxStreams;
  streams.maxHostStreams = config.mixed.maxHostStreams;
  ppm.addPass(npu::createNPUAssignStreams(streams));
  ppm.addPass(npu::createNPUInsertEvents());
  npu::NPUPlanMemoryOptions memory;
  memory.strategy = config.memoryStrategy;
  memory.inPlace = config.inPlace;
  memory.noReuse.assign(config.noReuseOps.begin(), config.noReuseOps.end());
  ppm.addPass(npu::createNPUPlanMemory(memory));
  pm.addPass(npu::createNPULayoutWeights());
}

namespace {

/// Every field of PipelineConfig, as options of `geflow-compile-pipeline`.
/// GE-syntax values (input-shape, gears) are parsed once, into the config.
struct CompilePipelineOptions
    : public PassPipelineOptions<CompilePipelineOptions> {
  // Target and scheduling.
  Option<std::string> soc{*this, "soc", llvm::cl::desc("soc_version"),
                          llvm::cl::init("host")};
  Option<unsigned> cores{*this, "cores",
                         llvm::cl::desc("AI cores to tile for (0: all)"),
                         llvm::cl::init(0)};
  Option<int64_t> maxStreams{
      *this, "max-streams",
      llvm::cl::desc("stream_max_parallel_num (largest engine count)"),
      llvm::cl::init(1)};
  Option<bool> inPlace{*this, "in-place",
                       llvm::cl::desc("In-place elementwise kernels"),
                       llvm::cl::init(true)};
  Option<std::string> memoryStrategy{*this, "memory-strategy",
                                     llvm::cl::desc("npu-plan-memory strategy"),
                                     llvm::cl::init("best")};
  ListOption<std::string> noReuseMem{
      *this, "no-reuse-mem",
      llvm::cl::desc("OP_NO_REUSE_MEM: node names or op types whose "
                     "buffers are not shared")};
  Option<bool> prepackWeights{
      *this, "prepack-weights",
      llvm::cl::desc("Pre-pack constant weights for their kernels"),
      llvm::cl::init(true)};
  Option<bool> elideConcat{
      *this, "elide-concat",
      llvm::cl::desc("Place concat inputs as slices of its output"),
      llvm::cl::init(true)};
  // Mixed compute.
  Option<bool> mixCompileMode{*this, "mix-compile-mode",
                              llvm::cl::desc("mix_compile_mode"),
                              llvm::cl::init(false)};
  Option<std::string> inOutPair{*this, "in-out-pair",
                                llvm::cl::desc("in_out_pair")};
  Option<bool> inOutPairFlag{*this, "in-out-pair-flag",
                             llvm::cl::desc("in_out_pair_flag"),
                             llvm::cl::init(true)};
  Option<int64_t> maxHostStreams{
      *this, "max-host-streams",
      llvm::cl::desc("stream_max_parallel_num's host engine count"),
      llvm::cl::init(1)};
  Option<bool> stopAfterGraph{*this, "stop-after-graph",
                              llvm::cl::desc("Run the ge graph passes only"),
                              llvm::cl::init(false)};
  // Precision.
  Option<std::string> precisionMode{*this, "precision-mode",
                                    llvm::cl::desc("precision_mode")};
  Option<std::string> precisionModeV2{
      *this, "precision-mode-v2",
      llvm::cl::desc("precision_mode_v2 (gives the mode)")};
  Option<std::string> modifyMixlist{*this, "modify-mixlist",
                                    llvm::cl::desc("modify_mixlist")};
  Option<std::string> keepDtype{*this, "keep-dtype",
                                llvm::cl::desc("keep_dtype")};
  Option<std::string> customizeDtypes{*this, "customize-dtypes",
                                      llvm::cl::desc("customize_dtypes")};
  ListOption<std::string> keepTensorsDtypes{
      *this, "keep-tensors-dtypes", llvm::cl::desc("keep_tensors_dtypes")};
  Option<bool> replacePrecisionConfig{
      *this, "replace-precision-config",
      llvm::cl::desc("Replace a graph's own ge.precision_config "
                     "(geflow-compile sets it when "
                     "any precision option is given)"),
      llvm::cl::init(false)};
  Option<std::string> implMode{*this, "impl-mode",
                               llvm::cl::desc("op_select_implmode")};
  ListOption<std::string> implModeOpTypes{
      *this, "impl-mode-op-types", llvm::cl::desc("optypelist_for_implmode")};
  Option<unsigned> aoeMode{*this, "aoe-mode", llvm::cl::desc("aoe_mode"),
                           llvm::cl::init(0)};
  Option<std::string> opBankPath{*this, "op-bank-path",
                                 llvm::cl::desc("op_bank_path")};
  ListOption<std::string> tuneOpsName{
      *this, "tune-ops-name", llvm::cl::desc("aoe_config_file tune_ops_name")};
  ListOption<std::string> tuneOpsType{
      *this, "tune-ops-type", llvm::cl::desc("aoe_config_file tune_ops_type")};
  Option<unsigned> aoeTimeLimit{*this, "aoe-time-limit",
                                llvm::cl::desc("aoe_time_limit"),
                                llvm::cl::init(600)};
  Option<bool> printPrecision{
      *this, "print-precision-decisions",
      llvm::cl::desc("Print ge-apply-precision's decision table"),
      llvm::cl::init(false)};
  // Gears.
  Option<std::string> inputShape{
      *this, "input-shape",
      llvm::cl::desc("input_shape (-1 marks geared dims)")};
  Option<std::string> dynamicBatchSize{*this, "dynamic-batch-size",
                                       llvm::cl::desc("dynamic_batch_size")};
  Option<std::string> dynamicDims{*this, "dynamic-dims",
                                  llvm::cl::desc("dynamic_dims")};
  Option<std::string> dynamicImageSize{*this, "dynamic-image-size",
                                       llvm::cl::desc("dynamic_image_size")};
  Option<bool> gearPadding{*this, "gear-padding",
                           llvm::cl::desc("gear_padding"),
                           llvm::cl::init(false)};
  // Fusion rules (fusion_switch_file).
  Option<bool> convBatchnorm{*this, "conv-batchnorm-fusion",
                             llvm::cl::desc("ConvBatchnormFusionPass"),
                             llvm::cl::init(true)};
  Option<bool> convBiasAdd{*this, "conv-bias-add-fusion",
                           llvm::cl::desc("ConvBiasAddFusionPass"),
                           llvm::cl::init(true)};
  Option<bool> matmulBiasAdd{*this, "matmul-bias-add-fusion",
                             llvm::cl::desc("MatMulBiasAddFusionPass"),
                             llvm::cl::init(true)};
  Option<bool> gelu{*this, "gelu-fusion", llvm::cl::desc("GeluFusionPass"),
                    llvm::cl::init(true)};
  Option<bool> convElemwise{*this, "conv-elemwise-fusion",
                            llvm::cl::desc("TbeConvElemwiseFusionPass"),
                            llvm::cl::init(true)};
  Option<bool> matmulElemwise{*this, "matmul-elemwise-fusion",
                              llvm::cl::desc("TbeMatmulElemwiseFusionPass"),
                              llvm::cl::init(true)};
  Option<bool> eltwise{*this, "eltwise-fusion",
                       llvm::cl::desc("TbeEltwiseFusionPass"),
                       llvm::cl::init(true)};
  // Formats.
  Option<std::string> formatSelection{
      *this, "format-selection",
      llvm::cl::desc("format_selection: auto, nchw or nc1hwc0"),
      llvm::cl::init("auto")};
  Option<bool> smallChannel{*this, "small-channel",
                            llvm::cl::desc("enable_small_channel"),
                            llvm::cl::init(false)};
};

/// The options to a config: geflow-opt's one parse of them.
std::optional<PipelineConfig> toConfig(const CompilePipelineOptions &o,
                                       std::string &error) {
  PipelineConfig c;
  c.soc = o.soc;
  c.cores = o.cores;
  c.maxStreams = o.maxStreams;
  c.inPlace = o.inPlace;
  c.memoryStrategy = o.memoryStrategy;
  c.noReuseOps.assign(o.noReuseMem.begin(), o.noReuseMem.end());
  c.prepackWeights = o.prepackWeights;
  c.elideConcat = o.elideConcat;
  c.stopAfterGraph = o.stopAfterGraph;
  c.printPrecisionDecisions = o.printPrecision;
  c.mixed.enabled = o.mixCompileMode;
  c.mixed.inOutPair = o.inOutPair;
  c.mixed.inOutPairFlag = o.inOutPairFlag;
  c.mixed.maxHostStreams = o.maxHostStreams;

  PrecisionConfig &p = c.precision;
  if (!o.precisionMode.empty() && !o.precisionModeV2.empty()) {
    error = "precision-mode and precision-mode-v2 cannot be used together";
    return std::nullopt;
  }
  if (!o.precisionMode.empty())
    p.mode = o.precisionMode;
  if (!o.precisionModeV2.empty()) {
    std::optional<StringRef> mode =
        ge::precision::precisionModeOfV2(o.precisionModeV2);
    if (!mode) {
      error = "precision-mode-v2: unknown value '" + o.precisionModeV2 + "'";
      return std::nullopt;
    }
    p.modeV2 = o.precisionModeV2;
    p.mode = mode->str();
  }
  p.modifyMixlist = o.modifyMixlist;
  p.keepDtype = o.keepDtype;
  p.customizeDtypes = o.customizeDtypes;
  if (!o.keepTensorsDtypes.empty())
    p.keepTensorsDtypes = std::vector<std::string>(o.keepTensorsDtypes.begin(),
                                                   o.keepTensorsDtypes.end());
  p.replaceGraphConfig = o.replacePrecisionConfig;
  c.implMode = o.implMode;
  c.implModeOpTypes.assign(o.implModeOpTypes.begin(), o.implModeOpTypes.end());
  c.aoeMode = o.aoeMode;
  c.opBankPath = o.opBankPath;
  c.tuneOpsName.assign(o.tuneOpsName.begin(), o.tuneOpsName.end());
  c.tuneOpsType.assign(o.tuneOpsType.begin(), o.tuneOpsType.end());
  c.aoeTimeLimit = o.aoeTimeLimit;

  std::optional<std::vector<NamedShape>> shapes;
  if (!o.inputShape.empty()) {
    shapes = parseInputShape(o.inputShape, &error);
    if (!shapes) {
      error = "input-shape: " + error;
      return std::nullopt;
    }
  }
  std::string kind, text;
  for (auto [name, value] : {std::pair<const char *, const std::string &>{
                                 "dynamic_dims", o.dynamicDims},
                             {"dynamic_batch_size", o.dynamicBatchSize},
                             {"dynamic_image_size", o.dynamicImageSize}})
    if (!value.empty()) {
      if (!kind.empty()) {
        error = "only one of dynamic-dims, dynamic-batch-size and "
                "dynamic-image-size";
        return std::nullopt;
      }
      kind = name;
      text = value;
    }
  auto gears =
      parseGearConfig(kind, text, std::move(shapes), o.gearPadding, error);
  if (!gears)
    return std::nullopt;
  c.gears = std::move(*gears);

  FusionSwitches &f = c.fusion;
  f.convBatchnorm = o.convBatchnorm;
  f.convBiasAdd = o.convBiasAdd;
  f.matmulBiasAdd = o.matmulBiasAdd;
  f.gelu = o.gelu;
  f.convElemwise = o.convElemwise;
  f.matmulElemwise = o.matmulElemwise;
  f.eltwise = o.eltwise;
  if (o.formatSelection != "auto" && o.formatSelection != "nchw" &&
      o.formatSelection != "nc1hwc0") {
    error = "format-selection: '" + o.formatSelection +
            "' is not auto, nchw or nc1hwc0";
    return std::nullopt;
  }
  c.formatSelection = o.formatSelection;
  c.smallChannel = o.smallChannel;
  return c;
}

} // namespace

std::optional<PipelineConfig> parseCompilePipeline(StringRef text,
                                                   std::string &error) {
  CompilePipelineOptions options;
  // The option parser's own words (an unknown option...) go to the error.
  std::string parseErrors;
  llvm::raw_string_ostream os(parseErrors);
  if (failed(options.parseFromString(text, os))) {
    error = "cannot parse '" + text.str() + "'";
    if (!parseErrors.empty())
      error += ": " + StringRef(parseErrors).trim().str();
    return std::nullopt;
  }
  return toConfig(options, error);
}

std::string printCompilePipeline(const PipelineConfig &config) {
  std::string text;
  llvm::raw_string_ostream os(text);
  const PipelineConfig defaults;
  auto str = [&](StringRef name, const std::string &value,
                 const std::string &dflt = "") {
    if (value == dflt)
      return;
    os << " " << name << "=";
    mlir::detail::pass_options::printOptionValue<llvm::cl::parser<std::string>>(
        os, value);
  };
  auto flag = [&](StringRef name, bool value, bool dflt) {
    if (value != dflt)
      os << " " << name << "=" << (value ? "true" : "false");
  };
  auto num = [&](StringRef name, int64_t value, int64_t dflt) {
    if (value != dflt)
      os << " " << name << "=" << value;
  };
  str("soc", config.soc, defaults.soc);
  num("cores", config.cores, defaults.cores);
  num("max-streams", config.maxStreams, defaults.maxStreams);
  flag("in-place", config.inPlace, defaults.inPlace);
  str("memory-strategy", config.memoryStrategy, defaults.memoryStrategy);
  if (!config.noReuseOps.empty())
    os << " no-reuse-mem=" << llvm::join(config.noReuseOps, ",");
  flag("prepack-weights", config.prepackWeights, defaults.prepackWeights);
  flag("elide-concat", config.elideConcat, defaults.elideConcat);
  flag("stop-after-graph", config.stopAfterGraph, defaults.stopAfterGraph);
  flag("mix-compile-mode", config.mixed.enabled, false);
  str("in-out-pair", config.mixed.inOutPair);
  flag("in-out-pair-flag", config.mixed.inOutPairFlag, true);
  num("max-host-streams", config.mixed.maxHostStreams, 1);

  const PrecisionConfig &p = config.precision;
  if (!p.modeV2.empty())
    str("precision-mode-v2", p.modeV2);
  else
    str("precision-mode", p.mode.value_or(""));
  str("modify-mixlist", p.modifyMixlist);
  str("keep-dtype", p.keepDtype);
  str("customize-dtypes", p.customizeDtypes);
  if (p.keepTensorsDtypes && !p.keepTensorsDtypes->empty())
    os << " keep-tensors-dtypes=" << llvm::join(*p.keepTensorsDtypes, ",");
  flag("replace-precision-config", p.replaceGraphConfig, false);
  flag("print-precision-decisions", config.printPrecisionDecisions,
       defaults.printPrecisionDecisions);
  str("impl-mode", config.implMode, defaults.implMode);
  if (!config.implModeOpTypes.empty())
    os << " impl-mode-op-types=" << llvm::join(config.implModeOpTypes, ",");
  num("aoe-mode", config.aoeMode, defaults.aoeMode);
  str("op-bank-path", config.opBankPath, defaults.opBankPath);
  if (!config.tuneOpsName.empty())
    os << " tune-ops-name=" << llvm::join(config.tuneOpsName, ",");
  if (!config.tuneOpsType.empty())
    os << " tune-ops-type=" << llvm::join(config.tuneOpsType, ",");
  num("aoe-time-limit", config.aoeTimeLimit, defaults.aoeTimeLimit);

  const GearConfig &g = config.gears;
  if (g.inputShapes)
    str("input-shape", formatInputShape(*g.inputShapes));
  if (!g.kind.empty()) {
    std::string name = g.kind;
    std::replace(name.begin(), name.end(), '_', '-');
    str(name, formatGearValues(g));
  }
  flag("gear-padding", g.gearPadding, false);

  const FusionSwitches &f = config.fusion;
  flag("conv-batchnorm-fusion", f.convBatchnorm, true);
  flag("conv-bias-add-fusion", f.convBiasAdd, true);
  flag("matmul-bias-add-fusion", f.matmulBiasAdd, true);
  flag("gelu-fusion", f.gelu, true);
  flag("conv-elemwise-fusion", f.convElemwise, true);
  flag("matmul-elemwise-fusion", f.matmulElemwise, true);
  flag("eltwise-fusion", f.eltwise, true);
  str("format-selection", config.formatSelection, defaults.formatSelection);
  flag("small-channel", config.smallChannel, defaults.smallChannel);
  if (text.empty())
    return "builtin.module(geflow-compile-pipeline)";
  return "builtin.module(geflow-compile-pipeline{" + text.substr(1) + "})";
}

void registerCompilePipeline() {
  registerCompilerTransformsPasses();
  registerPassPipeline(
      "geflow-compile-pipeline",
      "The full geflow compile pipeline, as geflow-compile runs it: GE "
      "options attached to the graph, ge graph passes, lowering to npu, "
      "streams, events, memory planning and weight layout "
      "(geflow-compile --print-pipeline prints the options of a compile)",
      [](OpPassManager &pm, StringRef text,
         function_ref<LogicalResult(const Twine &)> errorHandler)
          -> LogicalResult {
        std::string error;
        std::optional<PipelineConfig> config =
            parseCompilePipeline(text, error);
        if (!config)
          return errorHandler("geflow-compile-pipeline: " + error);
        buildCompilePipeline(pm, *config);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> optHandler) {
        optHandler(CompilePipelineOptions());
      });
}

} // namespace geflow
