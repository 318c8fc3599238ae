//===- concat_split.cpp - concat and split along any axis -----------------===//
//
// Viewed as [outer, axis * inner]: each outer row of the joined tensor is
// the concatenation of every part's row. Blocks take equal byte ranges of
// the joined tensor (so one huge part or many tiny rows balance alike) and
// copy the pieces of part rows that fall in their range with memcpy.
//
//===----------------------------------------------------------------------===//
#include "kernels/common/kernel_families.h"
#include "kernels/vector/ew_engine.h"
#include "kernels/vector/vec_registry.h"

#include <algorithm>
#include <cstring>

namespace geflow::kernels::vec {

namespace {

constexpr int kMaxParts = 128;

struct JoinTiling {
  uint32_t parts;
  uint32_t split; // 0: concat (parts are inputs), 1: split (parts are outputs)
  int64_t outer;
  int64_t rowBytes;              // bytes of one row of the joined tensor
  int64_t partBytes[kMaxParts];  // bytes of one row of each part
  int64_t partOffset[kMaxParts]; // offset of the part within a joined row
};

/// Validates parts against the joined shape along `axis` and fills t.
Status tileJoin(const std::string &op, bool split, const TensorDesc &joined,
                const std::vector<TensorDesc> &parts,
                const std::string &partKind, int64_t axisAttr,
                const SocInfo &soc, TilingResult *result) {
  if (parts.empty() || parts.size() > static_cast<size_t>(kMaxParts))
    return invalidArgument(op + ": needs 1 to " + std::to_string(kMaxParts) +
                           " " + partKind + "s, got " +
                           std::to_string(parts.size()));
  int64_t rank = static_cast<int64_t>(joined.shape.size()), axis;
  if (rank == 0)
    return invalidArgument(op + ": rank-0 tensors have no axis to " + op +
                           " along");
  GEFLOW_RETURN_IF_ERROR(normalizeAxis(op, axisAttr, rank, &axis));
  JoinTiling t{};
  t.parts = static_cast<uint32_t>(parts.size());
  t.split = split;
  size_t es = rt::dtypeSize(joined.dtype);
  t.outer = 1;
  int64_t inner = static_cast<int64_t>(es);
  for (int64_t d = 0; d < rank; ++d)
    if (d < axis)
      t.outer *= joined.shape[d];
    else if (d > axis)
      inner *= joined.shape[d];
  int64_t axisSum = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const TensorDesc &p = parts[i];
    std::string what = partKind + " " + std::to_string(i);
    if (p.dtype != joined.dtype)
      return invalidArgument(op + ": " + what + " has dtype " +
                             std::string(rt::dtypeName(p.dtype)) +
                             ", expected " +
                             std::string(rt::dtypeName(joined.dtype)));
    if (static_cast<int64_t>(p.shape.size()) != rank)
      return invalidArgument(op + ": " + what + " has rank " +
                             std::to_string(p.shape.size()) + ", expected " +
                             std::to_string(rank));
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && p.shape[d] != joined.shape[d])
        return invalidArgument(
            op + ": " + what + " shape " + shapeStr(p.shape) +
            " differs from " + shapeStr(joined.shape) + " in dim " +
            std::to_string(d) + " (axis is " + std::to_string(axis) + ")");
    t.partOffset[i] = axisSum * inner;
    t.partBytes[i] = p.shape[axis] * inner;
    axisSum += p.shape[axis];
  }
  if (axisSum != joined.shape[axis])
    return invalidArgument(op + ": the " + partKind + "s add up to " +
                           std::to_string(axisSum) + " along axis " +
                           std::to_string(axis) + ", but the " +
                           (split ? "input" : "output") + " has " +
                           std::to_string(joined.shape[axis]));
  t.rowBytes = axisSum * inner;
  int64_t total = t.outer * t.rowBytes;
  result->blockDim =
      chooseBlockDim(soc, std::max<int64_t>(total / 4096, 1), total * 2);
  result->tilingData = encodeTiling(t);
  result->workspaceSize = 0;
  return Status::OK();
}

Status concatTiling(const TilingContext &ctx, TilingResult *result) {
  if (ctx.outputs.size() != 1)
    return invalidArgument("concat: expects 1 output, got " +
                           std::to_string(ctx.outputs.size()));
  return tileJoin("concat", false, ctx.outputs[0], ctx.inputs, "input",
                  ctx.attrs.getInt("axis", 0), socOf(ctx), result);
}

Status splitTiling(const TilingContext &ctx, TilingResult *result) {
  const std::string op = "split";
  if (ctx.inputs.size() != 1)
    return invalidArgument(op + ": expects 1 input, got " +
                           std::to_string(ctx.inputs.size()));
  // `sizes`, when given, must match the outputs (the shapes carry them).
  std::vector<int64_t> sizes = ctx.attrs.getInts("sizes");
  const TensorDesc &in = ctx.inputs[0];
  int64_t axis;
  GEFLOW_RETURN_IF_ERROR(normalizeAxis(op, ctx.attrs.getInt("axis", 0),
                                       static_cast<int64_t>(in.shape.size()),
                                       &axis));
  if (!sizes.empty()) {
    if (sizes.size() != ctx.outputs.size())
      return invalidArgument(op + ": sizes has " +
                             std::to_string(sizes.size()) + " entries for " +
                             std::to_string(ctx.outputs.size()) + " outputs");
    for (size_t k = 0; k < sizes.size(); ++k)
      if (static_cast<int64_t>(ctx.outputs[k].shape.size()) > axis &&
          ctx.outputs[k].shape[axis] != sizes[k])
        return invalidArgument(op + ": output " + std::to_string(k) + " has " +
                               std::to_string(ctx.outputs[k].shape[axis]) +
                               " along axis " + std::to_string(axis) +
                               " but sizes[" + std::to_string(k) +
                               "] = " + std::to_string(sizes[k]));
  }
  return tileJoin(op, true, in, ctx.outputs, "output", axis, socOf(ctx),
                  result);
}

int32_t joinKernel(const KernelArgs &args, uint32_t blockIdx,
                   uint32_t blockDim) {
  JoinTiling t;
  if (!decodeTiling(args, &t) || t.parts < 1 || t.parts > kMaxParts)
    return kVecErrBadTiling;
  if ((t.split ? args.numOutputs : args.numInputs) != t.parts ||
      (t.split ? args.numInputs : args.numOutputs) != 1)
    return kVecErrBadTiling;
  int64_t total = t.outer * t.rowBytes, begin, end;
  // Cache-line aligned byte ranges: blocks never share a destination line.
  int64_t lines = (total + 63) / 64;
  blockRange(lines, blockIdx, blockDim, &begin, &end);
  begin *= 64;
  end = std::min(end * 64, total);
  uint8_t *joined = t.split ? nullptr : static_cast<uint8_t *>(args.outputs[0]);
  const uint8_t *joinedIn =
      t.split ? static_cast<const uint8_t *>(args.inputs[0]) : nullptr;
  for (int64_t pos = begin; pos < end;) {
    int64_t row = pos / t.rowBytes, col = pos % t.rowBytes;
    // The part holding byte `col` of the row (parts are few; linear scan
    // from the end skips empty parts correctly).
    uint32_t p = t.parts - 1;
    while (p > 0 && t.partOffset[p] > col)
      --p;
    while (t.partBytes[p] == 0 || col >= t.partOffset[p] + t.partBytes[p])
      ++p;
    int64_t off = col - t.partOffset[p];
    int64_t n = std::min(t.partBytes[p] - off, end - pos);
    int64_t partPos = row * t.partBytes[p] + off;
    if (t.split)
      std::memcpy(static_cast<uint8_t *>(args.outputs[p]) + partPos,
                  joinedIn + pos, static_cast<size_t>(n));
    else
      std::memcpy(joined + pos,
                  static_cast<const uint8_t *>(args.inputs[p]) + partPos,
                  static_cast<size_t>(n));
    pos += n;
  }
  return 0;
}

} // namespace
} // namespace geflow::kernels::vec

namespace geflow::kernels {

void registerConcatSplitKernels(KernelRegistry &registry) {
  using namespace vec;
  KernelDef concat{"concat", concatTiling, nullptr, {}};
  addAllDtypes(&concat, joinKernel);
  registry.add(std::move(concat));
  KernelDef split{"split", splitTiling, nullptr, {}};
  addAllDtypes(&split, joinKernel);
  registry.add(std::move(split));
}

} // namespace geflow::kernels
