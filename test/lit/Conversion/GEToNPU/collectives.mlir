// RUN: geflow-opt %s --geflow-compile-pipeline | FileCheck %s
// Collectives become npu.collective tasks on a stream of their own,
// ordered with the compute streams by events: the all-reduce of `a` waits
// for the kernel that produced `a`, and the independent kernels (`other`,
// `other2`) stay on the compute stream, free to run while the all-reduce
// communicates; the add waits for the all-reduce's event.

// CHECK-LABEL: npu.program @overlap
// CHECK-SAME: num_streams = 2
// CHECK: npu.kernel {{.*}}stream = [[COMPUTE:[0-9]+]]
// CHECK: npu.event_record {event = [[E0:[0-9]+]] : i64, stream = [[COMPUTE]] : i64}
// CHECK: npu.event_wait {event = [[E0]] : i64, stream = [[COMM:[0-9]+]] : i64}
// CHECK: npu.collective "HcomAllReduce"({{.*}}) {comm_attrs = {reduction = "sum"}, group = "hccl_world_group", outputs = [#npu.buf<arena{{.*}}>], stream = [[COMM]] : i64}
// CHECK: npu.event_record {event = [[E1:[0-9]+]] : i64, stream = [[COMM]] : i64}
// CHECK: npu.kernel "matmul"{{.*}}stream = [[COMPUTE]]
// CHECK: npu.kernel "matmul"{{.*}}stream = [[COMPUTE]]
// CHECK: npu.event_wait {event = [[E1]] : i64, stream = [[COMPUTE]] : i64}
// CHECK: npu.kernel {{.*}}stream = [[COMPUTE]]
func.func @overlap(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %a = ge.Relu %x : (tensor<4x8xf32>) -> tensor<4x8xf32> loc("a")
  %r = ge.HcomAllReduce %a : tensor<4x8xf32> loc("allreduce")
  %other = ge.MatMulV2 %x, %x {transpose_x2 = true} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x4xf32> loc("other")
  %o2 = ge.MatMulV2 %other, %x : (tensor<4x4xf32>, tensor<4x8xf32>) -> tensor<4x8xf32> loc("other2")
  %y = ge.Add %r, %o2 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32> loc("sum")
  return %y : tensor<4x8xf32>
}

// The other collectives' attributes, and an HcomSend (no result) kept.
// CHECK-LABEL: npu.program @kinds
// CHECK: npu.collective "HcomAllGather"({{.*}}) {comm_attrs = {rank_size = 2 : i64}
// CHECK: npu.collective "HcomReduceScatter"({{.*}}) {comm_attrs = {rank_size = 2 : i64, reduction = "min"}
// CHECK: npu.collective "HcomBroadcast"({{.*}}) {comm_attrs = {root_rank = 1 : i64}, group = "pair"
// CHECK: npu.collective "HcomSend"({{.*}}) {comm_attrs = {peer_rank = 1 : i64, sr_tag = 5 : i64}
// CHECK: npu.collective "HcomReceive"() {comm_attrs = {peer_rank = 0 : i64, sr_tag = 5 : i64}
func.func @kinds(%x: tensor<4x8xf32>) -> (tensor<8x8xf32>, tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xi32>) {
  %g = ge.HcomAllGather %x {rank_size = 2 : i64} : (tensor<4x8xf32>) -> tensor<8x8xf32>
  %s = ge.HcomReduceScatter %x {rank_size = 2 : i64, reduction = "min"} : (tensor<4x8xf32>) -> tensor<2x8xf32>
  %b = ge.HcomBroadcast %x {root_rank = 1 : i64, group = "pair"} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  ge.HcomSend %x {dest_rank = 1 : i64, sr_tag = 5 : i64} : tensor<4x8xf32>
  %r = ge.HcomReceive {src_rank = 0 : i64, sr_tag = 5 : i64, shape = array<i64: 4>, dtype = i32} : tensor<4xi32>
  return %g, %s, %b, %r : tensor<8x8xf32>, tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xi32>
}
