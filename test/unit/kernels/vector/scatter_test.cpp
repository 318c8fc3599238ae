//===- scatter_test.cpp - scatter_elements, scatter_nd --------------------===//
//
// Against naive references written from the ONNX definitions: negative
// indices, updates applied in index order
// (duplicates: the last write wins, add/mul accumulate), element types
// float32/float16/int64, every tiling (the scatters must give the same
// result whatever block count is forced). Exact, except f16 add/mul which
// round once per update like the reference below.
//
//===----------------------------------------------------------------------===//
#include "vector/data_movement_test_util.h"

#include "geflow/runtime/Half.h"

#include <algorithm>
#include <cstring>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

namespace {

double applyReduction(const std::string &r, double a, double b) {
  if (r == "max")
    return std::max(a, b);
  if (r == "min")
    return std::min(a, b);
  return r == "add" ? a + b : r == "mul" ? a * b : b;
}

} // namespace

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
        ctx.inputs = {desc(dt, data), desc(DType::I64, idxShape),
                      desc(dt, idxShape)};
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
        std::vector<int64_t> idx =
            k == 1 ? std::vector<int64_t>{1, -1, 1}
                   : std::vector<int64_t>{0, 1, -1, 0, 0, 1};
        Typed x(dt, smallInts(numel(nd), 2)),
            upd(dt, smallInts(numel(updShape), 6));
        Typed ref = x;
        int64_t slice = numel(updShape) / 3;
        for (int64_t t = 0; t < 3; ++t) {
          Shape sub;
          for (int64_t j = 0; j < k; ++j) {
            int64_t i = idx[size_t(t * k + j)], n = nd[size_t(j)];
            sub.push_back(i < 0 ? i + n : i);
          }
          int64_t base =
              offsetOf(sub, Shape(nd.begin(), nd.begin() + k)) * slice;
          for (int64_t r = 0; r < slice; ++r)
            ref.set(base + r, applyReduction(reduction, ref.get(base + r),
                                             upd.get(t * slice + r)));
        }
        TilingContext ctx;
        ctx.inputs = {desc(dt, nd), desc(DType::I64, idxNd),
                      desc(dt, updShape)};
        ctx.outputs = {desc(dt, nd)};
        ctx.attrs.set("reduction", std::string(reduction));
        runAndCompare("scatter_nd", ctx,
                      {x.bytes.data(), idx.data(), upd.bytes.data()}, ref,
                      std::string(reduction) + " k " + std::to_string(k));
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
  EXPECT_NE(tileErr("scatter_nd", ctx)
                .find("input 2 (updates) has shape [2, 4], "
                      "expected [2, 3]"),
            std::string::npos)
      << tileErr("scatter_nd", ctx);
  TilingContext g;
  g.inputs = {f32({2, 3}), desc(DType::I64, {2, 3})};
  g.outputs = {f32({2})};
  EXPECT_NE(
      tileErr("gather_nd", g).find("index tuples of 3 entries do not fit"),
      std::string::npos)
      << tileErr("gather_nd", g);
  // An index out of range fails the task.
  TilingContext s;
  s.inputs = {f32({3}), desc(DType::I64, {1}), f32({1})};
  s.outputs = {f32({3})};
  float x[3] = {1, 2, 3}, u[1] = {9}, y[3];
  int64_t bad[1] = {3};
  Status failed = runKernel("scatter_elements", s, {x, bad, u}, {y});
  EXPECT_EQ(failed.code(), geflow::rt::ErrorCode::kTaskFailed);
  EXPECT_EQ(failed.message(), "scatter_elements failed with code 2: index 3 "
                              "(element 0 of the indices) is out of range "
                              "[-3, 3) on axis 0");
  // scatter_nd and gather_nd name the place in the index tuple.
  TilingContext nd;
  nd.inputs = {f32({2, 3}), desc(DType::I64, {1, 2}), f32({1})};
  nd.outputs = {f32({2, 3})};
  float x6[6] = {}, y6[6];
  int64_t tuple[2] = {1, -4};
  failed = runKernel("scatter_nd", nd, {x6, tuple, u}, {y6});
  EXPECT_EQ(failed.message(), "scatter_nd failed with code 2: index -4 "
                              "(element 1 of the indices) is out of range "
                              "[-3, 3) at position 1 of its index tuple");
  TilingContext gnd;
  gnd.inputs = {f32({2, 3}), desc(DType::I64, {1, 2})};
  gnd.outputs = {f32({1})};
  failed = runKernel("gather_nd", gnd, {x6, tuple}, {y6});
  EXPECT_EQ(failed.message(), "gather_nd failed with code 2: index -4 "
                              "(element 1 of the indices) is out of range "
                              "[-3, 3) at position 1 of its index tuple");
}
