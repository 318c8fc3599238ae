//===- matmul_tiling.h - Tiling data of matmul / batch_matmul -------------===//
//
// The contract between the matmul tiling function (matmul.cpp) and the
// per-ISA kernel bodies (matmul_impl.h). Plain fixed-width data: it is
// stored in compiled programs, so fields are only ever appended.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_MATMUL_TILING_H
#define GEFLOW_KERNELS_CUBE_MATMUL_TILING_H

#include "kernels/cube/gemm_common.h"

namespace geflow::kernels::cube {

constexpr int kMaxBatchRank = 6;

struct MatmulTiling {
  int64_t M = 0, N = 0, K = 0;
  int64_t batch = 1; // product of batchDims
  int32_t batchRank = 0;
  int32_t transA = 0;  // x1 stored [K, M]
  int32_t transB = 0;  // x2 stored [N, K]
  int32_t bPacked = 0; // x2 arrives prepacked (PrepackedOperand panels)
  int32_t hasBias = 0;
  int32_t reserved = 0;
  // Output batch dims and, per dim, the stride of x1 / x2 in whole
  // matrices (0 where that operand broadcasts).
  int64_t batchDims[kMaxBatchRank] = {};
  int64_t aBatchStride[kMaxBatchRank] = {};
  int64_t bBatchStride[kMaxBatchRank] = {};
  GemmBlocking blocking;
  GemmGrid grid;
  EpilogueSpec epilogue;
  uint64_t wsBytesPerBlock = 0;
  // Storage dtypes (DType values): x1 and x2 share inDtype; bias and y are
  // inDtype or f32.
  int32_t inDtype = 0;
  int32_t biasDtype = 0;
  int32_t outDtype = 0;
  int32_t panels = 0; // PanelFormat of the packed operands (and prepacked x2)
  // Per-block workspace: [pack A: mc x kc floats (rounded to 16)][pack B]
  // [bias][stage]; byte offsets of the last two.
  uint64_t wsBias = 0;  // f32 copy of an f16/bf16 bias
  uint64_t wsStage = 0; // fp32 stage of f16/bf16 outputs
  StageShape stage;
};

} // namespace geflow::kernels::cube

#endif // GEFLOW_KERNELS_CUBE_MATMUL_TILING_H
