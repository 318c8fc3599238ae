// RUN: geflow-opt %s -npu-layout-weights | FileCheck %s

// Weights are laid out in order, 64-byte aligned; equal bytes share a place.
// CHECK-LABEL: npu.program @weights
// CHECK-SAME: weights_size = 256
// CHECK: npu.weight {placement = #npu.buf<weight, 0, 12>, value = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]>
// CHECK: npu.weight {placement = #npu.buf<weight, 64, 128>
// CHECK: npu.weight {placement = #npu.buf<weight, 0, 12>, value = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]>
// CHECK: npu.weight {packed, placement = #npu.buf<weight, 192, 8>
// CHECK: npu.weight {file_path = "w.bin"
// CHECK-NOT: placement
// CHECK-SAME: tensor<4xf32>
npu.program @weights(%x: tensor<3xf32>) -> tensor<3xf32> attributes {weights_size = 0 : i64} {
  %a = npu.weight {value = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>} : tensor<3xf32>
  %b = npu.weight {value = dense<2.0> : tensor<32xf32>} : tensor<32xf32>
  %c = npu.weight {value = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>} : tensor<3xf32>
  %p = npu.weight {value = dense<[1, 2, 3, 4, 5, 6, 7, 8]> : tensor<8xi8>, packed} : tensor<2xf32>
  %e = npu.weight {file_path = "w.bin"} : tensor<4xf32>
  npu.return %a : tensor<3xf32>
}

// Programs of two gears share equal weights.
// CHECK-LABEL: npu.program @gear1
// CHECK-SAME: weights_size = 256
// CHECK: npu.weight {placement = #npu.buf<weight, 64, 128>, value = dense<2.000000e+00> : tensor<32xf32>}
npu.program @gear1(%x: tensor<3xf32>) -> tensor<32xf32> {
  %b = npu.weight {value = dense<2.0> : tensor<32xf32>} : tensor<32xf32>
  npu.return %b : tensor<32xf32>
}
