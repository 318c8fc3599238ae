//===- gemm_common.h - What Cube tiling functions and kernels share -------===//
//
// The Cube unit of an Ascend AI core is a matrix engine fed with packed
// fractal tiles. Its stand-in on the virtual NPU is a cache-blocked GEMM:
// operands are packed into k-major panels (A: mr rows wide, B: nr columns
// wide) and a register micro-kernel computes mr x nr tiles of C. This header
// holds the ISA-neutral pieces: block sizes, the work grid, the activation
// epilogue encoding. Everything here is plain data that ends up in tiling
// blobs, so fields are fixed-width and only ever appended.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_GEMM_COMMON_H
#define GEFLOW_KERNELS_CUBE_GEMM_COMMON_H

#include "geflow/kernels/Kernel.h"
#include "geflow/kernels/Tuning.h"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace geflow::kernels::cube {

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Element types of f16 / bf16 storage: the raw bits, distinct types so the
/// kernel templates convert each the right way.
struct Half {
  uint16_t bits;
};
struct BFloat {
  uint16_t bits;
};

template <typename T> constexpr DType dtypeOf() {
  if constexpr (std::is_same_v<T, Half>)
    return DType::F16;
  else if constexpr (std::is_same_v<T, BFloat>)
    return DType::BF16;
  else
    return DType::F32;
}
inline int64_t roundUp(int64_t a, int64_t b) { return ceilDiv(a, b) * b; }

/// Output epilogue applied to every Cube kernel result: act(acc + bias).
/// Values are stored in tiling data: append only.
enum class Activation : int32_t {
  None = 0,
  Relu = 1,
  Relu6 = 2,
  Sigmoid = 3,
  Tanh = 4,
  Gelu = 5,     // erf form
  GeluTanh = 6, // tanh approximation
  HardSwish = 7,
  LeakyRelu = 8, // uses alpha
};

struct EpilogueSpec {
  int32_t activation = 0; // Activation
  float alpha = 0.01f;    // leaky_relu slope
};

/// How packed GEMM panels hold their elements. Values are stored in tiling
/// data: append only.
enum class PanelFormat : int32_t {
  /// One fp32 per element: dst[k * width + x].
  F32 = 0,
  /// bf16 pairs for vdpbf16ps: one 32-bit word per (k pair, x), the bf16 of
  /// k = 2p in the low half and of k = 2p + 1 in the high half (zero past
  /// K). Half the bytes of F32 panels; chosen for bf16 operands when the
  /// soc has AVX512-BF16.
  Bf16Pairs = 1,
};

/// 32-bit words a panel row block of depth `k` occupies per panel column.
inline int64_t panelDepth(int64_t k, PanelFormat f) {
  return f == PanelFormat::Bf16Pairs ? (k + 1) / 2 : k;
}

/// Reads the `activation` / `alpha` attributes; `op` names the kernel in
/// error messages.
Status parseEpilogue(const AttrMap &attrs, const std::string &op,
                     EpilogueSpec *spec);

/// Panel widths and cache blocks of one GEMM. mc is a multiple of mr, nc of
/// nr, nr of 16 (so a panel never splits a 16-channel C0 group).
struct GemmBlocking {
  int32_t mr = 8;
  int32_t nr = 48;
  int32_t mc = 256;
  int32_t nc = 480;
  int32_t kc = 256;
  int32_t reserved = 0;
};

/// What every kernel checks before trusting a blocking from tiling data:
/// positive sizes, nr a multiple of 16 (whole C0 groups per panel), mc and
/// nc multiples of the panel widths (blocks start on panel boundaries).
inline bool isValidBlocking(const GemmBlocking &bl) {
  return bl.mr > 0 && bl.nr > 0 && bl.nr % 16 == 0 && bl.kc > 0 && bl.mc > 0 &&
         bl.mc % bl.mr == 0 && bl.nc > 0 && bl.nc % bl.nr == 0;
}

/// Panel widths for the soc's ISA (the register tile of its micro-kernel)
/// and cache blocks sized from its UB (L1) and L2 for an M x N x K product
/// whose panels are in `format` (bf16 pairs take half the bytes per k, so
/// their k blocks are twice as deep; kc stays even for them).
GemmBlocking chooseGemmBlocking(const SocInfo &soc, int64_t M, int64_t N,
                                int64_t K,
                                PanelFormat format = PanelFormat::F32);

/// `bl` with the cache blocks a tuning hint sets: mc rounded to mr, nc to
/// nr, kc to 8 (so bf16-pair panels stay even), each within the product.
GemmBlocking applyBlockingHint(GemmBlocking bl, const TilingHint &hint,
                               int64_t M, int64_t N, int64_t K);

/// Hints worth timing for a GEMM tiled with `bl` on `blockDim` blocks:
/// each cache block halved and doubled, and one block instead of several
/// (a launch on another core costs microseconds). The first is the empty
/// hint.
std::vector<TilingHint> gemmBlockingCandidates(const GemmBlocking &bl,
                                               uint32_t blockDim, int64_t M,
                                               int64_t N, int64_t K);

/// How each M x N product is cut into regions: region (i, j) covers rows
/// [i*mStep, (i+1)*mStep) and columns [j*nStep, (j+1)*nStep). mStep is a
/// multiple of mr and nStep of nr so prepacked panels line up.
struct GemmGrid {
  int64_t mStep = 0;
  int64_t nStep = 0;
  int32_t gm = 1;
  int32_t gn = 1;
};

/// Rows [m0, m1) x columns [n0, n1) of region `index` (row-major over the
/// gm x gn grid) of an M x N product.
struct Region {
  int64_t m0, m1, n0, n1;
};
inline Region gridRegion(const GemmGrid &grid, int64_t M, int64_t N,
                         int64_t index) {
  int64_t m0 = (index / grid.gn) * grid.mStep;
  int64_t n0 = (index % grid.gn) * grid.nStep;
  return {m0, m0 + grid.mStep < M ? m0 + grid.mStep : M, n0,
          n0 + grid.nStep < N ? n0 + grid.nStep : N};
}

/// Relative cost (in multiply-adds per element) of producing the packed
/// panels of A (per row and k) and B (per column and k) on the fly; 0 for a
/// prepacked operand. It steers the grid towards splits that do not repeat
/// expensive packing (an im2col B is worth more than a prepacked weight).
struct PackCosts {
  double aPerElement = 0;
  double bPerElement = 0;
};

struct GridChoice {
  GemmGrid grid;
  uint32_t blockDim = 1;
};

/// Chooses regions and the block count for `batch` independent M x N x K
/// products so the blocks finish together. Tasks (batch x gm x gn) are
/// dealt to blocks in contiguous ranges (see blockTaskRange).
GridChoice chooseGemmGrid(const SocInfo &soc, const GemmBlocking &bl,
                          int64_t batch, int64_t M, int64_t N, int64_t K,
                          PackCosts costs);

/// Block count worth using for `work` multiply-adds split into at most
/// `tasks` pieces: small problems stay on one core (a block launch costs a
/// few microseconds).
uint32_t blocksForWork(const SocInfo &soc, double work, int64_t tasks);

struct TaskRange {
  int64_t begin = 0;
  int64_t end = 0;
};

/// The contiguous share of `tasks` that block `blockIdx` of `blockDim` runs.
inline TaskRange blockTaskRange(int64_t tasks, uint32_t blockIdx,
                                uint32_t blockDim) {
  return {tasks * blockIdx / blockDim, tasks * (blockIdx + 1) / blockDim};
}

/// Floats of a packed operand: `rows` rounded up to the panel width, times K.
inline int64_t packedFloats(int64_t rows, int64_t K, int32_t width) {
  return roundUp(rows, width) * K;
}

/// 32-bit words of a packed operand in `format` (packedFloats for F32).
inline int64_t packedWords(int64_t rows, int64_t K, int32_t width,
                           PanelFormat format) {
  return roundUp(rows, width) * panelDepth(K, format);
}

/// Workspace bytes one block needs to pack A (mc x kc) and B (kc x nc) on
/// the fly, each rounded to 64 bytes.
inline uint64_t gemmPackBytes(const GemmBlocking &bl, bool packA, bool packB) {
  uint64_t a = packA ? roundUp(int64_t(bl.mc) * bl.kc * 4, 64) : 0;
  uint64_t b = packB ? roundUp(int64_t(bl.kc) * bl.nc * 4, 64) : 0;
  return a + b;
}

/// The soc a tiling function tiles for: ctx.soc, or the host when unset;
/// a tuning hint's `blocks` caps its core count (so every block-count
/// choice made from the soc stays within it).
SocInfo resolveSoc(const TilingContext &ctx);

/// "[1, 3, 224, 224]" for error messages.
std::string shapeString(const std::vector<int64_t> &shape);

/// Reads the window attribute `name` (strides, pads, ksize, ...) of
/// exactly `size` entries, each in [minValue, 2^30] so the window
/// arithmetic cannot overflow; `fill` repeated when absent, an error naming
/// it when absent and `fill` is nullopt (a required attribute).
Status readWindowAttr(const std::string &op, const AttrMap &attrs,
                      const char *name, size_t size,
                      std::optional<int64_t> fill, int64_t minValue,
                      std::vector<int64_t> *out);

/// Checks a float32/float16/bfloat16 operand in one of `formats` with
/// non-negative dims; the error names `op` and `what` (e.g. "conv2d: filter
/// ...").
Status checkFloatTensor(const std::string &op, const char *what,
                        const TensorDesc &desc,
                        std::initializer_list<Format> formats);

/// The storage dtype rules every Cube kernel shares (D = input 0's dtype):
/// `what` must have dtype D, or (when `orF32`) float32.
Status checkOperandDtype(const std::string &op, const char *what,
                         const TensorDesc &desc, DType d, bool orF32);

/// The panel format a GEMM over operands of dtype `d` uses on `soc`: bf16
/// pairs when the soc can run vdpbf16ps, fp32 otherwise.
PanelFormat panelFormatFor(const SocInfo &soc, DType d);

/// fp32 staging of a tile region whose output is stored as f16/bf16: rows x
/// cols of the product at a time (rows a multiple of mr, cols of nr), so a
/// product of any size accumulates over its k blocks in fp32 in bounded
/// workspace.
struct StageShape {
  int64_t rows = 0;
  int64_t cols = 0;
};

/// The stage for regions of `grid`: the shape that repeats no packing in
/// the driver's loop order, within about 4 MiB. `aOuter`: only B is
/// prepacked, so the driver walks A blocks outside and every k block of an
/// mc-row strip meets all columns (the stage spans the region's columns);
/// otherwise B blocks are outside (the stage spans the region's rows).
StageShape chooseStage(const GemmBlocking &bl, const GemmGrid &grid,
                       bool aOuter);

/// Kernel return codes (the runtime names the kernel in its report).
enum KernelError : int32_t {
  kBadTiling = 1,  // tiling blob of the wrong size or inconsistent
  kBadOperands = 2 // wrong number of inputs/outputs
};

} // namespace geflow::kernels::cube

#endif // GEFLOW_KERNELS_CUBE_GEMM_COMMON_H
