// RUN: geflow-opt %s -split-input-file -ge-select-formats="mode=nc1hwc0" | FileCheck %s
// RUN: geflow-opt %s -split-input-file -ge-select-formats="mode=nc1hwc0 small-channel=true" | FileCheck %s --check-prefix=SMALL
// RUN: geflow-opt %s -split-input-file -ge-select-formats | FileCheck %s --check-prefix=AUTO
// RUN: geflow-opt %s -split-input-file -ge-select-formats="print-decisions=true" 2>&1 >/dev/null | FileCheck %s --check-prefix=DECIDE
// The chosen formats lower and plan (conv2d, pools and the vector engine
// take NC1HWC0 operands; trans_data converts at the boundaries).
// RUN: geflow-opt %s -split-input-file -ge-select-formats="mode=nc1hwc0 small-channel=true" -convert-ge-to-npu=cores=2 | FileCheck %s --check-prefix=LOWER

// A residual block: one chain from the input to the global pool; TransData
// only where the graph input enters it and where Reshape (no NC1HWC0
// kernel) reads the pooled result.
// CHECK-LABEL: func @residual_block
// CHECK: %[[IN:.*]] = ge.TransData %arg0 {dst_format = #ge.format<NC1HWC0>, src_format = #ge.format<NCHW>} : (tensor<1x3x16x16xf32>) -> tensor<1x3x16x16xf32, #ge.format<NC1HWC0>>
// CHECK: %[[C1:.*]] = ge.Conv2D %[[IN]], {{.*}} -> tensor<1x32x8x8xf32, #ge.format<NC1HWC0>>
// CHECK: %[[P:.*]] = ge.MaxPool %[[C1]] {{.*}} -> tensor<1x32x4x4xf32, #ge.format<NC1HWC0>>
// CHECK: %[[C2:.*]] = ge.Conv2D %[[P]], {{.*}} -> tensor<1x32x4x4xf32, #ge.format<NC1HWC0>>
// CHECK: %[[A:.*]] = ge.Add %[[C2]], %[[P]] {{.*}} -> tensor<1x32x4x4xf32, #ge.format<NC1HWC0>>
// CHECK: %[[R:.*]] = ge.Relu %[[A]] {{.*}} -> tensor<1x32x4x4xf32, #ge.format<NC1HWC0>>
// CHECK: %[[G:.*]] = ge.GlobalAvgPool %[[R]] {{.*}} -> tensor<1x32x1x1xf32, #ge.format<NC1HWC0>>
// CHECK: %[[OUT:.*]] = ge.TransData %[[G]] {dst_format = #ge.format<ND>, src_format = #ge.format<NC1HWC0>} : (tensor<1x32x1x1xf32, #ge.format<NC1HWC0>>) -> tensor<1x32x1x1xf32>
// CHECK: ge.Reshape %[[OUT]]
// CHECK-NOT: ge.TransData
// CHECK: return
// With small-channel the 3-channel stem reads the graph input as NCHW.
// SMALL-LABEL: func @residual_block
// SMALL-NOT: ge.TransData %arg0
// SMALL: ge.Conv2D %arg0, {{.*}} : (tensor<1x3x16x16xf32>, tensor<32x3x3x3xf32>, tensor<32xf32>) -> tensor<1x32x8x8xf32, #ge.format<NC1HWC0>>
// SMALL-COUNT-1: ge.TransData
// SMALL-NOT: ge.TransData
// SMALL: return
// On this machine's cost model NC1HWC0 does not pay for these layers.
// AUTO-LABEL: func @residual_block
// AUTO-NOT: ge.TransData
// AUTO-NOT: #ge.format
// AUTO: return
// DECIDE: ge-select-formats: chain of 6 ops from Conv2D 'stem': NCHW (estimated -{{[0-9.]+}} ms saved)
// LOWER-LABEL: npu.program @residual_block
// LOWER-NOT: npu.kernel "trans_data"(%arg0)
// LOWER: npu.kernel "conv2d"(%arg0, {{.*}} -> tensor<1x32x8x8xf32, #ge.format<NC1HWC0>>
// LOWER: npu.kernel "max_pool"
// LOWER: npu.kernel "global_avg_pool"
// LOWER: npu.kernel "trans_data"
func.func @residual_block(%x: tensor<1x3x16x16xf32>) -> tensor<1x32xf32> {
  %w1 = ge.Const dense<0.1> : tensor<32x3x3x3xf32>
  %w2 = ge.Const dense<0.1> : tensor<32x32x3x3xf32>
  %b = ge.Const dense<0.1> : tensor<32xf32>
  %s = ge.Const dense<[1, 32]> : tensor<2xi64>
  %0 = ge.Conv2D %x, %w1, %b {ge.fused_activation = "relu", pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1, 2, 2>} : (tensor<1x3x16x16xf32>, tensor<32x3x3x3xf32>, tensor<32xf32>) -> tensor<1x32x8x8xf32> loc("stem")
  %1 = ge.MaxPool %0 {ksize = array<i64: 1, 1, 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1, 2, 2>} : (tensor<1x32x8x8xf32>) -> tensor<1x32x4x4xf32>
  %2 = ge.Conv2D %1, %w2, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x32x4x4xf32>, tensor<32x32x3x3xf32>, tensor<32xf32>) -> tensor<1x32x4x4xf32>
  %3 = ge.Add %2, %1 : (tensor<1x32x4x4xf32>, tensor<1x32x4x4xf32>) -> tensor<1x32x4x4xf32>
  %4 = ge.Relu %3 : (tensor<1x32x4x4xf32>) -> tensor<1x32x4x4xf32>
  %5 = ge.GlobalAvgPool %4 : (tensor<1x32x4x4xf32>) -> tensor<1x32x1x1xf32>
  %6 = ge.Reshape %5, %s : (tensor<1x32x1x1xf32>, tensor<2xi64>) -> tensor<1x32xf32>
  return %6 : tensor<1x32xf32>
}

// -----

// A per-channel Mul (a broadcast operand: no NC1HWC0 kernel) splits two
// chains; each converts on its own, and a chain result that is also a graph
// output leaves through one TransData shared by the Mul and the return.
// CHECK-LABEL: func @two_chains
// CHECK: %[[I:.*]] = ge.TransData %arg0 {{.*}}NC1HWC0
// CHECK: %[[C:.*]] = ge.Conv2D %[[I]]
// CHECK: %[[O:.*]] = ge.TransData %[[C]] {dst_format = #ge.format<ND>
// CHECK: %[[M:.*]] = ge.Mul %[[O]], %{{.*}} : (tensor<1x32x8x8xf32>, tensor<1x32x1x1xf32>) -> tensor<1x32x8x8xf32>
// CHECK: %[[I2:.*]] = ge.TransData %[[M]] {{.*}}NC1HWC0
// CHECK: %[[C2:.*]] = ge.Conv2D %[[I2]]
// CHECK: %[[O2:.*]] = ge.TransData %[[C2]] {dst_format = #ge.format<ND>
// CHECK: return %[[O]], %[[O2]]
func.func @two_chains(%x: tensor<1x32x8x8xf32>, %scale: tensor<1x32x1x1xf32>) -> (tensor<1x32x8x8xf32>, tensor<1x32x8x8xf32>) {
  %w = ge.Const dense<0.1> : tensor<32x32x1x1xf32>
  %0 = ge.Conv2D %x, %w : (tensor<1x32x8x8xf32>, tensor<32x32x1x1xf32>) -> tensor<1x32x8x8xf32>
  %1 = ge.Mul %0, %scale : (tensor<1x32x8x8xf32>, tensor<1x32x1x1xf32>) -> tensor<1x32x8x8xf32>
  %2 = ge.Conv2D %1, %w : (tensor<1x32x8x8xf32>, tensor<32x32x1x1xf32>) -> tensor<1x32x8x8xf32>
  return %0, %2 : tensor<1x32x8x8xf32>, tensor<1x32x8x8xf32>
}

// -----

// Where the cost model expects NC1HWC0 to win (1x1 convs at 14x14 with
// channels that fill the 48-column panels), auto picks it.
// AUTO-LABEL: func @pays_off
// AUTO: ge.TransData %arg0 {{.*}}NC1HWC0
// AUTO: ge.Conv2D {{.*}} -> tensor<1x1024x14x14xf32, #ge.format<NC1HWC0>>
// AUTO: ge.Conv2D {{.*}} -> tensor<1x1024x14x14xf32, #ge.format<NC1HWC0>>
// AUTO: ge.TransData {{.*}}#ge.format<ND>
// DECIDE: chain of 2 ops from Conv2D 'ds': NC1HWC0 (estimated +{{[0-9.]+}} ms saved)
func.func @pays_off(%x: tensor<1x512x28x28xf32>) -> tensor<1x1024x14x14xf32> {
  %w1 = ge.Const dense<0.1> : tensor<1024x512x1x1xf32>
  %w2 = ge.Const dense<0.1> : tensor<1024x1024x1x1xf32>
  %0 = ge.Conv2D %x, %w1 {strides = array<i64: 1, 1, 2, 2>} : (tensor<1x512x28x28xf32>, tensor<1024x512x1x1xf32>) -> tensor<1x1024x14x14xf32> loc("ds")
  %1 = ge.Conv2D %0, %w2 : (tensor<1x1024x14x14xf32>, tensor<1024x1024x1x1xf32>) -> tensor<1x1024x14x14xf32>
  return %1 : tensor<1x1024x14x14xf32>
}

// -----

// Ops that already carry a format (chosen by hand) and chains without a
// conv are left alone.
// CHECK-LABEL: func @left_alone
// CHECK-NOT: ge.TransData
// CHECK: return
func.func @left_alone(%x: tensor<1x8x4x4xf32, #ge.format<NC1HWC0>>, %y: tensor<1x8x4x4xf32>) -> (tensor<1x8x4x4xf32, #ge.format<NC1HWC0>>, tensor<1x8x2x2xf32>) {
  %w = ge.Const dense<0.1> : tensor<8x8x1x1xf32>
  %0 = ge.Conv2D %x, %w : (tensor<1x8x4x4xf32, #ge.format<NC1HWC0>>, tensor<8x8x1x1xf32>) -> tensor<1x8x4x4xf32, #ge.format<NC1HWC0>>
  %1 = ge.MaxPool %y {ksize = array<i64: 1, 1, 2, 2>, strides = array<i64: 1, 1, 2, 2>} : (tensor<1x8x4x4xf32>) -> tensor<1x8x2x2xf32>
  return %0, %1 : tensor<1x8x4x4xf32, #ge.format<NC1HWC0>>, tensor<1x8x2x2xf32>
}
