//===- reduce.cpp - reduce_sum / reduce_mean / reduce_max / reduce_prod ---===//
//
// The input dims are collapsed into alternating runs of reduced and kept
// dims. When the innermost run is reduced, every output element reduces
// contiguous rows (vectorized row sums, partial sums added in double).
// When it is kept, every output row of the innermost kept run is
// accumulated vector-wise over all reduced positions. Blocks split the
// output; a reduction to very few outputs therefore runs on few cores.
// Products of contiguous rows are accumulated in double element by element
// (no vector form of a row product: it would reassociate the roundings).
// x is f32, f16 or bf16, y that dtype or f32: f16/bf16 rows are converted
// into fp32 chunks in the workspace, sums still accumulate in fp32 / double
// and each result is rounded once.
//
//===----------------------------------------------------------------------===//
#include "kernels/common/kernel_families.h"
#include "kernels/vector/ew_engine.h"
#include "kernels/vector/nd_shape.h"
#include "kernels/vector/storage_rows.h"
#include "kernels/vector/vec_registry.h"

#include <algorithm>
#include <limits>
#include <set>

namespace geflow::kernels::vec {

namespace {

enum class ReduceKind : uint32_t { Sum, Mean, Max, Prod };

struct ReduceTiling {
  uint32_t kind;
  int32_t rank; // collapsed
  uint8_t reduced[kMaxRank];
  int64_t shape[kMaxRank];
  int64_t inStride[kMaxRank];
  int64_t outCount;    // output elements
  int64_t reduceCount; // elements reduced into each output
  // Storage dtypes (DType values); with either not f32 rows go through two
  // fp32 chunk buffers per block (an input chunk and an accumulator).
  uint32_t inDtype, outDtype;
  int64_t chunk;
};

Status reduceTilingImpl(const std::string &name, ReduceKind kind,
                        const TilingContext &ctx, TilingResult *result) {
  GEFLOW_RETURN_IF_ERROR(checkArity(name, ctx, 1, 1, 1, 1));
  const TensorDesc &x = ctx.inputs[0];
  GEFLOW_RETURN_IF_ERROR(checkFloatData(name, "input 0", x.dtype));
  GEFLOW_RETURN_IF_ERROR(
      checkStorage(name, "output 0", ctx.outputs[0].dtype, x.dtype, true));
  int64_t rank = static_cast<int64_t>(x.shape.size());
  std::vector<int64_t> axes = ctx.attrs.getInts("axes");
  std::set<int64_t> axisSet;
  for (int64_t a : axes) {
    int64_t n;
    GEFLOW_RETURN_IF_ERROR(normalizeAxis(name, a, rank, &n));
    if (!axisSet.insert(n).second)
      return invalidArgument(name + ": axis " + std::to_string(a) +
                             " is listed twice in `axes`");
  }
  if (axes.empty()) // no axes: reduce everything (ONNX default)
    for (int64_t d = 0; d < rank; ++d)
      axisSet.insert(d);
  bool keepDims = ctx.attrs.getInt("keep_dims", 1) != 0;
  Shape expected;
  for (int64_t d = 0; d < rank; ++d)
    if (!axisSet.count(d))
      expected.push_back(x.shape[d]);
    else if (keepDims)
      expected.push_back(1);
  GEFLOW_RETURN_IF_ERROR(checkShape(
      name, std::string("output 0 (keep_dims=") + (keepDims ? "1" : "0") + ")",
      ctx.outputs[0].shape, expected));

  // Collapse: drop size-1 dims, merge neighbours with the same role.
  ReduceTiling t{};
  t.kind = static_cast<uint32_t>(kind);
  std::vector<int64_t> shape, strides;
  std::vector<uint8_t> red;
  std::vector<int64_t> own = contiguousStrides(x.shape);
  for (int64_t d = 0; d < rank; ++d) {
    if (x.shape[d] == 1)
      continue;
    uint8_t r = axisSet.count(d) != 0;
    if (!shape.empty() && red.back() == r) {
      shape.back() *= x.shape[d];
      strides.back() = own[d];
      continue;
    }
    shape.push_back(x.shape[d]);
    strides.push_back(own[d]);
    red.push_back(r);
  }
  if (shape.empty()) { // a single element
    shape.push_back(1);
    strides.push_back(1);
    red.push_back(1);
  }
  GEFLOW_RETURN_IF_ERROR(checkRank(name, "the input", shape.size()));
  t.rank = static_cast<int32_t>(shape.size());
  t.outCount = 1;
  t.reduceCount = 1;
  for (size_t d = 0; d < shape.size(); ++d) {
    t.shape[d] = shape[d];
    t.inStride[d] = strides[d];
    t.reduced[d] = red[d];
    (red[d] ? t.reduceCount : t.outCount) *= shape[d];
  }
  // Work items: output elements (inner reduced) or output rows (inner kept).
  int64_t last = t.shape[t.rank - 1];
  int64_t work =
      t.reduced[t.rank - 1] || last == 0 ? t.outCount : t.outCount / last;
  const SocInfo &soc = socOf(ctx);
  result->blockDim = chooseBlockDim(soc, std::max<int64_t>(work, 1),
                                    rt::numElements(x.shape) * 4);
  t.inDtype = uint32_t(x.dtype);
  t.outDtype = uint32_t(ctx.outputs[0].dtype);
  t.chunk = storageChunk(soc);
  bool stored = x.dtype != DType::F32 || ctx.outputs[0].dtype != DType::F32;
  result->tilingData = encodeTiling(t);
  result->workspaceSize =
      stored ? uint64_t(result->blockDim) * uint64_t(t.chunk) * 8 + 64 : 0;
  return Status::OK();
}

template <ReduceKind K>
Status reduceTiling(const TilingContext &ctx, TilingResult *r) {
  const char *names[] = {"reduce_sum", "reduce_mean", "reduce_max",
                         "reduce_prod"};
  return reduceTilingImpl(names[static_cast<int>(K)], K, ctx, r);
}

EwOp combineOp(ReduceKind kind) {
  return kind == ReduceKind::Max    ? EwOp::Max
         : kind == ReduceKind::Prod ? EwOp::Mul
                                    : EwOp::Add;
}

/// The result of reducing nothing: -inf (max), 1 (prod), 0 (sum) or NaN
/// (mean, whose scale is NaN then).
float emptyValue(ReduceKind kind, float scale) {
  if (kind == ReduceKind::Max)
    return -std::numeric_limits<float>::infinity();
  return kind == ReduceKind::Prod ? 1.f : 0.f * scale;
}

double rowProduct(const float *row, int64_t n, double prod) {
  for (int64_t i = 0; i < n; ++i)
    prod *= row[i];
  return prod;
}

/// Walks the multi-index of the dims flagged `which` (in order), giving the
/// input offset contributed by them.
struct DimWalker {
  int32_t dims[kMaxRank];
  int32_t count = 0;
  int64_t idx[kMaxRank] = {};
  int64_t offset = 0;
  const ReduceTiling *t;

  DimWalker(const ReduceTiling &tiling, bool reduced, int32_t skipLast)
      : t(&tiling) {
    for (int32_t d = 0; d < tiling.rank - skipLast; ++d)
      if (tiling.reduced[d] == reduced)
        dims[count++] = d;
  }
  /// Positions the walker at linear position `pos` of its dims.
  void seek(int64_t pos) {
    offset = 0;
    for (int32_t k = count; k-- > 0;) {
      int32_t d = dims[k];
      idx[k] = pos % t->shape[d];
      pos /= t->shape[d];
      offset += idx[k] * t->inStride[d];
    }
  }
  void next() {
    for (int32_t k = count; k-- > 0;) {
      int32_t d = dims[k];
      offset += t->inStride[d];
      if (++idx[k] < t->shape[d])
        return;
      offset -= idx[k] * t->inStride[d];
      idx[k] = 0;
    }
  }
};

/// reduceKernel with f16/bf16 storage on either side: rows in chunks of
/// t.chunk converted into `in`, kept rows accumulated in `acc`.
int32_t reduceStored(const VecOps &ops, const ReduceTiling &t,
                     const KernelArgs &args, uint32_t blockIdx,
                     uint32_t blockDim) {
  const DType dx = DType(t.inDtype), dy = DType(t.outDtype);
  const void *x = args.inputs[0];
  void *y = args.outputs[0];
  float *in = reinterpret_cast<float *>(
      (reinterpret_cast<uintptr_t>(args.workspace) + 63) & ~uintptr_t(63));
  in += static_cast<int64_t>(blockIdx) * 2 * t.chunk;
  float *acc = in + t.chunk;
  ReduceKind kind = static_cast<ReduceKind>(t.kind);
  const float ninf = -std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  float scale =
      kind == ReduceKind::Mean
          ? (t.reduceCount ? 1.f / static_cast<float>(t.reduceCount) : nan)
          : 1.f;
  int32_t last = t.rank - 1;
  int64_t len = t.shape[last];
  int64_t begin, end;
  if (t.reduced[last]) {
    blockRange(t.outCount, blockIdx, blockDim, &begin, &end);
    DimWalker out(t, false, 0), red(t, true, 1);
    int64_t rowsPer = len ? t.reduceCount / len : 0;
    out.seek(begin);
    for (int64_t o = begin; o < end; ++o, out.next()) {
      red.seek(0);
      double sum = 0, prod = 1;
      float mx = ninf;
      for (int64_t r = 0; r < rowsPer; ++r, red.next())
        for (int64_t c = 0; c < len; c += t.chunk) {
          int64_t n = std::min(t.chunk, len - c);
          const float *row =
              rowIn(ops, dx, x, out.offset + red.offset + c, n, in);
          if (kind == ReduceKind::Max) {
            float m = ops.max(row, n);
            mx = (m != m || mx != mx) ? nan : std::max(mx, m);
          } else if (kind == ReduceKind::Prod) {
            prod = rowProduct(row, n, prod);
          } else {
            sum += ops.sum(row, n);
          }
        }
      storeValue(dy, y, o,
                 kind == ReduceKind::Max    ? mx
                 : kind == ReduceKind::Prod ? static_cast<float>(prod)
                                            : static_cast<float>(sum) * scale);
    }
    return 0;
  }
  // Innermost dim kept: output rows of len, a chunk of columns at a time.
  int64_t outRows = t.outCount / len;
  blockRange(outRows, blockIdx, blockDim, &begin, &end);
  DimWalker out(t, false, 1), red(t, true, 1);
  out.seek(begin);
  EwOp combine = combineOp(kind);
  for (int64_t o = begin; o < end; ++o, out.next())
    for (int64_t c = 0; c < len; c += t.chunk) {
      int64_t n = std::min(t.chunk, len - c);
      if (t.reduceCount == 0) {
        std::fill(acc, acc + n, emptyValue(kind, scale));
      } else {
        red.seek(0);
        const float *first = rowIn(ops, dx, x, out.offset + c, n, in);
        std::copy(first, first + n, acc);
        red.next();
        for (int64_t r = 1; r < t.reduceCount; ++r, red.next())
          ops.binary(combine, acc, true,
                     rowIn(ops, dx, x, out.offset + red.offset + c, n, in),
                     true, acc, n);
        if (kind == ReduceKind::Mean)
          ops.binary(EwOp::Mul, acc, true, &scale, false, acc, n);
      }
      rowOut(ops, dy, acc, y, o * len + c, n);
    }
  return 0;
}

int32_t reduceKernel(const VecOps &ops, const KernelArgs &args,
                     uint32_t blockIdx, uint32_t blockDim) {
  ReduceTiling t;
  if (!decodeTiling(args, &t) || args.numInputs != 1 || args.numOutputs != 1 ||
      t.rank < 1 || t.rank > kMaxRank)
    return kVecErrBadTiling;
  if (t.inDtype != uint32_t(DType::F32) || t.outDtype != uint32_t(DType::F32)) {
    if (t.chunk < 1)
      return kVecErrBadTiling;
    return t.outCount == 0 ? 0 : reduceStored(ops, t, args, blockIdx, blockDim);
  }
  const float *x = static_cast<const float *>(args.inputs[0]);
  float *y = static_cast<float *>(args.outputs[0]);
  ReduceKind kind = static_cast<ReduceKind>(t.kind);
  const float ninf = -std::numeric_limits<float>::infinity();
  float scale = kind == ReduceKind::Mean
                    ? (t.reduceCount ? 1.f / static_cast<float>(t.reduceCount)
                                     : std::numeric_limits<float>::quiet_NaN())
                    : 1.f;
  int32_t last = t.rank - 1;
  int64_t len = t.shape[last];
  int64_t begin, end;
  if (t.outCount == 0)
    return 0;
  if (t.reduced[last]) {
    // Each output reduces reduceCount / len contiguous rows of len.
    blockRange(t.outCount, blockIdx, blockDim, &begin, &end);
    DimWalker out(t, false, 0), red(t, true, 1);
    int64_t rowsPer = len ? t.reduceCount / len : 0;
    out.seek(begin);
    for (int64_t o = begin; o < end; ++o, out.next()) {
      red.seek(0);
      double acc = 0, prod = 1;
      float mx = ninf;
      for (int64_t r = 0; r < rowsPer; ++r, red.next()) {
        const float *row = x + out.offset + red.offset;
        if (kind == ReduceKind::Max) {
          float m = ops.max(row, len);
          mx = (m != m || mx != mx) ? std::numeric_limits<float>::quiet_NaN()
                                    : std::max(mx, m);
        } else if (kind == ReduceKind::Prod) {
          prod = rowProduct(row, len, prod);
        } else {
          acc += ops.sum(row, len);
        }
      }
      y[o] = kind == ReduceKind::Max    ? mx
             : kind == ReduceKind::Prod ? static_cast<float>(prod)
                                        : static_cast<float>(acc) * scale;
    }
    return 0;
  }
  // Innermost dim kept: output rows of len, accumulated over reductions.
  int64_t outRows = t.outCount / len;
  blockRange(outRows, blockIdx, blockDim, &begin, &end);
  DimWalker out(t, false, 1), red(t, true, 1);
  out.seek(begin);
  EwOp combine = combineOp(kind);
  for (int64_t o = begin; o < end; ++o, out.next()) {
    float *acc = y + o * len;
    if (t.reduceCount == 0) {
      std::fill(acc, acc + len, emptyValue(kind, scale));
      continue;
    }
    red.seek(0);
    std::copy(x + out.offset, x + out.offset + len, acc);
    red.next();
    for (int64_t r = 1; r < t.reduceCount; ++r, red.next())
      ops.binary(combine, acc, true, x + out.offset + red.offset, true, acc,
                 len);
    if (kind == ReduceKind::Mean)
      ops.binary(EwOp::Mul, acc, true, &scale, false, acc, len);
  }
  return 0;
}

} // namespace
} // namespace geflow::kernels::vec

namespace geflow::kernels {

void registerReduceKernels(KernelRegistry &registry) {
  using namespace vec;
  const auto dtypes = {DType::F32, DType::F16, DType::BF16};
  KernelDef sum{"reduce_sum", reduceTiling<ReduceKind::Sum>, nullptr, {}};
  addVecImpls<reduceKernel>(&sum, dtypes);
  registry.add(std::move(sum));
  KernelDef mean{"reduce_mean", reduceTiling<ReduceKind::Mean>, nullptr, {}};
  addVecImpls<reduceKernel>(&mean, dtypes);
  registry.add(std::move(mean));
  KernelDef max{"reduce_max", reduceTiling<ReduceKind::Max>, nullptr, {}};
  addVecImpls<reduceKernel>(&max, dtypes);
  registry.add(std::move(max));
  KernelDef prod{"reduce_prod", reduceTiling<ReduceKind::Prod>, nullptr, {}};
  addVecImpls<reduceKernel>(&prod, dtypes);
  registry.add(std::move(prod));
}

} // namespace geflow::kernels
