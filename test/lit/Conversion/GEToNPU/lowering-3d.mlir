// RUN: geflow-opt %s -convert-ge-to-npu=cores=2 | FileCheck %s

// The 3-D windows lower to the conv3d / pool3d kernels with 3-entry (D, H,
// W) strides, dilations and ksize and the 6-entry pads unchanged.

// CHECK: npu.kernel "conv3d"(%{{.*}}, %{{.*}}, %{{.*}}) {{.*}}ge.op_type = "Conv3D", kernel_attrs = {dilations = array<i64: 2, 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 0, 0, 1, 0>, strides = array<i64: 1, 2, 1>}
// CHECK: npu.kernel "conv3d_transpose"(%{{.*}}, %{{.*}}) {{.*}}ge.op_type = "Conv3DTranspose", kernel_attrs = {dilations = array<i64: 1, 1, 1>, groups = 1 : i64, output_padding = array<i64: 1, 0, 0>, pads = array<i64: 0, 0, 0, 0, 0, 0>, strides = array<i64: 2, 1, 1>}
// CHECK: npu.kernel "max_pool3d"(%{{.*}}) {{.*}}kernel_attrs = {ceil_mode = 1 : i64, dilations = array<i64: 1, 2, 1>, ksize = array<i64: 2, 2, 2>, pads = array<i64: 0, 0, 0, 0, 0, 0>, strides = array<i64: 1, 1, 1>}
// CHECK: npu.kernel "avg_pool3d"(%{{.*}}) {{.*}}kernel_attrs = {ceil_mode = 0 : i64, count_include_pad = 1 : i64, dilations = array<i64: 1, 1, 1>, divisor_override = 0 : i64, ksize = array<i64: 3, 3, 3>, pads = array<i64: 1, 1, 1, 1, 1, 1>, strides = array<i64: 2, 2, 2>}
// CHECK: npu.kernel "lp_pool3d"(%{{.*}}) {{.*}}kernel_attrs = {ceil_mode = 0 : i64, dilations = array<i64: 1, 1, 1>, ksize = array<i64: 1, 2, 2>, p = 3 : i64, pads = array<i64: 0, 0, 0, 0, 0, 0>, strides = array<i64: 1, 1, 1>}
func.func @windows(%x: tensor<1x2x6x8x8xf32>) -> (tensor<1x3x4x3x7xf32>, tensor<1x2x12x8x8xf32>, tensor<1x2x5x6x7xf32>, tensor<1x2x3x4x4xf32>, tensor<1x2x6x7x7xf32>) {
  %w = ge.Const dense<0.5> : tensor<3x2x3x3x3xf32>
  %b = ge.Const dense<0.1> : tensor<3xf32>
  %0 = ge.Conv3D %x, %w, %b {strides = array<i64: 1, 1, 1, 2, 1>, pads = array<i64: 1, 1, 0, 0, 1, 0>, dilations = array<i64: 1, 1, 2, 1, 1>}
      : (tensor<1x2x6x8x8xf32>, tensor<3x2x3x3x3xf32>, tensor<3xf32>) -> tensor<1x3x4x3x7xf32>
  %wt = ge.Const dense<0.5> : tensor<2x2x1x1x1xf32>
  %1 = ge.Conv3DTranspose %x, %wt {strides = array<i64: 1, 1, 2, 1, 1>, output_padding = array<i64: 0, 0, 1, 0, 0>}
      : (tensor<1x2x6x8x8xf32>, tensor<2x2x1x1x1xf32>) -> tensor<1x2x12x8x8xf32>
  %2 = ge.MaxPool3D %x {ksize = array<i64: 1, 1, 2, 2, 2>, dilations = array<i64: 1, 1, 1, 2, 1>, ceil_mode = true}
      : (tensor<1x2x6x8x8xf32>) -> tensor<1x2x5x6x7xf32>
  %3 = ge.AvgPool3D %x {ksize = array<i64: 1, 1, 3, 3, 3>, strides = array<i64: 1, 1, 2, 2, 2>, pads = array<i64: 1, 1, 1, 1, 1, 1>, count_include_pad = true}
      : (tensor<1x2x6x8x8xf32>) -> tensor<1x2x3x4x4xf32>
  %4 = ge.LpPool3D %x {ksize = array<i64: 1, 1, 1, 2, 2>, p = 3}
      : (tensor<1x2x6x8x8xf32>) -> tensor<1x2x6x7x7xf32>
  return %0, %1, %2, %3, %4 : tensor<1x3x4x3x7xf32>, tensor<1x2x12x8x8xf32>, tensor<1x2x5x6x7xf32>, tensor<1x2x3x4x4xf32>, tensor<1x2x6x7x7xf32>
}
