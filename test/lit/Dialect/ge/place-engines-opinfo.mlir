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

// Host-engine dtypes have no device kernels at all: every op computing in
// one goes to the host, a Cast from one included; f32 ops stay.
func.func @host_dtypes(%x: tensor<4xf64>, %y: tensor<4xui32>) -> (tensor<4xf32>, tensor<4xui32>) {
  %a = ge.Abs %x : (tensor<4xf64>) -> tensor<4xf64> loc("abs_f64")
  %c = ge.Cast %a {dst_type = f32} : (tensor<4xf64>) -> tensor<4xf32> loc("cast")
  %r = ge.Relu %c : (tensor<4xf32>) -> tensor<4xf32> loc("relu")
  %m = ge.Maximum %y, %y : (tensor<4xui32>, tensor<4xui32>) -> tensor<4xui32> loc("max_u32")
  return %r, %m : tensor<4xf32>, tensor<4xui32>
}
// CHECK-LABEL: func.func @host_dtypes
// CHECK: ge.Abs {{.*}}ge.engine = "host", ge.engine_reason = "the device has no float64 kernels"
// CHECK: ge.Cast {{.*}}ge.engine = "host", ge.engine_reason = "the device has no float64 kernels"
// CHECK: ge.Relu %{{.*}} : (tensor<4xf32>)
// CHECK: ge.Maximum {{.*}}ge.engine_reason = "the device has no uint32 kernels"
