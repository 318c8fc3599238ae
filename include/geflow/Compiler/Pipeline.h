//===- Pipeline.h - The compile pipeline, the same from every entry point -===//
#ifndef GEFLOW_COMPILER_PIPELINE_H
#define GEFLOW_COMPILER_PIPELINE_H

#include "geflow/Compiler/CompileConfig.h"

#include "mlir/Pass/PassManager.h"

namespace geflow {

/// The graph passes: load external weights, attach the precision and gear
/// options, specialize gears, canonicalize, infer shapes, fold, fuse.
void buildGraphPipeline(mlir::OpPassManager &pm, const PipelineConfig &config);

/// Everything from ge graph to a planned npu task program.
void buildCompilePipeline(mlir::OpPassManager &pm,
                          const PipelineConfig &config);

/// `config` as a geflow-opt `--pass-pipeline` value
/// ("builtin.module(geflow-compile-pipeline{...})", non-default options
/// only), which runs exactly buildCompilePipeline(config).
std::string printCompilePipeline(const PipelineConfig &config);

/// The settings the `geflow-compile-pipeline` options `text` (what is
/// between its braces) give: geflow-opt's one parse of them. Fails, with
/// the reason in `error`, for an unknown option or a bad value.
std::optional<PipelineConfig> parseCompilePipeline(llvm::StringRef text,
                                                   std::string &error);

/// Registers `--geflow-compile-pipeline` (and its options) with the pass
/// registry, for geflow-opt.
void registerCompilePipeline();

} // namespace geflow

#endif
