//===- Pipeline.cpp - The compile pipeline --------------------------------===//
#include "geflow/Compiler/Pipeline.h"
#include "lib/Compiler/Transforms/Passes.h"

#include "dialects/ge/Transforms/Passes.h"
#include "dialects/npu/Transforms/Passes.h"
#include "lib/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

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
  // Dtypes are chosen before fusion, so fused chains fuse in their dtype.
  ge::GEApplyPrecisionOptions precision;
  precision.printDecisions = config.printPrecisionDecisions;
  fpm.addPass(ge::createGEApplyPrecision(precision));
  ge::GEFuseEpilogueOptions epilogue;
  epilogue.convBias = fusion.convBiasAdd;
  epilogue.matmulBias = fusion.matmulBiasAdd;
  epilogue.convActivation = fusion.convElemwise;
  epilogue.matmulActivation = fusion.matmulElemwise;
  fpm.addPass(ge::createGEFuseEpilogue(epilogue));
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
  pm.addPass(createConvertGEToNPU(lowering));
  OpPassManager &ppm = pm.nest<npu::ProgramOp>();
  ppm.addPass(npu::createNPUBindOutputs());
  if (config.elideConcat)
    ppm.addPass(npu::createNPUElideConcat());
  npu::NPUAssignStreamsOptions streams;
  streams.maxStreams = config.maxStreams;
  ppm.addPass(npu::createNPUAssignStreams(streams));
  ppm.addPass(npu::createNPUInsertEvents());
  npu::NPUPlanMemoryOptions memory;
  memory.strategy = config.memoryStrategy;
  memory.inPlace = config.inPlace;
  ppm.addPass(npu::createNPUPlanMemory(memory));
  pm.addPass(npu::createNPULayoutWeights());
}

namespace {
struct CompilePipelineOptions : public PassPipelineOptions<CompilePipelineOptions> {
  Option<std::string> soc{*this, "soc", llvm::cl::desc("Soc profile"), llvm::cl::init("host")};
  Option<unsigned> cores{*this, "cores", llvm::cl::desc("AI cores to tile for (0: all)"),
                         llvm::cl::init(0)};
  Option<int64_t> maxStreams{*this, "max-streams",
                             llvm::cl::desc("stream_max_parallel_num"), llvm::cl::init(1)};
  Option<bool> inPlace{*this, "in-place", llvm::cl::desc("In-place elementwise kernels"),
                       llvm::cl::init(true)};
  Option<bool> printPrecision{*this, "print-precision-decisions",
                              llvm::cl::desc("Print ge-apply-precision's decision table"),
                              llvm::cl::init(false)};
};
} // namespace

void registerCompilePipeline() {
  registerCompilerTransformsPasses();
  PassPipelineRegistration<CompilePipelineOptions>(
      "geflow-compile-pipeline",
      "The full geflow compile pipeline: ge graph passes, lowering to npu, "
      "streams, events, memory planning and weight layout",
      [](OpPassManager &pm, const CompilePipelineOptions &o) {
        PipelineConfig config;
        config.soc = o.soc;
        config.cores = o.cores;
        config.maxStreams = o.maxStreams;
        config.inPlace = o.inPlace;
        config.printPrecisionDecisions = o.printPrecision;
        buildCompilePipeline(pm, config);
      });
}

} // namespace geflow
