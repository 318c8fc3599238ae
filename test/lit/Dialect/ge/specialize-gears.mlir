// RUN: geflow-opt %s -split-input-file -ge-specialize-gears -verify-diagnostics | FileCheck %s
// RUN: geflow-opt %s -split-input-file --geflow-compile-pipeline=cores=2 -verify-diagnostics | FileCheck %s --check-prefix=PIPE

// Batch gears 1, 2, 4 for one unknown dim: three static clones; shapes
// downstream are inferred per gear and the weight is stored once.
// CHECK-LABEL: func.func @cnn_gear0(%arg0: tensor<1x3x8x8xf32> {ge.name = "x"}) -> tensor<?x4x8x8xf32>
// CHECK-SAME: ge.gear = array<i64: 1>, ge.gear_index = 0 : i64
// CHECK-LABEL: func.func @cnn_gear1(%arg0: tensor<2x3x8x8xf32> {ge.name = "x"})
// CHECK-LABEL: func.func @cnn_gear2(%arg0: tensor<4x3x8x8xf32> {ge.name = "x"})
// CHECK-NOT: func.func @cnn(
// PIPE-LABEL: npu.program @cnn_gear0(%arg0: tensor<1x3x8x8xf32> {ge.name = "x"}) -> tensor<1x4x8x8xf32>
// PIPE-SAME: weights_size = [[W:[0-9]+]]
// PIPE-LABEL: npu.program @cnn_gear1(%arg0: tensor<2x3x8x8xf32> {ge.name = "x"}) -> tensor<2x4x8x8xf32>
// PIPE-SAME: weights_size = [[W]]
// PIPE-LABEL: npu.program @cnn_gear2(%arg0: tensor<4x3x8x8xf32> {ge.name = "x"}) -> tensor<4x4x8x8xf32>
func.func @cnn(%x: tensor<?x3x8x8xf32> {ge.name = "x"}) -> tensor<?x4x8x8xf32>
    attributes {ge.gears = [array<i64: 1>, array<i64: 2>, array<i64: 4>]} {
  %w = ge.Const dense<0.5> : tensor<4x3x3x3xf32>
  %0 = ge.Conv2D %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x4x8x8xf32>
  %1 = ge.Relu %0 : (tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  return %1 : tensor<?x4x8x8xf32>
}

// -----

// Two unknown dims across two inputs: values go in input order, dim order.
// CHECK-LABEL: func.func @seq_gear0(%arg0: tensor<1x32xf32>, %arg1: tensor<32x5xf32>)
// CHECK-LABEL: func.func @seq_gear1(%arg0: tensor<2x64xf32>, %arg1: tensor<64x5xf32>)
func.func @seq(%a: tensor<?x?xf32>, %b: tensor<?x5xf32>) -> tensor<?x5xf32>
    attributes {ge.gears = [array<i64: 1, 32, 32>, array<i64: 2, 64, 64>]} {
  %0 = ge.MatMulV2 %a, %b : (tensor<?x?xf32>, tensor<?x5xf32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

// expected-error @+1 {{gear 1 (8,8) has 2 values but the inputs have 1 unknown dims}}
func.func @count(%x: tensor<?x4xf32>) -> tensor<?x4xf32>
    attributes {ge.gears = [array<i64: 1>, array<i64: 8, 8>]} {
  return %x : tensor<?x4xf32>
}

// -----

// expected-error @+1 {{'ge.gears' has 1 gears; GE allows 2 to 100}}
func.func @one_gear(%x: tensor<?x4xf32>) -> tensor<?x4xf32> attributes {ge.gears = [array<i64: 1>]} {
  return %x : tensor<?x4xf32>
}

// -----

// expected-error @+1 {{gear 2 (4) is listed twice}}
func.func @duplicate(%x: tensor<?x4xf32>) -> tensor<?x4xf32>
    attributes {ge.gears = [array<i64: 4>, array<i64: 2>, array<i64: 4>]} {
  return %x : tensor<?x4xf32>
}

// -----

// expected-error @+1 {{gear 0 (0) has a dim < 1}}
func.func @zero(%x: tensor<?x4xf32>) -> tensor<?x4xf32> attributes {ge.gears = [array<i64: 0>, array<i64: 1>]} {
  return %x : tensor<?x4xf32>
}

// -----

// expected-error @+1 {{'ge.gears' is set but no input has an unknown (-1) dim}}
func.func @static(%x: tensor<2x4xf32>) -> tensor<2x4xf32> attributes {ge.gears = [array<i64: 1>, array<i64: 2>]} {
  return %x : tensor<2x4xf32>
}
