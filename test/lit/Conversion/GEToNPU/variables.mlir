// RUN: geflow-opt %s -convert-ge-to-npu=cores=2 -split-input-file | FileCheck %s
// Updatable weights (ge.Variable) lower to weights that remember their
// variable: the value itself (kept even when only packed forms are read),
// the fp16 copy of a Cast, and the packed panels of the kernel reading it.

// CHECK-LABEL: module attributes {npu.variables = {b = tensor<8xf32>, w = tensor<8x3x3x3xf32>}}
// CHECK: npu.program @conv
// CHECK-DAG: %[[W:.*]] = npu.weight {source = "w", value = dense<{{.*}}> : tensor<8x3x3x3xf32>} : tensor<8x3x3x3xf32>
// CHECK-DAG: %[[B:.*]] = npu.weight {source = "b", value = dense<1.000000e-01> : tensor<8xf32>} : tensor<8xf32>
// CHECK-DAG: %[[P:.*]] = npu.weight {packed, source = "w", value = dense_resource<packed_conv2d> : tensor<{{[0-9]+}}xi8>} : tensor<8x3x3x3xf32>
// CHECK: npu.kernel "conv2d"(%{{.*}}, %[[P]], %[[B]])
func.func @conv(%x: tensor<1x3x16x16xf32>) -> tensor<1x8x16x16xf32> {
  %w = ge.Variable "w" = dense<0.5> : tensor<8x3x3x3xf32> : tensor<8x3x3x3xf32>
  %b = ge.Variable "b" = dense<0.1> : tensor<8xf32> : tensor<8xf32>
  %y = ge.Conv2D %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x16x16xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x16x16xf32>
  return %y : tensor<1x8x16x16xf32>
}

// -----

// The precision policy's Cast of a variable is stored converted: an fp16
// copy tagged with its variable, beside the variable's own fp32 value.
// CHECK-LABEL: module attributes {npu.variables = {v = tensor<4xf32>}}
// CHECK-DAG: npu.weight {source = "v", value = dense<1.500000e+00> : tensor<4xf32>} : tensor<4xf32>
// CHECK-DAG: %[[H:.*]] = npu.weight {source = "v", value = dense<1.500000e+00> : tensor<4xf16>} : tensor<4xf16>
// CHECK: npu.kernel "add"(%{{.*}}, %[[H]])
func.func @cast(%x: tensor<4xf16>) -> tensor<4xf16> {
  %v = ge.Variable "v" = dense<1.5> : tensor<4xf32> : tensor<4xf32>
  %h = ge.Cast %v {dst_type = f16} : (tensor<4xf32>) -> tensor<4xf16>
  %y = ge.Add %x, %h : (tensor<4xf16>, tensor<4xf16>) -> tensor<4xf16>
  return %y : tensor<4xf16>
}
