//===- Passes.td - Compiler passes applying GE's options -----*- tablegen -*-===//
#ifndef GEFLOW_COMPILER_PASSES
#define GEFLOW_COMPILER_PASSES

include "mlir/Pass/PassBase.td"

def GELoadFileConstants : Pass<"ge-load-file-constants", "mlir::ModuleOp"> {
  let summary = "Load external weights (ge.FileConstant) into ge.Const";
  let description = [{
    Replaces every `ge.FileConstant` by a `ge.Const` holding the bytes of its
    file, so that the executable carries its weights as ATC's .om does. Paths
    are relative to the module attribute `ge.model_dir` (the model's
    directory, recorded when a model file is imported) and may not leave it.

    Errors name the op: no `ge.model_dir` (a graph not compiled from its
    file), a file that cannot be read, or one too short for the tensor at
    its offset.
  }];
  let dependentDialects = ["::geflow::ge::GEDialect"];
}

def GEAttachPrecision : Pass<"ge-attach-precision", "mlir::ModuleOp"> {
  let summary = "Record GE's precision options on the graphs for ge-apply-precision";
  let description = [{
    Sets `ge.precision_config` (the soc, `precision_mode_v2` and the config
    files / tensor names that make exceptions) and, when a mode is given,
    `ge.precision_mode` on every graph function; `ge-apply-precision` reads
    them. A graph's own `ge.precision_config` (an MLIR input) stays unless
    `replace-graph-config` is set (the compiler sets it when any precision
    option is given); its own `ge.precision_mode` stays unless a mode is
    given.
  }];
  let options = [
    Option<"soc", "soc", "std::string", /*default=*/"\"host\"",
           "soc_version the op-info library is read for">,
    Option<"mode", "precision-mode", "std::string", /*default=*/"",
           "precision_mode (or the mode precision_mode_v2 stands for); empty: "
           "leave the graph's">,
    Option<"modeV2", "precision-mode-v2", "std::string", /*default=*/"",
           "precision_mode_v2 as given, recorded for messages">,
    Option<"modifyMixlist", "modify-mixlist", "std::string", /*default=*/"",
           "modify_mixlist file">,
    Option<"keepDtype", "keep-dtype", "std::string", /*default=*/"",
           "keep_dtype file">,
    Option<"customizeDtypes", "customize-dtypes", "std::string", /*default=*/"",
           "customize_dtypes file">,
    ListOption<"keepTensorsDtypes", "keep-tensors-dtypes", "std::string",
               "keep_tensors_dtypes: tensor names keeping their dtype">,
    Option<"replaceGraphConfig", "replace-graph-config", "bool", /*default=*/"false",
           "Replace a graph's own ge.precision_config">
  ];
  let dependentDialects = ["::geflow::ge::GEDialect"];
}

def GEAttachGears : Pass<"ge-attach-gears", "mlir::ModuleOp"> {
  let summary = "Turn GE's gear options into the graph's ge.gears table";
  let description = [{
    Validates `dynamic_batch_size`, `dynamic_dims` or `dynamic_image_size`
    against `input_shape` and the graph's inputs, and records the gear
    table on the graph as `ge.gears` (one value per -1 dim of input_shape,
    inputs in graph order, dims in order), which `ge-specialize-gears`
    expands. Options take GE's syntax, e.g.
    `input-shape=x:-1,3,224,224 dynamic-batch-size=1,2,4`.

    Errors: not exactly one graph, no input_shape, an input missing from it
    or a name that is no input, no -1 dim, a batch gear on a non-batch dim,
    a gear whose value count differs from the -1 dims, and gear_padding
    without gears. Without gear options the pass only does that last check.
  }];
  let options = [
    Option<"inputShape", "input-shape", "std::string", /*default=*/"",
           "input_shape, with -1 marking the geared dims">,
    Option<"dynamicBatchSize", "dynamic-batch-size", "std::string", /*default=*/"",
           "dynamic_batch_size: batch sizes, e.g. 1,2,4">,
    Option<"dynamicDims", "dynamic-dims", "std::string", /*default=*/"",
           "dynamic_dims: one value per -1 dim per gear, e.g. 1,32;2,64">,
    Option<"dynamicImageSize", "dynamic-image-size", "std::string", /*default=*/"",
           "dynamic_image_size: H,W per gear, e.g. 224,224;448,448">,
    Option<"gearPadding", "gear-padding", "bool", /*default=*/"false",
           "gear_padding (needs gears)">
  ];
  let dependentDialects = ["::geflow::ge::GEDialect"];
}

#endif
