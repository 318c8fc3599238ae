//===- CompileSummaryTest.cpp - The compile summary's kernel counts -------===//
//
// graph ops are counted once (every gear compiles the same graph); kernels
// are per gear, and summed over gears only where the line says so.
//
//===----------------------------------------------------------------------===//
#include "geflow/Compiler/Compile.h"

#include <gtest/gtest.h>

using geflow::CompileSummary;

namespace {

CompileSummary withGears(std::vector<int64_t> kernelsPerGear) {
  CompileSummary s;
  s.graphOps = 45;
  s.gears = static_cast<int64_t>(kernelsPerGear.size());
  for (int64_t k : kernelsPerGear)
    s.kernels += k;
  s.kernelsPerGear = std::move(kernelsPerGear);
  return s;
}

TEST(CompileSummaryTest, OneGearHasOneKernelCount) {
  CompileSummary s = withGears({15});
  EXPECT_EQ(s.kernelCounts(), "15");
  EXPECT_NE(s.str().find("graph ops: 45 (per gear); kernels: 15; gears: 1\n"),
            std::string::npos)
      << s.str();
}

TEST(CompileSummaryTest, EqualGearsSayPerGearAndTotal) {
  CompileSummary s = withGears({30, 30, 30});
  EXPECT_EQ(s.kernelCounts(), "30 per gear, 90 over 3 gears");
  EXPECT_NE(s.str().find("graph ops: 45 (per gear); kernels: 30 per gear, 90 "
                         "over 3 gears; gears: 3\n"),
            std::string::npos)
      << s.str();
  // Arena, weights, streams and events are not summed over the gears.
  EXPECT_NE(s.str().find("arena: 0 B (the largest gear's; naive"),
            std::string::npos)
      << s.str();
  EXPECT_NE(s.str().find("(shared by the gears), streams: 0, events: 0 (most "
                         "of any gear)\n"),
            std::string::npos)
      << s.str();
  EXPECT_NE(s.json().find("\"kernels\": 90, \"kernels_per_gear\": [30, 30, "
                          "30], \"gears\": 3"),
            std::string::npos)
      << s.json();
}

TEST(CompileSummaryTest, DifferentGearsAreListed) {
  EXPECT_EQ(withGears({28, 29, 30}).kernelCounts(),
            "28/29/30 in gears 0-2, 87 over 3 gears");
  std::vector<int64_t> many(10, 20);
  many[3] = 17;
  many[7] = 24;
  EXPECT_EQ(withGears(many).kernelCounts(),
            "17 to 24 per gear, 201 over 10 gears");
}

} // namespace
