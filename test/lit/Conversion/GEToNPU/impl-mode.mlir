// op_select_implmode / optypelist_for_implmode reach the conv2d kernel as
// its `impl_mode` attribute (high_performance lets the tiling choose
// Winograd, docs/kernels.md#conv2d); unset, the kernel keeps its default
// (direct convolution) and no attribute is written.
// RUN: geflow-opt %s -convert-ge-to-npu=cores=2 | FileCheck %s --check-prefix=DEFAULT
// RUN: geflow-opt %s '-convert-ge-to-npu=cores=2 impl-mode=high_performance' | FileCheck %s --check-prefix=PERF
// RUN: geflow-opt %s '-convert-ge-to-npu=cores=2 impl-mode=high_performance_for_all' | FileCheck %s --check-prefix=PERF
// RUN: geflow-opt %s '-convert-ge-to-npu=cores=2 impl-mode=high_precision' | FileCheck %s --check-prefix=PREC
// RUN: geflow-opt %s '-convert-ge-to-npu=cores=2 impl-mode=high_performance impl-mode-op-types=Conv2D,Pooling' | FileCheck %s --check-prefix=PERF
// RUN: geflow-opt %s '-convert-ge-to-npu=cores=2 impl-mode=high_performance impl-mode-op-types=Pooling' | FileCheck %s --check-prefix=DEFAULT
// RUN: not geflow-opt %s '-convert-ge-to-npu=impl-mode=fastest' 2>&1 | FileCheck %s --check-prefix=BAD

// DEFAULT: npu.kernel "conv2d"{{.*}}kernel_attrs = {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
// PERF: npu.kernel "conv2d"{{.*}}impl_mode = "high_performance"
// PREC: npu.kernel "conv2d"{{.*}}impl_mode = "high_precision"
// BAD: unknown op_select_implmode 'fastest', expected one of high_precision, high_performance, high_precision_for_all, high_performance_for_all
func.func @conv(%x: tensor<1x16x32x32xf32>) -> tensor<1x16x32x32xf32> {
  %w = ge.Const dense<0.5> : tensor<16x16x3x3xf32>
  %0 = ge.Conv2D %x, %w {strides = array<i64: 1, 1, 1, 1>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x16x32x32xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x32x32xf32>
  return %0 : tensor<1x16x32x32xf32>
}
