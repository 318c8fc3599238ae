// RUN: geflow-opt %s --ge-place-engines="mix-compile-mode=true" | FileCheck %s

// The soc's op-info has no int8 column for Abs: under mixed compute it
// runs on the host; the f32 Abs stays on the device.
func.func @opinfo(%x: tensor<4xi8>, %y: tensor<4xf32>) -> (tensor<4xi8>, tensor<4xf32>) {
  %a = ge.Abs %x : (tensor<4xi8>) -> tensor<4xi8> loc("abs_i8")
  %b = ge.Abs %y : (tensor<4xf32>) -> tensor<4xf32> loc("abs_f32")
  return %a, %b : tensor<4xi8>, tensor<4xf32>
}
// CHECK-LABEL: func.func @opinfo
// CHECK: ge.Abs {{.*}}ge.engine_reason = "the op-info of soc host has no Abs kernel for (int8 -> int8)"
// CHECK: ge.Abs %arg1 :
