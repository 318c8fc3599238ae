//===- ew_engine.h - The elementwise program engine (UB fusion) -----------===//
//
// Every floating-point elementwise kernel (vec_fused and the single-op
// kernels add, relu, less, ...) is a program of EwOp instructions run by one
// engine. The tiling function broadcasts the operands against the output
// shape, collapses dims and cuts the output into tiles of `tileElems`
// elements that fit, with all register buffers, in the soc's UB. The kernel
// then runs the whole program on one tile before moving to the next, so
// intermediate values never leave the cache:
//   - f32 inputs that are dense (or row-contiguous in chunk tiles) are read
//     in place and broadcast scalars (per-channel values) stay scalars;
//     other inputs are staged (converted from f16/bf16/bool, or broadcast
//     rows gathered) into a UB buffer;
//   - an instruction writing an f32 output writes straight to memory, unless
//     the output is bigger than the last-level cache, in which case it goes
//     through UB and non-temporal stores (no read-for-ownership);
//   - f16/bf16/bool outputs are converted from a UB buffer.
// Tiles are either a chunk of one row (the collapsed innermost dim) or
// whole rows; blocks take contiguous runs of tiles.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_VECTOR_EW_ENGINE_H
#define GEFLOW_KERNELS_VECTOR_EW_ENGINE_H

#include "geflow/kernels/Elementwise.h"
#include "geflow/kernels/Kernel.h"
#include "kernels/vector/nd_shape.h"
#include "kernels/vector/vec_ops.h"

#include <string>
#include <vector>

namespace geflow::kernels::vec {

struct EwInstr {
  int32_t op;
  int32_t dst;
  int32_t src[3];
};

struct EwTiling {
  uint32_t numInputs, numOutputs, numInstrs, numRegs;
  int32_t rank;
  uint8_t inDtype[kEwMaxInputs];
  uint8_t outDtype[kEwMaxOutputs];
  uint8_t inUsed[kEwMaxInputs];
  /// Input is dense with the output's shape: a tile is a flat slice of it.
  uint8_t inFlat[kEwMaxInputs];
  /// UB buffer index staging input i / output k, or -1 (read or written in
  /// place).
  int8_t inBuf[kEwMaxInputs];
  int8_t outBuf[kEwMaxOutputs];
  uint8_t streamStores;
  uint8_t pad0[3];
  /// NC1HWC0 outputs: the padded channels of the last C1 block are zeroed
  /// after each tile. c0Valid = C % C0 (0: no padding), blockElems =
  /// H * W * C0, c1 = C1.
  int64_t c0Valid, c0BlockElems, c1;
  int64_t shape[kMaxRank]; // collapsed output shape
  int64_t inStride[kEwMaxInputs][kMaxRank];
  int64_t total, rows, rowLen;
  int64_t tileElems;
  /// Chunk tiles (rowsPerTile == 1): chunksPerRow chunks of chunkLen per
  /// row. Row tiles: rowsPerTile whole rows.
  int64_t chunksPerRow, chunkLen, rowsPerTile;
  int64_t numTiles;
  int64_t numBuffers;
  int64_t workspacePerBlock; // bytes
  EwInstr instrs[kEwMaxInstrs];
  float consts[kEwMaxConsts];
};

/// Decodes and validates the `program` / `constants` attributes.
Status parseEwProgram(const std::string &kernel, const TilingContext &ctx,
                      std::vector<EwInstr> *program,
                      std::vector<float> *consts);

/// Tiles `program` over ctx's inputs/outputs (shapes, dtypes, formats).
Status tileEwProgram(const std::string &kernel, const TilingContext &ctx,
                     std::vector<EwInstr> program, std::vector<float> consts,
                     TilingResult *result);

/// Runs block `blockIdx` of an EwTiling kernel with `ops`' inner loops.
int32_t runEwProgram(const VecOps &ops, const KernelArgs &args,
                     uint32_t blockIdx, uint32_t blockDim);

/// Kernel return codes of the vector unit (non-zero = task failure).
enum VecKernelError : int32_t {
  kVecErrBadTiling = 1,
  kVecErrIndexOutOfRange = 2,
  kVecErrDivideByZero = 3,
};

} // namespace geflow::kernels::vec

#endif // GEFLOW_KERNELS_VECTOR_EW_ENGINE_H
