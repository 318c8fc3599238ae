//===- gather.cpp - gather, gather_elements, gather_nd --------------------===//
//
// gather: out[o, j, i] = data[o, idx[j], i] with data viewed as
// [outer, n, inner]: one memcpy of inner elements per (o, j).
// gather_elements: out[c] = data[c with c[axis] = idx[c]] for every
// coordinate c of the index tensor: one element per output, its source
// offset kept by an odometer over the index shape.
// gather_nd: out[b, i, r] = data[b, idx[b, i], r], one memcpy of the
// trailing slice r per index tuple; blocks split the tuples.
// Indices are int32 or int64. Negative indices count from the end (numpy /
// ONNX); an index outside [-n, n) fails the task.
//
//===----------------------------------------------------------------------===//
#include "kernels/common/kernel_families.h"
#include "kernels/vector/ew_engine.h"
#include "kernels/vector/index_operands.h"
#include "kernels/vector/nd_shape.h"
#include "kernels/vector/vec_registry.h"

#include <cstring>

namespace geflow::kernels::vec {

namespace {

struct GatherTiling {
  int64_t outer, axisLen, numIdx, innerBytes;
  uint32_t idx64;
  uint32_t axis; // for errors
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
  t.axis = static_cast<uint32_t>(axis);
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
      return indexOutOfRange(kVecErrIndexOutOfRange, i, j, t.axisLen,
                             "on axis " + std::to_string(t.axis));
    if (i < 0)
      i += t.axisLen;
    std::memcpy(out + item * t.innerBytes,
                data + (o * t.axisLen + i) * t.innerBytes,
                static_cast<size_t>(t.innerBytes));
  }
  return 0;
}

struct GatherElementsTiling {
  int32_t rank;
  uint32_t idx64;
  int64_t axis, axisLen, elemBytes, total;
  int64_t idxShape[kMaxRank];
  int64_t dataStride[kMaxRank]; // elements
};

Status gatherElementsTiling(const TilingContext &ctx, TilingResult *result) {
  const std::string op = "gather_elements";
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
  GEFLOW_RETURN_IF_ERROR(checkRank(op, "input 0 (data)", data.shape.size()));
  if (idx.shape.size() != data.shape.size())
    return invalidArgument(op + ": input 1 (indices) has rank " +
                           std::to_string(idx.shape.size()) + ", expected " +
                           std::to_string(rank));
  GEFLOW_RETURN_IF_ERROR(
      normalizeAxis(op, ctx.attrs.getInt("axis", 0), rank, &axis));
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis && idx.shape[d] > data.shape[d])
      return invalidArgument(op + ": input 1 (indices) has shape " +
                             shapeStr(idx.shape) + ", larger than the data " +
                             shapeStr(data.shape) + " in dim " +
                             std::to_string(d));
  GEFLOW_RETURN_IF_ERROR(
      checkShape(op, "output 0", ctx.outputs[0].shape, idx.shape));
  GatherElementsTiling t{};
  t.rank = static_cast<int32_t>(rank);
  t.idx64 = idx.dtype == DType::I64;
  t.axis = axis;
  t.axisLen = data.shape[axis];
  t.elemBytes = static_cast<int64_t>(rt::dtypeSize(data.dtype));
  t.total = rt::numElements(idx.shape);
  std::vector<int64_t> strides = contiguousStrides(data.shape);
  for (int64_t d = 0; d < rank; ++d) {
    t.idxShape[d] = idx.shape[d];
    t.dataStride[d] = strides[d];
  }
  result->blockDim =
      chooseBlockDim(socOf(ctx), std::max<int64_t>(t.total / 256, 1),
                     t.total * (t.elemBytes + 8) * 2);
  result->tilingData = encodeTiling(t);
  result->workspaceSize = 0;
  return Status::OK();
}

template <typename E, typename I>
int32_t gatherElementsTyped(const GatherElementsTiling &t,
                            const KernelArgs &args, int64_t begin,
                            int64_t end) {
  const E *data = static_cast<const E *>(args.inputs[0]);
  const I *idx = static_cast<const I *>(args.inputs[1]);
  E *out = static_cast<E *>(args.outputs[0]);
  // Coordinates of `begin` and the data offset of every dim but the axis.
  int64_t coord[kMaxRank] = {}, rest = begin, base = 0;
  for (int d = t.rank - 1; d >= 0; --d) {
    coord[d] = rest % t.idxShape[d];
    rest /= t.idxShape[d];
    if (d != t.axis)
      base += coord[d] * t.dataStride[d];
  }
  for (int64_t f = begin; f < end; ++f) {
    int64_t i = static_cast<int64_t>(idx[f]);
    if (i < -t.axisLen || i >= t.axisLen)
      return indexOutOfRange(kVecErrIndexOutOfRange, i, f, t.axisLen,
                             "on axis " + std::to_string(t.axis));
    if (i < 0)
      i += t.axisLen;
    out[f] = data[base + i * t.dataStride[t.axis]];
    for (int d = t.rank - 1; d >= 0; --d) { // next coordinate
      int64_t step = d == t.axis ? 0 : t.dataStride[d];
      if (++coord[d] < t.idxShape[d]) {
        base += step;
        break;
      }
      base -= step * (coord[d] - 1);
      coord[d] = 0;
    }
  }
  return 0;
}

template <typename E>
int32_t gatherElementsByIndex(const GatherElementsTiling &t,
                              const KernelArgs &args, int64_t begin,
                              int64_t end) {
  return t.idx64 ? gatherElementsTyped<E, int64_t>(t, args, begin, end)
                 : gatherElementsTyped<E, int32_t>(t, args, begin, end);
}

int32_t gatherElementsKernel(const KernelArgs &args, uint32_t blockIdx,
                             uint32_t blockDim) {
  GatherElementsTiling t;
  if (!decodeTiling(args, &t) || args.numInputs != 2 || args.numOutputs != 1 ||
      t.rank < 1 || t.rank > kMaxRank || t.axis < 0 || t.axis >= t.rank)
    return kVecErrBadTiling;
  int64_t begin, end;
  blockRange(t.total, blockIdx, blockDim, &begin, &end);
  if (begin >= end)
    return 0;
  switch (t.elemBytes) {
  case 1:
    return gatherElementsByIndex<uint8_t>(t, args, begin, end);
  case 2:
    return gatherElementsByIndex<uint16_t>(t, args, begin, end);
  case 4:
    return gatherElementsByIndex<uint32_t>(t, args, begin, end);
  case 8:
    return gatherElementsByIndex<uint64_t>(t, args, begin, end);
  default:
    return kVecErrBadTiling;
  }
}

//===----------------------------------------------------------------------===//
// gather_nd
//===----------------------------------------------------------------------===//

struct GatherNdTiling {
  uint32_t idx64, k;
  int64_t batches, tuples;   // tuples per batch
  int64_t sliceBytes;        // bytes of the trailing slice
  int64_t batchStride;       // bytes of one batch of data
  int64_t dims[kMaxRank];    // the k indexed dims
  int64_t strides[kMaxRank]; // their byte strides in data
};

Status gatherNdTiling(const TilingContext &ctx, TilingResult *result) {
  const std::string op = "gather_nd";
  GEFLOW_RETURN_IF_ERROR(checkArity(op, ctx, 2, 2, 1, 1));
  const TensorDesc &data = ctx.inputs[0], &idx = ctx.inputs[1];
  GEFLOW_RETURN_IF_ERROR(checkIndices(op, idx));
  GEFLOW_RETURN_IF_ERROR(
      checkDtype(op, "output 0", ctx.outputs[0].dtype, data.dtype));
  int64_t b = ctx.attrs.getInt("batch_dims", 0);
  int64_t xr = static_cast<int64_t>(data.shape.size());
  int64_t ir = static_cast<int64_t>(idx.shape.size());
  if (ir < 1 || b < 0 || b >= ir)
    return invalidArgument(op + ": batch_dims " + std::to_string(b) +
                           " must be in [0, rank of indices " +
                           std::to_string(ir) + ")");
  int64_t k = idx.shape.back();
  if (k < 1 || b + k > xr || k > kMaxRank)
    return invalidArgument(op + ": index tuples of " + std::to_string(k) +
                           " entries do not fit data " + shapeStr(data.shape) +
                           " after " + std::to_string(b) + " batch dims");
  Shape out;
  GatherNdTiling t{};
  t.batches = 1;
  for (int64_t d = 0; d < b; ++d) {
    if (data.shape[d] != idx.shape[d])
      return invalidArgument(op + ": batch dim " + std::to_string(d) +
                             " of indices " + shapeStr(idx.shape) +
                             " differs from data " + shapeStr(data.shape));
    t.batches *= data.shape[d];
  }
  out.assign(idx.shape.begin(), idx.shape.end() - 1);
  out.insert(out.end(), data.shape.begin() + b + k, data.shape.end());
  GEFLOW_RETURN_IF_ERROR(checkShape(op, "output 0", ctx.outputs[0].shape, out));
  int64_t es = static_cast<int64_t>(rt::dtypeSize(data.dtype));
  t.idx64 = idx.dtype == DType::I64;
  t.k = static_cast<uint32_t>(k);
  t.tuples = 1;
  for (int64_t d = b; d < ir - 1; ++d)
    t.tuples *= idx.shape[d];
  t.sliceBytes = es;
  for (int64_t d = b + k; d < xr; ++d)
    t.sliceBytes *= data.shape[d];
  int64_t stride = t.sliceBytes;
  for (int64_t j = k - 1; j >= 0; --j) {
    t.dims[j] = data.shape[b + j];
    t.strides[j] = stride;
    stride *= t.dims[j];
  }
  t.batchStride = stride;
  int64_t items = t.batches * t.tuples;
  result->blockDim = chooseBlockDim(socOf(ctx), std::max<int64_t>(items, 1),
                                    items * t.sliceBytes * 2);
  result->tilingData = encodeTiling(t);
  result->workspaceSize = 0;
  return Status::OK();
}

int32_t gatherNdKernel(const KernelArgs &args, uint32_t blockIdx,
                       uint32_t blockDim) {
  GatherNdTiling t;
  if (!decodeTiling(args, &t) || args.numInputs != 2 || args.numOutputs != 1 ||
      t.k < 1 || t.k > uint32_t(kMaxRank))
    return kVecErrBadTiling;
  const uint8_t *data = static_cast<const uint8_t *>(args.inputs[0]);
  uint8_t *out = static_cast<uint8_t *>(args.outputs[0]);
  int64_t begin, end;
  blockRange(t.batches * t.tuples, blockIdx, blockDim, &begin, &end);
  for (int64_t item = begin; item < end; ++item) {
    int64_t offset = (item / t.tuples) * t.batchStride;
    for (uint32_t j = 0; j < t.k; ++j) {
      int64_t i = readIndex(args.inputs[1], t.idx64, item * t.k + j);
      if (i < -t.dims[j] || i >= t.dims[j])
        return indexOutOfRange(
            kVecErrIndexOutOfRange, i, item * t.k + j, t.dims[j],
            "at position " + std::to_string(j) + " of its index tuple");
      offset += (i < 0 ? i + t.dims[j] : i) * t.strides[j];
    }
    std::memcpy(out + item * t.sliceBytes, data + offset,
                static_cast<size_t>(t.sliceBytes));
  }
  return 0;
}

} // namespace
} // namespace geflow::kernels::vec

namespace geflow::kernels {

void registerGatherKernels(KernelRegistry &registry) {
  using namespace vec;
  KernelDef gather{"gather", gatherTiling, nullptr, {}};
  addAllDtypes(&gather, gatherKernel);
  registry.add(std::move(gather));
  KernelDef elements{"gather_elements", gatherElementsTiling, nullptr, {}};
  addAllDtypes(&elements, gatherElementsKernel);
  registry.add(std::move(elements));
  KernelDef gatherNd{"gather_nd", gatherNdTiling, nullptr, {}};
  addAllDtypes(&gatherNd, gatherNdKernel);
  registry.add(std::move(gatherNd));
}

} // namespace geflow::kernels
