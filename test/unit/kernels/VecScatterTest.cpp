//===- VecScatterTest.cpp - gather_nd, scatter_elements, scatter_nd -------===//
//
// Against naive references written from the ONNX definitions: index tuples
// with batch dims and negative entries, updates applied in index order
// (duplicates: the last write wins, add/mul accumulate), element types
// float32/float16/int64, every tiling (the scatters must give the same
// result whatever block count is forced). Exact, except f16 add/mul which
// round once per update like the reference below.
//
//===----------------------------------------------------------------------===//
#include "VecTestUtil.h"

#include "kernels/vector/Half.h"

#include <algorithm>
#include <cstring>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

namespace {
using Shape = std::vector<int64_t>;

int64_t numel(const Shape &s) { return geflow::rt::numElements(s); }

/// Row-major offset of `c` in `shape`.
int64_t offsetOf(const Shape &c, const Shape &shape) {
  int64_t o = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    o = o * shape[d] + c[d];
  return o;
}

double applyReduction(const std::string &r, double a, double b) {
  if (r == "max")
    return std::max(a, b);
  if (r == "min")
    return std::min(a, b);
  return r == "add" ? a + b : r == "mul" ? a * b : b;
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
      uint16_t h = geflow::kernels::vec::floatToHalf(float(v));
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
      return geflow::kernels::vec::halfToFloat(h);
    }
    int64_t q;
    std::memcpy(&q, p, 8);
    return double(q);
  }
};

std::vector<double> smallInts(int64_t n, int seed) {
  std::vector<double> v;
  for (int64_t i = 0; i < n; ++i)
    v.push_back(double((i * 7 + seed) % 11 - 5));
  return v;
}

void runAndCompare(const std::string &kernel, const TilingContext &ctx,
                   const std::vector<const void *> &ins, const Typed &ref,
                   const std::string &what) {
  forEachTiling(kernel, ctx,
                [&](const TilingContext &tc, Isa isa,
                    const TilingResult *forced, const std::string &w) {
                  Typed y(ref.dt, std::vector<double>(ref.bytes.size() /
                                                          geflow::rt::dtypeSize(ref.dt),
                                                      -99));
                  Status st = runKernel(kernel, tc, ins, {y.bytes.data()}, isa,
                                        forced);
                  ASSERT_TRUE(st.ok()) << what << ": " << st.toString();
                  int64_t n = int64_t(y.bytes.size() / geflow::rt::dtypeSize(ref.dt));
                  for (int64_t i = 0; i < n; ++i)
                    ASSERT_EQ(y.get(i), ref.get(i))
                        << kernel << " " << what << " element " << i << " " << w;
                });
}

} // namespace

TEST(VecGatherNd, BatchDimsNegativeIndicesDtypes) {
  struct Case {
    Shape data, idx;
    int64_t batch;
  };
  const Case cases[] = {{{2, 3}, {4, 2}, 0},       {{2, 3, 4}, {3, 1}, 0},
                        {{2, 3, 4}, {2, 2, 1}, 1}, {{2, 3, 4}, {2, 5, 2}, 1},
                        {{3, 2, 2, 3}, {3, 2, 1}, 2}};
  for (DType dt : {DType::F32, DType::I64})
    for (const Case &c : cases) {
      Typed x(dt, smallInts(numel(c.data), 3));
      int64_t k = c.idx.back(), tuples = numel(c.idx) / k;
      std::vector<int64_t> idx(size_t(numel(c.idx)));
      for (int64_t t = 0; t < tuples; ++t)
        for (int64_t j = 0; j < k; ++j) {
          int64_t n = c.data[size_t(c.batch + j)];
          idx[size_t(t * k + j)] = (t * 5 + j * 3) % (2 * n) - n; // [-n, n)
        }
      Shape out(c.idx.begin(), c.idx.end() - 1);
      out.insert(out.end(), c.data.begin() + c.batch + k, c.data.end());
      int64_t slice = 1;
      for (size_t d = size_t(c.batch + k); d < c.data.size(); ++d)
        slice *= c.data[d];
      int64_t perBatch = numel(c.data);
      for (int64_t d = 0; d < c.batch; ++d)
        perBatch /= c.data[size_t(d)];
      int64_t tuplesPerBatch = tuples;
      for (int64_t d = 0; d < c.batch; ++d)
        tuplesPerBatch /= c.idx[size_t(d)];
      std::vector<double> ref;
      for (int64_t t = 0; t < tuples; ++t) {
        Shape sub;
        for (int64_t j = 0; j < k; ++j) {
          int64_t i = idx[size_t(t * k + j)], n = c.data[size_t(c.batch + j)];
          sub.push_back(i < 0 ? i + n : i);
        }
        Shape dims(c.data.begin() + c.batch, c.data.begin() + c.batch + k);
        int64_t base = (t / tuplesPerBatch) * perBatch + offsetOf(sub, dims) * slice;
        for (int64_t r = 0; r < slice; ++r)
          ref.push_back(x.get(base + r));
      }
      TilingContext ctx;
      ctx.inputs = {desc(dt, c.data), desc(DType::I64, c.idx)};
      ctx.outputs = {desc(dt, out)};
      ctx.attrs.set("batch_dims", c.batch);
      runAndCompare("gather_nd", ctx, {x.bytes.data(), idx.data()}, Typed(dt, ref),
                    shapeName(c.data) + " " + shapeName(c.idx));
    }
}

TEST(VecScatter, ElementsAndNdWithReductionsAndDuplicates) {
  for (DType dt : {DType::F32, DType::F16, DType::I64})
    for (const char *reduction : {"none", "add", "mul", "max", "min"}) {
      // scatter_elements along each axis, duplicate and negative indices.
      const Shape data = {3, 4}, idxShape = {2, 3};
      for (int64_t axis : {0, 1, -1}) {
        int64_t a = axis < 0 ? axis + 2 : axis;
        Typed x(dt, smallInts(12, 1)), upd(dt, smallInts(6, 4));
        std::vector<int64_t> idx = {0, -1, 1, 0, 2, -1}; // duplicates
        Typed ref = x;
        for (int64_t f = 0; f < 6; ++f) {
          Shape c = {f / 3, f % 3};
          int64_t i = idx[size_t(f)], n = data[size_t(a)];
          c[size_t(a)] = i < 0 ? i + n : i;
          int64_t o = offsetOf(c, data);
          double v = applyReduction(reduction, ref.get(o), upd.get(f));
          ref.set(o, v); // rounds to dt, as the kernel does per update
        }
        TilingContext ctx;
        ctx.inputs = {desc(dt, data), desc(DType::I64, idxShape), desc(dt, idxShape)};
        ctx.outputs = {desc(dt, data)};
        ctx.attrs.set("axis", axis);
        ctx.attrs.set("reduction", std::string(reduction));
        runAndCompare("scatter_elements", ctx,
                      {x.bytes.data(), idx.data(), upd.bytes.data()}, ref,
                      std::string(reduction) + " axis " + std::to_string(axis));
      }
      // scatter_nd: slices of [4, 2, 3] addressed by 1- and 2-tuples.
      const Shape nd = {4, 2, 3};
      for (int64_t k : {1, 2}) {
        Shape idxNd = {3, k};
        Shape updShape = {3};
        updShape.insert(updShape.end(), nd.begin() + k, nd.end());
        std::vector<int64_t> idx = k == 1 ? std::vector<int64_t>{1, -1, 1}
                                          : std::vector<int64_t>{0, 1, -1, 0, 0, 1};
        Typed x(dt, smallInts(numel(nd), 2)), upd(dt, smallInts(numel(updShape), 6));
        Typed ref = x;
        int64_t slice = numel(updShape) / 3;
        for (int64_t t = 0; t < 3; ++t) {
          Shape sub;
          for (int64_t j = 0; j < k; ++j) {
            int64_t i = idx[size_t(t * k + j)], n = nd[size_t(j)];
            sub.push_back(i < 0 ? i + n : i);
          }
          int64_t base = offsetOf(sub, Shape(nd.begin(), nd.begin() + k)) * slice;
          for (int64_t r = 0; r < slice; ++r)
            ref.set(base + r,
                    applyReduction(reduction, ref.get(base + r), upd.get(t * slice + r)));
        }
        TilingContext ctx;
        ctx.inputs = {desc(dt, nd), desc(DType::I64, idxNd), desc(dt, updShape)};
        ctx.outputs = {desc(dt, nd)};
        ctx.attrs.set("reduction", std::string(reduction));
        runAndCompare("scatter_nd", ctx, {x.bytes.data(), idx.data(), upd.bytes.data()},
                      ref, std::string(reduction) + " k " + std::to_string(k));
      }
    }
}

TEST(VecScatter, ErrorsAndOutOfRange) {
  auto tileErr = [](const std::string &kernel, TilingContext ctx) {
    TilingResult r;
    Status st = KernelRegistry::global().find(kernel)->tiling(ctx, &r);
    return st.ok() ? std::string("ok") : st.message();
  };
  TilingContext ctx;
  ctx.inputs = {f32({4, 3}), desc(DType::I64, {2, 1}), f32({2, 3})};
  ctx.outputs = {f32({4, 3})};
  ctx.attrs.set("reduction", std::string("avg"));
  EXPECT_NE(tileErr("scatter_nd", ctx)
                .find("reduction \"avg\" is not none, add, mul, max or min"),
            std::string::npos)
      << tileErr("scatter_nd", ctx);
  ctx.attrs.set("reduction", std::string("none"));
  ctx.inputs[2] = f32({2, 4});
  EXPECT_NE(tileErr("scatter_nd", ctx).find("input 2 (updates) has shape [2, 4], "
                                            "expected [2, 3]"),
            std::string::npos)
      << tileErr("scatter_nd", ctx);
  TilingContext g;
  g.inputs = {f32({2, 3}), desc(DType::I64, {2, 3})};
  g.outputs = {f32({2})};
  EXPECT_NE(tileErr("gather_nd", g).find("index tuples of 3 entries do not fit"),
            std::string::npos)
      << tileErr("gather_nd", g);
  // An index out of range fails the task.
  TilingContext s;
  s.inputs = {f32({3}), desc(DType::I64, {1}), f32({1})};
  s.outputs = {f32({3})};
  float x[3] = {1, 2, 3}, u[1] = {9}, y[3];
  int64_t bad[1] = {3};
  EXPECT_EQ(runKernel("scatter_elements", s, {x, bad, u}, {y}).code(),
            geflow::rt::ErrorCode::kTaskFailed);
}
