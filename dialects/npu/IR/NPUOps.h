//===- NPUOps.h - npu task ops ----------------------------------*- C++ -*-===//
#ifndef GEFLOW_DIALECTS_NPU_IR_NPUOPS_H
#define GEFLOW_DIALECTS_NPU_IR_NPUOPS_H

#include "dialects/ge/IR/GEDialect.h"
#include "dialects/npu/IR/NPUDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dialects/npu/IR/NPUOps.h.inc"

namespace geflow::npu {

/// The stream a task runs on (0 when not assigned yet); null for ops that
/// are not tasks (weights, aliases).
std::optional<int64_t> getTaskStream(mlir::Operation *op);

/// Whether `op` is a task the runtime executes (kernel, memcpy, host call,
/// event record/wait). Elided kernels are not.
bool isTask(mlir::Operation *op);

/// Whether `op` runs on the host CPU engine (mixed compute): an `on_host`
/// kernel or a host call.
bool isHostTask(mlir::Operation *op);

/// Whether `v`'s bytes are in host memory (mixed compute): the result of a
/// host task or of a device_to_host copy, or a view of one. Program inputs
/// and outputs are device memory; weights are read by both engines.
bool isInHostMemory(mlir::Value v);

} // namespace geflow::npu

#endif
