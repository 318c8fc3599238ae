// RUN: geflow-opt %s -split-input-file -verify-diagnostics

func.func @conv3d_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3x3xf32>) {
  // expected-error @+2 {{'ge.Conv3D' op x and filter must be 5-D, got ranks 4 and 5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Conv3D %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3x3xf32>) -> tensor<1x4x6x6x6xf32>
  return
}

// -----

func.func @conv3d_channels(%x: tensor<1x8x8x8x8xf32>, %w: tensor<4x3x3x3x3xf32>) {
  // expected-error @+2 {{'ge.Conv3D' op input channels 8 != filter in-channels 3 x groups 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Conv3D %x, %w : (tensor<1x8x8x8x8xf32>, tensor<4x3x3x3x3xf32>) -> tensor<1x4x6x6x6xf32>
  return
}

// -----

func.func @conv3d_pads(%x: tensor<1x3x8x8x8xf32>, %w: tensor<4x3x3x3x3xf32>) {
  // expected-error @+2 {{'ge.Conv3D' op pads must have 6 entries, got 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Conv3D %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8x8xf32>, tensor<4x3x3x3x3xf32>) -> tensor<1x4x6x6x6xf32>
  return
}

// -----

func.func @conv3d_transpose_output_padding(%x: tensor<1x2x3x3x3xf32>, %w: tensor<2x3x3x3x3xf32>) {
  // expected-error @+2 {{'ge.Conv3DTranspose' op output_padding [0, 0, 1, 0, 0] must be smaller than the stride or the dilation}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.Conv3DTranspose %x, %w {output_padding = array<i64: 0, 0, 1, 0, 0>} : (tensor<1x2x3x3x3xf32>, tensor<2x3x3x3x3xf32>) -> tensor<1x3x6x5x5xf32>
  return
}

// -----

func.func @pool3d_window(%x: tensor<1x3x2x8x8xf32>) {
  // expected-error @+2 {{'ge.MaxPool3D' op window [3, 3, 3] does not fit the padded input [1, 3, 2, 8, 8] (output dim 2 would be 0)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.MaxPool3D %x {ksize = array<i64: 1, 1, 3, 3, 3>} : (tensor<1x3x2x8x8xf32>) -> tensor<1x3x1x6x6xf32>
  return
}

// -----

func.func @pool3d_ksize(%x: tensor<1x3x8x8x8xf32>) {
  // expected-error @+2 {{'ge.AvgPool3D' op ksize must be 1 in the N and C dims, got [2, 1, 2, 2, 2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.AvgPool3D %x {ksize = array<i64: 2, 1, 2, 2, 2>} : (tensor<1x3x8x8x8xf32>) -> tensor<1x3x7x7x7xf32>
  return
}

// -----

func.func @lp_pool3d_p(%x: tensor<1x3x8x8x8xf32>) {
  // expected-error @+2 {{'ge.LpPool3D' op p must be >= 1, got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.LpPool3D %x {ksize = array<i64: 1, 1, 2, 2, 2>, p = 0} : (tensor<1x3x8x8x8xf32>) -> tensor<1x3x7x7x7xf32>
  return
}

// -----

func.func @pool3d_format(%x: tensor<1x3x8x8x8xf32>) {
  // expected-error @+2 {{'ge.MaxPool3D' op data_format must be "NCDHW", got "NDHWC"}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ge.MaxPool3D %x {ksize = array<i64: 1, 1, 2, 2, 2>, data_format = "NDHWC"} : (tensor<1x3x8x8x8xf32>) -> tensor<1x3x7x7x7xf32>
  return
}
