// RUN: geflow-opt %s -split-input-file -ge-fuse-gelu | FileCheck %s
// RUN: geflow-opt %s -split-input-file -ge-fuse-gelu -ge-fuse-epilogue | FileCheck %s --check-prefix=EPI

// torch.onnx's F.gelu: Mul(Mul(x, Add(Erf(Div(x, sqrt2)), 1)), 0.5).
// CHECK-LABEL: func @torch_erf
// CHECK: %[[G:.*]] = ge.Gelu %arg0 :
// CHECK-NOT: ge.Erf
// CHECK: return %[[G]]
func.func @torch_erf(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %s = ge.Const dense<1.41421354> : tensor<f32>
  %one = ge.Const dense<1.0> : tensor<f32>
  %half = ge.Const dense<0.5> : tensor<f32>
  %0 = ge.RealDiv %x, %s : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %1 = ge.Erf %0 : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %2 = ge.Add %1, %one : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %3 = ge.Mul %x, %2 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %4 = ge.Mul %3, %half : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  return %4 : tensor<2x8xf32>
}

// -----

// BERT's x * 0.5 * (1.0 + erf(x * 0.70710678)), operands in the other order.
// CHECK-LABEL: func @bert_erf
// CHECK: %[[G:.*]] = ge.Gelu %arg0 :
// CHECK: return %[[G]]
func.func @bert_erf(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %k = ge.Const dense<0.707106769> : tensor<1xf32>
  %one = ge.Const dense<1.0> : tensor<1xf32>
  %half = ge.Const dense<0.5> : tensor<1xf32>
  %0 = ge.Mul %x, %half : (tensor<2x8xf32>, tensor<1xf32>) -> tensor<2x8xf32>
  %1 = ge.Mul %k, %x : (tensor<1xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %2 = ge.Erf %1 : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %3 = ge.Add %one, %2 : (tensor<1xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %4 = ge.Mul %0, %3 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %4 : tensor<2x8xf32>
}

// -----

// gelu_new: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * pow(x, 3)))).
// CHECK-LABEL: func @tanh_pow
// CHECK: %[[G:.*]] = ge.Gelu %arg0 {approximate = "tanh"}
// CHECK-NOT: ge.Tanh
// CHECK: return %[[G]]
func.func @tanh_pow(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %three = ge.Const dense<3.0> : tensor<f32>
  %c = ge.Const dense<0.044715> : tensor<f32>
  %k = ge.Const dense<0.797884583> : tensor<f32>
  %one = ge.Const dense<1.0> : tensor<f32>
  %half = ge.Const dense<0.5> : tensor<f32>
  %0 = ge.Pow %x, %three : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %1 = ge.Mul %c, %0 : (tensor<f32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %2 = ge.Add %x, %1 : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %3 = ge.Mul %2, %k : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %4 = ge.Tanh %3 : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %5 = ge.Add %4, %one : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %6 = ge.Mul %half, %x : (tensor<f32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %7 = ge.Mul %6, %5 : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  return %7 : tensor<4x16xf32>
}

// -----

// The tanh form with x^3 as x * (x * x), the polynomial distributed
// (k x + k 0.044715 x^3) and the half as a division by 2.
// CHECK-LABEL: func @tanh_cube_distributed
// CHECK: %[[G:.*]] = ge.Gelu %arg0 {approximate = "tanh"}
// CHECK: return %[[G]]
func.func @tanh_cube_distributed(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %k = ge.Const dense<0.797884583> : tensor<f32>
  %kc = ge.Const dense<0.0356774069> : tensor<f32>
  %one = ge.Const dense<1.0> : tensor<f32>
  %two = ge.Const dense<2.0> : tensor<f32>
  %0 = ge.Mul %x, %x : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %1 = ge.Mul %x, %0 : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %2 = ge.Mul %1, %kc : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %3 = ge.Mul %x, %k : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %4 = ge.Add %3, %2 : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %5 = ge.Tanh %4 : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %6 = ge.Add %5, %one : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %7 = ge.Mul %x, %6 : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %8 = ge.RealDiv %7, %two : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  return %8 : tensor<4x16xf32>
}

// -----

// Not GELU: the erf argument is x / 2, the half is missing, the erf
// argument is another tensor. Nothing changes.
// CHECK-LABEL: func @not_gelu
// CHECK-NOT: ge.Gelu
// CHECK-COUNT-3: ge.Erf
// CHECK-NOT: ge.Gelu
func.func @not_gelu(%x: tensor<8xf32>, %y: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %two = ge.Const dense<2.0> : tensor<f32>
  %s = ge.Const dense<1.41421354> : tensor<f32>
  %one = ge.Const dense<1.0> : tensor<f32>
  %half = ge.Const dense<0.5> : tensor<f32>
  %0 = ge.RealDiv %x, %two : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %1 = ge.Erf %0 : (tensor<8xf32>) -> tensor<8xf32>
  %2 = ge.Add %1, %one : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %3 = ge.Mul %x, %2 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %4 = ge.Mul %3, %half : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %5 = ge.RealDiv %x, %s : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %6 = ge.Erf %5 : (tensor<8xf32>) -> tensor<8xf32>
  %7 = ge.Add %6, %one : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %8 = ge.Mul %x, %7 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %9 = ge.RealDiv %y, %s : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %10 = ge.Erf %9 : (tensor<8xf32>) -> tensor<8xf32>
  %11 = ge.Add %10, %one : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %12 = ge.Mul %x, %11 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %13 = ge.Mul %12, %half : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  return %4, %8, %13 : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}

// -----

// Linear + GELU as torch exports it: bias add and GELU end up in the
// BatchMatMul's epilogue.
// CHECK-LABEL: func @linear_gelu
// CHECK: ge.Gelu
// EPI-LABEL: func @linear_gelu
// EPI: %[[M:.*]] = ge.BatchMatMulV2 %arg0, %{{.*}}, %{{.*}} {ge.fused_activation = "gelu"}
// EPI-NOT: ge.Gelu
// EPI: return %[[M]]
func.func @linear_gelu(%x: tensor<1x4x8xf32>) -> tensor<1x4x16xf32> {
  %w = ge.Const dense<0.125> : tensor<8x16xf32>
  %b = ge.Const dense<0.25> : tensor<16xf32>
  %s = ge.Const dense<1.41421354> : tensor<f32>
  %one = ge.Const dense<1.0> : tensor<f32>
  %half = ge.Const dense<0.5> : tensor<f32>
  %m = ge.BatchMatMulV2 %x, %w : (tensor<1x4x8xf32>, tensor<8x16xf32>) -> tensor<1x4x16xf32>
  %a = ge.Add %b, %m : (tensor<16xf32>, tensor<1x4x16xf32>) -> tensor<1x4x16xf32>
  %0 = ge.RealDiv %a, %s : (tensor<1x4x16xf32>, tensor<f32>) -> tensor<1x4x16xf32>
  %1 = ge.Erf %0 : (tensor<1x4x16xf32>) -> tensor<1x4x16xf32>
  %2 = ge.Add %1, %one : (tensor<1x4x16xf32>, tensor<f32>) -> tensor<1x4x16xf32>
  %3 = ge.Mul %a, %2 : (tensor<1x4x16xf32>, tensor<1x4x16xf32>) -> tensor<1x4x16xf32>
  %4 = ge.Mul %3, %half : (tensor<1x4x16xf32>, tensor<f32>) -> tensor<1x4x16xf32>
  return %4 : tensor<1x4x16xf32>
}
