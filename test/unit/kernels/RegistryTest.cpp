#include "geflow/kernels/Registry.h"

#include <gtest/gtest.h>

using namespace geflow::kernels;

TEST(Soc, HostDescribesThisMachine) {
  SocInfo soc = SocInfo::host();
  EXPECT_EQ(soc.name, "host");
  EXPECT_GE(soc.aiCoreCount, 1u);
  EXPECT_GT(soc.ubSize, 0u);
  EXPECT_GT(soc.l2Size, soc.ubSize);
  EXPECT_EQ(SocInfo::host(3).aiCoreCount, 3u);
}

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
