//===- tiling_check.h - Helpers of the per-family tiling checks -----------===//
//
// A tiling check rebuilds the tiling it expects: the kernel's own tiling of
// the task's descriptors (every shape-derived field), with the choices that
// depend on the soc the file was compiled for (blockings, grids, bands,
// chunk sizes) taken from the file after range checks, and everything those
// choices imply (task counts, workspace offsets, stage shapes) derived
// again. The file's tiling must then equal it field by field, so a field
// no check knows about cannot slip through: the field tables cover every
// byte of their struct (static_assert).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_TILINGCHECK_H
#define GEFLOW_KERNELS_TILINGCHECK_H

#include "geflow/kernels/Registry.h"
#include "kernels/cube/gemm_common.h"

#include <cstddef>
#include <cstring>
#include <string>
#include <utility>

namespace geflow::kernels::check {

struct Field {
  const char *name;
  size_t offset;
  size_t size;
};

#define GEFLOW_TILING_FIELD(T, f)                                              \
  ::geflow::kernels::check::Field {                                            \
    #f, offsetof(T, f), sizeof(std::declval<T &>().f)                          \
  }

inline Status corrupt(std::string what) {
  return Status(rt::ErrorCode::kCorruptFile, std::move(what));
}

template <size_t N> constexpr size_t fieldBytes(const Field (&fields)[N]) {
  size_t sum = 0;
  for (const Field &f : fields)
    sum += f.size;
  return sum;
}

/// The value of a 4- or 8-byte field as text ("0x.." for other sizes).
std::string fieldValue(const void *base, const Field &f);

/// Compares `got` (the file's) with `want` field by field; the error names
/// the first field that differs and both values.
template <typename T, size_t N>
Status compareFields(const char *kernel, const T &got, const T &want,
                     const Field (&fields)[N]) {
  for (const Field &f : fields) {
    const auto *g = reinterpret_cast<const uint8_t *>(&got) + f.offset;
    const auto *w = reinterpret_cast<const uint8_t *>(&want) + f.offset;
    if (std::memcmp(g, w, f.size) != 0)
      return corrupt(std::string(kernel) + " tiling field '" + f.name +
                     "' is " + fieldValue(&got, f) +
                     ", the task's tensors and attributes give " +
                     fieldValue(&want, f));
  }
  return Status::OK();
}

/// Decodes the checked tiling and the kernel's own one.
template <typename T>
Status decodeBoth(const char *kernel, const TilingCheck &c, T *got, T *fresh) {
  if (c.tilingSize != sizeof(T))
    return corrupt(std::string(kernel) + " tiling data has " +
                   std::to_string(c.tilingSize) + " bytes, expected " +
                   std::to_string(sizeof(T)));
  std::memcpy(got, c.tiling, sizeof(T));
  if (c.fresh->tilingData.size() != sizeof(T))
    return rt::internalError(std::string(kernel) +
                             ": its tiling function made a blob of the wrong "
                             "size");
  std::memcpy(fresh, c.fresh->tilingData.data(), sizeof(T));
  return Status::OK();
}

/// Error unless lo <= v <= hi.
Status inRange(const char *kernel, const char *field, int64_t v, int64_t lo,
               int64_t hi);

/// A GEMM blocking the kernels accept, with sizes bounded so every
/// workspace size derived from it is far from overflowing. `maxWidth`
/// bounds mr and nr (the im2col packers' scratch); mc and nc are at most
/// the M x N product rounded to whole panels.
Status checkBlocking(const char *kernel, const cube::GemmBlocking &bl,
                     int32_t panels, DType inDtype, int32_t maxWidth, int64_t M,
                     int64_t N);

/// A grid of an M x N product over `bl`: steps are whole panels and the
/// region counts cover the product exactly.
Status checkGrid(const char *kernel, const cube::GemmGrid &grid,
                 const cube::GemmBlocking &bl, int64_t M, int64_t N);

/// The workspace, blocks and bound buffers every family checks last:
/// blockDim at most `tasks` (at least 1), `bytesPerBlock * blockDim` within
/// the task's workspace.
Status checkBlocks(const char *kernel, const TilingCheck &c, int64_t tasks,
                   uint64_t bytesPerBlock);

/// Bound buffer `index` (an input unless `output`) holds at least `need`
/// bytes.
Status checkBuffer(const char *kernel, const TilingCheck &c, bool output,
                   size_t index, uint64_t need, const char *what);

/// Bound buffer `index` holds a `dtype` tensor of `shape` in `format`; an
/// error also when that size overflows.
Status checkTensorBuffer(const char *kernel, const TilingCheck &c, bool output,
                         size_t index, DType dtype, Format format,
                         const std::vector<int64_t> &shape, const char *what);

} // namespace geflow::kernels::check

#endif // GEFLOW_KERNELS_TILINGCHECK_H
