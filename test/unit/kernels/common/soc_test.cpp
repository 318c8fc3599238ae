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
