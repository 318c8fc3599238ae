//===- trans_data_test.cpp - NCHW <-> NC1HWC0, ND <-> FRACTAL_NZ ----------===//
//
// Against index formulas, including zero padding; exact.
//
//===----------------------------------------------------------------------===//
#include "vector/vec_test_util.h"

#include <cstring>

using namespace geflow::kernels;
using namespace geflow::kernels::testing;
using geflow::rt::DType;

namespace {
using Shape = std::vector<int64_t>;
} // namespace
TEST(VecTransData, Nchw5hdRoundTrip) {
  const Shape shapes[] = {
      {2, 20, 3, 5}, {1, 16, 4, 4}, {1, 3, 1, 1}, {2, 33, 9, 10}};
  for (DType dt : {DType::F32, DType::F16, DType::I64, DType::U8}) {
    size_t es = geflow::rt::dtypeSize(dt);
    for (const Shape &s : shapes) {
      int64_t N = s[0], C = s[1], HW = s[2] * s[3], C1 = (C + 15) / 16;
      int64_t n = N * C * HW, np = N * C1 * HW * 16;
      std::vector<uint8_t> x(size_t(n) * es);
      for (size_t i = 0; i < x.size(); ++i)
        x[i] = uint8_t(i * 7 + 1);
      TilingContext to;
      to.inputs = {desc(dt, s, Format::NCHW)};
      to.outputs = {desc(dt, s, Format::NC1HWC0)};
      TilingContext back;
      back.inputs = to.outputs;
      back.outputs = to.inputs;
      forEachTiling(
          "trans_data", to,
          [&](const TilingContext &tc, Isa isa, const TilingResult *forced,
              const std::string &w) {
            std::vector<uint8_t> y(size_t(np) * es, 0xAA);
            ASSERT_TRUE(
                runKernel("trans_data", tc, {x.data()}, {y.data()}, isa, forced)
                    .ok());
            for (int64_t f = 0; f < np; ++f) {
              int64_t c0 = f % 16, hw = (f / 16) % HW,
                      c1 = (f / (16 * HW)) % C1, b = f / (16 * HW * C1),
                      c = c1 * 16 + c0;
              for (size_t k = 0; k < es; ++k) {
                uint8_t want =
                    c < C ? x[size_t(((b * C + c) * HW + hw)) * es + k] : 0;
                ASSERT_EQ(y[size_t(f) * es + k], want)
                    << shapeName(s) << " " << f << " " << w;
              }
            }
            std::vector<uint8_t> z(x.size(), 0x55);
            ASSERT_TRUE(
                runKernel("trans_data", back, {y.data()}, {z.data()}, isa)
                    .ok());
            ASSERT_EQ(z, x) << "round trip " << shapeName(s) << " " << w;
          });
    }
  }
}

TEST(VecTransData, FractalNzRoundTrip) {
  const Shape shapes[] = {{2, 20, 35}, {16, 16}, {5, 3}, {3, 2, 17, 40}};
  for (DType dt : {DType::F32, DType::F16}) {
    size_t es = geflow::rt::dtypeSize(dt);
    for (const Shape &s : shapes) {
      int64_t M = s[s.size() - 2], N = s.back(),
              B = geflow::rt::numElements(s) / (M * N);
      int64_t M1 = (M + 15) / 16, N1 = (N + 15) / 16;
      int64_t np = B * N1 * M1 * 256;
      std::vector<uint8_t> x(size_t(B * M * N) * es);
      for (size_t i = 0; i < x.size(); ++i)
        x[i] = uint8_t(i * 13 + 3);
      TilingContext to;
      to.inputs = {desc(dt, s, Format::ND)};
      to.outputs = {desc(dt, s, Format::FRACTAL_NZ)};
      TilingContext back;
      back.inputs = to.outputs;
      back.outputs = to.inputs;
      forEachTiling(
          "trans_data", to,
          [&](const TilingContext &tc, Isa isa, const TilingResult *forced,
              const std::string &w) {
            std::vector<uint8_t> y(size_t(np) * es, 0xAA);
            ASSERT_TRUE(
                runKernel("trans_data", tc, {x.data()}, {y.data()}, isa, forced)
                    .ok());
            for (int64_t f = 0; f < np; ++f) {
              int64_t j = f % 16, i = (f / 16) % 16, m1 = (f / 256) % M1,
                      n1 = (f / (256 * M1)) % N1, b = f / (256 * M1 * N1),
                      m = m1 * 16 + i, nn = n1 * 16 + j;
              for (size_t k = 0; k < es; ++k) {
                uint8_t want = m < M && nn < N
                                   ? x[size_t((b * M + m) * N + nn) * es + k]
                                   : 0;
                ASSERT_EQ(y[size_t(f) * es + k], want)
                    << shapeName(s) << " " << f << " " << w;
              }
            }
            std::vector<uint8_t> z(x.size(), 0x55);
            ASSERT_TRUE(
                runKernel("trans_data", back, {y.data()}, {z.data()}, isa)
                    .ok());
            ASSERT_EQ(z, x) << "round trip " << shapeName(s) << " " << w;
          });
    }
  }
  TilingContext bad;
  bad.inputs = {desc(DType::F32, {2, 3}, Format::NHWC)};
  bad.outputs = {desc(DType::F32, {2, 3}, Format::FRACTAL_Z)};
  TilingResult r;
  Status st = KernelRegistry::global().find("trans_data")->tiling(bad, &r);
  EXPECT_NE(st.message().find("NHWC -> FRACTAL_Z is not supported"),
            std::string::npos)
      << st.message();
}