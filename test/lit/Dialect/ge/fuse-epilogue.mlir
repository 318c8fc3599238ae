// RUN: geflow-opt %s -split-input-file -ge-fold-batchnorm -ge-fuse-epilogue | FileCheck %s
// RUN: geflow-opt %s -split-input-file -ge-fold-batchnorm -ge-fuse-epilogue -convert-ge-to-npu=cores=2 | FileCheck %s --check-prefix=LOWER
// Switched-off fusions (what fusion_switch_file does) leave those ops alone.
// RUN: geflow-opt %s -split-input-file -ge-fold-batchnorm -ge-fuse-epilogue="conv-activation=false matmul-bias=false" | FileCheck %s --check-prefix=SWITCH

// Conv + BatchNorm + Relu: the BatchNorm folds into the weights and bias,
// the Relu into the epilogue. W' = W * s with s = scale / sqrt(var + eps):
// scale 2, var 3, eps 1 -> s = 1; b' = (b - mean) * s + offset = (1 - 4) + 5.
// CHECK-LABEL: func @conv_bn_relu
// CHECK-DAG: %[[W:.*]] = ge.Const dense<5.000000e-01> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = ge.Const dense<2.000000e+00> : tensor<2xf32>
// CHECK: %[[C:.*]] = ge.Conv2D %arg0, %[[W]], %[[B]] {ge.fused_activation = "relu", groups = 2 : i64}
// CHECK-NOT: ge.BatchNorm
// CHECK-NOT: ge.Relu
// CHECK: return %[[C]]
// SWITCH-LABEL: func @conv_bn_relu
// SWITCH: %[[C:.*]] = ge.Conv2D %arg0, %{{.*}}, %{{.*}} {groups = 2 : i64}
// SWITCH: ge.Relu %[[C]]
// LOWER: npu.kernel "conv2d"{{.*}}kernel_attrs = {activation = "relu"
func.func @conv_bn_relu(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = ge.Const dense<0.5> : tensor<2x1x1x1xf32>
  %b = ge.Const dense<1.0> : tensor<2xf32>
  %scale = ge.Const dense<2.0> : tensor<2xf32>
  %offset = ge.Const dense<5.0> : tensor<2xf32>
  %mean = ge.Const dense<4.0> : tensor<2xf32>
  %var = ge.Const dense<3.0> : tensor<2xf32>
  %0 = ge.Conv2D %x, %w, %b {groups = 2} : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %1 = ge.BatchNorm %0, %scale, %offset, %mean, %var {epsilon = 1.0 : f32}
      : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %2 = ge.Relu %1 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %2 : tensor<1x2x4x4xf32>
}

// -----

// MatMul + Add([N]) + Gelu: the add becomes the bias operand, gelu the
// epilogue. A per-row add ([M, 1]) is not a bias and stays.
// CHECK-LABEL: func @matmul_bias_gelu
// CHECK: %[[M:.*]] = ge.MatMulV2 %arg0, %arg1, %{{.*}} {ge.fused_activation = "gelu"}
// CHECK: ge.Add %{{.*}}, %arg2
// LOWER-LABEL: npu.program @matmul_bias_gelu
// SWITCH-LABEL: func @matmul_bias_gelu
// SWITCH: %[[M:.*]] = ge.MatMulV2 %arg0, %arg1 :
// SWITCH: %[[A:.*]] = ge.Add %[[M]]
// SWITCH: ge.Gelu %[[A]]
// LOWER: npu.kernel "matmul"(%arg0, %arg1, %{{.*}}) {{.*}}kernel_attrs = {activation = "gelu"
func.func @matmul_bias_gelu(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %r: tensor<4x1xf32>) -> tensor<4x16xf32> {
  %bias = ge.Const dense<0.25> : tensor<1x16xf32>
  %0 = ge.MatMulV2 %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %1 = ge.Add %0, %bias : (tensor<4x16xf32>, tensor<1x16xf32>) -> tensor<4x16xf32>
  %2 = ge.Gelu %1 : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %3 = ge.Add %2, %r : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  return %3 : tensor<4x16xf32>
}

// -----

// A result that is also used elsewhere keeps its separate activation.
// CHECK-LABEL: func @shared_result
// CHECK: ge.MatMulV2
// CHECK-NOT: ge.fused_activation
// CHECK: ge.Relu
func.func @shared_result(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  %0 = ge.MatMulV2 %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %1 = ge.Relu %0 : (tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0, %1 : tensor<4x16xf32>, tensor<4x16xf32>
}

// -----

// ResNet's shortcut: Conv -> Add(shortcut) -> Relu is one conv whose
// epilogue adds the residual, then applies the Relu.
// CHECK-LABEL: func @conv_residual_relu
// CHECK: %[[C:.*]] = ge.Conv2D %arg0, %{{.*}}, %{{.*}} residual(%arg1) {ge.fused_activation = "relu"
// CHECK-NOT: ge.Add
// CHECK-NOT: ge.Relu
// CHECK: return %[[C]]
// SWITCH-LABEL: func @conv_residual_relu
// SWITCH: %[[C:.*]] = ge.Conv2D %arg0, %{{.*}}, %{{.*}} residual(%arg1) {pads
// SWITCH: ge.Relu %[[C]]
// LOWER-LABEL: npu.program @conv_residual_relu
// LOWER: npu.kernel "conv2d"(%arg0, %{{.*}}, %{{.*}}, %arg1) {{.*}}kernel_attrs = {activation = "relu"{{.*}}residual = 1
func.func @conv_residual_relu(%x: tensor<1x4x6x6xf32>, %r: tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32> {
  %w = ge.Const dense<0.5> : tensor<8x4x3x3xf32>
  %b = ge.Const dense<1.0> : tensor<8xf32>
  %0 = ge.Conv2D %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x6x6xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<1x8x6x6xf32>
  %1 = ge.Add %r, %0 : (tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
  %2 = ge.Relu %1 : (tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
  return %2 : tensor<1x8x6x6xf32>
}

// -----

// Two convs meeting at the Add (a downsampling block): the later conv takes
// the earlier one's result as its residual, so nothing moves.
// CHECK-LABEL: func @two_convs
// CHECK: %[[A:.*]] = ge.Conv2D %arg0, %{{.*}} :
// CHECK: %[[B:.*]] = ge.Conv2D %arg0, %{{.*}} residual(%[[A]]) {ge.fused_activation = "relu"}
// CHECK: return %[[B]]
func.func @two_convs(%x: tensor<1x4x6x6xf32>) -> tensor<1x8x6x6xf32> {
  %w = ge.Const dense<0.5> : tensor<8x4x1x1xf32>
  %v = ge.Const dense<0.25> : tensor<8x4x1x1xf32>
  %0 = ge.Conv2D %x, %w : (tensor<1x4x6x6xf32>, tensor<8x4x1x1xf32>) -> tensor<1x8x6x6xf32>
  %1 = ge.Conv2D %x, %v : (tensor<1x4x6x6xf32>, tensor<8x4x1x1xf32>) -> tensor<1x8x6x6xf32>
  %2 = ge.Add %0, %1 : (tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
  %3 = ge.Relu %2 : (tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
  return %3 : tensor<1x8x6x6xf32>
}

// -----

// A downsampling block with a deeper main branch: the main branch's last
// conv takes the shortcut conv's result (moving down past it), so the
// shortcut stays a branch of its own that can run beside the main one.
// CHECK-LABEL: func @shortcut_beside_main_branch
// CHECK: %[[A:.*]] = ge.Conv2D %arg0, %{{.*}} {ge.fused_activation = "relu"}
// CHECK: %[[S:.*]] = ge.Conv2D %arg0, %{{.*}} :
// CHECK: %[[B:.*]] = ge.Conv2D %[[A]], %{{.*}} residual(%[[S]]) {ge.fused_activation = "relu"}
// CHECK: return %[[B]]
func.func @shortcut_beside_main_branch(%x: tensor<1x4x6x6xf32>) -> tensor<1x8x6x6xf32> {
  %w = ge.Const dense<0.5> : tensor<4x4x1x1xf32>
  %v = ge.Const dense<0.25> : tensor<8x4x1x1xf32>
  %u = ge.Const dense<0.125> : tensor<8x4x1x1xf32>
  %0 = ge.Conv2D %x, %w : (tensor<1x4x6x6xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x6x6xf32>
  %1 = ge.Relu %0 : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %2 = ge.Conv2D %1, %v : (tensor<1x4x6x6xf32>, tensor<8x4x1x1xf32>) -> tensor<1x8x6x6xf32>
  %3 = ge.Conv2D %x, %u : (tensor<1x4x6x6xf32>, tensor<8x4x1x1xf32>) -> tensor<1x8x6x6xf32>
  %4 = ge.Add %2, %3 : (tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
  %5 = ge.Relu %4 : (tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
  return %5 : tensor<1x8x6x6xf32>
}

// -----

// The residual is computed after the conv: the conv moves down to the Add.
// CHECK-LABEL: func @residual_after_conv
// CHECK: %[[R:.*]] = ge.Sigmoid %arg1
// CHECK: %[[C:.*]] = ge.Conv2D %arg0, %{{.*}} residual(%[[R]]) :
// CHECK: return %[[C]]
func.func @residual_after_conv(%x: tensor<1x4x6x6xf32>, %y: tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32> {
  %w = ge.Const dense<0.5> : tensor<8x4x1x1xf32>
  %0 = ge.Conv2D %x, %w : (tensor<1x4x6x6xf32>, tensor<8x4x1x1xf32>) -> tensor<1x8x6x6xf32>
  %1 = ge.Sigmoid %y : (tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
  %2 = ge.Add %0, %1 : (tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
  return %2 : tensor<1x8x6x6xf32>
}

// -----

// Left alone: an Add that broadcasts, a conv whose activation comes before
// the Add, a depthwise conv, a conv result used twice.
// CHECK-LABEL: func @not_residuals
// CHECK-NOT: residual(
// CHECK: return
func.func @not_residuals(%x: tensor<1x8x6x6xf32>, %c: tensor<1x8x1x1xf32>, %r: tensor<1x8x6x6xf32>)
    -> (tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>) {
  %w = ge.Const dense<0.5> : tensor<8x8x1x1xf32>
  %dw = ge.Const dense<0.5> : tensor<8x1x3x3xf32>
  %0 = ge.Conv2D %x, %w : (tensor<1x8x6x6xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x6x6xf32>
  %1 = ge.Add %0, %c : (tensor<1x8x6x6xf32>, tensor<1x8x1x1xf32>) -> tensor<1x8x6x6xf32>
  %2 = ge.Conv2D %x, %w : (tensor<1x8x6x6xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x6x6xf32>
  %3 = ge.Relu %2 : (tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
  %4 = ge.Add %3, %r : (tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
  %5 = ge.Conv2D %x, %dw {groups = 8, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32>
  %6 = ge.Add %5, %r : (tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
  %7 = ge.Conv2D %x, %w : (tensor<1x8x6x6xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x6x6xf32>
  %8 = ge.Add %7, %r : (tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
  %9 = ge.Mul %7, %8 : (tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
  return %1, %4, %6, %9 : tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>
}
