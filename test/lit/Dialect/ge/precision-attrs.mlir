// The graph attributes of ge-apply-precision and their verifier.
// RUN: geflow-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// ge-infer-shapes keeps a Cube op's widened f32 result:
// RUN: geflow-opt %s -split-input-file -ge-infer-shapes -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @config
// CHECK-SAME: ge.precision_config = {customize_dtypes = "c.cfg", keep_dtype = "k.cfg", keep_tensors_dtypes = ["a", "b:0"], modify_mixlist = "m.json", precision_mode_v2 = "mixed_float16", soc = "Ascend310P3"}
// CHECK: ge.Relu %arg0 {ge.precision = "kept f32: black list"}
func.func @config(%x: tensor<4xf32>) -> tensor<4xf32>
    attributes {ge.precision_config = {soc = "Ascend310P3", precision_mode_v2 = "mixed_float16",
                                       modify_mixlist = "m.json", keep_dtype = "k.cfg",
                                       customize_dtypes = "c.cfg", keep_tensors_dtypes = ["a", "b:0"]}} {
  %0 = ge.Relu %x {ge.precision = "kept f32: black list"} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A module may carry the config for all its graphs.
// CHECK: module attributes {ge.precision_config = {soc = "host"}}
module attributes {ge.precision_config = {soc = "host"}} {}

// -----

// expected-error @+1 {{'ge.precision_config' has unknown entry 'mixlist', expected soc, precision_mode_v2, modify_mixlist, keep_dtype, customize_dtypes or keep_tensors_dtypes}}
func.func @unknown_entry() attributes {ge.precision_config = {mixlist = "m.json"}} {
  return
}

// -----

// expected-error @+1 {{'ge.precision_config' entry 'soc' must be a string}}
func.func @not_string() attributes {ge.precision_config = {soc = 3}} {
  return
}

// -----

// expected-error @+1 {{'ge.precision_config' entry 'precision_mode_v2' is 'mixed', expected one of: fp16, origin, cube_fp16in_fp32out, mixed_float16, mixed_bfloat16}}
func.func @bad_v2() attributes {ge.precision_config = {precision_mode_v2 = "mixed"}} {
  return
}

// -----

// expected-error @+1 {{'ge.precision_config' entry 'keep_tensors_dtypes' must be an array of strings}}
func.func @bad_keep() attributes {ge.precision_config = {keep_tensors_dtypes = "a,b"}} {
  return
}

// -----

// expected-error @+1 {{'ge.precision_config' must be a dictionary on a graph (func.func) or module}}
func.func @not_dict() attributes {ge.precision_config = "host"} {
  return
}

// -----

func.func @precision_not_string(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'ge.precision' must be a string}}
  %0 = ge.Relu %x {ge.precision = 1 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Cube ops may declare an f32 result for f16 operands (cube_fp16in_fp32out);
// other ops may not widen.
// CHECK-LABEL: func.func @cube_widens
// CHECK: ge.MatMulV2 %arg0, %arg1, %arg2 : (tensor<2x4xf16>, tensor<4x3xf16>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK: ge.Conv2D %arg3, %arg4 : (tensor<1x2x4x4xbf16>, tensor<3x2x1x1xbf16>) -> tensor<1x3x4x4xf32>
func.func @cube_widens(%a: tensor<2x4xf16>, %b: tensor<4x3xf16>, %bias: tensor<3xf32>,
                       %x: tensor<1x2x4x4xbf16>, %w: tensor<3x2x1x1xbf16>) {
  %0 = ge.MatMulV2 %a, %b, %bias : (tensor<2x4xf16>, tensor<4x3xf16>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = ge.Conv2D %x, %w : (tensor<1x2x4x4xbf16>, tensor<3x2x1x1xbf16>) -> tensor<1x3x4x4xf32>
  return
}

// -----

func.func @cube_narrows(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) {
  // expected-error @+2 {{'ge.MatMulV2' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf16>'}}
  // expected-error @+1 {{'ge.MatMulV2' op failed to infer returned types}}
  %0 = ge.MatMulV2 %a, %b : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf16>
  return
}

// -----

func.func @vector_no_widen(%a: tensor<4xf16>) {
  // expected-error @+1 {{'ge.Relu' op requires the same element type for all operands and results}}
  %0 = ge.Relu %a : (tensor<4xf16>) -> tensor<4xf32>
  return
}
