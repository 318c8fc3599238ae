#include "geflow/runtime/Types.h"

#include <gtest/gtest.h>

using namespace geflow::rt;

TEST(Types, DTypeNamesRoundTrip) {
  for (int i = 0; i < kNumDTypes; ++i) {
    auto t = static_cast<DType>(i);
    auto parsed = parseDType(dtypeName(t));
    ASSERT_TRUE(parsed.has_value()) << dtypeName(t);
    EXPECT_EQ(*parsed, t);
  }
  EXPECT_FALSE(parseDType("float33").has_value());
  EXPECT_EQ(dtypeSize(DType::BF16), 2u);
  EXPECT_EQ(dtypeSize(DType::I64), 8u);
}

TEST(Types, PhysicalShapes) {
  EXPECT_EQ(*physicalShape(Format::NC1HWC0, {2, 17, 5, 7}),
            (std::vector<int64_t>{2, 2, 5, 7, 16}));
  EXPECT_EQ(*physicalShape(Format::FRACTAL_Z, {64, 3, 7, 7}),
            (std::vector<int64_t>{49, 4, 16, 16}));
  EXPECT_EQ(*physicalShape(Format::FRACTAL_NZ, {4, 33, 20}),
            (std::vector<int64_t>{4, 2, 3, 16, 16}));
  EXPECT_FALSE(physicalShape(Format::NC1HWC0, {2, 3}).has_value());
  EXPECT_EQ(*physicalShape(Format::ND, {3}), (std::vector<int64_t>{3}));
}

TEST(Types, NumElementsOfHugeShapes) {
  // A zero dim makes the tensor empty even when the other dims' product
  // would overflow (found by test/fuzz's npy target); an overflowing count
  // saturates instead of wrapping.
  EXPECT_EQ(numElements({int64_t(1) << 40, int64_t(1) << 40, 0}), 0);
  EXPECT_EQ(numElements({int64_t(1) << 40, int64_t(1) << 40}), INT64_MAX);
  EXPECT_EQ(numElements({2, 3, 4}), 24);
  EXPECT_EQ(numElements({}), 1);
}
