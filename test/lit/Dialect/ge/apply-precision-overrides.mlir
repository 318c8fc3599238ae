// modify_mixlist edits, keep_tensors_dtypes, keep_dtype and customize_dtypes.
// Config paths are relative to the working directory, as GE's are.
// RUN: rm -rf %t && split-file %s %t && cd %t
// RUN: geflow-opt mixlist.mlir --ge-apply-precision | FileCheck mixlist.mlir
// RUN: geflow-opt keep.mlir --ge-apply-precision | FileCheck keep.mlir
// RUN: geflow-opt customize.mlir --ge-apply-precision | FileCheck customize.mlir
// RUN: geflow-opt ignored.mlir --ge-apply-precision 2>&1 | FileCheck ignored.mlir

//--- edits.json
{
  "black-list": {"to-add": ["Relu", "Conv2D"]},
  "white-list": {"to-remove": ["MatMulV2", "Conv2D"], "to-add": ["Tanh"]},
  "gray-list": {"to-add": ["Softmax"]}
}

//--- mixlist.mlir
func.func @g(%x: tensor<1x4x8x8xf32> {ge.name = "x"}, %v: tensor<2x8xf32> {ge.name = "v"})
    -> (tensor<1x8x8x8xf32>, tensor<2x8xf32>)
    attributes {ge.precision_mode = "allow_mix_precision",
                ge.precision_config = {modify_mixlist = "edits.json"}} {
  %w = ge.Const dense<0.25> : tensor<8x4x3x3xf32> loc("w")
  %w2 = ge.Const dense<0.5> : tensor<8x8xf32> loc("w2")
  %c = ge.Conv2D %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32> loc("conv")
  %r = ge.Relu %c : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> loc("relu")
  %t = ge.Tanh %v : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("tanh")
  %s = ge.Softmax %t : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("softmax")
  %m = ge.MatMulV2 %s, %w2 : (tensor<2x8xf32>, tensor<8x8xf32>) -> tensor<2x8xf32> loc("mm")
  %m2 = ge.MatMulV2 %v, %w2 : (tensor<2x8xf32>, tensor<8x8xf32>) -> tensor<2x8xf32> loc("mm_from_input")
  %a = ge.Add %m, %m2 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("add")
  return %r, %a : tensor<1x8x8x8xf32>, tensor<2x8xf32>
}
// Removed from the white list and added to the black list: black (GE 5.1 b).
// CHECK: ge.Conv2D {{.*}}"kept f32: black list (modify_mixlist)"
// CHECK: ge.Relu {{.*}}"kept f32: black list (modify_mixlist)"
// CHECK: ge.Tanh {{.*}}"reduced to f16: white list (modify_mixlist)"
// CHECK: ge.Softmax {{.*}}"reduced to f16: gray list (modify_mixlist), follows Tanh 'tanh'"
// Removed from the white list only: gray (GE 5.1 c), so it follows.
// CHECK: ge.MatMulV2 {{.*}}"reduced to f16: gray list (modify_mixlist), follows Softmax 'softmax'"
// CHECK: ge.MatMulV2 {{.*}}"kept f32: gray list (modify_mixlist), follows input 'v'"
// CHECK: ge.Add {{.*}}"kept f32: gray list, follows MatMulV2 'mm_from_input'"

//--- keep.cfg
# ATC keep_dtype: op names, or OpType:: for every op of a type.
mm2

OpType::Softmax

//--- keep.mlir
func.func @g(%v: tensor<2x8xf32> {ge.name = "v"}) -> tensor<2x8xf32>
    attributes {ge.precision_mode = "force_fp16",
                ge.precision_config = {keep_dtype = "keep.cfg",
                                       keep_tensors_dtypes = ["tanh:0", "v"]}} {
  %w = ge.Const dense<0.5> : tensor<8x8xf32> loc("w")
  %m1 = ge.MatMulV2 %v, %w : (tensor<2x8xf32>, tensor<8x8xf32>) -> tensor<2x8xf32> loc("mm1")
  %m2 = ge.MatMulV2 %m1, %w : (tensor<2x8xf32>, tensor<8x8xf32>) -> tensor<2x8xf32> loc("mm2")
  %t = ge.Tanh %m2 : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("tanh")
  %s = ge.Softmax %t : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("softmax")
  %e = ge.Exp %s : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("exp")
  return %e : tensor<2x8xf32>
}
// The constant is converted for mm1 and kept for mm2.
// CHECK-DAG: %[[W16:.*]] = ge.Const dense<5.000000e-01> : tensor<8x8xf16>
// CHECK-DAG: %[[W32:.*]] = ge.Const dense<5.000000e-01> : tensor<8x8xf32>
// CHECK:     %[[M1:.*]] = ge.MatMulV2 %{{.*}}, %[[W16]] {ge.precision = "reduced to f16: force_fp16"}
// CHECK:     %[[M1F:.*]] = ge.Cast %[[M1]] {dst_type = f32}
// CHECK:     ge.MatMulV2 %[[M1F]], %[[W32]] {ge.precision = "kept f32: keep_dtype"}
// keep_tensors_dtypes takes TensorFlow tensor names ("op:0").
// CHECK:     ge.Tanh {{.*}}"kept f32: keep_tensors_dtypes"
// CHECK:     ge.Softmax {{.*}}"kept f32: keep_dtype"
// CHECK:     ge.Exp {{.*}}"reduced to f16: force_fp16"

//--- dtypes.cfg
# customize_dtypes: by name wins over by type; a list left out is chosen.
OpType::Tanh:InputDtype:bfloat16,OutputDtype:bfloat16
tanh_by_name::InputDtype:float,OutputDtype:float
mm::InputDtype:float16,float16,OutputDtype:float
OpType::Exp:OutputDtype:float16

//--- customize.mlir
func.func @g(%v: tensor<2x8xf32> {ge.name = "v"}) -> (tensor<2x8xf32>, tensor<2x8xf32>)
    attributes {ge.precision_mode = "allow_mix_precision_fp16",
                ge.precision_config = {customize_dtypes = "dtypes.cfg"}} {
  %w = ge.Const dense<0.5> : tensor<8x8xf32> loc("w")
  %m = ge.MatMulV2 %v, %w : (tensor<2x8xf32>, tensor<8x8xf32>) -> tensor<2x8xf32> loc("mm")
  %t1 = ge.Tanh %m : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("tanh_by_type")
  %t2 = ge.Tanh %m : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("tanh_by_name")
  %e = ge.Exp %t2 : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("exp")
  return %t1, %e : tensor<2x8xf32>, tensor<2x8xf32>
}
// CHECK: %[[M:.*]] = ge.MatMulV2 {{.*}}"f16 in, f32 out: customize_dtypes (dtypes.cfg:4), by name"{{.*}} -> tensor<2x8xf32>
// CHECK: %[[MB:.*]] = ge.Cast %[[M]] {dst_type = bf16}
// CHECK: ge.Tanh %[[MB]] {ge.precision = "reduced to bf16: customize_dtypes (dtypes.cfg:2), by op type"}
// CHECK: ge.Tanh %[[M]] {ge.precision = "kept f32: customize_dtypes (dtypes.cfg:3), by name"}
// CHECK: ge.Exp {{.*}}"reduced to f16: customize_dtypes (dtypes.cfg:5), by op type"

//--- ignored.mlir
func.func @g(%v: tensor<2x8xf32> {ge.name = "v"}) -> tensor<2x8xf32>
    attributes {ge.precision_mode = "must_keep_origin_dtype",
                ge.precision_config = {customize_dtypes = "dtypes.cfg",
                                       keep_tensors_dtypes = ["tanh"]}} {
  %t = ge.Tanh %v : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("tanh")
  return %t : tensor<2x8xf32>
}
// GE: customize_dtypes and keep_tensors_dtypes have no effect here.
// CHECK: warning: customize_dtypes, keep_dtype and keep_tensors_dtypes have no effect under must_keep_origin_dtype (GE)
// CHECK: ge.Tanh %arg0 {ge.precision = "kept f32: must_keep_origin_dtype"}
