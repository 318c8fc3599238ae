// RUN: geflow-opt %s -ge-infer-shapes | FileCheck %s
// Once the inputs are static, every result type becomes static; declared
// format encodings survive and the signature follows the return values.

// CHECK-LABEL: func @cnn
// CHECK-SAME: -> tensor<1x8x4x4xf32>
func.func @cnn(%x: tensor<1x3x16x16xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<?x?x?x?xf32> {
  // CHECK: ge.Conv2D {{.*}} -> tensor<1x8x8x8xf32>
  %0 = ge.Conv2D %x, %w {strides = array<i64: 1, 1, 2, 2>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x3x16x16xf32>, tensor<8x3x3x3xf32>) -> tensor<?x?x?x?xf32>
  // CHECK: ge.Relu {{.*}} -> tensor<1x8x8x8xf32>
  %1 = ge.Relu %0 : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  // ceil_mode: (8 + 0 - 3) / 2 rounded up + 1 = 4
  // CHECK: ge.MaxPool {{.*}} -> tensor<1x8x4x4xf32>
  %2 = ge.MaxPool %1 {ksize = array<i64: 1, 1, 3, 3>, strides = array<i64: 1, 1, 2, 2>, ceil_mode = true}
      : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  return %2 : tensor<?x?x?x?xf32>
}

// CHECK-LABEL: func @pool_dilation_floor
func.func @pool_dilation_floor(%x: tensor<1x1x7x7xf32>) -> tensor<*xf32> {
  // (7 + 1 + 0 - 2 * (3 - 1) - 1) / 2 + 1 = 2
  // CHECK: ge.MaxPool {{.*}} -> tensor<1x1x2x2xf32>
  %0 = ge.MaxPool %x {ksize = array<i64: 1, 1, 3, 3>, strides = array<i64: 1, 1, 2, 2>, pads = array<i64: 1, 0, 1, 0>, dilations = array<i64: 1, 1, 2, 2>}
      : (tensor<1x1x7x7xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// CHECK-LABEL: func @conv_nhwc_depthwise
func.func @conv_nhwc_depthwise(%x: tensor<2x10x12x6xf32>, %w: tensor<6x1x3x3xf32>) -> tensor<*xf32> {
  // H: (10 - 2 * 2 - 1) / 2 + 1 = 3; W: (12 - 3) / 2 + 1 = 5
  // CHECK: ge.Conv2D {{.*}} -> tensor<2x3x5x6xf32>
  %0 = ge.Conv2D %x, %w {groups = 6, data_format = "NHWC", strides = array<i64: 1, 2, 2, 1>, dilations = array<i64: 1, 2, 1, 1>}
      : (tensor<2x10x12x6xf32>, tensor<6x1x3x3xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// CHECK-LABEL: func @conv_transpose
func.func @conv_transpose(%x: tensor<1x4x5x5xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<*xf32> {
  // 2 * (5 - 1) + 1 + (3 - 1) + 1 - 1 - 1 = 10; groups 2 -> 6 channels
  // CHECK: ge.Conv2DTranspose {{.*}} -> tensor<1x6x10x10xf32>
  %0 = ge.Conv2DTranspose %x, %w {groups = 2, strides = array<i64: 1, 1, 2, 2>, pads = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 0, 0, 1, 1>}
      : (tensor<1x4x5x5xf32>, tensor<4x3x3x3xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// CHECK-LABEL: func @matmul
func.func @matmul(%a: tensor<7x5xf32>, %b: tensor<9x7xf32>, %c: tensor<4x1x3x8xf32>, %d: tensor<6x8x2xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  // CHECK: ge.MatMulV2 {{.*}} -> tensor<5x9xf32>
  %0 = ge.MatMulV2 %a, %b {transpose_x1 = true, transpose_x2 = true} : (tensor<7x5xf32>, tensor<9x7xf32>) -> tensor<*xf32>
  // CHECK: ge.BatchMatMulV2 {{.*}} -> tensor<4x6x3x2xf32>
  %1 = ge.BatchMatMulV2 %c, %d : (tensor<4x1x3x8xf32>, tensor<6x8x2xf32>) -> tensor<*xf32>
  return %0, %1 : tensor<*xf32>, tensor<*xf32>
}

// CHECK-LABEL: func @broadcast
func.func @broadcast(%a: tensor<5x1x3xf32>, %b: tensor<4x1xf32>, %c: tensor<4x3xi1>) -> (tensor<*xf32>, tensor<*xi1>, tensor<*xf32>) {
  // CHECK: ge.Add {{.*}} -> tensor<5x4x3xf32>
  %0 = ge.Add %a, %b : (tensor<5x1x3xf32>, tensor<4x1xf32>) -> tensor<*xf32>
  // CHECK: ge.Less {{.*}} -> tensor<5x4x3xi1>
  %1 = ge.Less %a, %b : (tensor<5x1x3xf32>, tensor<4x1xf32>) -> tensor<*xi1>
  // CHECK: ge.Select {{.*}} -> tensor<5x4x3xf32>
  %2 = ge.Select %c, %a, %b : (tensor<4x3xi1>, tensor<5x1x3xf32>, tensor<4x1xf32>) -> tensor<*xf32>
  return %0, %1, %2 : tensor<*xf32>, tensor<*xi1>, tensor<*xf32>
}

// CHECK-LABEL: func @reshape_transpose_concat_reduce
func.func @reshape_transpose_concat_reduce(%x: tensor<2x3x4xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %s = ge.Const dense<[0, -1]> : tensor<2xi64>
  // 0 copies dim 0, -1 takes the rest.
  // CHECK: ge.Reshape {{.*}} -> tensor<2x12xf32>
  %0 = ge.Reshape %x, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  // CHECK: ge.Transpose {{.*}} -> tensor<4x2x3xf32>
  %1 = ge.Transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<*xf32>
  // CHECK: ge.ConcatV2 {{.*}} -> tensor<2x6x4xf32>
  %2 = ge.ConcatV2 %x, %x {concat_dim = -2} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<*xf32>
  // CHECK: ge.ReduceMean {{.*}} -> tensor<2x1x1xf32>
  %3 = ge.ReduceMean %x {axes = array<i64: 1, 2>, keep_dims = true} : (tensor<2x3x4xf32>) -> tensor<*xf32>
  return %0, %1, %2, %3 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// A dynamic batch dim stays dynamic; everything else is inferred.
// CHECK-LABEL: func @dynamic_batch
// CHECK-SAME: -> tensor<?x8x6x6xf32, #ge.format<NC1HWC0>>
func.func @dynamic_batch(%x: tensor<?x3x8x8xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<?x?x?x?xf32, #ge.format<NC1HWC0>> {
  %0 = ge.Conv2D %x, %w : (tensor<?x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<?x?x?x?xf32, #ge.format<NC1HWC0>>
  return %0 : tensor<?x?x?x?xf32, #ge.format<NC1HWC0>>
}

// Dims inference cannot know keep their declared sizes: a Resize to scales
// read at run time takes its output shape from the model.
// CHECK-LABEL: func @resize_runtime_scales
// CHECK-SAME: -> tensor<1x1x4x6xf32>
func.func @resize_runtime_scales(%x: tensor<1x1x2x2xf32>, %s: tensor<4xf32>) -> tensor<?x?x?x?xf32> {
  // CHECK: ge.Resize {{.*}} -> tensor<1x1x4x6xf32>
  %0 = ge.Resize %x scales %s : (tensor<1x1x2x2xf32>, tensor<4xf32>) -> tensor<1x1x4x6xf32>
  // CHECK: ge.Relu {{.*}} -> tensor<1x1x4x6xf32>
  %1 = ge.Relu %0 : (tensor<1x1x4x6xf32>) -> tensor<?x?x?x?xf32>
  return %1 : tensor<?x?x?x?xf32>
}
