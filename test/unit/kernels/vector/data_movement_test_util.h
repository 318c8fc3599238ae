//===- data_movement_test_util.h - Raw tensors for data-movement tests ----===//
//
// Data-movement kernels copy bits, so every check is exact; each runs over
// element sizes 1, 2, 4 and 8 bytes and every tiling (vec_test_util.h).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TEST_KERNELS_VECTOR_DATA_MOVEMENT_TEST_UTIL_H
#define GEFLOW_TEST_KERNELS_VECTOR_DATA_MOVEMENT_TEST_UTIL_H

#include "geflow/runtime/Half.h"
#include "vector/vec_test_util.h"

#include <cstring>
#include <functional>
#include <numeric>

namespace geflow::kernels::testing {

using Shape = std::vector<int64_t>;

inline int64_t numel(const Shape &s) { return geflow::rt::numElements(s); }

/// A tensor of `dt` as raw bytes, with element i holding a value derived
/// from i (distinct within the first 2^(8*size) elements).
struct Raw {
  DType dt;
  size_t es;
  std::vector<uint8_t> bytes;
  Raw(DType t, int64_t n, uint64_t seed = 1)
      : dt(t), es(geflow::rt::dtypeSize(t)), bytes(size_t(n) * es, 0xCD) {
    for (int64_t i = 0; i < n; ++i) {
      uint64_t v = uint64_t(i) * 2654435761u + seed;
      if (t == DType::Bool)
        v &= 1;
      std::memcpy(&bytes[size_t(i) * es], &v, es);
    }
  }
  uint64_t at(int64_t i) const {
    uint64_t v = 0;
    std::memcpy(&v, &bytes[size_t(i) * es], es);
    return v;
  }
  int64_t size() const { return int64_t(bytes.size() / es); }
};

inline const DType kSizes[] = {DType::U8, DType::F16, DType::F32, DType::I64};

/// Runs `kernel` with every tiling; `ref(i)` is the expected raw value of
/// output element i.
inline void checkMove(const std::string &kernel, TilingContext ctx,
                      const std::vector<const Raw *> &inputs, int64_t outCount,
                      const std::function<uint64_t(int64_t)> &ref,
                      const std::string &what) {
  std::vector<const void *> ins;
  for (const Raw *r : inputs)
    ins.push_back(r->bytes.data());
  DType odt = ctx.outputs[0].dtype;
  forEachTiling(
      kernel, ctx,
      [&](const TilingContext &tc, Isa isa, const TilingResult *forced,
          const std::string &w) {
        Raw out(odt, outCount);
        std::fill(out.bytes.begin(), out.bytes.end(), 0xAB);
        Status st = runKernel(kernel, tc, ins, {out.bytes.data()}, isa, forced);
        ASSERT_TRUE(st.ok()) << what << ": " << st.toString();
        for (int64_t i = 0; i < outCount; ++i)
          ASSERT_EQ(out.at(i), ref(i))
              << kernel << " " << what << " element " << i << " " << w;
      });
}

//===----------------------------------------------------------------------===//
// Index-operand kernels (gather_nd, scatter_elements, scatter_nd)
//===----------------------------------------------------------------------===//

/// Row-major offset of `c` in `shape`.
inline int64_t offsetOf(const Shape &c, const Shape &shape) {
  int64_t o = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    o = o * shape[d] + c[d];
  return o;
}

/// Values of `dt` stored from doubles, and read back as doubles.
struct Typed {
  DType dt;
  std::vector<uint8_t> bytes;
  Typed(DType t, const std::vector<double> &v)
      : dt(t), bytes(v.size() * geflow::rt::dtypeSize(t)) {
    for (size_t i = 0; i < v.size(); ++i)
      set(int64_t(i), v[i]);
  }
  void set(int64_t i, double v) {
    uint8_t *p = &bytes[size_t(i) * geflow::rt::dtypeSize(dt)];
    if (dt == DType::F32) {
      float f = float(v);
      std::memcpy(p, &f, 4);
    } else if (dt == DType::F16) {
      uint16_t h = geflow::rt::floatToHalf(float(v));
      std::memcpy(p, &h, 2);
    } else {
      int64_t q = int64_t(v);
      std::memcpy(p, &q, 8);
    }
  }
  double get(int64_t i) const {
    const uint8_t *p = &bytes[size_t(i) * geflow::rt::dtypeSize(dt)];
    if (dt == DType::F32) {
      float f;
      std::memcpy(&f, p, 4);
      return f;
    }
    if (dt == DType::F16) {
      uint16_t h;
      std::memcpy(&h, p, 2);
      return geflow::rt::halfToFloat(h);
    }
    int64_t q;
    std::memcpy(&q, p, 8);
    return double(q);
  }
};

inline std::vector<double> smallInts(int64_t n, int seed) {
  std::vector<double> v;
  for (int64_t i = 0; i < n; ++i)
    v.push_back(double((i * 7 + seed) % 11 - 5));
  return v;
}

inline void runAndCompare(const std::string &kernel, const TilingContext &ctx,
                          const std::vector<const void *> &ins,
                          const Typed &ref, const std::string &what) {
  forEachTiling(
      kernel, ctx,
      [&](const TilingContext &tc, Isa isa, const TilingResult *forced,
          const std::string &w) {
        Typed y(ref.dt,
                std::vector<double>(
                    ref.bytes.size() / geflow::rt::dtypeSize(ref.dt), -99));
        Status st = runKernel(kernel, tc, ins, {y.bytes.data()}, isa, forced);
        ASSERT_TRUE(st.ok()) << what << ": " << st.toString();
        int64_t n = int64_t(y.bytes.size() / geflow::rt::dtypeSize(ref.dt));
        for (int64_t i = 0; i < n; ++i)
          ASSERT_EQ(y.get(i), ref.get(i))
              << kernel << " " << what << " element " << i << " " << w;
      });
}

} // namespace geflow::kernels::testing

#endif // GEFLOW_TEST_KERNELS_VECTOR_DATA_MOVEMENT_TEST_UTIL_H
