// The host CPU engine's kernels for the dtypes the device lacks (f64, i16,
// u16, u32, u64): Cast between every pair, broadcasting binary ops,
// unary ops, reductions and Cumsum, against values NumPy gives (written out
// here; floats within the stated tolerance, integers exact).
#include "host_kernel_test_util.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace {

using geflow::test::Buffer;
using geflow::test::buffer;
using geflow::test::empty;
using geflow::test::runHost;
using geflow::test::values;

using geflow::kernels::AttrMap;
using geflow::kernels::TensorDesc;
using geflow::rt::DType;

TEST(HostTypes, CastFromDoubleFollowsNumpy) {
  std::vector<double> x = {-2.75, 3e9, 1e300, NAN, 0.1, 65504.0};
  Buffer in = buffer(DType::F64, {6}, x);
  Buffer f32 = empty(DType::F32, {6});
  ASSERT_TRUE(runHost("Cast", {&in}, {&f32}).ok());
  auto f = values<float>(f32);
  EXPECT_EQ(f[0], -2.75f);
  EXPECT_EQ(f[1], 3e9f);
  EXPECT_TRUE(std::isinf(f[2]) && f[2] > 0);
  EXPECT_TRUE(std::isnan(f[3]));
  EXPECT_EQ(f[4], 0.1f);

  Buffer i16 = empty(DType::I16, {6});
  ASSERT_TRUE(runHost("Cast", {&in}, {&i16}).ok());
  // Truncation toward zero through int32, then wrap (x86, NumPy): 3e9,
  // 1e300 and NaN are INT32_MIN, whose low half is 0; 65504 wraps to -32.
  EXPECT_EQ(values<int16_t>(i16), (std::vector<int16_t>{-2, 0, 0, 0, 0, -32}));
  Buffer u32 = empty(DType::U32, {6});
  ASSERT_TRUE(runHost("Cast", {&in}, {&u32}).ok());
  EXPECT_EQ(values<uint32_t>(u32)[0], 4294967294u);
  EXPECT_EQ(values<uint32_t>(u32)[1], 3000000000u);
  Buffer boolean = empty(DType::Bool, {6});
  ASSERT_TRUE(runHost("Cast", {&in}, {&boolean}).ok());
  EXPECT_EQ(values<uint8_t>(boolean), (std::vector<uint8_t>{1, 1, 1, 1, 1, 1}));
  Buffer bf16 = empty(DType::BF16, {6});
  ASSERT_TRUE(runHost("Cast", {&in}, {&bf16}).ok());
  EXPECT_EQ(values<uint16_t>(bf16)[4], 0x3DCD); // 0.1 rounded to nearest
  Buffer f16 = empty(DType::F16, {6});
  ASSERT_TRUE(runHost("Cast", {&in}, {&f16}).ok());
  EXPECT_EQ(values<uint16_t>(f16)[5], 0x7BFF); // 65504, the largest half
}

TEST(HostTypes, CastToDoubleIsExact) {
  Buffer u64 = buffer(DType::U64, {2},
                      std::vector<uint64_t>{18446744073709551615ull, 3});
  Buffer d = empty(DType::F64, {2});
  ASSERT_TRUE(runHost("Cast", {&u64}, {&d}).ok());
  EXPECT_EQ(values<double>(d),
            (std::vector<double>{18446744073709551616.0, 3}));
  Buffer half = buffer(DType::F16, {2}, std::vector<uint16_t>{0x3C00, 0xC500});
  ASSERT_TRUE(runHost("Cast", {&half}, {&d}).ok());
  EXPECT_EQ(values<double>(d), (std::vector<double>{1.0, -5.0}));
  Buffer bf = buffer(DType::BF16, {2}, std::vector<uint16_t>{0x4049, 0x0000});
  ASSERT_TRUE(runHost("Cast", {&bf}, {&d}).ok());
  EXPECT_EQ(values<double>(d), (std::vector<double>{3.140625, 0.0}));
  Buffer i16 = buffer(DType::I16, {2}, std::vector<int16_t>{-1, -32768});
  Buffer u64out = empty(DType::U64, {2});
  ASSERT_TRUE(runHost("Cast", {&i16}, {&u64out}).ok());
  EXPECT_EQ(values<uint64_t>(u64out),
            (std::vector<uint64_t>{18446744073709551615ull,
                                   18446744073709518848ull}));
}

TEST(HostTypes, ModFollowsNumpyAndC) {
  // ONNX's test_mod_mixed_sign_* data.
  Buffer x = buffer(DType::I16, {6}, std::vector<int16_t>{-4, 7, 5, 4, -7, 8});
  Buffer y = buffer(DType::I16, {6}, std::vector<int16_t>{2, -3, 8, -2, 3, 5});
  Buffer floorMod = empty(DType::I16, {6});
  ASSERT_TRUE(runHost("FloorMod", {&x, &y}, {&floorMod}).ok());
  EXPECT_EQ(values<int16_t>(floorMod),
            (std::vector<int16_t>{0, -2, 5, 0, 2, 3}));
  Buffer fx = buffer(DType::F64, {6},
                     std::vector<double>{-4.3, 7.2, 5.0, 4.3, -7.2, 8.0});
  Buffer fy = buffer(DType::F64, {6},
                     std::vector<double>{2.1, -3.4, 8.0, -2.1, 3.4, 5.0});
  Buffer fmod = empty(DType::F64, {6});
  ASSERT_TRUE(runHost("Mod", {&fx, &fy}, {&fmod}).ok());
  std::vector<double> want = {-0.1, 0.4, 5.0, 0.1, -0.4, 3.0};
  auto got = values<double>(fmod);
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_NEAR(got[i], want[i], 1e-12) << i;
  Buffer zero = buffer(DType::U32, {2}, std::vector<uint32_t>{0, 4});
  Buffer num = buffer(DType::U32, {2}, std::vector<uint32_t>{9, 9});
  Buffer out = empty(DType::U32, {2});
  ASSERT_TRUE(runHost("FloorMod", {&num, &zero}, {&out}).ok());
  EXPECT_EQ(values<uint32_t>(out), (std::vector<uint32_t>{0, 1}));
}

TEST(HostTypes, BinaryBroadcastsAndWraps) {
  Buffer a = buffer(DType::F64, {2, 3}, std::vector<double>{1, 2, 3, 4, 5, 6});
  Buffer b = buffer(DType::F64, {3}, std::vector<double>{0.5, NAN, -1});
  Buffer sum = empty(DType::F64, {2, 3});
  ASSERT_TRUE(runHost("Add", {&a, &b}, {&sum}).ok());
  auto s = values<double>(sum);
  EXPECT_EQ(s[0], 1.5);
  EXPECT_TRUE(std::isnan(s[1]));
  EXPECT_EQ(s[5], 5.0);
  Buffer mx = empty(DType::F64, {2, 3});
  ASSERT_TRUE(runHost("Maximum", {&a, &b}, {&mx}).ok());
  EXPECT_TRUE(std::isnan(values<double>(mx)[4])); // NaN propagates
  EXPECT_EQ(values<double>(mx)[3], 4.0);
  Buffer col =
      buffer(DType::U64, {2, 1}, std::vector<uint64_t>{(1ull << 63) + 1, 3});
  Buffer row = buffer(DType::U64, {1, 2}, std::vector<uint64_t>{2, 5});
  Buffer prod = empty(DType::U64, {2, 2});
  ASSERT_TRUE(runHost("Mul", {&col, &row}, {&prod}).ok());
  EXPECT_EQ(values<uint64_t>(prod),
            (std::vector<uint64_t>{2, (1ull << 63) + 5, 6, 15}));
  Buffer base = buffer(DType::I16, {3}, std::vector<int16_t>{-2, 3, 2});
  Buffer exp = buffer(DType::I16, {3}, std::vector<int16_t>{3, 4, -1});
  Buffer pow = empty(DType::I16, {3});
  ASSERT_TRUE(runHost("Pow", {&base, &exp}, {&pow}).ok());
  EXPECT_EQ(values<int16_t>(pow), (std::vector<int16_t>{-8, 81, 0}));
  Buffer less = empty(DType::Bool, {3});
  ASSERT_TRUE(runHost("Less", {&base, &exp}, {&less}).ok());
  EXPECT_EQ(values<uint8_t>(less), (std::vector<uint8_t>{1, 1, 0}));
}

TEST(HostTypes, UnaryAndReductions) {
  Buffer x =
      buffer(DType::F64, {2, 3}, std::vector<double>{1, -2, 3, 0.5, 4, -6});
  Buffer e = empty(DType::F64, {2, 3});
  ASSERT_TRUE(runHost("Exp", {&x}, {&e}).ok());
  EXPECT_NEAR(values<double>(e)[0], 2.718281828459045, 1e-15);
  Buffer sum = empty(DType::F64, {2, 1});
  AttrMap rows;
  rows.set("axes", std::vector<int64_t>{-1});
  rows.set("keep_dims", int64_t(1));
  ASSERT_TRUE(runHost("ReduceSum", {&x}, {&sum}, rows).ok());
  EXPECT_EQ(values<double>(sum), (std::vector<double>{2, -1.5}));
  Buffer all = empty(DType::F64, {});
  ASSERT_TRUE(runHost("ReduceMax", {&x}, {&all}).ok());
  EXPECT_EQ(values<double>(all), (std::vector<double>{4}));
  Buffer cols = empty(DType::F64, {3});
  AttrMap first;
  first.set("axes", std::vector<int64_t>{0});
  ASSERT_TRUE(runHost("ReduceMean", {&x}, {&cols}, first).ok());
  EXPECT_EQ(values<double>(cols), (std::vector<double>{0.75, 1, -1.5}));
  Buffer i = buffer(DType::I16, {2}, std::vector<int16_t>{-32768, -5});
  Buffer neg = empty(DType::I16, {2});
  ASSERT_TRUE(runHost("Neg", {&i}, {&neg}).ok());
  EXPECT_EQ(values<int16_t>(neg), (std::vector<int16_t>{-32768, 5}));
}

TEST(HostTypes, CumsumOnDoubleAndUnsigned) {
  Buffer x = buffer(DType::F64, {5}, std::vector<double>{1, 2, 3, 4, 5});
  Buffer y = empty(DType::F64, {5});
  AttrMap attrs;
  attrs.set("axis", int64_t(0));
  attrs.set("exclusive", int64_t(1));
  attrs.set("reverse", int64_t(1));
  ASSERT_TRUE(runHost("Cumsum", {&x}, {&y}, attrs).ok());
  EXPECT_EQ(values<double>(y), (std::vector<double>{14, 12, 9, 5, 0}));
  Buffer u = buffer(DType::U64, {2},
                    std::vector<uint64_t>{18446744073709551615ull, 2});
  Buffer uy = empty(DType::U64, {2});
  AttrMap plain;
  plain.set("axis", int64_t(0));
  ASSERT_TRUE(runHost("Cumsum", {&u}, {&uy}, plain).ok());
  EXPECT_EQ(values<uint64_t>(uy),
            (std::vector<uint64_t>{18446744073709551615ull, 1}));
}

// The axis as a second input, read at run time; negative counts from the
// end (np.cumsum([[1, 2, 3], [4, 5, 6]], axis) with exclusive/reverse).
TEST(HostTypes, CumsumAxisAsInput) {
  Buffer x =
      buffer(DType::U32, {2, 3}, std::vector<uint32_t>{1, 2, 3, 4, 5, 6});
  Buffer y = empty(DType::U32, {2, 3});
  Buffer last = buffer(DType::I32, {}, std::vector<int32_t>{-1});
  ASSERT_TRUE(runHost("Cumsum", {&x, &last}, {&y}).ok());
  EXPECT_EQ(values<uint32_t>(y), (std::vector<uint32_t>{1, 3, 6, 4, 9, 15}));
  Buffer first = buffer(DType::I64, {1}, std::vector<int64_t>{0});
  AttrMap exclusiveReverse;
  exclusiveReverse.set("exclusive", int64_t(1));
  exclusiveReverse.set("reverse", int64_t(1));
  ASSERT_TRUE(runHost("Cumsum", {&x, &first}, {&y}, exclusiveReverse).ok());
  EXPECT_EQ(values<uint32_t>(y), (std::vector<uint32_t>{4, 5, 6, 0, 0, 0}));
  Buffer outside = buffer(DType::I64, {}, std::vector<int64_t>{2});
  EXPECT_NE(runHost("Cumsum", {&x, &outside}, {&y})
                .message()
                .find("Cumsum: axis 2 is outside [-2, 2)"),
            std::string::npos);
  Buffer pair = buffer(DType::I64, {2}, std::vector<int64_t>{0, 1});
  EXPECT_NE(runHost("Cumsum", {&x, &pair}, {&y})
                .message()
                .find("axis input must be an int32 or int64 scalar"),
            std::string::npos);
}

TEST(HostTypes, BitShiftOnUnsigned) {
  // ONNX's test_bitshift_* data, and shifts by the width or more (NumPy: 0).
  Buffer x = buffer(DType::U8, {4}, std::vector<uint8_t>{16, 4, 1, 255});
  Buffer s = buffer(DType::U8, {4}, std::vector<uint8_t>{1, 2, 3, 8});
  Buffer y = empty(DType::U8, {4});
  AttrMap right, left;
  right.set("direction", std::string("RIGHT"));
  left.set("direction", std::string("LEFT"));
  ASSERT_TRUE(runHost("BitShift", {&x, &s}, {&y}, right).ok());
  EXPECT_EQ(values<uint8_t>(y), (std::vector<uint8_t>{8, 1, 0, 0}));
  ASSERT_TRUE(runHost("BitShift", {&x, &s}, {&y}, left).ok());
  EXPECT_EQ(values<uint8_t>(y), (std::vector<uint8_t>{32, 16, 8, 0}));
  Buffer big = buffer(DType::U64, {2}, std::vector<uint64_t>{1, 3});
  Buffer by = buffer(DType::U64, {1}, std::vector<uint64_t>{63});
  Buffer out = empty(DType::U64, {2});
  ASSERT_TRUE(runHost("BitShift", {&big, &by}, {&out}, left).ok());
  EXPECT_EQ(values<uint64_t>(out),
            (std::vector<uint64_t>{1ull << 63, 1ull << 63}));
  Buffer i = buffer(DType::I16, {1}, std::vector<int16_t>{1});
  Buffer io = empty(DType::I16, {1});
  EXPECT_NE(runHost("BitShift", {&i, &i}, {&io}, left)
                .message()
                .find("unsigned integers"),
            std::string::npos);
  AttrMap up;
  up.set("direction", std::string("UP"));
  EXPECT_FALSE(runHost("BitShift", {&x, &s}, {&y}, up).ok());
}

TEST(HostTypes, ChecksRefuseWhatTheyCannotRun) {
  Buffer a = buffer(DType::F64, {3}, std::vector<double>{1, 2, 3});
  Buffer b = buffer(DType::U32, {3}, std::vector<uint32_t>{1, 2, 3});
  Buffer out = empty(DType::F64, {3});
  auto st = runHost("Add", {&a, &b}, {&out});
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("differ in dtype"), std::string::npos);
  Buffer wide = empty(DType::F64, {4});
  EXPECT_NE(runHost("Add", {&a, &a}, {&wide}).message().find("broadcast"),
            std::string::npos);
  AttrMap bad;
  bad.set("axes", std::vector<int64_t>{3});
  Buffer r = empty(DType::F64, {3});
  EXPECT_NE(runHost("ReduceSum", {&a}, {&r}, bad).message().find("axis"),
            std::string::npos);
  Buffer intExp = empty(DType::U32, {3});
  EXPECT_NE(runHost("Exp", {&b}, {&intExp}).message().find("does not compute"),
            std::string::npos);
  EXPECT_NE(runHost("Cast", {&a}, {&wide}).message().find("shape"),
            std::string::npos);
}

} // namespace
