//===- select_test.cpp - select with broadcasting -------------------------===//
//
// Exact checks over element sizes 1, 2, 4 and 8 bytes and every tiling
// (data_movement_test_util.h).
//
//===----------------------------------------------------------------------===//
#include "vector/data_movement_test_util.h"

using namespace geflow::kernels;
using namespace geflow::kernels::testing;

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
