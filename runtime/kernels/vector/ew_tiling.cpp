//===- ew_tiling.cpp - Tiling of elementwise programs ---------------------===//
#include "kernels/vector/ew_engine.h"

#include <algorithm>

namespace geflow::kernels::vec {

namespace {

bool isEwDtype(DType t) {
  return t == DType::F32 || t == DType::F16 || t == DType::BF16 ||
         t == DType::Bool;
}

int32_t kindOf(int32_t operand) { return operand / ewoperand::kKindSpan; }

/// Shapes the engine works on: NC1HWC0 tensors are processed in their
/// physical layout (all operands must then be NC1HWC0 or one element).
Status physicalShapes(const std::string &kernel, const TilingContext &ctx,
                      std::vector<Shape> *ins, Shape *out, EwTiling *t) {
  bool nc1hwc0 = false;
  for (const TensorDesc &d : ctx.inputs)
    nc1hwc0 |= d.format == Format::NC1HWC0;
  for (const TensorDesc &d : ctx.outputs)
    nc1hwc0 |= d.format == Format::NC1HWC0;
  auto shapeOf = [&](const TensorDesc &d, const std::string &what,
                     Shape *s) -> Status {
    if (d.format == Format::FRACTAL_Z || d.format == Format::FRACTAL_NZ)
      return unsupported(
          kernel + ": " + what + " has format " +
          std::string(rt::formatName(d.format)) +
          "; elementwise kernels take ND, NCHW, NHWC or NC1HWC0");
    if (!nc1hwc0 || d.format == Format::NC1HWC0) {
      auto p = rt::physicalShape(d.format, d.shape);
      if (!p)
        return invalidArgument(kernel + ": " + what + " shape " +
                               shapeStr(d.shape) + " does not fit format " +
                               std::string(rt::formatName(d.format)));
      *s = *p;
      return Status::OK();
    }
    if (rt::numElements(d.shape) != 1)
      return invalidArgument(
          kernel + ": " + what + " is " +
          std::string(rt::formatName(d.format)) + " " + shapeStr(d.shape) +
          " but other operands are NC1HWC0; TransData it to NC1HWC0 first");
    *s = {};
    return Status::OK();
  };
  ins->resize(ctx.inputs.size());
  for (size_t i = 0; i < ctx.inputs.size(); ++i)
    GEFLOW_RETURN_IF_ERROR(
        shapeOf(ctx.inputs[i], "input " + std::to_string(i), &(*ins)[i]));
  GEFLOW_RETURN_IF_ERROR(shapeOf(ctx.outputs[0], "output 0", out));
  for (size_t k = 1; k < ctx.outputs.size(); ++k) {
    Shape s;
    GEFLOW_RETURN_IF_ERROR(
        shapeOf(ctx.outputs[k], "output " + std::to_string(k), &s));
    if (s != *out || ctx.outputs[k].format != ctx.outputs[0].format)
      return invalidArgument(kernel + ": output " + std::to_string(k) +
                             " shape " + shapeStr(ctx.outputs[k].shape) +
                             " differs from output 0 " +
                             shapeStr(ctx.outputs[0].shape));
  }
  t->c0Valid = 0;
  if (ctx.outputs[0].format == Format::NC1HWC0) {
    const Shape &l = ctx.outputs[0].shape;
    t->c0Valid = l[1] % rt::kC0;
    t->c1 = (*out)[1];
    t->c0BlockElems = l[2] * l[3] * rt::kC0;
  }
  return Status::OK();
}

/// Counts, limits and dtypes of the operands.
Status checkOperands(const std::string &kernel, const TilingContext &ctx,
                     EwTiling *t) {
  if (ctx.outputs.empty())
    return invalidArgument(kernel + ": needs at least one output");
  if (ctx.inputs.size() > static_cast<size_t>(kEwMaxInputs) ||
      ctx.outputs.size() > static_cast<size_t>(kEwMaxOutputs))
    return unsupported(
        kernel + ": " + std::to_string(ctx.inputs.size()) + " inputs / " +
        std::to_string(ctx.outputs.size()) + " outputs exceed the limits of " +
        std::to_string(kEwMaxInputs) + " / " + std::to_string(kEwMaxOutputs));
  t->numInputs = static_cast<uint32_t>(ctx.inputs.size());
  t->numOutputs = static_cast<uint32_t>(ctx.outputs.size());
  for (size_t i = 0; i < ctx.inputs.size(); ++i) {
    if (!isEwDtype(ctx.inputs[i].dtype))
      return unsupported(kernel + ": input " + std::to_string(i) +
                         " has dtype " +
                         std::string(rt::dtypeName(ctx.inputs[i].dtype)) +
                         "; expected float32, float16, bfloat16 or bool");
    t->inDtype[i] = static_cast<uint8_t>(ctx.inputs[i].dtype);
  }
  for (size_t k = 0; k < ctx.outputs.size(); ++k) {
    if (!isEwDtype(ctx.outputs[k].dtype))
      return unsupported(kernel + ": output " + std::to_string(k) +
                         " has dtype " +
                         std::string(rt::dtypeName(ctx.outputs[k].dtype)) +
                         "; expected float32, float16, bfloat16 or bool");
    t->outDtype[k] = static_cast<uint8_t>(ctx.outputs[k].dtype);
  }
  return Status::OK();
}

/// Every input broadcasts (one way) to the output shape; dims that every
/// operand walks contiguously are collapsed into one.
Status collapseBroadcast(const std::string &kernel, const TilingContext &ctx,
                         const std::vector<Shape> &inShapes,
                         const Shape &outShape, EwTiling *t) {
  std::vector<std::vector<int64_t>> strides(ctx.inputs.size() + 1);
  for (size_t i = 0; i < ctx.inputs.size(); ++i)
    if (!broadcastStrides(inShapes[i], outShape, &strides[i]))
      return invalidArgument(kernel + ": input " + std::to_string(i) +
                             " shape " + shapeStr(inShapes[i]) +
                             " does not broadcast to the output shape " +
                             shapeStr(outShape));
  strides.back() = contiguousStrides(outShape);
  Shape shape = outShape;
  std::vector<std::vector<int64_t> *> ptrs;
  for (auto &s : strides)
    ptrs.push_back(&s);
  collapseDims(&shape, ptrs);
  GEFLOW_RETURN_IF_ERROR(checkRank(kernel, "the output", shape.size()));
  t->rank = static_cast<int32_t>(shape.size());
  for (size_t d = 0; d < shape.size(); ++d)
    t->shape[d] = shape[d];
  for (size_t i = 0; i < ctx.inputs.size(); ++i) {
    for (size_t d = 0; d < shape.size(); ++d)
      t->inStride[i][d] = strides[i][d];
    t->inFlat[i] = strides[i] == strides.back();
  }
  t->total = rt::numElements(shape);
  t->rowLen = shape.back();
  t->rows = t->rowLen > 0 ? t->total / t->rowLen : 0;
  return Status::OK();
}

/// pow(x, 2) and pow(x, 1) with a constant exponent: exact cheaper forms.
void simplifyConstantPowers(std::vector<EwInstr> &program,
                            const std::vector<float> &consts) {
  using namespace ewoperand;
  for (EwInstr &ins : program) {
    if (ins.op != static_cast<int32_t>(EwOp::Pow) || kindOf(ins.src[1]) != 2)
      continue;
    float e = consts[ins.src[1] - kConstBase];
    if (e == 2.f) {
      ins.op = static_cast<int32_t>(EwOp::Mul);
      ins.src[1] = ins.src[0];
    } else if (e == 1.f) {
      ins.op = static_cast<int32_t>(EwOp::Copy);
      ins.src[1] = kNone;
    }
  }
}

/// Where the program writes each output and last reads each input.
struct ProgramUse {
  int32_t numRegs = 0;
  std::vector<int> writeAt, lastRead;
};

/// Registers, which inputs are read, and when outputs are written; stores
/// the program and its constants in the tiling.
ProgramUse recordProgram(const TilingContext &ctx,
                         const std::vector<EwInstr> &program,
                         const std::vector<float> &consts, EwTiling *t) {
  using namespace ewoperand;
  ProgramUse use;
  use.writeAt.assign(ctx.outputs.size(), 0);
  use.lastRead.assign(ctx.inputs.size(), -1);
  for (size_t n = 0; n < program.size(); ++n) {
    const EwInstr &ins = program[n];
    if (kindOf(ins.dst) == 0)
      use.numRegs = std::max(use.numRegs, ins.dst + 1);
    else
      use.writeAt[ins.dst - kOutputBase] = static_cast<int>(n);
    for (int32_t s : ins.src)
      if (s >= 0 && kindOf(s) == 1) {
        t->inUsed[s - kInputBase] = 1;
        use.lastRead[s - kInputBase] = static_cast<int>(n);
      }
  }
  t->numRegs = static_cast<uint32_t>(use.numRegs);
  t->numInstrs = static_cast<uint32_t>(program.size());
  std::copy(program.begin(), program.end(), t->instrs);
  std::copy(consts.begin(), consts.end(), t->consts);
  return use;
}

/// UB buffers of the registers, the inputs that need staging and the
/// outputs that need it. Returns the footprint: every tile-sized array a
/// tile touches (UB buffers and operands read or written in place), which
/// must all stay in L1.
int64_t assignBuffers(const TilingContext &ctx, const ProgramUse &use,
                      EwTiling *t) {
  int64_t numBuffers = use.numRegs, footprint = use.numRegs;
  for (size_t i = 0; i < ctx.inputs.size(); ++i) {
    bool inPlace = ctx.inputs[i].dtype == DType::F32 && t->inFlat[i];
    // Staging is sized for row tiles; chunk tiles read rows in place.
    t->inBuf[i] = -1;
    if (t->inUsed[i] && !inPlace)
      t->inBuf[i] = static_cast<int8_t>(numBuffers++);
    footprint += t->inUsed[i];
  }
  for (size_t k = 0; k < ctx.outputs.size(); ++k) {
    // An output written before the last read of an input may share memory
    // with that input (in-place planning): keep it in UB until the tile ends.
    bool hazard = false;
    for (size_t i = 0; i < ctx.inputs.size(); ++i)
      hazard |= use.lastRead[i] > use.writeAt[k];
    bool staged =
        ctx.outputs[k].dtype != DType::F32 || t->streamStores || hazard;
    t->outBuf[k] = staged ? static_cast<int8_t>(numBuffers++) : int8_t(-1);
    footprint += 1 + staged;
  }
  t->numBuffers = std::max<int64_t>(numBuffers, 1);
  return footprint;
}

/// Tile size: the footprint takes half of UB (the rest is for the lines
/// the prefetchers bring in ahead of use); a multiple of 16 floats (one
/// AVX-512 vector, one C0 block). Long rows are cut into chunks, short ones
/// grouped into tiles of whole rows.
void chooseTiles(const SocInfo &soc, int64_t footprint, EwTiling *t) {
  constexpr int64_t kMaxTile = 8192, kMinTile = 16;
  int64_t budget = static_cast<int64_t>(soc.ubSize) / 2;
  int64_t tile = budget / (4 * footprint) / 16 * 16;
  t->tileElems = std::clamp(tile, kMinTile, kMaxTile);
  if (t->rowLen >= t->tileElems) {
    t->rowsPerTile = 1;
    t->chunksPerRow = (t->rowLen + t->tileElems - 1) / t->tileElems;
    int64_t len = (t->rowLen + t->chunksPerRow - 1) / t->chunksPerRow;
    t->chunkLen = (len + 15) / 16 * 16;
    t->numTiles = t->rows * t->chunksPerRow;
  } else {
    t->chunksPerRow = 1;
    t->chunkLen = t->rowLen;
    t->rowsPerTile =
        std::max<int64_t>(1, t->tileElems / std::max<int64_t>(t->rowLen, 1));
    t->numTiles =
        t->rowLen > 0 ? (t->rows + t->rowsPerTile - 1) / t->rowsPerTile : 0;
  }
  t->workspacePerBlock = (t->numBuffers * t->tileElems * 4 + 64 + 63) / 64 * 64;
}

} // namespace

Status tileEwProgram(const std::string &kernel, const TilingContext &ctx,
                     std::vector<EwInstr> program, std::vector<float> consts,
                     TilingResult *result) {
  const SocInfo &soc = socOf(ctx);
  EwTiling t{};
  GEFLOW_RETURN_IF_ERROR(checkOperands(kernel, ctx, &t));
  std::vector<Shape> inShapes;
  Shape outShape;
  GEFLOW_RETURN_IF_ERROR(physicalShapes(kernel, ctx, &inShapes, &outShape, &t));
  GEFLOW_RETURN_IF_ERROR(
      collapseBroadcast(kernel, ctx, inShapes, outShape, &t));
  simplifyConstantPowers(program, consts);
  ProgramUse use = recordProgram(ctx, program, consts, &t);

  int64_t outBytes = 0, inBytes = 0;
  for (const TensorDesc &d : ctx.outputs)
    outBytes += t.total * static_cast<int64_t>(rt::dtypeSize(d.dtype));
  for (size_t i = 0; i < ctx.inputs.size(); ++i)
    inBytes += rt::numElements(inShapes[i]) *
               static_cast<int64_t>(rt::dtypeSize(ctx.inputs[i].dtype));
  // Outputs larger than the last-level cache would only evict useful data:
  // stream them past the caches.
  t.streamStores = outBytes > static_cast<int64_t>(soc.l3Size);

  chooseTiles(soc, assignBuffers(ctx, use, &t), &t);

  result->blockDim = chooseBlockDim(soc, t.numTiles, inBytes + outBytes);
  result->tilingData = encodeTiling(t);
  result->workspaceSize = static_cast<uint64_t>(result->blockDim) *
                          static_cast<uint64_t>(t.workspacePerBlock);
  result->packedInputs.clear();
  return Status::OK();
}

} // namespace geflow::kernels::vec
