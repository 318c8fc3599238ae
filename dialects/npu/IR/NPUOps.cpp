//===- NPUOps.cpp - npu task ops: assembly and verification ---------------===//
#include "dialects/npu/IR/NPUOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/FunctionImplementation.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;
using namespace geflow::npu;

#define GET_OP_CLASSES
#include "dialects/npu/IR/NPUOps.cpp.inc"

std::optional<int64_t> geflow::npu::getTaskStream(Operation *op) {
  if (auto k = dyn_cast<KernelOp>(op))
    return k.getElided() ? std::nullopt
                         : std::optional<int64_t>(k.getStream().value_or(0));
  if (auto m = dyn_cast<MemcpyOp>(op))
    return m.getStream().value_or(0);
  if (auto h = dyn_cast<HostCallOp>(op))
    return h.getStream().value_or(0);
  if (auto c = dyn_cast<CollectiveOp>(op))
    return c.getStream().value_or(0);
  if (auto c = dyn_cast<ControlOp>(op))
    return c.getStream().value_or(0);
  if (auto r = dyn_cast<EventRecordOp>(op))
    return r.getStream();
  if (auto w = dyn_cast<EventWaitOp>(op))
    return w.getStream();
  return std::nullopt;
}

bool geflow::npu::isTask(Operation *op) {
  return getTaskStream(op).has_value();
}

bool geflow::npu::isInHostMemory(Value v) {
  while (auto alias = v.getDefiningOp<AliasOp>())
    v = alias.getSource();
  Operation *def = v.getDefiningOp();
  if (!def)
    return false;
  if (auto m = dyn_cast<MemcpyOp>(def))
    return m.getDirection() == "device_to_host";
  if (auto k = dyn_cast<KernelOp>(def); k && k.getElided())
    return !k.getInputs().empty() && isInHostMemory(k.getInputs().front());
  return isHostTask(def);
}

bool geflow::npu::isHostTask(Operation *op) {
  if (auto k = dyn_cast<KernelOp>(op))
    return k.getOnHost();
  return isa<HostCallOp>(op);
}

//===----------------------------------------------------------------------===//
// ProgramOp
//===----------------------------------------------------------------------===//

ParseResult ProgramOp::parse(OpAsmParser &parser, OperationState &result) {
  auto buildFuncType =
      [](Builder &builder, ArrayRef<Type> argTypes, ArrayRef<Type> results,
         function_interface_impl::VariadicFlag,
         std::string &) { return builder.getFunctionType(argTypes, results); };
  return function_interface_impl::parseFunctionOp(
      parser, result, /*allowVariadic=*/false,
      getFunctionTypeAttrName(result.name), buildFuncType,
      getArgAttrsAttrName(result.name), getResAttrsAttrName(result.name));
}

void ProgramOp::print(OpAsmPrinter &p) {
  function_interface_impl::printFunctionOp(
      p, *this, /*isVariadic=*/false, getFunctionTypeAttrName(),
      getArgAttrsAttrName(), getResAttrsAttrName());
}

// Checks that an arena / weight placement fits the program's sizes and holds
// the tensor.
static LogicalResult checkPlacement(Operation *op, BufferAttr buf, Type type,
                                    ProgramOp program, StringRef what) {
  auto bytes = getStorageBytes(type);
  if (succeeded(bytes) && buf.getSize() < *bytes)
    return op->emitOpError()
           << what << " buffer of " << buf.getSize()
           << " bytes is smaller than " << type << " (" << *bytes << " bytes)";
  uint64_t limit = 0;
  if (buf.getRegion() == MemRegion::arena)
    limit = program.getArenaSize();
  else if (buf.getRegion() == MemRegion::host)
    limit = program.getHostArenaSize();
  else if (buf.getRegion() == MemRegion::weight)
    limit = program.getWeightsSize();
  else if (buf.getRegion() == MemRegion::output) {
    if (buf.getSlot() >= program.getResultTypes().size())
      return op->emitOpError() << what << " buffer names output slot "
                               << buf.getSlot() << " but the program has "
                               << program.getResultTypes().size() << " outputs";
    return success();
  } else {
    return success();
  }
  if (buf.getEnd() > limit)
    return op->emitOpError()
           << what << " buffer [" << buf.getOffset() << ", " << buf.getEnd()
           << ") exceeds the " << stringifyMemRegion(buf.getRegion())
           << " size " << limit;
  return success();
}

LogicalResult ProgramOp::verify() {
  if (getArenaSize() < 0 || getNumStreams() < 1 || getNumEvents() < 0 ||
      getWeightsSize() < 0)
    return emitOpError("arena_size, num_events and weights_size must be >= 0 "
                       "and num_streams >= 1");
  llvm::DenseSet<int64_t> hostStreams;
  if (auto host = getHostStreams())
    for (int64_t s : *host) {
      if (s < 1 || s >= getNumStreams())
        return emitOpError()
               << "host stream " << s << " is not an internal stream of the "
               << getNumStreams()
               << " (stream 0 is the caller's device stream)";
      hostStreams.insert(s);
    }
  llvm::DenseSet<int64_t> recorded;
  for (Operation &op : getBody().front()) {
    if (auto stream = getTaskStream(&op)) {
      if (*stream < 0 || *stream >= getNumStreams())
        return op.emitOpError()
               << "runs on stream " << *stream << " but the program has "
               << getNumStreams() << " streams";
      // Streams are assigned (host_streams set) or not yet (all 0).
      bool onHostStream = hostStreams.contains(*stream);
      if (getHostStreams() && !isa<EventRecordOp, EventWaitOp>(op) &&
          onHostStream != isHostTask(&op))
        return op.emitOpError()
               << (onHostStream ? "is a device task on host stream "
                                : "is a host task on device stream ")
               << *stream;
    }
    if (auto record = dyn_cast<EventRecordOp>(op)) {
      if (record.getEvent() < 0 || record.getEvent() >= getNumEvents())
        return op.emitOpError()
               << "event " << record.getEvent() << " is out of range [0, "
               << getNumEvents() << ")";
      recorded.insert(record.getEvent());
    }
    if (auto wait = dyn_cast<EventWaitOp>(op))
      if (!recorded.contains(wait.getEvent()))
        return op.emitOpError() << "waits for event " << wait.getEvent()
                                << " that no earlier npu.event_record records";
    // Placements are only checked once the planner has sized the arena.
    if (getArenaSize() == 0)
      continue;
    auto check = [&](BufferAttr buf, Type type, StringRef what) {
      return buf ? checkPlacement(&op, buf, type, *this, what) : success();
    };
    if (auto k = dyn_cast<KernelOp>(op)) {
      if (auto outs = k.getOutputs())
        for (auto [buf, res] : llvm::zip(*outs, k.getResults()))
          if (failed(check(cast<BufferAttr>(buf), res.getType(), "output")))
            return failure();
      if (auto ws = k.getWorkspace())
        if (failed(checkPlacement(&op, *ws, Type(), *this, "workspace")))
          return failure();
    } else if (auto c = dyn_cast<CollectiveOp>(op)) {
      if (auto outs = c.getOutputs())
        for (auto [buf, res] : llvm::zip(*outs, c.getResults()))
          if (failed(check(cast<BufferAttr>(buf), res.getType(), "output")))
            return failure();
    } else if (auto c = dyn_cast<ControlOp>(op)) {
      if (auto outs = c.getOutputs())
        for (auto [buf, res] : llvm::zip(*outs, c.getResults()))
          if (failed(check(cast<BufferAttr>(buf), res.getType(), "output")))
            return failure();
    } else if (auto m = dyn_cast<MemcpyOp>(op)) {
      if (failed(check(m.getPlacementAttr(), m.getType(), "memcpy")))
        return failure();
    } else if (auto w = dyn_cast<WeightOp>(op)) {
      if (getWeightsSize() > 0 && !w.getPacked())
        if (failed(check(w.getPlacementAttr(), w.getType(), "weight")))
          return failure();
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Other ops
//===----------------------------------------------------------------------===//

LogicalResult ReturnOp::verify() {
  auto program = (*this)->getParentOfType<ProgramOp>();
  ArrayRef<Type> results = program.getResultTypes();
  if (getOperands().size() != results.size())
    return emitOpError() << "returns " << getOperands().size()
                         << " values but the program has " << results.size()
                         << " results";
  for (auto [i, v] : llvm::enumerate(getOperands()))
    if (v.getType() != results[i])
      return emitOpError() << "operand " << i << " has type " << v.getType()
                           << " but program result " << i << " is "
                           << results[i];
  return success();
}

LogicalResult WeightOp::verify() {
  if (!getValue() && !getFilePath())
    return emitOpError("needs a value or a file_path");
  if (getValue() && getFilePath())
    return emitOpError("has both a value and a file_path");
  if (getValue() && !getPacked() && getValue()->getType() != getType())
    return emitOpError() << "value type " << getValue()->getType()
                         << " differs from the result type " << getType()
                         << " (only packed weights may differ)";
  if (auto buf = getPlacementAttr())
    if (buf.getRegion() != MemRegion::weight)
      return emitOpError("placement must be in the weight region");
  return success();
}

LogicalResult KernelOp::verify() {
  if (getBlockDim() < 1)
    return emitOpError() << "block_dim must be >= 1, got " << getBlockDim();
  if (auto outs = getOutputs()) {
    if (outs->size() != getNumResults())
      return emitOpError() << "has " << outs->size() << " output buffers for "
                           << getNumResults() << " results";
    for (Attribute a : *outs) {
      MemRegion r = cast<BufferAttr>(a).getRegion();
      if (getOnHost() && r != MemRegion::host)
        return emitOpError("outputs of a host kernel must live in the host "
                           "arena");
      if (!getOnHost() && r != MemRegion::arena && r != MemRegion::output)
        return emitOpError("outputs must live in the arena or an output slot");
    }
  }
  if (auto ws = getWorkspace()) {
    if (ws->getRegion() != (getOnHost() ? MemRegion::host : MemRegion::arena))
      return emitOpError(getOnHost() ? "workspace of a host kernel must live "
                                       "in the host arena"
                                     : "workspace must live in the arena");
    if (ws->getSize() < getTiling().getWorkspace())
      return emitOpError() << "workspace buffer of " << ws->getSize()
                           << " bytes is smaller than the tiling's "
                           << getTiling().getWorkspace();
  }
  return success();
}

LogicalResult AliasOp::verify() {
  auto from = getStorageBytes(getSource().getType());
  auto to = getStorageBytes(getType());
  if (succeeded(from) && succeeded(to) && *from != *to)
    return emitOpError() << "views " << *from << " bytes as " << getType()
                         << " (" << *to << " bytes)";
  return success();
}

LogicalResult MemcpyOp::verify() {
  auto from = getStorageBytes(getSource().getType());
  auto to = getStorageBytes(getType());
  if (succeeded(from) && succeeded(to) && *from != *to)
    return emitOpError() << "copies " << *from << " bytes into " << getType()
                         << " (" << *to << " bytes)";
  if (auto dir = getDirection())
    if (*dir != "device_to_host" && *dir != "host_to_device")
      return emitOpError() << "direction is '" << *dir
                           << "', expected device_to_host or host_to_device";
  return success();
}

LogicalResult CollectiveOp::verify() {
  StringRef kind = getKind();
  size_t ins = getInputs().size(), outs = getNumResults();
  bool shapeOk;
  if (kind == "HcomAllReduce" || kind == "HcomAllGather" ||
      kind == "HcomReduceScatter")
    shapeOk = ins == 1 && outs == 1;
  else if (kind == "HcomBroadcast")
    shapeOk = ins >= 1 && ins == outs;
  else if (kind == "HcomSend")
    shapeOk = ins == 1 && outs == 0;
  else if (kind == "HcomReceive")
    shapeOk = ins == 0 && outs == 1;
  else
    return emitOpError() << "unknown collective kind \"" << kind
                         << "\" (expected HcomAllReduce, HcomAllGather, "
                            "HcomReduceScatter, HcomBroadcast, HcomSend or "
                            "HcomReceive)";
  if (!shapeOk)
    return emitOpError() << kind << " cannot take " << ins << " input(s) and "
                         << outs << " result(s)";
  if (getGroup().empty())
    return emitOpError("group must not be empty");
  if (auto buffers = getOutputs()) {
    if (buffers->size() != outs)
      return emitOpError() << "has " << buffers->size()
                           << " output buffers for " << outs << " results";
    for (Attribute a : *buffers) {
      MemRegion r = cast<BufferAttr>(a).getRegion();
      if (r != MemRegion::arena && r != MemRegion::output)
        return emitOpError("outputs must live in the arena or an output slot");
    }
  }
  return success();
}
