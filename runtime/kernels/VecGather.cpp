//===- VecGather.cpp - gather along an axis with int32/int64 indices ------===//
//
// out[o, j, i] = data[o, idx[j], i] with data viewed as [outer, n, inner]:
// one memcpy of inner elements per (o, j). Negative indices count from the
// end (numpy / ONNX); an index outside [-n, n) fails the task.
//
//===----------------------------------------------------------------------===//
#include "kernels/vector/DataMovement.h"
#include "kernels/vector/EwEngine.h"
#include "kernels/vector/VecRegistry.h"

#include <cstring>

namespace geflow::kernels::vec {

namespace {

struct GatherTiling {
  int64_t outer, axisLen, numIdx, innerBytes;
  uint32_t idx64;
  uint32_t pad;
};

Status gatherTiling(const TilingContext &ctx, TilingResult *result) {
  const std::string op = "gather";
  GEFLOW_RETURN_IF_ERROR(checkArity(op, ctx, 2, 2, 1, 1));
  const TensorDesc &data = ctx.inputs[0], &idx = ctx.inputs[1];
  if (idx.dtype != DType::I32 && idx.dtype != DType::I64)
    return unsupported(op + ": input 1 (indices) has dtype " +
                       std::string(rt::dtypeName(idx.dtype)) +
                       ", expected int32 or int64");
  GEFLOW_RETURN_IF_ERROR(
      checkDtype(op, "output 0", ctx.outputs[0].dtype, data.dtype));
  int64_t rank = static_cast<int64_t>(data.shape.size()), axis;
  if (rank == 0)
    return invalidArgument(op + ": input 0 (data) must have rank >= 1");
  GEFLOW_RETURN_IF_ERROR(
      normalizeAxis(op, ctx.attrs.getInt("axis", 0), rank, &axis));
  GatherTiling t{};
  t.outer = 1;
  t.innerBytes = static_cast<int64_t>(rt::dtypeSize(data.dtype));
  Shape out;
  for (int64_t d = 0; d < rank; ++d) {
    if (d < axis)
      t.outer *= data.shape[d];
    else if (d > axis)
      t.innerBytes *= data.shape[d];
    if (d == axis)
      out.insert(out.end(), idx.shape.begin(), idx.shape.end());
    else
      out.push_back(data.shape[d]);
  }
  GEFLOW_RETURN_IF_ERROR(checkShape(op, "output 0", ctx.outputs[0].shape, out));
  t.axisLen = data.shape[axis];
  t.numIdx = rt::numElements(idx.shape);
  t.idx64 = idx.dtype == DType::I64;
  int64_t items = t.outer * t.numIdx;
  result->blockDim = chooseBlockDim(socOf(ctx), std::max<int64_t>(items, 1),
                                    items * t.innerBytes * 2);
  result->tilingData = encodeTiling(t);
  result->workspaceSize = 0;
  return Status::OK();
}

int32_t gatherKernel(const KernelArgs &args, uint32_t blockIdx,
                     uint32_t blockDim) {
  GatherTiling t;
  if (!decodeTiling(args, &t) || args.numInputs != 2 || args.numOutputs != 1)
    return kVecErrBadTiling;
  const uint8_t *data = static_cast<const uint8_t *>(args.inputs[0]);
  uint8_t *out = static_cast<uint8_t *>(args.outputs[0]);
  int64_t begin, end;
  blockRange(t.outer * t.numIdx, blockIdx, blockDim, &begin, &end);
  for (int64_t item = begin; item < end; ++item) {
    int64_t o = item / t.numIdx, j = item % t.numIdx;
    int64_t i = t.idx64 ? static_cast<const int64_t *>(args.inputs[1])[j]
                        : static_cast<const int32_t *>(args.inputs[1])[j];
    if (i < -t.axisLen || i >= t.axisLen)
      return kVecErrIndexOutOfRange;
    if (i < 0)
      i += t.axisLen;
    std::memcpy(out + item * t.innerBytes,
                data + (o * t.axisLen + i) * t.innerBytes,
                static_cast<size_t>(t.innerBytes));
  }
  return 0;
}

} // namespace

void registerGatherKernels(KernelRegistry &registry) {
  KernelDef gather{"gather", gatherTiling, nullptr, {}};
  addAllDtypes(&gather, gatherKernel);
  registry.add(std::move(gather));
}

} // namespace geflow::kernels::vec
