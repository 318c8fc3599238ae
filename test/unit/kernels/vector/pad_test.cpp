//===- pad_test.cpp - pad (constant, reflect, edge) -----------------------===//
//
// Exact checks over element sizes 1, 2, 4 and 8 bytes and every tiling
// (data_movement_test_util.h).
//
//===----------------------------------------------------------------------===//
#include "vector/data_movement_test_util.h"

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

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
