//===- plane_rows.h - fp32 rows of f32/f16/bf16 planes (pools, depthwise) -===//
//
// Window kernels (pools, depthwise conv) walk the input rows of one plane
// a window at a time and write one output row at a time. These helpers let
// them work on fp32 whatever the storage: f32 rows are used in place; f16 /
// bf16 input rows are converted into a small ring of row buffers (as many
// as a window spans, so with stride 1 every row is converted once), and
// output rows are computed in a buffer and rounded once when stored.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_CUBE_PLANE_ROWS_H
#define GEFLOW_KERNELS_CUBE_PLANE_ROWS_H

#ifndef GEFLOW_CUBE_ISA
#error "plane_rows.h belongs to a per-ISA translation unit"
#endif

#include "kernels/cube/convert.h"

#include <cstdint>

namespace geflow::kernels::cube::GEFLOW_CUBE_ISA {

/// Floats plus tags a PlaneRows ring of `slots` rows of `rowElems` needs.
inline int64_t planeRowsFloats(int64_t slots, int64_t rowElems) {
  return slots * rowElems + 2 * slots;
}

/// Rows of one input plane (rowElems elements each) as fp32.
class PlaneRows {
public:
  /// `ring` (8-byte aligned) holds planeRowsFloats(slots, rowElems) floats:
  /// the row tags, then the rows (unused for f32).
  PlaneRows(DType dtype, int64_t rowElems, int64_t slots, float *ring)
      : dtype_(dtype), rowElems_(rowElems), slots_(slots),
        ring_(ring ? ring + 2 * slots : nullptr),
        tags_(reinterpret_cast<int64_t *>(ring)) {}

  /// Starts a new plane (forgets the converted rows).
  void setPlane(const void *base, int64_t offset) {
    plane_ = base;
    offset_ = offset;
    if (dtype_ != DType::F32)
      for (int64_t s = 0; s < slots_; ++s)
        tags_[s] = -1;
  }

  /// Row `r` of the plane; valid until `slots` other rows were asked for.
  const float *row(int64_t r) {
    if (dtype_ == DType::F32)
      return static_cast<const float *>(plane_) + offset_ + r * rowElems_;
    int64_t s = r % slots_;
    float *buf = ring_ + s * rowElems_;
    if (tags_[s] != r) {
      loadRow(dtype_, plane_, offset_ + r * rowElems_, buf, rowElems_);
      tags_[s] = r;
    }
    return buf;
  }

private:
  DType dtype_;
  int64_t rowElems_, slots_;
  float *ring_;
  int64_t *tags_;
  const void *plane_ = nullptr;
  int64_t offset_ = 0;
};

/// Output rows of one plane: written in place when f32, else through `buf`
/// (rowElems floats) and rounded on end().
class OutRows {
public:
  OutRows(DType dtype, int64_t rowElems, float *buf)
      : dtype_(dtype), rowElems_(rowElems), buf_(buf) {}
  void setPlane(void *base, int64_t offset) {
    base_ = base;
    offset_ = offset;
  }
  float *begin(int64_t r) {
    return dtype_ == DType::F32
               ? static_cast<float *>(base_) + offset_ + r * rowElems_
               : buf_;
  }
  void end(int64_t r) {
    if (dtype_ != DType::F32)
      storeRow(dtype_, buf_, base_, offset_ + r * rowElems_, rowElems_);
  }

private:
  DType dtype_;
  int64_t rowElems_;
  float *buf_;
  void *base_ = nullptr;
  int64_t offset_ = 0;
};

} // namespace geflow::kernels::cube::GEFLOW_CUBE_ISA

#endif // GEFLOW_KERNELS_CUBE_PLANE_ROWS_H
