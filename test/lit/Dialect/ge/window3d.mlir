// RUN: geflow-opt %s -split-input-file | geflow-opt -split-input-file | FileCheck %s
// RUN: geflow-opt %s -split-input-file --mlir-print-op-generic | geflow-opt -split-input-file | FileCheck %s

// 3-D windows on NCDHW: 5-entry strides/dilations/ksize, 6-entry pads
// [front, back, top, bottom, left, right]; the result types are inferred.

// CHECK-LABEL: func.func @conv3d
// CHECK: ge.Conv3D %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1, 2, 1, 1>, groups = 2 : i64, pads = array<i64: 1, 0, 0, 1, 2, 1>, strides = array<i64: 1, 1, 1, 2, 1>} : {{.*}} -> tensor<1x4x3x4x9xf32>
// CHECK: ge.Conv3DTranspose %{{.*}}, %{{.*}} {output_padding = array<i64: 0, 0, 1, 0, 0>, pads = array<i64: 1, 1, 0, 0, 1, 0>, strides = array<i64: 1, 1, 2, 1, 2>} : {{.*}} -> tensor<1x3x6x6x10xf16>
func.func @conv3d(%x: tensor<1x2x6x8x8xf32>, %w: tensor<4x1x3x3x3xf32>,
                  %b: tensor<4xf32>, %t: tensor<1x2x3x4x5xf16>,
                  %wt: tensor<2x3x3x3x3xf16>) {
  %0 = ge.Conv3D %x, %w, %b {strides = array<i64: 1, 1, 1, 2, 1>, pads = array<i64: 1, 0, 0, 1, 2, 1>, dilations = array<i64: 1, 1, 2, 1, 1>, groups = 2}
      : (tensor<1x2x6x8x8xf32>, tensor<4x1x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x3x4x9xf32>
  %1 = ge.Conv3DTranspose %t, %wt {strides = array<i64: 1, 1, 2, 1, 2>, pads = array<i64: 1, 1, 0, 0, 1, 0>, output_padding = array<i64: 0, 0, 1, 0, 0>}
      : (tensor<1x2x3x4x5xf16>, tensor<2x3x3x3x3xf16>) -> tensor<1x3x6x6x10xf16>
  return
}

// -----

// CHECK-LABEL: func.func @pools3d
// CHECK: ge.MaxPool3D %{{.*}} {ceil_mode = true, dilations = array<i64: 1, 1, 1, 2, 1>, ksize = array<i64: 1, 1, 2, 2, 2>, strides = array<i64: 1, 1, 2, 2, 2>} : (tensor<1x3x5x6x7xbf16>) -> tensor<1x3x3x3x4xbf16>
// CHECK: ge.AvgPool3D %{{.*}} {count_include_pad = true, divisor_override = 7 : i64, ksize = array<i64: 1, 1, 3, 3, 3>, pads = array<i64: 1, 1, 1, 1, 1, 1>} : (tensor<1x3x5x6x7xbf16>) -> tensor<1x3x5x6x7xbf16>
// CHECK: ge.LpPool3D %{{.*}} {ksize = array<i64: 1, 1, 5, 6, 7>, p = 3 : i64} : (tensor<1x3x5x6x7xbf16>) -> tensor<1x3x1x1x1xbf16>
func.func @pools3d(%x: tensor<1x3x5x6x7xbf16>) {
  %0 = ge.MaxPool3D %x {ksize = array<i64: 1, 1, 2, 2, 2>, strides = array<i64: 1, 1, 2, 2, 2>, dilations = array<i64: 1, 1, 1, 2, 1>, ceil_mode = true}
      : (tensor<1x3x5x6x7xbf16>) -> tensor<1x3x3x3x4xbf16>
  %1 = ge.AvgPool3D %x {ksize = array<i64: 1, 1, 3, 3, 3>, pads = array<i64: 1, 1, 1, 1, 1, 1>, count_include_pad = true, divisor_override = 7}
      : (tensor<1x3x5x6x7xbf16>) -> tensor<1x3x5x6x7xbf16>
  %2 = ge.LpPool3D %x {ksize = array<i64: 1, 1, 5, 6, 7>, p = 3}
      : (tensor<1x3x5x6x7xbf16>) -> tensor<1x3x1x1x1xbf16>
  return
}
