//===- quant_batch_mat_mul.cpp - Integer batched matmul on the host -------===//
//
// ge.QuantBatchMatMul (ONNX MatMulInteger, QLinearMatMul's accumulation):
// (x1 - x1_offset) @ (x2 - x2_offset) of int8/uint8 operands, exact int32
// result, batch dims broadcast as NumPy does. x1's zero point is one
// element or one per row, x2's one element or one per column.
//
//===----------------------------------------------------------------------===//
#include "kernels/host/quant.h"

#include <algorithm>

namespace geflow::kernels::host {

namespace {
constexpr const char *kOp = "QuantBatchMatMul";

/// The broadcast batch dims of a and b, or false when they do not broadcast.
bool batchShape(const std::vector<int64_t> &a, const std::vector<int64_t> &b,
                std::vector<int64_t> &out) {
  size_t ra = a.size() - 2, rb = b.size() - 2, r = std::max(ra, rb);
  out.assign(r, 1);
  for (size_t i = 0; i < r; ++i) {
    int64_t da = i + ra >= r ? a[i + ra - r] : 1;
    int64_t db = i + rb >= r ? b[i + rb - r] : 1;
    if (da != db && da != 1 && db != 1)
      return false;
    out[i] = da == 1 ? db : da;
  }
  return true;
}

/// Offset (in matrices) of the operand of batch dims `dims` at output batch
/// coordinate `coord` (broadcast dims of size 1 stay at 0).
int64_t batchOffset(const std::vector<int64_t> &dims,
                    const std::vector<int64_t> &coord) {
  int64_t offset = 0;
  size_t skip = coord.size() - dims.size();
  for (size_t i = 0; i < dims.size(); ++i)
    offset = offset * dims[i] + (dims[i] == 1 ? 0 : coord[skip + i]);
  return offset;
}
} // namespace

rt::Status hostCheckQuantBatchMatMul(const std::vector<TensorDesc> &inputs,
                                     const std::vector<TensorDesc> &outputs,
                                     const AttrMap &) {
  if (inputs.size() != 4 || outputs.size() != 1)
    return invalid("QuantBatchMatMul takes x1, x2, x1_offset and x2_offset "
                   "and gives y");
  const TensorDesc &a = inputs[0], &b = inputs[1];
  if (!isQuantType(a.dtype) || !isQuantType(b.dtype))
    return invalid("QuantBatchMatMul's x1 and x2 must be int8 or uint8");
  if (outputs[0].dtype != rt::DType::I32)
    return invalid("QuantBatchMatMul's y must be int32");
  if (a.shape.size() < 2 || b.shape.size() < 2)
    return invalid("QuantBatchMatMul needs operands of rank >= 2");
  int64_t m = a.shape[a.shape.size() - 2], k = a.shape.back();
  int64_t n = b.shape.back();
  if (b.shape[b.shape.size() - 2] != k)
    return invalid("QuantBatchMatMul: x1 " + shapeText(a.shape) + " and x2 " +
                   shapeText(b.shape) + " differ in the contraction dim");
  std::vector<int64_t> batch;
  if (!batchShape(a.shape, b.shape, batch))
    return invalid("QuantBatchMatMul: the batch dims of " + shapeText(a.shape) +
                   " and " + shapeText(b.shape) + " do not broadcast");
  batch.push_back(m);
  batch.push_back(n);
  if (outputs[0].shape != batch)
    return invalid("QuantBatchMatMul's y must be " + shapeText(batch) +
                   ", got " + shapeText(outputs[0].shape));
  if (rt::Status st = checkOffset(kOp, "x1_offset", inputs[2], a, m, "row");
      !st.ok())
    return st;
  if (rt::Status st = checkOffset(kOp, "x2_offset", inputs[3], b, n, "column");
      !st.ok())
    return st;
  return requirePlain(kOp, {a, b, outputs[0]});
}

rt::Status hostRunQuantBatchMatMul(const rt::HostCallArgs &args) {
  const std::vector<TensorDesc> &in = *args.inputDescs;
  const std::vector<int64_t> &as = in[0].shape, &bs = in[1].shape;
  int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  std::vector<int64_t> aBatch(as.begin(), as.end() - 2),
      bBatch(bs.begin(), bs.end() - 2), batch;
  batchShape(as, bs, batch);
  rt::DType at = in[0].dtype, bt = in[1].dtype;
  bool aPerRow = numElements(in[2].shape) != 1;
  bool bPerColumn = numElements(in[3].shape) != 1;
  std::vector<int32_t> aOffset(m), bOffset(n);
  for (int64_t i = 0; i < m; ++i)
    aOffset[i] = loadQuant(at, args.inputs[2], aPerRow ? i : 0);
  for (int64_t j = 0; j < n; ++j)
    bOffset[j] = loadQuant(bt, args.inputs[3], bPerColumn ? j : 0);
  auto *y = static_cast<int32_t *>(args.outputs[0]);
  std::vector<int64_t> coord(batch.size(), 0);
  int64_t batches = numElements(batch);
  std::vector<int32_t> row(k);
  for (int64_t p = 0; p < batches; ++p) {
    int64_t aBase = batchOffset(aBatch, coord) * m * k;
    int64_t bBase = batchOffset(bBatch, coord) * k * n;
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t l = 0; l < k; ++l)
        row[l] = loadQuant(at, args.inputs[0], aBase + i * k + l) - aOffset[i];
      for (int64_t j = 0; j < n; ++j) {
        int64_t acc = 0;
        for (int64_t l = 0; l < k; ++l)
          acc +=
              int64_t(row[l]) *
              (loadQuant(bt, args.inputs[1], bBase + l * n + j) - bOffset[j]);
        y[(p * m + i) * n + j] = wrapToInt32(acc);
      }
    }
    for (size_t d = coord.size(); d-- > 0;)
      if (++coord[d] < batch[d])
        break;
      else
        coord[d] = 0;
  }
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
