//===- layout_test.cpp - transpose, slice, expand, tile -------------------===//
//
// Exact checks over element sizes 1, 2, 4 and 8 bytes and every tiling
// (data_movement_test_util.h).
//
//===----------------------------------------------------------------------===//
#include "vector/data_movement_test_util.h"

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

TEST(VecTranspose, PermsAndElementSizes) {
  const std::vector<std::pair<Shape, std::vector<int64_t>>> cases = {
      {{2, 3, 4}, {2, 0, 1}},
      {{2, 3, 4}, {1, 0, 2}},
      {{2, 3, 4}, {0, 2, 1}},
      {{5, 7}, {1, 0}},
      {{33, 65}, {1, 0}},
      {{2, 3, 4, 5}, {3, 1, 2, 0}},
      {{1, 6, 1, 7}, {3, 2, 1, 0}},
      {{3, 17, 19}, {}},
      {{4, 1}, {1, 0}}};
  for (DType dt : kSizes) {
    for (const auto &[shape, perm0] : cases) {
      std::vector<int64_t> perm = perm0;
      if (perm.empty())
        for (int64_t d = int64_t(shape.size()); d-- > 0;)
          perm.push_back(d);
      Shape out;
      for (int64_t p : perm)
        out.push_back(shape[size_t(p)]);
      Raw x(dt, numel(shape));
      TilingContext ctx;
      ctx.inputs = {desc(dt, shape)};
      ctx.outputs = {desc(dt, out)};
      if (!perm0.empty())
        ctx.attrs.set("perm", perm0);
      checkMove(
          "transpose", ctx, {&x}, numel(out),
          [&](int64_t f) {
            auto oi = unflatten(f, out);
            Shape ii(shape.size());
            for (size_t d = 0; d < perm.size(); ++d)
              ii[size_t(perm[d])] = oi[d];
            int64_t flat = 0;
            for (size_t d = 0; d < shape.size(); ++d)
              flat = flat * shape[d] + ii[d];
            return x.at(flat);
          },
          shapeName(shape) + " " + geflow::rt::dtypeName(dt).data());
    }
  }
}

TEST(VecSlice, StepsAxesAndReverse) {
  struct Case {
    Shape shape;
    std::vector<int64_t> starts, ends, axes, steps;
  };
  const Case cases[] = {
      {{10}, {2}, {9}, {}, {3}},    {{4, 6, 8}, {1, 0}, {5, 8}, {1, 2}, {2, 3}},
      {{7}, {6}, {-1}, {0}, {-2}},  {{5, 5}, {4}, {0}, {0}, {-1}},
      {{3, 4}, {1}, {1}, {1}, {1}}, {{2, 3, 40}, {0, 1, 3}, {2, 3, 37}, {}, {}},
  };
  for (DType dt : kSizes) {
    for (const Case &c : cases) {
      size_t rank = c.shape.size();
      Shape start(rank, 0), step(rank, 1), out = c.shape;
      for (size_t k = 0; k < c.starts.size(); ++k) {
        size_t d = c.axes.empty() ? k : size_t(c.axes[k]);
        int64_t s = c.steps.empty() ? 1 : c.steps[k];
        start[d] = c.starts[k];
        step[d] = s;
        out[d] = s > 0 ? (c.ends[k] - c.starts[k] + s - 1) / s
                       : (c.starts[k] - c.ends[k] - s - 1) / -s;
      }
      Raw x(dt, numel(c.shape));
      TilingContext ctx;
      ctx.inputs = {desc(dt, c.shape)};
      ctx.outputs = {desc(dt, out)};
      ctx.attrs.set("starts", c.starts);
      ctx.attrs.set("ends", c.ends);
      if (!c.axes.empty())
        ctx.attrs.set("axes", c.axes);
      if (!c.steps.empty())
        ctx.attrs.set("steps", c.steps);
      checkMove(
          "slice", ctx, {&x}, numel(out),
          [&](int64_t f) {
            auto oi = unflatten(f, out);
            int64_t flat = 0;
            for (size_t d = 0; d < rank; ++d)
              flat = flat * c.shape[d] + start[d] + oi[d] * step[d];
            return x.at(flat);
          },
          shapeName(c.shape));
    }
  }
  TilingContext bad;
  bad.inputs = {f32({5})};
  bad.outputs = {f32({3})};
  bad.attrs.set("starts", std::vector<int64_t>{-2});
  bad.attrs.set("ends", std::vector<int64_t>{5});
  TilingResult r;
  Status st = KernelRegistry::global().find("slice")->tiling(bad, &r);
  EXPECT_NE(st.message().find("are not normalized for axis 0 of size 5"),
            std::string::npos)
      << st.message();
}

TEST(VecExpandTile, Broadcasts) {
  const std::vector<std::pair<Shape, Shape>> expands = {{{3, 1}, {2, 3, 4}},
                                                        {{1}, {5}},
                                                        {{4}, {2, 4}},
                                                        {{2, 3}, {2, 3}},
                                                        {{}, {3, 2}}};
  for (DType dt : kSizes) {
    for (const auto &[in, out] : expands) {
      Raw x(dt, numel(in));
      TilingContext ctx;
      ctx.inputs = {desc(dt, in)};
      ctx.outputs = {desc(dt, out)};
      checkMove(
          "expand", ctx, {&x}, numel(out),
          [&](int64_t f) {
            return x.at(broadcastIndex(unflatten(f, out), in, out));
          },
          shapeName(in) + "->" + shapeName(out));
    }
    const std::vector<std::pair<Shape, std::vector<int64_t>>> tiles = {
        {{2, 3}, {2, 3}},
        {{1, 4, 1}, {3, 1, 2}},
        {{5}, {1}},
        {{2, 2}, {0, 3}},
        {{3, 33}, {2, 2}}};
    for (const auto &[in, mult] : tiles) {
      Shape out;
      for (size_t d = 0; d < in.size(); ++d)
        out.push_back(in[d] * mult[d]);
      Raw x(dt, numel(in));
      TilingContext ctx;
      ctx.inputs = {desc(dt, in)};
      ctx.outputs = {desc(dt, out)};
      ctx.attrs.set("multiples", mult);
      checkMove(
          "tile", ctx, {&x}, numel(out),
          [&](int64_t f) {
            auto oi = unflatten(f, out);
            int64_t flat = 0;
            for (size_t d = 0; d < in.size(); ++d)
              flat = flat * in[d] + oi[d] % in[d];
            return x.at(flat);
          },
          "tile " + shapeName(in));
    }
  }
}
