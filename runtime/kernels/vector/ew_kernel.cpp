//===- ew_kernel.cpp - The elementwise program interpreter ----------------===//
//
// Runs an EwTiling program tile by tile (see ew_engine.h). Per tile, every
// operand is either a pointer to tileElems floats or a broadcast scalar; an
// instruction whose operands are all scalars yields a scalar, so
// per-channel constant chains cost one element.
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/Half.h"
#include "kernels/vector/ew_engine.h"

#include <cstring>

namespace geflow::kernels::vec {

namespace {

using namespace ewoperand;

struct Operand {
  const float *p = nullptr;
  bool vec = false;
};

float loadOne(const void *base, int64_t index, DType dtype) {
  switch (dtype) {
  case DType::F32:
    return static_cast<const float *>(base)[index];
  case DType::F16:
    return rt::halfToFloat(static_cast<const uint16_t *>(base)[index]);
  case DType::BF16:
    return rt::bf16ToFloat(static_cast<const uint16_t *>(base)[index]);
  default:
    return static_cast<const uint8_t *>(base)[index] != 0 ? 1.f : 0.f;
  }
}

/// dst[0, n) = float(src[index, index + n)) for a stored dtype.
void loadRun(const VecOps &ops, const void *base, int64_t index, DType dtype,
             float *dst, int64_t n) {
  switch (dtype) {
  case DType::F32:
    std::memcpy(dst, static_cast<const float *>(base) + index,
                n * sizeof(float));
    return;
  case DType::F16:
    ops.f16ToF32(static_cast<const uint16_t *>(base) + index, dst, n);
    return;
  case DType::BF16:
    ops.bf16ToF32(static_cast<const uint16_t *>(base) + index, dst, n);
    return;
  default: {
    const uint8_t *src = static_cast<const uint8_t *>(base) + index;
    for (int64_t i = 0; i < n; ++i)
      dst[i] = src[i] != 0 ? 1.f : 0.f;
  }
  }
}

void fill(float *dst, int64_t n, float v) {
  for (int64_t i = 0; i < n; ++i)
    dst[i] = v;
}

class TileRunner {
public:
  TileRunner(const VecOps &ops, const EwTiling &t, const KernelArgs &args,
             float *ub)
      : ops_(ops), t_(t), args_(args), ub_(ub) {}

  /// Runs `tile`; `prefetchNext` when the block's next tile follows it.
  void run(int64_t tile, bool prefetchNext);

private:
  float *buffer(int64_t index) const { return ub_ + index * t_.tileElems; }
  /// Offset of element (row, 0) of input i.
  int64_t rowOffset(uint32_t i, int64_t row) const {
    int64_t off = 0;
    for (int32_t d = t_.rank - 2; d >= 0; --d) {
      off += (row % t_.shape[d]) * t_.inStride[i][d];
      row /= t_.shape[d];
    }
    return off;
  }
  void bindInput(uint32_t i);
  Operand resolve(int32_t operand) const;
  void execute(const EwInstr &ins);
  void finishOutputs();
  void prefetchNext(uint32_t part, uint32_t parts) const;
  float *outStage(uint32_t k) const { return buffer(t_.outBuf[k]); }

  const VecOps &ops_;
  const EwTiling &t_;
  const KernelArgs &args_;
  float *ub_;
  // The current tile: flat output range [f0, f0 + n), rows [row, row + nrows)
  // starting at column col0 (col0 > 0 only for chunk tiles).
  int64_t f0_ = 0, n_ = 0, row_ = 0, nrows_ = 0, col0_ = 0;
  Operand in_[kEwMaxInputs];
  float inScalar_[kEwMaxInputs];
  Operand reg_[kEwMaxRegs];
  float regScalar_[kEwMaxRegs];
};

void TileRunner::bindInput(uint32_t i) {
  DType dt = static_cast<DType>(t_.inDtype[i]);
  const void *base = args_.inputs[i];
  int64_t inner = t_.inStride[i][t_.rank - 1];
  if (t_.inFlat[i]) {
    if (dt == DType::F32) {
      in_[i] = {static_cast<const float *>(base) + f0_, true};
      return;
    }
    float *buf = buffer(t_.inBuf[i]);
    loadRun(ops_, base, f0_, dt, buf, n_);
    in_[i] = {buf, true};
    return;
  }
  int64_t first = rowOffset(i, row_) + col0_ * inner;
  if (nrows_ == 1) {
    if (inner == 0) {
      inScalar_[i] = loadOne(base, first, dt);
      in_[i] = {&inScalar_[i], false};
    } else if (dt == DType::F32) { // a contiguous run of one row
      in_[i] = {static_cast<const float *>(base) + first, true};
    } else {
      float *buf = buffer(t_.inBuf[i]);
      loadRun(ops_, base, first, dt, buf, n_);
      in_[i] = {buf, true};
    }
    return;
  }
  // Whole rows: row offsets are not monotonic (outer dims wrap), so walk
  // them with an odometer over the outer dims.
  int64_t idx[kMaxRank];
  int64_t rest = row_;
  for (int32_t d = t_.rank - 2; d >= 0; --d) {
    idx[d] = rest % t_.shape[d];
    rest /= t_.shape[d];
  }
  auto next = [&](int64_t *off) {
    for (int32_t d = t_.rank - 2; d >= 0; --d) {
      *off += t_.inStride[i][d];
      if (++idx[d] < t_.shape[d])
        return;
      *off -= idx[d] * t_.inStride[i][d];
      idx[d] = 0;
    }
  };
  if (inner == 0) {
    // One value per row: a scalar when every row of the tile shares it.
    int64_t saved[kMaxRank];
    std::memcpy(saved, idx, sizeof(idx));
    bool same = true;
    for (int64_t r = 1, off = first; r < nrows_ && same; ++r) {
      next(&off);
      same = off == first;
    }
    if (same) {
      inScalar_[i] = loadOne(base, first, dt);
      in_[i] = {&inScalar_[i], false};
      return;
    }
    std::memcpy(idx, saved, sizeof(idx));
  }
  float *buf = buffer(t_.inBuf[i]);
  int64_t len = t_.rowLen;
  for (int64_t r = 0, off = first; r < nrows_; ++r, next(&off)) {
    if (inner == 0)
      fill(buf + r * len, len, loadOne(base, off, dt));
    else
      loadRun(ops_, base, off, dt, buf + r * len, len);
  }
  in_[i] = {buf, true};
}

Operand TileRunner::resolve(int32_t operand) const {
  int32_t kind = operand / kKindSpan, index = operand % kKindSpan;
  if (kind == 0)
    return reg_[index];
  if (kind == 1)
    return in_[index];
  return {&t_.consts[index], false};
}

void TileRunner::execute(const EwInstr &ins) {
  EwOp op = static_cast<EwOp>(ins.op);
  int arity = ewOpArity(op);
  Operand a = resolve(ins.src[0]);
  Operand b = arity > 1 ? resolve(ins.src[1]) : Operand{};
  Operand c = arity > 2 ? resolve(ins.src[2]) : Operand{};
  bool isParamOp = op == EwOp::LeakyRelu || op == EwOp::HardSigmoid;
  bool anyVec = a.vec || (!isParamOp && (b.vec || c.vec));

  int32_t kind = ins.dst / kKindSpan, index = ins.dst % kKindSpan;
  float *y;
  if (kind == 0)
    y = anyVec ? buffer(index) : &regScalar_[index];
  else if (t_.outBuf[index] >= 0)
    y = outStage(static_cast<uint32_t>(index));
  else
    y = static_cast<float *>(args_.outputs[index]) + f0_;
  // All-scalar operands: compute one element (broadcast later if needed).
  int64_t n = anyVec ? n_ : 1;
  float scalarOut;
  float *dst = (!anyVec && kind != 0) ? &scalarOut : y;

  if (arity == 1 || isParamOp) {
    float p0 = arity > 1 ? *b.p : 0.f, p1 = arity > 2 ? *c.p : 0.f;
    ops_.unary(op, a.p, dst, n, p0, p1);
  } else if (arity == 2) {
    ops_.binary(op, a.p, a.vec, b.p, b.vec, dst, n);
  } else {
    ops_.ternary(op, a.p, a.vec, b.p, b.vec, c.p, c.vec, dst, n);
  }
  if (kind == 0)
    reg_[index] = {y, anyVec};
  else if (!anyVec)
    fill(y, n_, scalarOut);
}

/// Re-zeroes NC1HWC0 padding, then writes the staged outputs (converting
/// f16/bf16/bool, streaming big f32 outputs). Flushing right after the
/// tile measured faster than double-buffering the staged tile and writing
/// it piecewise during the next one.
void TileRunner::finishOutputs() {
  for (uint32_t k = 0; k < t_.numOutputs; ++k) {
    bool staged = t_.outBuf[k] >= 0;
    float *src =
        staged ? outStage(k) : static_cast<float *>(args_.outputs[k]) + f0_;
    if (t_.c0Valid != 0) {
      // Zero the padded channels of the last C1 block (NC1HWC0 invariant).
      // Tiles start on a C0 boundary and hold whole C0 groups.
      for (int64_t g = 0; g < n_; g += rt::kC0) {
        int64_t c1 = ((f0_ + g) / t_.c0BlockElems) % t_.c1;
        if (c1 == t_.c1 - 1)
          fill(src + g + t_.c0Valid, rt::kC0 - t_.c0Valid, 0.f);
      }
    }
    if (!staged)
      continue;
    void *out = args_.outputs[k];
    switch (static_cast<DType>(t_.outDtype[k])) {
    case DType::F32:
      if (t_.streamStores)
        ops_.streamCopy(static_cast<float *>(out) + f0_, src, n_);
      else
        std::memcpy(static_cast<float *>(out) + f0_, src, n_ * sizeof(float));
      break;
    case DType::F16:
      ops_.f32ToF16(src, static_cast<uint16_t *>(out) + f0_, n_);
      break;
    case DType::BF16:
      ops_.f32ToBf16(src, static_cast<uint16_t *>(out) + f0_, n_);
      break;
    default: {
      uint8_t *dst = static_cast<uint8_t *>(out) + f0_;
      for (int64_t i = 0; i < n_; ++i)
        dst[i] = src[i] != 0.f;
    }
    }
  }
}

/// Prefetches part `part` of `parts` of the next tile's dense inputs (and
/// of its directly written outputs), so memory streams in while this tile
/// computes out of L1 instead of between tiles. Tiles are consecutive in
/// flat order, so the next tile starts at f0 + n.
void TileRunner::prefetchNext(uint32_t part, uint32_t parts) const {
  int64_t begin = f0_ + n_, len = n_;
  if (begin + len > t_.total)
    len = t_.total - begin;
  int64_t lo = begin + len * part / parts,
          hi = begin + len * (part + 1) / parts;
  for (uint32_t i = 0; i < t_.numInputs; ++i) {
    if (!t_.inUsed[i] || !t_.inFlat[i])
      continue;
    size_t es = rt::dtypeSize(static_cast<DType>(t_.inDtype[i]));
    const char *base = static_cast<const char *>(args_.inputs[i]);
    for (int64_t b = lo * es; b < hi * int64_t(es); b += 64)
      __builtin_prefetch(base + b, 0, 3);
  }
  for (uint32_t k = 0; k < t_.numOutputs; ++k) {
    if (t_.outBuf[k] >= 0)
      continue;
    char *base = static_cast<char *>(args_.outputs[k]);
    for (int64_t b = lo * 4; b < hi * 4; b += 64)
      __builtin_prefetch(base + b, 1, 3);
  }
}

void TileRunner::run(int64_t tile, bool prefetch) {
  if (t_.rowsPerTile == 1) {
    row_ = tile / t_.chunksPerRow;
    col0_ = (tile % t_.chunksPerRow) * t_.chunkLen;
    n_ = t_.rowLen - col0_ < t_.chunkLen ? t_.rowLen - col0_ : t_.chunkLen;
    nrows_ = 1;
  } else {
    row_ = tile * t_.rowsPerTile;
    nrows_ = t_.rows - row_ < t_.rowsPerTile ? t_.rows - row_ : t_.rowsPerTile;
    col0_ = 0;
    n_ = nrows_ * t_.rowLen;
  }
  if (n_ <= 0)
    return;
  f0_ = row_ * t_.rowLen + col0_;
  for (uint32_t i = 0; i < t_.numInputs; ++i)
    if (t_.inUsed[i])
      bindInput(i);
  for (uint32_t n = 0; n < t_.numInstrs; ++n) {
    if (prefetch)
      prefetchNext(n, t_.numInstrs);
    execute(t_.instrs[n]);
  }
  finishOutputs();
}

/// Structural checks of tiling data from a file: every index the
/// interpreter follows stays inside the struct and the UB slice.
bool isConsistent(const EwTiling &t) {
  if (t.numInputs > kEwMaxInputs || t.numOutputs > kEwMaxOutputs ||
      t.numInstrs > kEwMaxInstrs || t.numRegs > kEwMaxRegs || t.rank < 1 ||
      t.rank > kMaxRank || t.tileElems <= 0 || t.numBuffers < 1 ||
      t.workspacePerBlock < t.numBuffers * t.tileElems * 4 + 64 ||
      t.rowLen < 0 || t.chunksPerRow < 1 || t.rowsPerTile < 1)
    return false;
  // A tile (a chunk of a row, or whole rows) fits in one buffer.
  if (t.rowsPerTile == 1 ? t.chunkLen > t.tileElems
                         : t.rowsPerTile * t.rowLen > t.tileElems)
    return false;
  for (uint32_t i = 0; i < t.numInputs; ++i)
    if (t.inBuf[i] >= t.numBuffers || t.inDtype[i] >= rt::kNumDTypes)
      return false;
  for (uint32_t k = 0; k < t.numOutputs; ++k)
    if (t.outBuf[k] >= t.numBuffers || t.outDtype[k] >= rt::kNumDTypes)
      return false;
  auto valid = [&](int32_t v, bool dst) {
    int32_t kind = v / kKindSpan, index = v % kKindSpan;
    if (v < 0)
      return false;
    if (kind == 0)
      return index < static_cast<int32_t>(t.numRegs);
    if (dst)
      return kind == 3 && index < static_cast<int32_t>(t.numOutputs);
    if (kind == 1)
      return index < static_cast<int32_t>(t.numInputs) && t.inUsed[index];
    return kind == 2 && index < kEwMaxConsts;
  };
  for (uint32_t n = 0; n < t.numInstrs; ++n) {
    const EwInstr &ins = t.instrs[n];
    if (!isKnownEwOp(ins.op) || !valid(ins.dst, true))
      return false;
    int arity = ewOpArity(static_cast<EwOp>(ins.op));
    for (int s = 0; s < arity; ++s)
      if (!valid(ins.src[s], false))
        return false;
  }
  return true;
}

} // namespace

int32_t runEwProgram(const VecOps &ops, const KernelArgs &args,
                     uint32_t blockIdx, uint32_t blockDim) {
  // The tiling blob is ~3 KB; read it in place when it is aligned.
  EwTiling copy;
  const EwTiling *t = reinterpret_cast<const EwTiling *>(args.tiling);
  if (args.tilingSize != sizeof(EwTiling))
    return kVecErrBadTiling;
  if (reinterpret_cast<uintptr_t>(args.tiling) % alignof(EwTiling) != 0) {
    std::memcpy(&copy, args.tiling, sizeof(EwTiling));
    t = &copy;
  }
  if (args.numInputs != t->numInputs || args.numOutputs != t->numOutputs ||
      !isConsistent(*t))
    return kVecErrBadTiling;
  int64_t begin, end;
  blockRange(t->numTiles, blockIdx, blockDim, &begin, &end);
  if (begin >= end)
    return 0;
  uint8_t *ws = static_cast<uint8_t *>(args.workspace) +
                static_cast<int64_t>(blockIdx) * t->workspacePerBlock;
  float *ub = reinterpret_cast<float *>((reinterpret_cast<uintptr_t>(ws) + 63) &
                                        ~uintptr_t(63));
  TileRunner runner(ops, *t, args, ub);
  for (int64_t tile = begin; tile < end; ++tile)
    runner.run(tile, tile + 1 < end && t->numInstrs > 1);
  if (t->streamStores)
    ops.storeFence();
  return 0;
}

} // namespace geflow::kernels::vec
