//===- select.cpp - select(cond, a, b) with three-way broadcasting --------===//
//
// out = cond != 0 ? a : b for any dtype of a/b (by element size), with
// numpy broadcasting of all three operands. After collapsing dims every
// operand's innermost stride is 0 or 1, so each output row is one loop with
// fixed operand strides. (Float selects inside fused chains use the
// vec_fused Select instruction instead.)
//
//===----------------------------------------------------------------------===//
#include "kernels/common/kernel_families.h"
#include "kernels/vector/ew_engine.h"
#include "kernels/vector/vec_registry.h"

#include <algorithm>

namespace geflow::kernels::vec {

namespace {

struct SelectTiling {
  int32_t rank;
  uint32_t elemSize;
  int64_t shape[kMaxRank];
  int64_t stride[3][kMaxRank]; // cond, a, b
  int64_t total;
};

Status selectTiling(const TilingContext &ctx, TilingResult *result) {
  const std::string op = "select";
  GEFLOW_RETURN_IF_ERROR(checkArity(op, ctx, 3, 3, 1, 1));
  GEFLOW_RETURN_IF_ERROR(
      checkDtype(op, "input 0 (cond)", ctx.inputs[0].dtype, DType::Bool));
  DType dt = ctx.inputs[1].dtype;
  GEFLOW_RETURN_IF_ERROR(checkDtype(op, "input 2", ctx.inputs[2].dtype, dt));
  GEFLOW_RETURN_IF_ERROR(checkDtype(op, "output 0", ctx.outputs[0].dtype, dt));
  Shape out;
  GEFLOW_RETURN_IF_ERROR(broadcastShapes(
      op, {ctx.inputs[0].shape, ctx.inputs[1].shape, ctx.inputs[2].shape},
      &out));
  GEFLOW_RETURN_IF_ERROR(checkShape(op, "output 0", ctx.outputs[0].shape, out));
  std::vector<int64_t> s[3], so = contiguousStrides(out);
  for (int k = 0; k < 3; ++k)
    broadcastStrides(ctx.inputs[k].shape, out, &s[k]);
  Shape shape = out;
  collapseDims(&shape, {&s[0], &s[1], &s[2], &so});
  GEFLOW_RETURN_IF_ERROR(checkRank(op, "the output", shape.size()));
  SelectTiling t{};
  t.rank = static_cast<int32_t>(shape.size());
  t.elemSize = static_cast<uint32_t>(rt::dtypeSize(dt));
  for (int32_t d = 0; d < t.rank; ++d) {
    t.shape[d] = shape[d];
    for (int k = 0; k < 3; ++k)
      t.stride[k][d] = s[k][d];
  }
  t.total = rt::numElements(shape);
  result->blockDim =
      chooseBlockDim(socOf(ctx), std::max<int64_t>(t.total / 1024, 1),
                     t.total * (2 * t.elemSize + 1));
  result->tilingData = encodeTiling(t);
  result->workspaceSize = 0;
  return Status::OK();
}

template <typename T>
void selectRange(const SelectTiling &t, const uint8_t *c, const T *a,
                 const T *b, T *y, int64_t begin, int64_t end) {
  const int32_t last = t.rank - 1;
  const int64_t len = t.shape[last];
  const int64_t sc = t.stride[0][last], sa = t.stride[1][last],
                sb = t.stride[2][last];
  for (int64_t f = begin; f < end;) {
    int64_t col = f % len, n = std::min(len - col, end - f), rest = f / len;
    int64_t oc = col * sc, oa = col * sa, ob = col * sb;
    for (int32_t d = last - 1; d >= 0; --d) {
      int64_t i = rest % t.shape[d];
      rest /= t.shape[d];
      oc += i * t.stride[0][d];
      oa += i * t.stride[1][d];
      ob += i * t.stride[2][d];
    }
    const uint8_t *pc = c + oc;
    const T *pa = a + oa, *pb = b + ob;
    T *py = y + f;
    if (sc && sa && sb)
      for (int64_t j = 0; j < n; ++j)
        py[j] = pc[j] ? pa[j] : pb[j];
    else
      for (int64_t j = 0; j < n; ++j)
        py[j] = pc[j * sc] ? pa[j * sa] : pb[j * sb];
    f += n;
  }
}

int32_t selectKernel(const KernelArgs &args, uint32_t blockIdx,
                     uint32_t blockDim) {
  SelectTiling t;
  if (!decodeTiling(args, &t) || args.numInputs != 3 || args.numOutputs != 1 ||
      t.rank < 1 || t.rank > kMaxRank)
    return kVecErrBadTiling;
  int64_t begin, end;
  blockRange(t.total, blockIdx, blockDim, &begin, &end);
  const uint8_t *c = static_cast<const uint8_t *>(args.inputs[0]);
  const void *a = args.inputs[1], *b = args.inputs[2];
  void *y = args.outputs[0];
  switch (t.elemSize) {
#define GEFLOW_SELECT_CASE(N, T)                                               \
  case N:                                                                      \
    selectRange(t, c, static_cast<const T *>(a), static_cast<const T *>(b),    \
                static_cast<T *>(y), begin, end);                              \
    break;
    GEFLOW_SELECT_CASE(1, uint8_t)
    GEFLOW_SELECT_CASE(2, uint16_t)
    GEFLOW_SELECT_CASE(4, uint32_t)
    GEFLOW_SELECT_CASE(8, uint64_t)
#undef GEFLOW_SELECT_CASE
  default:
    return kVecErrBadTiling;
  }
  return 0;
}

} // namespace
} // namespace geflow::kernels::vec

namespace geflow::kernels {

void registerSelectKernels(KernelRegistry &registry) {
  using namespace vec;
  KernelDef select{"select", selectTiling, nullptr, {}};
  addAllDtypes(&select, selectKernel);
  registry.add(std::move(select));
}

} // namespace geflow::kernels
