#include "geflow/kernels/Registry.h"

#include <gtest/gtest.h>

using namespace geflow::kernels;

TEST(AttrMap, TypedAccess) {
  AttrMap attrs;
  attrs.set("strides", std::vector<int64_t>{1, 1, 2, 2});
  attrs.set("groups", int64_t(4));
  attrs.set("epsilon", 1e-5);
  EXPECT_EQ(attrs.getInts("strides"), (std::vector<int64_t>{1, 1, 2, 2}));
  EXPECT_EQ(attrs.getInt("groups", 1), 4);
  EXPECT_EQ(attrs.getInt("missing", 7), 7);
  EXPECT_DOUBLE_EQ(attrs.getFloat("epsilon", 0), 1e-5);
}
