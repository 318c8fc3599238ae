//===- VecDataMovementTest.cpp - transpose, slice, concat, pad, ... -------===//
//
// Data-movement kernels copy bits, so every check is exact; each runs over
// element sizes 1, 2, 4 and 8 bytes and every tiling (VecTestUtil.h).
//
//===----------------------------------------------------------------------===//
#include "VecTestUtil.h"

#include <cstring>
#include <numeric>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

namespace {

using Shape = std::vector<int64_t>;

int64_t numel(const Shape &s) { return geflow::rt::numElements(s); }

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

const DType kSizes[] = {DType::U8, DType::F16, DType::F32, DType::I64};

/// Runs `kernel` with every tiling; `ref(i)` is the expected raw value of
/// output element i.
void checkMove(const std::string &kernel, TilingContext ctx,
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

} // namespace

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

TEST(VecConcatSplit, AxesPartsAndErrors) {
  struct Case {
    std::vector<Shape> parts;
    int64_t axis;
  };
  const Case cases[] = {{{{2, 3}, {5, 3}, {1, 3}}, 0},
                        {{{2, 3, 4}, {2, 1, 4}, {2, 7, 4}}, 1},
                        {{{3, 5}, {3, 0}, {3, 17}}, -1},
                        {{{4, 4}}, 1},
                        {{{100, 30}, {100, 50}}, 1}};
  for (DType dt : kSizes) {
    for (const Case &c : cases) {
      size_t rank = c.parts[0].size();
      size_t axis = size_t(c.axis < 0 ? c.axis + int64_t(rank) : c.axis);
      Shape joined = c.parts[0];
      joined[axis] = 0;
      std::vector<int64_t> offsets, sizes;
      for (const Shape &p : c.parts) {
        offsets.push_back(joined[axis]);
        sizes.push_back(p[axis]);
        joined[axis] += p[axis];
      }
      std::vector<Raw> parts;
      for (size_t i = 0; i < c.parts.size(); ++i)
        parts.emplace_back(dt, numel(c.parts[i]), 100 * i + 1);
      // Where element f of the joined tensor comes from.
      auto locate = [&](int64_t f, size_t *part, int64_t *index) {
        auto ji = unflatten(f, joined);
        size_t p = 0;
        while (ji[axis] >= offsets[p] + sizes[p])
          ++p;
        ji[axis] -= offsets[p];
        int64_t flat = 0;
        for (size_t d = 0; d < rank; ++d)
          flat = flat * c.parts[p][d] + ji[d];
        *part = p;
        *index = flat;
      };
      TilingContext cat;
      std::vector<const Raw *> ins;
      for (size_t i = 0; i < parts.size(); ++i) {
        cat.inputs.push_back(desc(dt, c.parts[i]));
        ins.push_back(&parts[i]);
      }
      cat.outputs = {desc(dt, joined)};
      cat.attrs.set("axis", c.axis);
      checkMove(
          "concat", cat, ins, numel(joined),
          [&](int64_t f) {
            size_t p;
            int64_t i;
            locate(f, &p, &i);
            return parts[p].at(i);
          },
          shapeName(joined));
      // split the joined tensor back into the parts.
      Raw whole(dt, numel(joined));
      TilingContext sp;
      sp.inputs = {desc(dt, joined)};
      for (const Shape &p : c.parts)
        sp.outputs.push_back(desc(dt, p));
      sp.attrs.set("axis", c.axis);
      sp.attrs.set("sizes", sizes);
      std::vector<Raw> outs;
      std::vector<void *> outPtrs;
      for (const Shape &p : c.parts)
        outs.emplace_back(dt, numel(p), 7);
      for (Raw &o : outs)
        outPtrs.push_back(o.bytes.data());
      Status st = runKernel("split", sp, {whole.bytes.data()}, outPtrs);
      ASSERT_TRUE(st.ok()) << st.toString();
      for (int64_t f = 0; f < numel(joined); ++f) {
        size_t p;
        int64_t i;
        locate(f, &p, &i);
        ASSERT_EQ(outs[p].at(i), whole.at(f))
            << "split " << shapeName(joined) << " " << f;
      }
    }
  }
  TilingContext bad;
  bad.inputs = {f32({2, 3, 4, 5}), f32({2, 3, 4, 5}), f32({2, 3, 4})};
  bad.outputs = {f32({2, 3, 4, 15})};
  bad.attrs.set("axis", int64_t(3));
  TilingResult r;
  Status st = KernelRegistry::global().find("concat")->tiling(bad, &r);
  EXPECT_NE(st.message().find("concat: input 2 has rank 3, expected 4"),
            std::string::npos)
      << st.message();
}

TEST(VecPad, ConstantReflectEdge) {
  struct Case {
    Shape shape;
    std::vector<int64_t> pads;
  };
  const Case cases[] = {{{3, 4}, {1, 2, 0, 3}},
                        {{2, 3, 5}, {0, 1, 2, 1, 2, 4}},
                        {{6}, {5, 5}},
                        {{2, 2}, {0, 0, 0, 0}}};
  for (const char *mode : {"constant", "reflect", "edge"}) {
    for (DType dt : {DType::F32, DType::I64, DType::U8}) {
      for (const Case &c : cases) {
        size_t rank = c.shape.size();
        Shape out = c.shape;
        bool ok = true;
        for (size_t d = 0; d < rank; ++d) {
          out[d] += c.pads[d] + c.pads[rank + d];
          ok &= std::string(mode) != "reflect" ||
                (c.pads[d] < c.shape[d] && c.pads[rank + d] < c.shape[d]);
        }
        if (!ok)
          continue;
        Raw x(dt, numel(c.shape));
        TilingContext ctx;
        ctx.inputs = {desc(dt, c.shape)};
        ctx.outputs = {desc(dt, out)};
        ctx.attrs.set("pads", c.pads);
        ctx.attrs.set("mode", std::string(mode));
        ctx.attrs.set("value", 2.0);
        uint64_t two = 0;
        if (dt == DType::F32) {
          float v = 2.f;
          std::memcpy(&two, &v, 4);
        } else {
          two = 2;
        }
        checkMove(
            "pad", ctx, {&x}, numel(out),
            [&](int64_t f) {
              auto oi = unflatten(f, out);
              int64_t flat = 0;
              for (size_t d = 0; d < rank; ++d) {
                int64_t n = c.shape[d], i = oi[d] - c.pads[d];
                if (i < 0 || i >= n) {
                  if (std::string(mode) == "constant")
                    return two;
                  if (std::string(mode) == "edge")
                    i = i < 0 ? 0 : n - 1;
                  else
                    i = i < 0 ? -i : 2 * (n - 1) - i;
                }
                flat = flat * n + i;
              }
              return x.at(flat);
            },
            std::string(mode) + " " + shapeName(c.shape));
      }
    }
  }
}

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
  EXPECT_EQ(runKernel("gather", ctx, {x, bad}, {y}).code(),
            geflow::rt::ErrorCode::kTaskFailed);
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
            std::memcpy(&ids.bytes[i * ids.es], it == DType::I64
                                                    ? static_cast<void *>(&idx[i])
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
  EXPECT_EQ(runKernel("gather_elements", ctx, {x, bad}, {y}).code(),
            geflow::rt::ErrorCode::kTaskFailed);
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

TEST(VecSelect, ThreeWayBroadcast) {
  const Shape sc = {3, 1}, sa = {1, 4}, sb = {2, 3, 4}, out = {2, 3, 4};
  for (DType dt : kSizes) {
    Raw cond(DType::Bool, 3), a(dt, 4, 5), b(dt, 24, 9);
    TilingContext ctx;
    ctx.inputs = {desc(DType::Bool, sc), desc(dt, sa), desc(dt, sb)};
    ctx.outputs = {desc(dt, out)};
    checkMove(
        "select", ctx, {&cond, &a, &b}, 24,
        [&](int64_t f) {
          auto idx = unflatten(f, out);
          return cond.at(broadcastIndex(idx, sc, out))
                     ? a.at(broadcastIndex(idx, sa, out))
                     : b.at(broadcastIndex(idx, sb, out));
        },
        geflow::rt::dtypeName(dt).data());
  }
}
