// RUN: geflow-opt %s -split-input-file -verify-diagnostics
// One case per verifier rule class; each error names the op and the rule.

func.func @broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{'ge.Add' op operands with shapes [2, 3] and [4] are not broadcast-compatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @declared_type_mismatch(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'ge.Relu' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3x2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Relu %a : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @element_type(%a: tensor<2xf80>) {
  // expected-error @+1 {{'ge.Relu' op operand #0 must be tensor of ge element type}}
  %0 = ge.Relu %a : (tensor<2xf80>) -> tensor<2xf80>
  return
}

// -----

func.func @conv_channels(%x: tensor<1x8x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'ge.Conv2D' op input channels 8 != filter in-channels 3 x groups 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Conv2D %x, %w : (tensor<1x8x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_groups(%x: tensor<1x8x8x8xf32>, %w: tensor<6x4x3x3xf32>) {
  // expected-error @+2 {{'ge.Conv2D' op output channels 6 are not divisible by groups 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Conv2D %x, %w {groups = 4} : (tensor<1x8x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32>
  return
}

// -----

func.func @conv_window(%x: tensor<1x3x2x2xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'ge.Conv2D' op window 3x3 does not fit the padded input [1, 3, 2, 2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Conv2D %x, %w : (tensor<1x3x2x2xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32>
  return
}

// -----

func.func @conv_strides(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'ge.Conv2D' op strides must have 4 entries, got 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Conv2D %x, %w {strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x3x3xf32>
  return
}

// -----

func.func @conv_format(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'ge.Conv2D' op data_format must be "NCHW" or "NHWC", got "CHWN"}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Conv2D %x, %w {data_format = "CHWN"} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<5xf32>) {
  // expected-error @+2 {{'ge.Conv2D' op bias must be 1-D with 4 elements, got [5]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Conv2D %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<5xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @matmul_k(%a: tensor<4x5xf32>, %b: tensor<4x6xf32>) {
  // expected-error @+2 {{'ge.MatMulV2' op contraction dims differ: x1 gives K = 5, x2 gives K = 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.MatMulV2 %a, %b : (tensor<4x5xf32>, tensor<4x6xf32>) -> tensor<4x6xf32>
  return
}

// -----

func.func @matmul_rank(%a: tensor<2x4x5xf32>, %b: tensor<5x6xf32>) {
  // expected-error @+2 {{'ge.MatMulV2' op operands must be 2-D, got ranks 3 and 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.MatMulV2 %a, %b : (tensor<2x4x5xf32>, tensor<5x6xf32>) -> tensor<4x6xf32>
  return
}

// -----

func.func @batch_matmul_batch(%a: tensor<2x4x5xf32>, %b: tensor<3x5x6xf32>) {
  // expected-error @+2 {{'ge.BatchMatMulV2' op batch dims [2] and [3] are not broadcast-compatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.BatchMatMulV2 %a, %b : (tensor<2x4x5xf32>, tensor<3x5x6xf32>) -> tensor<2x4x6xf32>
  return
}

// -----

func.func @pool_ksize(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+2 {{'ge.MaxPool' op ksize must be 1 in the N and C dims, got [1, 2, 2, 2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.MaxPool %x {ksize = array<i64: 1, 2, 2, 2>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x7x7xf32>
  return
}

// -----

func.func @batchnorm_channels(%x: tensor<1x3x8x8xf32>, %s: tensor<4xf32>) {
  // expected-error @+2 {{'ge.BatchNorm' op scale, offset, mean and variance must be 1-D with 3 elements, got [4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.BatchNorm %x, %s, %s, %s, %s : (tensor<1x3x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @layernorm_gamma(%x: tensor<2x8xf32>, %g: tensor<4xf32>) {
  // expected-error @+2 {{'ge.LayerNorm' op gamma shape [4] does not match the normalized dims [8]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.LayerNorm %x, %g, %g : (tensor<2x8xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @softmax_axis(%x: tensor<2x8xf32>) {
  // expected-error @+2 {{'ge.Softmax' op axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Softmax %x {axes = array<i64: 2>} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @reshape_count(%x: tensor<2x3xf32>) {
  %s = ge.Const dense<[4, 2]> : tensor<2xi64>
  // expected-error @+2 {{'ge.Reshape' op cannot reshape [2, 3] to [4, 2]: input has 6 elements but the target shape has 8}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Reshape %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x2xf32>
  return
}

// -----

func.func @reshape_two_infer(%x: tensor<2x3xf32>) {
  %s = ge.Const dense<[-1, -1]> : tensor<2xi64>
  // expected-error @+2 {{'ge.Reshape' op cannot reshape [2, 3] to [-1, -1]: shape has more than one -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Reshape %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @transpose_perm(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'ge.Transpose' op perm [0, 0] is not a permutation of [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Transpose %x {perm = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @concat_dims(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+2 {{'ge.ConcatV2' op input 1 has dim 1 = 4, expected 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.ConcatV2 %a, %b {concat_dim = 0} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @concat_axis(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'ge.ConcatV2' op concat_dim 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.ConcatV2 %a, %a {concat_dim = 2} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @split_sum(%a: tensor<6x3xf32>) {
  // expected-error @+2 {{'ge.Split' op size_splits [2, 3] sum to 5 but dim 0 is 6}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = ge.Split %a {split_dim = 0, size_splits = array<i64: 2, 3>} : (tensor<6x3xf32>) -> (tensor<2x3xf32>, tensor<3x3xf32>)
  return
}

// -----

func.func @strided_slice_stride(%a: tensor<6xf32>) {
  // expected-error @+2 {{'ge.StridedSlice' op stride of dim 0 is 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.StridedSlice %a {begin = array<i64: 0>, end = array<i64: 6>, strides = array<i64: 0>} : (tensor<6xf32>) -> tensor<6xf32>
  return
}

// -----

func.func @slice_bounds(%a: tensor<6xf32>) {
  // expected-error @+2 {{'ge.Slice' op dim 0: offset 4 + size 3 exceeds the dim 6}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Slice %a {offsets = array<i64: 4>, size = array<i64: 3>} : (tensor<6xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @gather_index(%a: tensor<6x2xf32>) {
  %i = ge.Const dense<[0, 6]> : tensor<2xi32>
  // expected-error @+2 {{'ge.GatherV2' op index 6 is out of range for axis 0 of size 6}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.GatherV2 %a, %i {axis = 0} : (tensor<6x2xf32>, tensor<2xi32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @pad_reflect(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'ge.Pad' op reflect padding of dim 1 must be smaller than its size 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Pad %a {paddings = array<i64: 0, 0, 3, 0>, mode = "reflect"} : (tensor<2x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @pad_mode(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'ge.Pad' op mode must be "constant", "reflect" or "edge", got "wrap"}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Pad %a {paddings = array<i64: 0, 0, 1, 0>, mode = "wrap"} : (tensor<2x3xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @reduce_axis(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'ge.ReduceSum' op axes [1, -1] list dim 1 twice}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.ReduceSum %a {axes = array<i64: 1, -1>} : (tensor<2x3xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @squeeze_dim(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'ge.Squeeze' op cannot squeeze dim 1 of size 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Squeeze %a {axis = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @expand_dims_dup(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'ge.ExpandDims' op axes [0, 3, -2] list dim 3 twice}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.ExpandDims %a {axes = array<i64: 0, 3, -2>} : (tensor<2x3xf32>) -> tensor<1x2x3x1xf32>
  return
}

// -----

func.func @tile_rank(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'ge.Tile' op multiples has 1 entries but x has rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Tile %a {multiples = array<i64: 2>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @broadcast_to(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'ge.BroadcastTo' op cannot broadcast [2, 3] to [4, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.BroadcastTo %a {shape = array<i64: 4, 3>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @gelu_mode(%a: tensor<2xf32>) {
  // expected-error @+1 {{'ge.Gelu' op approximate must be "none" or "tanh", got "fast"}}
  %0 = ge.Gelu %a {approximate = "fast"} : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @clip_bounds(%a: tensor<2xf32>) {
  // expected-error @+1 {{'ge.Clip' op clip_value_min 6.000000e+00 exceeds clip_value_max 0.000000e+00}}
  %0 = ge.Clip %a {clip_value_min = 6.0 : f32, clip_value_max = 0.0 : f32} : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @file_constant_escape() {
  // expected-error @+1 {{'ge.FileConstant' op file_path '../secret.bin' must not leave the model directory}}
  %0 = ge.FileConstant {file_path = "../secret.bin", shape = array<i64: 2>, dtype = f32} : tensor<2xf32>
  return
}

// -----

func.func @file_constant_length() {
  // expected-error @+1 {{'ge.FileConstant' op length 4 does not match 'tensor<2xf32>' (8 bytes)}}
  %0 = ge.FileConstant {file_path = "w.bin", length = 4, shape = array<i64: 2>, dtype = f32} : tensor<2xf32>
  return
}

// -----

func.func @allreduce(%a: tensor<2xf32>) {
  // expected-error @+1 {{'ge.HcomAllReduce' op reduction must be one of sum, prod, max, min; got "mean"}}
  %0 = ge.HcomAllReduce %a {reduction = "mean"} : tensor<2xf32>
  return
}

// -----

func.func @transdata_src(%a: tensor<1x3x4x4xf32, #ge.format<NC1HWC0>>) {
  // expected-error @+2 {{'ge.TransData' op src_format NCHW does not match the operand's format NC1HWC0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.TransData %a {src_format = #ge.format<NCHW>, dst_format = #ge.format<NHWC>}
      : (tensor<1x3x4x4xf32, #ge.format<NC1HWC0>>) -> tensor<1x3x4x4xf32, #ge.format<NHWC>>
  return
}

// -----

// expected-error @+1 {{'ge.precision_mode' is 'fp64', expected one of: force_fp16}}
func.func @precision_mode() attributes {ge.precision_mode = "fp64"} {
  return
}

// -----

func.func @fused_shape(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = ge.FusedElementwise %x : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    // expected-error @+1 {{'ge.ReduceSum' op produces 'tensor<f32>', but fused values must have the result shape of 'tensor<4xf32>'}}
    %0 = ge.ReduceSum %a : (tensor<4xf32>) -> tensor<f32>
    %1 = ge.Add %a, %0 : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    ge.Yield %1 : tensor<4xf32>
  }
  return %y : tensor<4xf32>
}

// -----

func.func @gather_elements_rank(%x: tensor<3x5xf32>, %i: tensor<3xi64>) {
  // expected-error @+2 {{'ge.GatherElements' op index has rank 1, expected x's rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.GatherElements %x, %i {dim = 1} : (tensor<3x5xf32>, tensor<3xi64>) -> tensor<3xf32>
  return
}

// -----

func.func @gather_elements_size(%x: tensor<3x5xf32>, %i: tensor<4x1xi64>) {
  // expected-error @+2 {{'ge.GatherElements' op index dim 0 has size 4, larger than x's size 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.GatherElements %x, %i {dim = 1} : (tensor<3x5xf32>, tensor<4x1xi64>) -> tensor<4x1xf32>
  return
}

// -----

func.func @gather_elements_index(%x: tensor<3x5xf32>) {
  %i = ge.Const dense<[[0], [5], [1]]> : tensor<3x1xi64>
  // expected-error @+2 {{'ge.GatherElements' op index 5 is out of range for dim 1 of size 5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.GatherElements %x, %i {dim = 1} : (tensor<3x5xf32>, tensor<3x1xi64>) -> tensor<3x1xf32>
  return
}

// -----

func.func @argmax_dimension(%x: tensor<3x5xf32>) {
  // expected-error @+2 {{'ge.ArgMaxD' op dimension 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.ArgMaxD %x {dimension = 2, dtype = i64} : (tensor<3x5xf32>) -> tensor<3xi64>
  return
}

// -----

func.func @argmin_empty(%x: tensor<3x0xf32>) {
  // expected-error @+2 {{'ge.ArgMinD' op dimension 1 is empty: no extreme element to index}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.ArgMinD %x {dimension = 1, dtype = i64} : (tensor<3x0xf32>) -> tensor<3xi64>
  return
}

// -----

func.func @argmax_dtype(%x: tensor<3x5xf32>) {
  // expected-error @+1 {{attribute 'dtype' failed to satisfy constraint}}
  %0 = ge.ArgMaxD %x {dimension = 1, dtype = f32} : (tensor<3x5xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @resize_mode(%x: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{'ge.Resize' op mode must be one of nearest, linear, cubic; got "bilinear"}}
  %0 = ge.Resize %x {sizes = array<i64: 1, 1, 4, 4>, mode = "bilinear"} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @resize_crop_without_roi(%x: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{'ge.Resize' op tf_crop_and_resize needs the roi operand}}
  %0 = ge.Resize %x {sizes = array<i64: 1, 1, 4, 4>, coordinate_transformation_mode = "tf_crop_and_resize"} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @resize_scales_length(%x: tensor<1x1x2x2xf32>, %s: tensor<2xf32>) {
  // expected-error @+1 {{'ge.Resize' op scales must be 1-D with 4 elements, got 'tensor<2xf32>'}}
  %0 = ge.Resize %x scales %s : (tensor<1x1x2x2xf32>, tensor<2xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @resize_sizes_rank(%x: tensor<1x1x2x2xf32>) {
  // expected-error @+2 {{'ge.Resize' op sizes has 2 entries, expected the rank 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Resize %x {sizes = array<i64: 4, 4>} : (tensor<1x1x2x2xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @resize_scales_value(%x: tensor<1x1x2x2xf32>) {
  %s = ge.Const dense<[1.0, 1.0, 0.0, 2.0]> : tensor<4xf32>
  // expected-error @+2 {{'ge.Resize' op scales must be > 0, got 0.000000e+00 for dim 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Resize %x scales %s : (tensor<1x1x2x2xf32>, tensor<4xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @gather_nd_tuple(%x: tensor<2x3xf32>, %i: tensor<4x3xi64>) {
  // expected-error @+2 {{'ge.GatherNd' op index tuples of 3 entries do not fit x's rank 2 after 0 batch dims}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.GatherNd %x, %i : (tensor<2x3xf32>, tensor<4x3xi64>) -> tensor<4xf32>
  return
}

// -----

func.func @scatter_reduction(%x: tensor<4xf32>, %i: tensor<2xi64>, %u: tensor<2xf32>) {
  // expected-error @+1 {{'ge.ScatterElements' op reduction must be none, add, mul, max or min; got "avg"}}
  %0 = ge.ScatterElements %x, %i, %u {dim = 0, reduction = "avg"} : (tensor<4xf32>, tensor<2xi64>, tensor<2xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @scatter_updates_shape(%x: tensor<4x3xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) {
  // expected-error @+1 {{'ge.ScatterNdUpdate' op updates have shape [2, 4], expected [2, 3]}}
  %0 = ge.ScatterNdUpdate %x, %i, %u : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @scatter_updates_type(%x: tensor<4xf32>, %i: tensor<2xi64>, %u: tensor<2xf16>) {
  // expected-error @+1 {{'ge.ScatterElements' op updates have element type 'f16', expected x's 'f32'}}
  %0 = ge.ScatterElements %x, %i, %u {dim = 0} : (tensor<4xf32>, tensor<2xi64>, tensor<2xf16>) -> tensor<4xf32>
  return
}

// -----

func.func @grid_sampler_grid(%x: tensor<1x3x4x5xf32>, %g: tensor<1x6x7x3xf32>) {
  // expected-error @+2 {{'ge.GridSampler2D' op grid must be [N, H_out, W_out, 2], got [1, 6, 7, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.GridSampler2D %x, %g : (tensor<1x3x4x5xf32>, tensor<1x6x7x3xf32>) -> tensor<1x3x6x7xf32>
  return
}

// -----

func.func @grid_sampler_mode(%x: tensor<1x3x4x5xf32>, %g: tensor<1x6x7x2xf32>) {
  // expected-error @+1 {{'ge.GridSampler2D' op interpolation_mode must be bilinear, nearest or bicubic; got "area"}}
  %0 = ge.GridSampler2D %x, %g {interpolation_mode = "area"} : (tensor<1x3x4x5xf32>, tensor<1x6x7x2xf32>) -> tensor<1x3x6x7xf32>
  return
}

// -----

func.func @variable_value_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'ge.Variable' op variable 'w': initial value 'tensor<2xf32>' does not match its type 'tensor<4xf32>'}}
  %v = ge.Variable "w" = dense<1.0> : tensor<2xf32> : tensor<4xf32>
  return %v : tensor<4xf32>
}

// -----

func.func @variable_name(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'ge.Variable' op var_name must not be empty}}
  %v = ge.Variable "" : tensor<4xf32>
  return %v : tensor<4xf32>
}

// -----

func.func @assign_type(%x: tensor<2xf32>) -> tensor<2xf32> {
  %v = ge.Variable "w" : tensor<4xf32>
  // expected-error @+1 {{'ge.AssignAdd' op assigns 'tensor<2xf32>' to variable 'w' of type 'tensor<4xf32>'}}
  %a = ge.AssignAdd "w", %x : tensor<2xf32>
  return %a : tensor<2xf32>
}

// -----

func.func @assign_dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{'ge.AssignSub' op the value assigned to 'w' needs a static shape}}
  %a = ge.AssignSub "w", %x : tensor<?xf32>
  return %a : tensor<?xf32>
}

// -----

func.func @einsum_label_sizes(%a: tensor<3x4xf64>, %b: tensor<5x2xf64>) {
  // expected-error @+2 {{'ge.Einsum' op equation 'ij,jk->ik': label 'j' has size 4 and 5 (input 1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Einsum %a, %b {equation = "ij,jk->ik"} : (tensor<3x4xf64>, tensor<5x2xf64>) -> tensor<3x2xf64>
  return
}

// -----

func.func @einsum_rank(%a: tensor<3x4xf64>) {
  // expected-error @+2 {{'ge.Einsum' op equation 'ijk->i': term 'ijk' names 3 dims but input 0 has rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Einsum %a {equation = "ijk->i"} : (tensor<3x4xf64>) -> tensor<3xf64>
  return
}
