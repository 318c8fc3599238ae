// GE's gear options become the ge.gears table (one value per -1 dim of
// input_shape, inputs in graph order); bad combinations name the problem.
// RUN: geflow-opt %s \
// RUN:   '-ge-attach-gears=input-shape=x:-1,3,8,8;m:-1,4 dynamic-batch-size=1,2,4' | FileCheck %s --check-prefix=BATCH
// RUN: geflow-opt %s \
// RUN:   '-ge-attach-gears=input-shape=m:2,-1;x:1,3,-1,8 dynamic-dims=4,8;6,16' | FileCheck %s --check-prefix=DIMS
// RUN: not geflow-opt %s '-ge-attach-gears=input-shape=x:1,3,8,8;m:1,4 dynamic-batch-size=2' 2>&1 | FileCheck %s --check-prefix=NOUNKNOWN
// RUN: not geflow-opt %s '-ge-attach-gears=input-shape=x:-1,3,8,8;m:1,-1 dynamic-batch-size=2' 2>&1 | FileCheck %s --check-prefix=NOTBATCH
// RUN: not geflow-opt %s '-ge-attach-gears=input-shape=x:-1,3,8,8 dynamic-batch-size=2' 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not geflow-opt %s '-ge-attach-gears=dynamic-dims=2' 2>&1 | FileCheck %s --check-prefix=NOSHAPE
// RUN: not geflow-opt %s '-ge-attach-gears=input-shape=x:-1,3,8,8;m:-1,4 dynamic-dims=1,2,3' 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: not geflow-opt %s '-ge-attach-gears=gear-padding=true' 2>&1 | FileCheck %s --check-prefix=PADDING
// RUN: not geflow-opt %s '-ge-attach-gears=dynamic-dims=1;x' 2>&1 | FileCheck %s --check-prefix=SYNTAX

// BATCH: func.func @g({{.*}}) -> tensor<?x4xf32> attributes {ge.gears = [array<i64: 1, 1>, array<i64: 2, 2>, array<i64: 4, 4>]}
// DIMS: func.func @g({{.*}}) -> tensor<?x4xf32> attributes {ge.gears = [array<i64: 4, 8>, array<i64: 6, 16>]}
// NOUNKNOWN: error: dynamic_batch_size is set but input_shape has no -1 dim
// NOTBATCH: error: dynamic_batch_size gears the batch dim only, but input 'm' has -1 in dim 1
// MISSING: error: input_shape must list every input with dynamic_batch_size; 'm' is missing
// NOSHAPE: error: dynamic_dims needs input_shape with -1 marking the geared dims
// COUNT: error: dynamic_dims gear 0 has 3 values but input_shape has 2 -1 dims
// PADDING: error: gear_padding needs gears (dynamic_batch_size, dynamic_dims or dynamic_image_size)
// SYNTAX: dynamic_dims:
func.func @g(%x: tensor<?x3x8x8xf32> {ge.name = "x"}, %m: tensor<?x4xf32> {ge.name = "m"}) -> tensor<?x4xf32> {
  return %m : tensor<?x4xf32>
}
