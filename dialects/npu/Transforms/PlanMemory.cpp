//===- PlanMemory.cpp - Liveness-based arena planning ---------------------===//
//
// Buffers become "logical buffers" (in-place chains and elided-concat groups
// merge several values into one), each with the tasks that write it and the
// tasks that touch it. Two logical buffers may overlap in the arena only when
// every touch of one happens before every write of the other. Several greedy
// orders place them; the smallest arena wins.
//
//===----------------------------------------------------------------------===//
#include "dialects/npu/Transforms/Passes.h"
#include "dialects/npu/Transforms/TaskGraph.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/StringExtras.h"

namespace geflow::npu {
#define GEN_PASS_DEF_NPUPLANMEMORY
#include "dialects/npu/Transforms/Passes.h.inc"
} // namespace geflow::npu

using namespace mlir;

namespace geflow::npu {
namespace {

/// One arena allocation: the values (and workspaces) living in it.
struct LogicalBuffer {
  uint64_t size = 0;
  SetVector<Operation *> writers;
  SetVector<Operation *> touches; // writers and readers
  int64_t first = 0, last = 0;    // program positions of the touches
  // Members and their byte offset inside the buffer.
  SmallVector<std::pair<Value, uint64_t>> values;
  SmallVector<KernelOp> workspaces;
  /// A writer is named by OP_NO_REUSE_MEM: the buffer shares no bytes.
  bool noReuse = false;
  /// In host memory (mixed compute): planned in the host arena.
  bool host = false;
};

/// "Max_Pool" -> "maxpool": how an OP_NO_REUSE_MEM op type meets a kernel
/// name.
std::string normalizeOpType(StringRef name) {
  std::string out;
  for (char c : name)
    if (c != '_')
      out += llvm::toLower(c);
  return out;
}

/// The node names in `loc` (a NameLoc, or several fused).
void collectNames(Location loc, SmallVectorImpl<StringRef> &names) {
  if (auto named = dyn_cast<NameLoc>(loc)) {
    names.push_back(named.getName().getValue());
    collectNames(named.getChildLoc(), names);
  } else if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      collectNames(inner, names);
  }
}

/// Whether OP_NO_REUSE_MEM (`entries`: node names and op types) names `op`.
bool namedForNoReuse(Operation *op, ArrayRef<std::string> entries) {
  if (entries.empty())
    return false;
  SmallVector<StringRef> names;
  collectNames(op->getLoc(), names);
  std::string type;
  if (auto k = dyn_cast<KernelOp>(op))
    type = normalizeOpType(k.getKernel());
  for (const std::string &entry : entries) {
    if (llvm::is_contained(names, entry))
      return true;
    if (!type.empty() && normalizeOpType(entry) == type)
      return true;
  }
  return false;
}

/// Every task that reads `v`'s bytes: users of v, of aliases of v, and of an
/// elided concat that v is a slice of.
void collectReaders(Value v, SetVector<Operation *> &readers) {
  for (Operation *user : v.getUsers()) {
    if (auto alias = dyn_cast<AliasOp>(user)) {
      collectReaders(alias.getResult(), readers);
      continue;
    }
    if (auto k = dyn_cast<KernelOp>(user); k && k.getElided()) {
      collectReaders(k.getResult(0), readers);
      continue;
    }
    if (isTask(user))
      readers.insert(user);
  }
}

bool needsArena(Value v) {
  Operation *def = v.getDefiningOp();
  if (auto k = dyn_cast_or_null<KernelOp>(def))
    return !k.getElided() && !k.getOutputs();
  if (auto m = dyn_cast_or_null<MemcpyOp>(def))
    return !m.getPlacement();
  if (auto h = dyn_cast_or_null<HostCallOp>(def))
    return !h.getOutputs();
  if (auto c = dyn_cast_or_null<CollectiveOp>(def))
    return !c.getOutputs();
  if (auto c = dyn_cast_or_null<ControlOp>(def))
    return !c.getOutputs();
  return false;
}

class Planner {
public:
  Planner(ProgramOp program, bool inPlace, ArrayRef<std::string> noReuse)
      : program_(program), order_(program), inPlace_(inPlace),
        noReuse_(noReuse) {}

  LogicalResult build();
  /// Places every buffer; returns the arena size and sets `hostTop` to the
  /// host arena's.
  uint64_t place(StringRef strategy, SmallVectorImpl<uint64_t> &offsets,
                 uint64_t &hostTop) const;
  void apply(ArrayRef<uint64_t> offsets, uint64_t arenaSize,
             uint64_t hostArenaSize);
  uint64_t naiveSize() const;
  uint64_t maxLive() const;

private:
  void addValue(Value v, unsigned buffer, uint64_t offset);
  bool before(const LogicalBuffer &a, const LogicalBuffer &b) const;
  void tryInPlace(KernelOp op);

  ProgramOp program_;
  TaskOrder order_;
  bool inPlace_;
  ArrayRef<std::string> noReuse_;
  SmallVector<LogicalBuffer> buffers_;
  DenseMap<Value, unsigned> bufferOf_;
  SmallVector<SmallVector<bool>> conflict_;
};

void Planner::addValue(Value v, unsigned buffer, uint64_t offset) {
  LogicalBuffer &b = buffers_[buffer];
  b.values.push_back({v, offset});
  bufferOf_[v] = buffer;
  if (Operation *def = v.getDefiningOp()) {
    b.writers.insert(def);
    b.touches.insert(def);
  }
  SetVector<Operation *> readers;
  collectReaders(v, readers);
  b.touches.insert_range(readers);
}

void Planner::tryInPlace(KernelOp op) {
  auto candidates = op.getInplaceInputs();
  if (!candidates || op.getNumResults() != 1 || namedForNoReuse(op, noReuse_) ||
      !bufferOf_.contains(op.getResult(0)))
    return;
  Value result = op.getResult(0);
  unsigned rb = bufferOf_[result];
  if (buffers_[rb].values.size() != 1)
    return;
  for (int64_t idx : *candidates) {
    if (idx < 0 || idx >= static_cast<int64_t>(op.getInputs().size()))
      continue;
    Value in = op.getInputs()[idx];
    Value root = getRootBuffer(in);
    // Same element positions: the input must have the result's shape.
    if (in.getType() != result.getType() || !bufferOf_.contains(root))
      continue;
    unsigned ib = bufferOf_[root];
    LogicalBuffer &input = buffers_[ib];
    if (llvm::any_of(input.writers, [&](Operation *w) {
          return namedForNoReuse(w, noReuse_);
        }))
      continue;
    // Concat slices keep their place; the input must be whole.
    if (input.values.size() != 1 &&
        !llvm::all_of(input.values, [](auto &m) { return m.second == 0; }))
      continue;
    if (input.size != buffers_[rb].size || input.host != buffers_[rb].host)
      continue;
    // Every other touch of the input finishes before this kernel starts.
    bool dies = llvm::all_of(input.touches, [&](Operation *t) {
      return t == op.getOperation() || order_.happensBefore(t, op);
    });
    if (!dies)
      continue;
    LogicalBuffer &r = buffers_[rb];
    input.writers.insert_range(r.writers);
    input.touches.insert_range(r.touches);
    input.values.push_back({result, 0});
    bufferOf_[result] = ib;
    r = LogicalBuffer(); // emptied; skipped by placement
    return;
  }
}

LogicalResult Planner::build() {
  Block &body = program_.getBody().front();
  // Elided concats: one buffer holding every input as a slice.
  for (Operation &op : body) {
    auto k = dyn_cast<KernelOp>(op);
    if (!k || !k.getElided())
      continue;
    auto bytes = getStorageBytes(k.getResult(0).getType());
    if (failed(bytes))
      return k.emitOpError("elided concat needs a static result type");
    buffers_.emplace_back();
    unsigned idx = buffers_.size() - 1;
    buffers_[idx].size = *bytes;
    buffers_[idx].host = isInHostMemory(k.getResult(0));
    uint64_t offset = 0;
    for (Value in : k.getInputs()) {
      addValue(in, idx, offset);
      offset += getStorageBytes(in.getType()).value_or(0);
    }
  }
  for (Operation &op : body) {
    for (Value r : op.getResults()) {
      if (!needsArena(r) || bufferOf_.contains(r))
        continue;
      auto bytes = getStorageBytes(r.getType());
      if (failed(bytes))
        return op.emitOpError() << "result type " << r.getType()
                                << " has no static size to plan";
      buffers_.emplace_back();
      buffers_.back().size = *bytes;
      buffers_.back().host = isInHostMemory(r);
      addValue(r, buffers_.size() - 1, 0);
    }
    if (auto k = dyn_cast<KernelOp>(op)) {
      if (uint64_t ws = k.getTiling().getWorkspace()) {
        buffers_.emplace_back();
        buffers_.back().size = ws;
        buffers_.back().writers.insert(k);
        buffers_.back().touches.insert(k);
        buffers_.back().workspaces.push_back(k);
        buffers_.back().host = k.getOnHost();
      }
      if (inPlace_)
        tryInPlace(k);
    }
  }
  for (LogicalBuffer &b : buffers_) {
    b.noReuse = llvm::any_of(
        b.writers, [&](Operation *w) { return namedForNoReuse(w, noReuse_); });
    b.first = INT64_MAX;
    b.last = INT64_MIN;
    for (Operation *t : b.touches) {
      b.first = std::min(b.first, order_.position(t));
      b.last = std::max(b.last, order_.position(t));
    }
  }
  size_t n = buffers_.size();
  conflict_.assign(n, SmallVector<bool>(n, false));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j)
      if (buffers_[i].size && buffers_[j].size &&
          buffers_[i].host == buffers_[j].host &&
          (buffers_[i].noReuse || buffers_[j].noReuse ||
           (!before(buffers_[i], buffers_[j]) &&
            !before(buffers_[j], buffers_[i]))))
        conflict_[i][j] = conflict_[j][i] = true;
  return success();
}

bool Planner::before(const LogicalBuffer &a, const LogicalBuffer &b) const {
  // Cheap reject in program order, then the real (stream-aware) check.
  if (a.last >= b.first && !b.writers.empty()) {
    for (Operation *w : b.writers)
      if (order_.position(w) <= a.last)
        return false;
  }
  for (Operation *t : a.touches)
    for (Operation *w : b.writers)
      if (!order_.happensBefore(t, w))
        return false;
  return true;
}

uint64_t Planner::place(StringRef strategy, SmallVectorImpl<uint64_t> &offsets,
                        uint64_t &hostTop) const {
  size_t n = buffers_.size();
  SmallVector<unsigned> orderIdx(n);
  for (unsigned i = 0; i < n; ++i)
    orderIdx[i] = i;
  auto lifetime = [&](unsigned i) -> int64_t {
    // A buffer nothing touches keeps first = INT64_MAX, last = INT64_MIN.
    if (buffers_[i].touches.empty())
      return 0;
    return buffers_[i].last - buffers_[i].first + 1;
  };
  auto key = [&](unsigned i) -> std::tuple<int64_t, int64_t, int64_t> {
    const LogicalBuffer &b = buffers_[i];
    int64_t size = static_cast<int64_t>(b.size);
    if (strategy == "size")
      return {-size, b.first, i};
    if (strategy == "first-use")
      return {b.first, -size, i};
    if (strategy == "lifetime")
      return {-lifetime(i), -size, i};
    return {-size * lifetime(i), b.first, i}; // area
  };
  llvm::stable_sort(orderIdx,
                    [&](unsigned a, unsigned b) { return key(a) < key(b); });

  offsets.assign(n, 0);
  SmallVector<bool> placed(n, false);
  uint64_t top = 0;
  hostTop = 0;
  for (unsigned i : orderIdx) {
    uint64_t size = alignUp(buffers_[i].size);
    if (size == 0)
      continue;
    SmallVector<std::pair<uint64_t, uint64_t>> busy;
    for (unsigned j = 0; j < n; ++j)
      if (placed[j] && conflict_[i][j])
        busy.push_back({offsets[j], offsets[j] + alignUp(buffers_[j].size)});
    llvm::sort(busy);
    uint64_t candidate = 0;
    for (auto [lo, hi] : busy) {
      if (candidate + size <= lo)
        break;
      candidate = std::max(candidate, hi);
    }
    offsets[i] = candidate;
    placed[i] = true;
    uint64_t &regionTop = buffers_[i].host ? hostTop : top;
    regionTop = std::max(regionTop, candidate + size);
  }
  return top;
}

void Planner::apply(ArrayRef<uint64_t> offsets, uint64_t arenaSize,
                    uint64_t hostArenaSize) {
  MLIRContext *ctx = program_.getContext();
  // Decided before any placement is written: placing one result of a
  // multi-result kernel sets its `outputs`, which needsArena reads.
  DenseSet<Value> planned;
  for (const LogicalBuffer &b : buffers_)
    for (auto [value, inner] : b.values)
      if (value.getDefiningOp() && needsArena(value))
        planned.insert(value);
  for (auto [i, b] : llvm::enumerate(buffers_)) {
    for (auto [value, inner] : b.values) {
      Operation *def = value.getDefiningOp();
      if (!planned.contains(value))
        continue;
      uint64_t bytes = getStorageBytes(value.getType()).value_or(0);
      MemRegion region = b.host ? MemRegion::host : MemRegion::arena;
      auto buf = BufferAttr::get(ctx, region, 0, offsets[i] + inner, bytes);
      if (auto k = dyn_cast<KernelOp>(def)) {
        SmallVector<Attribute> outs(k.getNumResults(), buf);
        if (auto existing = k.getOutputs())
          outs.assign(existing->begin(), existing->end());
        outs[cast<OpResult>(value).getResultNumber()] = buf;
        k.setOutputsAttr(ArrayAttr::get(ctx, outs));
      } else if (auto m = dyn_cast<MemcpyOp>(def)) {
        m.setPlacementAttr(buf);
      } else if (auto h = dyn_cast<HostCallOp>(def)) {
        SmallVector<Attribute> outs(h.getNumResults(), buf);
        if (auto existing = h.getOutputs())
          outs.assign(existing->begin(), existing->end());
        outs[cast<OpResult>(value).getResultNumber()] = buf;
        h.setOutputsAttr(ArrayAttr::get(ctx, outs));
      } else if (auto c = dyn_cast<CollectiveOp>(def)) {
        SmallVector<Attribute> outs(c.getNumResults(), buf);
        if (auto existing = c.getOutputs())
          outs.assign(existing->begin(), existing->end());
        outs[cast<OpResult>(value).getResultNumber()] = buf;
        c.setOutputsAttr(ArrayAttr::get(ctx, outs));
      } else if (auto c = dyn_cast<ControlOp>(def)) {
        SmallVector<Attribute> outs(c.getNumResults(), buf);
        if (auto existing = c.getOutputs())
          outs.assign(existing->begin(), existing->end());
        outs[cast<OpResult>(value).getResultNumber()] = buf;
        c.setOutputsAttr(ArrayAttr::get(ctx, outs));
      }
    }
    for (KernelOp k : b.workspaces)
      k.setWorkspaceAttr(
          BufferAttr::get(ctx, b.host ? MemRegion::host : MemRegion::arena, 0,
                          offsets[i], k.getTiling().getWorkspace()));
  }
  program_.setArenaSize(arenaSize);
  program_.setHostArenaSize(hostArenaSize);
}

uint64_t Planner::naiveSize() const {
  // The device arena's figures (host buffers live in the host arena).
  uint64_t total = 0;
  for (const LogicalBuffer &b : buffers_)
    if (!b.host)
      for (auto [value, inner] : b.values)
        total += alignUp(getStorageBytes(value.getType()).value_or(0));
  for (const LogicalBuffer &b : buffers_)
    if (!b.workspaces.empty() && !b.host)
      total += alignUp(b.size);
  return total;
}

uint64_t Planner::maxLive() const {
  // A buffer is live while task t runs in every schedule when t touches it,
  // or when a writer finishes before t starts and some touch does not:
  // those buffers can never share bytes, so their total at any t bounds the
  // arena from below (for one stream this is the usual max-live).
  SmallVector<Operation *> tasks;
  ProgramOp program = program_;
  for (Operation &op : program.getBody().front())
    if (isTask(&op))
      tasks.push_back(&op);
  uint64_t peak = 0;
  for (Operation *t : tasks) {
    uint64_t live = 0;
    for (const LogicalBuffer &b : buffers_) {
      if (!b.size || b.host)
        continue;
      bool touched = b.touches.contains(t);
      bool written = llvm::any_of(
          b.writers, [&](Operation *w) { return order_.happensBefore(w, t); });
      bool pending = llvm::any_of(b.touches, [&](Operation *u) {
        return u != t && !order_.happensBefore(u, t);
      });
      if (touched || (written && pending))
        live += alignUp(b.size);
    }
    peak = std::max(peak, live);
  }
  return peak;
}

struct NPUPlanMemoryPass : impl::NPUPlanMemoryBase<NPUPlanMemoryPass> {
  using Base::Base;
  void runOnOperation() override {
    ProgramOp program = getOperation();
    static const char *const kStrategies[] = {"size", "first-use", "lifetime",
                                              "area"};
    if (strategy != "best" && !llvm::is_contained(kStrategies, strategy)) {
      program.emitError()
          << "unknown memory strategy '" << strategy
          << "', expected best, size, first-use, lifetime or area";
      return signalPassFailure();
    }
    SmallVector<std::string> noReuseOps(noReuse.begin(), noReuse.end());
    Planner planner(program, inPlace, noReuseOps);
    if (failed(planner.build()))
      return signalPassFailure();
    SmallVector<uint64_t> bestOffsets;
    uint64_t best = UINT64_MAX, bestHost = 0;
    StringRef bestName;
    for (StringRef s : kStrategies) {
      if (strategy != "best" && strategy != s)
        continue;
      SmallVector<uint64_t> offsets;
      uint64_t host = 0;
      uint64_t size = planner.place(s, offsets, host);
      if (best == UINT64_MAX || size + host < best + bestHost) {
        best = size;
        bestHost = host;
        bestOffsets = std::move(offsets);
        bestName = s;
      }
    }
    planner.apply(bestOffsets, best, bestHost);
    Builder b(&getContext());
    program->setAttr("npu.naive_size",
                     b.getI64IntegerAttr(planner.naiveSize()));
    program->setAttr("npu.max_live", b.getI64IntegerAttr(planner.maxLive()));
    program->setAttr("npu.memory_strategy", b.getStringAttr(bestName));
  }
};

} // namespace
} // namespace geflow::npu
