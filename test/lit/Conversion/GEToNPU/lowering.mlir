// RUN: geflow-opt %s -convert-ge-to-npu=cores=2 -split-input-file | FileCheck %s
// Kernel selection, attribute translation, weight packing and views.
// Tiling bytes depend on the machine's caches and are not checked here.

// CHECK-LABEL: npu.program @cnn
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x16x16xf32> {ge.name = "image"})
// CHECK: %[[B:.*]] = npu.weight {value = dense<1.000000e-01> : tensor<8xf32>} : tensor<8xf32>
// CHECK: %[[W:.*]] = npu.weight {packed, value = dense_resource<packed_conv2d> : tensor<{{[0-9]+}}xi8>} : tensor<8x3x3x3xf32>
// CHECK: %[[C:.*]] = npu.kernel "conv2d"(%[[X]], %[[W]], %[[B]]) {block_dim = {{[0-9]+}} : i64, ge.op_type = "Conv2D", kernel_attrs = {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
// CHECK: %[[R:.*]] = npu.kernel "relu"(%[[C]]) {block_dim = {{[0-9]+}} : i64, ge.op_type = "Relu", inplace_inputs = array<i64: 0>
// CHECK: %[[P:.*]] = npu.kernel "max_pool"(%[[R]]) {{.*}}kernel_attrs = {ceil_mode = 1 : i64, dilations = array<i64: 1, 1>, ksize = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
// CHECK: %[[V:.*]] = npu.alias %[[P]] : tensor<1x8x4x4xf32> to tensor<1x128xf32>
// CHECK: npu.kernel "matmul"(%[[V]], %{{.*}}) {{.*}}kernel_attrs = {transpose_x1 = 0 : i64, transpose_x2 = 1 : i64}
// CHECK: npu.kernel "softmax"({{.*}}) {{.*}}kernel_attrs = {axis = -1 : i64}
// CHECK: npu.return
func.func @cnn(%x: tensor<1x3x16x16xf32> {ge.name = "image"}) -> tensor<1x10xf32> {
  %w = ge.Const dense<0.5> : tensor<8x3x3x3xf32>
  %b = ge.Const dense<0.1> : tensor<8xf32>
  %0 = ge.Conv2D %x, %w, %b {strides = array<i64: 1, 1, 2, 2>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x3x16x16xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %1 = ge.Relu %0 : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %2 = ge.MaxPool %1 {ksize = array<i64: 1, 1, 3, 3>, strides = array<i64: 1, 1, 2, 2>, ceil_mode = true}
      : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
  %s = ge.Const dense<[1, 128]> : tensor<2xi64>
  %3 = ge.Reshape %2, %s : (tensor<1x8x4x4xf32>, tensor<2xi64>) -> tensor<1x128xf32>
  %wf = ge.Const dense<0.01> : tensor<10x128xf32>
  %4 = ge.MatMulV2 %3, %wf {transpose_x2 = true} : (tensor<1x128xf32>, tensor<10x128xf32>) -> tensor<1x10xf32>
  %5 = ge.Softmax %4 : (tensor<1x10xf32>) -> tensor<1x10xf32>
  return %5 : tensor<1x10xf32>
}

// -----

// Elementwise, data-movement and normalization ops.
// CHECK-LABEL: npu.program @vector_ops
// CHECK: npu.kernel "add"(%{{.*}}, %{{.*}}) {{.*}}inplace_inputs = array<i64: 0, 1>
// CHECK: npu.kernel "gelu_tanh"
// CHECK: npu.kernel "leaky_relu"({{.*}}kernel_attrs = {alpha = 0.2000000{{[0-9]*}} : f64}
// CHECK: npu.kernel "layer_norm"({{.*}}kernel_attrs = {begin_norm_axis = 1 : i64, epsilon = {{.*}}}
// CHECK: npu.kernel "transpose"({{.*}}kernel_attrs = {perm = array<i64: 1, 0>}
// CHECK: npu.kernel "pad"({{.*}}kernel_attrs = {mode = "edge", pads = array<i64: 1, 0, 2, 3>, value = 0.000000e+00 : f64}
// CHECK: npu.kernel "slice"({{.*}}kernel_attrs = {axes = array<i64: 0, 1>, ends = array<i64: -1, 7>, starts = array<i64: 3, 1>, steps = array<i64: -1, 2>}
// CHECK: npu.kernel "reduce_mean"({{.*}}kernel_attrs = {axes = array<i64: 0, 1>, keep_dims = 0 : i64}
// CHECK: npu.kernel "reduce_prod"({{.*}}kernel_attrs = {axes = array<i64: 1>, keep_dims = 1 : i64}
// CHECK: npu.kernel "concat"({{.*}}kernel_attrs = {axis = 1 : i64}
func.func @vector_ops(%x: tensor<4x8xf32>, %g: tensor<8xf32>) -> (tensor<f32>, tensor<4x16xf32>, tensor<4x1xf32>) {
  %0 = ge.Add %x, %x : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = ge.Gelu %0 {approximate = "tanh"} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = ge.LeakyRelu %1 {negative_slope = 0.2 : f32} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %3 = ge.LayerNorm %2, %g, %g {begin_norm_axis = 1, begin_params_axis = 1} : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %4 = ge.Transpose %3 {perm = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
  %5 = ge.Pad %4 {paddings = array<i64: 1, 2, 0, 3>, mode = "edge"} : (tensor<8x4xf32>) -> tensor<11x7xf32>
  %6 = ge.StridedSlice %5 {begin = array<i64: 3, 1>, end = array<i64: -1, 7>, strides = array<i64: -1, 2>} : (tensor<11x7xf32>) -> tensor<4x3xf32>
  %7 = ge.ReduceMean %6 : (tensor<4x3xf32>) -> tensor<f32>
  %p = ge.ReduceProd %6 {axes = array<i64: 1>, keep_dims = true} : (tensor<4x3xf32>) -> tensor<4x1xf32>
  %8 = ge.ConcatV2 %3, %2 {concat_dim = -1} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x16xf32>
  return %7, %8, %p : tensor<f32>, tensor<4x16xf32>, tensor<4x1xf32>
}

// -----

// Index ops: axes normalized for the kernels; integer arithmetic,
// remainders and comparisons of bools keep their dtypes.
// CHECK-LABEL: npu.program @index_ops
// CHECK: npu.kernel "gather_elements"(%{{.*}}, %{{.*}}) {{.*}}kernel_attrs = {axis = 1 : i64}
// CHECK-SAME: (tensor<3x5xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
// CHECK: npu.kernel "arg_max"(%{{.*}}) {{.*}}kernel_attrs = {axis = 1 : i64}
// CHECK-SAME: (tensor<3x5xf32>) -> tensor<3xi64>
// CHECK: npu.kernel "arg_min"(%{{.*}}) {{.*}}kernel_attrs = {axis = 0 : i64}
// CHECK-SAME: (tensor<3x5xf32>) -> tensor<5xi32>
// CHECK: npu.kernel "pow"(%{{.*}}, %{{.*}}) {{.*}}: (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
// CHECK: npu.kernel "equal"(%{{.*}}, %{{.*}}) {{.*}}: (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
// CHECK: npu.kernel "floor_mod"(%{{.*}}, %{{.*}}) {{.*}}: (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
// CHECK: npu.kernel "mod"(%{{.*}}, %{{.*}}) {{.*}}: (tensor<3x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
func.func @index_ops(%x: tensor<3x5xf32>, %i: tensor<3x2xi64>, %p: tensor<4xi1>, %q: tensor<4xi1>)
    -> (tensor<3x2xf32>, tensor<3xi64>, tensor<5xi32>, tensor<4xi1>, tensor<3x5xf32>) {
  %0 = ge.GatherElements %x, %i {dim = -1} : (tensor<3x5xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  %1 = ge.ArgMaxD %x {dimension = -1, dtype = i64} : (tensor<3x5xf32>) -> tensor<3xi64>
  %2 = ge.ArgMinD %x {dimension = 0, dtype = i32} : (tensor<3x5xf32>) -> tensor<5xi32>
  %3 = ge.Pow %1, %1 : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %4 = ge.Equal %p, %q : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %5 = ge.FloorMod %3, %1 : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %6 = ge.Mod %x, %x : (tensor<3x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
  return %0, %5, %2, %4, %6 : tensor<3x2xf32>, tensor<3xi64>, tensor<5xi32>, tensor<4xi1>, tensor<3x5xf32>
}

// -----

// Rounding and trigonometric ops are single-op vector kernels.
// CHECK-LABEL: npu.program @rounding_and_trig
// CHECK: npu.kernel "floor"
// CHECK: npu.kernel "ceil"
// CHECK: npu.kernel "round"
// CHECK: npu.kernel "sin"
// CHECK: npu.kernel "cos"
// CHECK: npu.kernel "tan"
// CHECK: npu.kernel "asin"
// CHECK: npu.kernel "acos"
// CHECK: npu.kernel "atan"
// CHECK: npu.kernel "sinh"
// CHECK: npu.kernel "cosh"
// CHECK: npu.kernel "asinh"
// CHECK: npu.kernel "acosh"
// CHECK: npu.kernel "atanh"
func.func @rounding_and_trig(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = ge.Floor %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = ge.Ceil %0 : (tensor<4xf32>) -> tensor<4xf32>
  %2 = ge.Round %1 : (tensor<4xf32>) -> tensor<4xf32>
  %3 = ge.Sin %2 : (tensor<4xf32>) -> tensor<4xf32>
  %4 = ge.Cos %3 : (tensor<4xf32>) -> tensor<4xf32>
  %5 = ge.Tan %4 : (tensor<4xf32>) -> tensor<4xf32>
  %6 = ge.Asin %5 : (tensor<4xf32>) -> tensor<4xf32>
  %7 = ge.Acos %6 : (tensor<4xf32>) -> tensor<4xf32>
  %8 = ge.Atan %7 : (tensor<4xf32>) -> tensor<4xf32>
  %9 = ge.Sinh %8 : (tensor<4xf32>) -> tensor<4xf32>
  %10 = ge.Cosh %9 : (tensor<4xf32>) -> tensor<4xf32>
  %11 = ge.Asinh %10 : (tensor<4xf32>) -> tensor<4xf32>
  %12 = ge.Acosh %11 : (tensor<4xf32>) -> tensor<4xf32>
  %13 = ge.Atanh %12 : (tensor<4xf32>) -> tensor<4xf32>
  return %13 : tensor<4xf32>
}

// -----

// resize takes x, then roi and scales when present; the output shape is
// the result type.
// CHECK-LABEL: npu.program @resize
// CHECK: npu.kernel "resize"(%{{.*}}, %{{.*}}) {{.*}}kernel_attrs = {coordinate_transformation_mode = "asymmetric", cubic_coeff_a = -7.500000e-01 : f64, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f64, has_roi = 0 : i64, has_scales = 1 : i64, mode = "cubic", nearest_mode = "round_prefer_floor"}
// CHECK-SAME: (tensor<1x1x2x2xf32>, tensor<4xf32>) -> tensor<1x1x4x6xf32>
// CHECK: npu.kernel "resize"(%{{.*}}, %{{.*}}) {{.*}}has_roi = 1 : i64, has_scales = 0 : i64
// CHECK-SAME: (tensor<1x1x2x2xf32>, tensor<8xf32>) -> tensor<1x1x3x3xf32>
func.func @resize(%x: tensor<1x1x2x2xf32>, %s: tensor<4xf32>, %roi: tensor<8xf32>) -> (tensor<1x1x4x6xf32>, tensor<1x1x3x3xf32>) {
  %0 = ge.Resize %x scales %s {mode = "cubic", coordinate_transformation_mode = "asymmetric"} : (tensor<1x1x2x2xf32>, tensor<4xf32>) -> tensor<1x1x4x6xf32>
  %1 = ge.Resize %x roi %roi {sizes = array<i64: 1, 1, 3, 3>, mode = "linear", coordinate_transformation_mode = "tf_crop_and_resize"} : (tensor<1x1x2x2xf32>, tensor<8xf32>) -> tensor<1x1x3x3xf32>
  return %0, %1 : tensor<1x1x4x6xf32>, tensor<1x1x3x3xf32>
}

// -----

// Gathers and scatters of slices; scatters may write in place over x.
// CHECK-LABEL: npu.program @gather_scatter
// CHECK: npu.kernel "gather_nd"(%{{.*}}, %{{.*}}) {{.*}}kernel_attrs = {batch_dims = 1 : i64}
// CHECK: npu.kernel "scatter_elements"(%{{.*}}, %{{.*}}, %{{.*}}) {{.*}}inplace_inputs = array<i64: 0>, kernel_attrs = {axis = 2 : i64, reduction = "mul"}
// CHECK: npu.kernel "scatter_nd"(%{{.*}}, %{{.*}}, %{{.*}}) {{.*}}inplace_inputs = array<i64: 0>, kernel_attrs = {reduction = "none"}
func.func @gather_scatter(%x: tensor<2x3x4xf32>, %i: tensor<2x5x2xi64>, %e: tensor<2x3x2xi64>, %u: tensor<2x3x2xf32>, %n: tensor<2x1xi64>, %s: tensor<2x3x4xf32>) -> (tensor<2x5xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>) {
  %0 = ge.GatherNd %x, %i {batch_dims = 1} : (tensor<2x3x4xf32>, tensor<2x5x2xi64>) -> tensor<2x5xf32>
  %1 = ge.ScatterElements %x, %e, %u {dim = -1, reduction = "mul"} : (tensor<2x3x4xf32>, tensor<2x3x2xi64>, tensor<2x3x2xf32>) -> tensor<2x3x4xf32>
  %2 = ge.ScatterNdUpdate %x, %n, %s : (tensor<2x3x4xf32>, tensor<2x1xi64>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0, %1, %2 : tensor<2x5xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: npu.program @grid_sampler
// CHECK: npu.kernel "grid_sample"(%{{.*}}, %{{.*}}) {{.*}}kernel_attrs = {align_corners = 1 : i64, mode = "nearest", padding_mode = "border"}
// CHECK-SAME: (tensor<1x3x4x5xf32>, tensor<1x6x7x2xf32>) -> tensor<1x3x6x7xf32>
func.func @grid_sampler(%x: tensor<1x3x4x5xf32>, %g: tensor<1x6x7x2xf32>) -> tensor<1x3x6x7xf32> {
  %0 = ge.GridSampler2D %x, %g {interpolation_mode = "nearest", padding_mode = "border", align_corners = true} : (tensor<1x3x4x5xf32>, tensor<1x6x7x2xf32>) -> tensor<1x3x6x7xf32>
  return %0 : tensor<1x3x6x7xf32>
}
