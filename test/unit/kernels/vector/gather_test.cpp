//===- gather_test.cpp - gather, gather_elements, gather_nd ---------------===//
//
// Exact checks over element sizes 1, 2, 4 and 8 bytes and every tiling
// (data_movement_test_util.h); gather_nd against a naive reference from the
// ONNX definition (index tuples with batch dims and negative entries).
//
//===----------------------------------------------------------------------===//
#include "vector/data_movement_test_util.h"

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

TEST(VecGather, AxesIndexTypesNegativeAndOutOfRange) {
  for (DType dt : kSizes) {
    for (DType it : {DType::I32, DType::I64}) {
      for (int64_t axis : {0, 1, -1}) {
        Shape data = {5, 4, 3};
        size_t a = size_t(axis < 0 ? axis + 3 : axis);
        Shape idxShape = {2, 2};
        std::vector<int64_t> idx = {data[a] - 1, 0, -1, 1};
        std::vector<int32_t> idx32(idx.begin(), idx.end());
        Shape out;
        for (size_t d = 0; d < 3; ++d)
          if (d == a)
            out.insert(out.end(), idxShape.begin(), idxShape.end());
          else
            out.push_back(data[d]);
        Raw x(dt, numel(data));
        Raw ids(it, 4);
        for (size_t i = 0; i < 4; ++i) {
          if (it == DType::I64)
            std::memcpy(&ids.bytes[i * 8], &idx[i], 8);
          else
            std::memcpy(&ids.bytes[i * 4], &idx32[i], 4);
        }
        TilingContext ctx;
        ctx.inputs = {desc(dt, data), desc(it, idxShape)};
        ctx.outputs = {desc(dt, out)};
        ctx.attrs.set("axis", axis);
        checkMove(
            "gather", ctx, {&x, &ids}, numel(out),
            [&](int64_t f) {
              auto oi = unflatten(f, out);
              Shape di;
              for (size_t d = 0; d < a; ++d)
                di.push_back(oi[d]);
              int64_t j = oi[a] * 2 + oi[a + 1];
              di.push_back(idx[size_t(j)] < 0 ? idx[size_t(j)] + data[a]
                                              : idx[size_t(j)]);
              for (size_t d = a + 2; d < oi.size(); ++d)
                di.push_back(oi[d]);
              int64_t flat = 0;
              for (size_t d = 0; d < 3; ++d)
                flat = flat * data[d] + di[d];
              return x.at(flat);
            },
            "axis " + std::to_string(axis));
      }
    }
  }
  TilingContext ctx;
  ctx.inputs = {f32({3}), desc(DType::I32, {1})};
  ctx.outputs = {f32({1})};
  float x[3] = {1, 2, 3}, y[1];
  int32_t bad[1] = {3};
  Status failed = runKernel("gather", ctx, {x, bad}, {y});
  EXPECT_EQ(failed.code(), geflow::rt::ErrorCode::kTaskFailed);
  // The reason names the index, where it is and the range.
  EXPECT_EQ(failed.message(),
            "gather failed with code 2: index 3 (element 0 of the indices) is "
            "out of range [-3, 3) on axis 0");
  bad[0] = -3;
  ASSERT_TRUE(runKernel("gather", ctx, {x, bad}, {y}).ok());
  EXPECT_EQ(y[0], 1.f);
}

// out[c] = data[c with c[axis] = idx[c]]; the index tensor may be smaller
// than the data in every dim, and larger along the axis.
TEST(VecGatherElements, AxesIndexShapesNegativeAndOutOfRange) {
  const Shape data = {4, 5, 3};
  for (DType dt : kSizes)
    for (DType it : {DType::I32, DType::I64})
      for (int64_t axis : {0, 1, -1})
        for (int variant = 0; variant < 3; ++variant) {
          size_t a = size_t(axis < 0 ? axis + 3 : axis);
          // The data's shape; smaller off the axis and longer on it; ones.
          Shape is = data;
          for (size_t d = 0; d < 3; ++d)
            if (variant == 1)
              is[d] = d == a ? data[d] + 2 : (data[d] + 1) / 2;
            else if (variant == 2)
              is[d] = 1;
          Raw x(dt, numel(data));
          Raw ids(it, numel(is));
          std::vector<int64_t> idx(size_t(numel(is)));
          for (size_t i = 0; i < idx.size(); ++i) {
            int64_t n = data[a];
            idx[i] = int64_t(i * 7 % size_t(2 * n)) - n; // [-n, n)
            int32_t i32 = int32_t(idx[i]);
            std::memcpy(&ids.bytes[i * ids.es],
                        it == DType::I64 ? static_cast<void *>(&idx[i])
                                         : static_cast<void *>(&i32),
                        ids.es);
          }
          TilingContext ctx;
          ctx.inputs = {desc(dt, data), desc(it, is)};
          ctx.outputs = {desc(dt, is)};
          ctx.attrs.set("axis", axis);
          checkMove(
              "gather_elements", ctx, {&x, &ids}, numel(is),
              [&](int64_t f) {
                Shape c = unflatten(f, is);
                int64_t i = idx[size_t(f)];
                c[a] = i < 0 ? i + data[a] : i;
                return x.at((c[0] * data[1] + c[1]) * data[2] + c[2]);
              },
              "axis " + std::to_string(axis) + " index " + shapeName(is));
        }
  TilingContext ctx;
  ctx.inputs = {f32({2, 3}), desc(DType::I64, {2, 1})};
  ctx.outputs = {f32({2, 1})};
  ctx.attrs.set("axis", int64_t(1));
  float x[6] = {1, 2, 3, 4, 5, 6}, y[2];
  int64_t bad[2] = {0, 3};
  Status failed = runKernel("gather_elements", ctx, {x, bad}, {y});
  EXPECT_EQ(failed.code(), geflow::rt::ErrorCode::kTaskFailed);
  EXPECT_EQ(failed.message(), "gather_elements failed with code 2: index 3 "
                              "(element 1 of the indices) is out of range "
                              "[-3, 3) on axis 1");
  int64_t good[2] = {-1, 0};
  ASSERT_TRUE(runKernel("gather_elements", ctx, {x, good}, {y}).ok());
  EXPECT_EQ(y[0], 3.f);
  EXPECT_EQ(y[1], 4.f);
  // Shapes are checked with clear errors.
  TilingResult r;
  const KernelDef *def = KernelRegistry::global().find("gather_elements");
  ctx.inputs[1] = desc(DType::I64, {3, 1});
  ctx.outputs = {f32({3, 1})};
  Status st = def->tiling(ctx, &r);
  EXPECT_NE(st.message().find("larger than the data [2, 3] in dim 0"),
            std::string::npos)
      << st.message();
  ctx.inputs[1] = desc(DType::I64, {2});
  ctx.outputs = {f32({2})};
  st = def->tiling(ctx, &r);
  EXPECT_NE(st.message().find("input 1 (indices) has rank 1, expected 2"),
            std::string::npos)
      << st.message();
}

TEST(VecGatherNd, BatchDimsNegativeIndicesDtypes) {
  struct Case {
    Shape data, idx;
    int64_t batch;
  };
  const Case cases[] = {{{2, 3}, {4, 2}, 0},
                        {{2, 3, 4}, {3, 1}, 0},
                        {{2, 3, 4}, {2, 2, 1}, 1},
                        {{2, 3, 4}, {2, 5, 2}, 1},
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
        int64_t base =
            (t / tuplesPerBatch) * perBatch + offsetOf(sub, dims) * slice;
        for (int64_t r = 0; r < slice; ++r)
          ref.push_back(x.get(base + r));
      }
      TilingContext ctx;
      ctx.inputs = {desc(dt, c.data), desc(DType::I64, c.idx)};
      ctx.outputs = {desc(dt, out)};
      ctx.attrs.set("batch_dims", c.batch);
      runAndCompare("gather_nd", ctx, {x.bytes.data(), idx.data()},
                    Typed(dt, ref), shapeName(c.data) + " " + shapeName(c.idx));
    }
}
