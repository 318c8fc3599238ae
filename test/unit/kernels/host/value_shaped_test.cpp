// TopK and Unique order values exactly in every dtype: 64-bit integers that
// one double cannot tell apart (2^53 and 2^53 + 1; 2^64 - 1 and 2^64 - 2)
// stay distinct, and NaN sorts above every number, as torch.topk puts it.
#include "host_kernel_test_util.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace {

using geflow::kernels::AttrMap;
using geflow::rt::DType;
using geflow::test::Buffer;
using geflow::test::buffer;
using geflow::test::empty;
using geflow::test::runHost;
using geflow::test::values;

constexpr int64_t kTwo53 = int64_t(1) << 53;
constexpr uint64_t kMaxU64 = std::numeric_limits<uint64_t>::max();

TEST(HostTopK, Int64BeyondDoublePrecisionKeepsExactOrder) {
  Buffer x =
      buffer(DType::I64, {3}, std::vector<int64_t>{kTwo53, kTwo53 + 1, 7});
  Buffer k = buffer(DType::I64, {1}, std::vector<int64_t>{2});
  Buffer top = empty(DType::I64, {2}), index = empty(DType::I64, {2});
  AttrMap attrs;
  attrs.set("axis", int64_t(0));
  ASSERT_TRUE(runHost("TopK", {&x, &k}, {&top, &index}, attrs).ok());
  EXPECT_EQ(values<int64_t>(top), (std::vector<int64_t>{kTwo53 + 1, kTwo53}));
  EXPECT_EQ(values<int64_t>(index), (std::vector<int64_t>{1, 0}));
}

TEST(HostTopK, SmallestUInt64NearTheTop) {
  Buffer x =
      buffer(DType::U64, {2}, std::vector<uint64_t>{kMaxU64, kMaxU64 - 1});
  Buffer k = buffer(DType::I64, {1}, std::vector<int64_t>{1});
  Buffer top = empty(DType::U64, {1}), index = empty(DType::I64, {1});
  AttrMap attrs;
  attrs.set("axis", int64_t(0));
  attrs.set("largest", int64_t(0));
  ASSERT_TRUE(runHost("TopK", {&x, &k}, {&top, &index}, attrs).ok());
  EXPECT_EQ(values<uint64_t>(top)[0], kMaxU64 - 1);
  EXPECT_EQ(values<int64_t>(index)[0], 1);
}

TEST(HostTopK, NaNIsLargest) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Buffer x = buffer(DType::F32, {4}, std::vector<float>{1, nan, 3, nan});
  Buffer k = buffer(DType::I64, {1}, std::vector<int64_t>{3});
  Buffer top = empty(DType::F32, {3}), index = empty(DType::I64, {3});
  AttrMap attrs;
  attrs.set("axis", int64_t(0));
  ASSERT_TRUE(runHost("TopK", {&x, &k}, {&top, &index}, attrs).ok());
  std::vector<float> got = values<float>(top);
  EXPECT_TRUE(std::isnan(got[0]) && std::isnan(got[1]));
  EXPECT_EQ(got[2], 3.0f);
  // Equal values (NaN and NaN) keep input order.
  EXPECT_EQ(values<int64_t>(index), (std::vector<int64_t>{1, 3, 2}));
}

TEST(HostUnique, UInt64BeyondDoublePrecisionStayDistinct) {
  Buffer x = buffer(DType::U64, {3},
                    std::vector<uint64_t>{kMaxU64, kMaxU64 - 1, kMaxU64});
  Buffer y = empty(DType::U64, {2}), indices = empty(DType::I64, {2}),
         inverse = empty(DType::I64, {3}), counts = empty(DType::I64, {2});
  ASSERT_TRUE(runHost("Unique", {&x}, {&y, &indices, &inverse, &counts}).ok());
  EXPECT_EQ(values<uint64_t>(y), (std::vector<uint64_t>{kMaxU64 - 1, kMaxU64}));
  EXPECT_EQ(values<int64_t>(indices), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(values<int64_t>(inverse), (std::vector<int64_t>{1, 0, 1}));
  EXPECT_EQ(values<int64_t>(counts), (std::vector<int64_t>{1, 2}));
}

} // namespace
