//===- concat_split_test.cpp - concat and split ---------------------------===//
//
// Exact checks over element sizes 1, 2, 4 and 8 bytes and every tiling
// (data_movement_test_util.h).
//
//===----------------------------------------------------------------------===//
#include "vector/data_movement_test_util.h"

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

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
