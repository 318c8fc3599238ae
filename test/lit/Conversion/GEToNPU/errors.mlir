// RUN: geflow-opt %s -convert-ge-to-npu -split-input-file -verify-diagnostics
// RUN: not geflow-opt %s -convert-ge-to-npu -split-input-file 2>&1 | FileCheck %s --check-prefix=LIST

// Every op without a kernel is listed once, with its node names.
// LIST: error: no kernel for 2 op type(s):
// LIST-NEXT: ge.Variable (var_a, var_b)
// LIST-NEXT: ge.Assign (assign_0)
// expected-error @+1 {{no kernel for 2 op type(s):}}
func.func @unsupported(%x: tensor<4xf32>) -> tensor<4xf32> {
  %v = ge.Variable "state" : tensor<4xf32> loc("var_a")
  %w = ge.Variable "other" : tensor<4xf32> loc("var_b")
  %a = ge.Assign "state", %x : tensor<4xf32> loc("assign_0")
  %s = ge.Add %v, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

// expected-error @+1 {{input 'tokens' has an unknown dim 1 (shape 'tensor<1x?xi64>'); fix it with --input_shape (e.g. tokens:...)}}
func.func @dynamic(%x: tensor<1x?xi64> {ge.name = "tokens"}) -> tensor<1x?xi64> {
  return %x : tensor<1x?xi64>
}

// -----

// Unknown dims beyond the batch: the gears hint is dynamic_dims, one value
// per unknown dim of all inputs.
// expected-error @+1 {{compiled gears: --input_shape="tokens:1,-1;mask:1,-1" --dynamic_dims="1,1;8,8"}}
func.func @dynamic2(%x: tensor<1x?xi64> {ge.name = "tokens"}, %m: tensor<1x?xi64> {ge.name = "mask"}) -> tensor<1x?xi64> {
  return %x : tensor<1x?xi64>
}

// -----

func.func @nhwc(%x: tensor<1x8x8x3xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x6x6x4xf32> {
  // expected-error @+1 {{ge.Conv2D: data_format "NHWC" has no kernel yet (only NCHW); transpose the input}}
  %0 = ge.Conv2D %x, %w {data_format = "NHWC"} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>) -> tensor<1x6x6x4xf32>
  return %0 : tensor<1x6x6x4xf32>
}
