// GE's precision options become ge.precision_config / ge.precision_mode on
// every graph; a graph's own config stays unless replace-graph-config.
// RUN: geflow-opt %s -ge-attach-precision | FileCheck %s --check-prefix=DEFAULT
// RUN: geflow-opt %s '-ge-attach-precision=soc=ascend910b precision-mode=allow_mix_precision_bf16 precision-mode-v2=mixed_bfloat16 keep-dtype=keep.cfg keep-tensors-dtypes=conv_1,relu_2 replace-graph-config=true' | FileCheck %s --check-prefix=SET

// No option: a graph without config gets the default soc, one with its own
// config and mode keeps them.
// DEFAULT-LABEL: func.func @plain
// DEFAULT-SAME: ge.precision_config = {soc = "host"}
// DEFAULT-NOT: ge.precision_mode
// DEFAULT-LABEL: func.func @own
// DEFAULT-SAME: ge.precision_config = {soc = "ascend310p"}, ge.precision_mode = "force_fp16"

// SET-LABEL: func.func @plain
// SET-SAME: ge.precision_config = {keep_dtype = "keep.cfg", keep_tensors_dtypes = ["conv_1", "relu_2"], precision_mode_v2 = "mixed_bfloat16", soc = "ascend910b"}
// SET-SAME: ge.precision_mode = "allow_mix_precision_bf16"
// SET-LABEL: func.func @own
// SET-SAME: ge.precision_config = {keep_dtype = "keep.cfg", keep_tensors_dtypes = ["conv_1", "relu_2"], precision_mode_v2 = "mixed_bfloat16", soc = "ascend910b"}
// SET-SAME: ge.precision_mode = "allow_mix_precision_bf16"
func.func @plain(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}
func.func @own(%x: tensor<2xf32>) -> tensor<2xf32>
    attributes {ge.precision_config = {soc = "ascend310p"}, ge.precision_mode = "force_fp16"} {
  return %x : tensor<2xf32>
}
