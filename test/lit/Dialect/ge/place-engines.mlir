// Mixed compute placement (GE 5.2): mix_compile_mode puts what the device
// cannot run on the host; in_out_pair ranges go to the device (flag true)
// or stay on the host (flag false).
// RUN: geflow-opt %s --ge-place-engines="mix-compile-mode=true" | FileCheck %s --check-prefix=AUTO
// RUN: geflow-opt %s --ge-place-engines="mix-compile-mode=true in-out-pair=\"[[['main_mm'], ['main_relu']]]\"" | FileCheck %s --check-prefix=DEVICE
// RUN: geflow-opt %s --ge-place-engines="mix-compile-mode=true in-out-pair=\"[['pre_scale'], ['pre_shift']]\" in-out-pair-flag=false" | FileCheck %s --check-prefix=HOST
// RUN: geflow-opt %s --ge-place-engines="mix-compile-mode=false" | FileCheck %s --check-prefix=OFF

// A model with pre-processing (scale, shift), a main part (matmul, relu)
// and post-processing (softmax, running sums).
func.func @pipeline(%x: tensor<2x8xf32> {ge.name = "image"}) -> tensor<2x8xf32> {
  %s = ge.Const dense<0.5> : tensor<2x8xf32> loc("scale_value")
  %w = ge.Const dense<0.25> : tensor<8x8xf32> loc("w")
  %a = ge.Mul %x, %s : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("pre_scale")
  %b = ge.Add %a, %s : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("pre_shift")
  %m = ge.MatMulV2 %b, %w : (tensor<2x8xf32>, tensor<8x8xf32>) -> tensor<2x8xf32> loc("main_mm")
  %r = ge.Relu %m : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("main_relu")
  %p = ge.Softmax %r : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("post_softmax")
  %c = ge.Cumsum %p {axis = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("post_cumsum")
  return %c : tensor<2x8xf32>
}

// Only the op without a device kernel moves; weights are never placed.
// AUTO-LABEL: func.func @pipeline
// AUTO-NOT: ge.engine
// AUTO: ge.Cumsum {{.*}}{axis = 1 : i64, ge.engine = "host", ge.engine_reason = "no device kernel"}

// The range main_mm..main_relu runs on the device, the rest on the host.
// DEVICE-LABEL: func.func @pipeline
// DEVICE: ge.Mul {{.*}}ge.engine = "host", ge.engine_reason = "outside the in_out_pair ranges (in_out_pair_flag=true)"
// DEVICE: ge.Add {{.*}}ge.engine = "host"
// DEVICE: ge.MatMulV2 %{{[0-9]+}}, %{{[0-9]+}} :
// DEVICE: ge.Relu %{{[0-9]+}} :
// DEVICE: ge.Softmax {{.*}}ge.engine = "host"
// DEVICE: ge.Cumsum {{.*}}ge.engine_reason = "no device kernel"

// The pre-processing range stays on the host, the rest goes to the device
// (but Cumsum, which the device cannot run).
// HOST-LABEL: func.func @pipeline
// HOST: ge.Mul {{.*}}ge.engine = "host", ge.engine_reason = "inside an in_out_pair range (in_out_pair_flag=false)"
// HOST: ge.Add {{.*}}ge.engine = "host"
// HOST: ge.MatMulV2 %{{[0-9]+}}, %{{[0-9]+}} :
// HOST: ge.Relu %{{[0-9]+}} :
// HOST: ge.Softmax %{{[0-9]+}} :
// HOST: ge.Cumsum {{.*}}ge.engine = "host", ge.engine_reason = "no device kernel"

// OFF-NOT: ge.engine
