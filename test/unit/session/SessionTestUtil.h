//===- SessionTestUtil.h - A small graph and its expected outputs -*- C++
//-*-===//
#ifndef GEFLOW_TEST_UNIT_SESSION_SESSIONTESTUTIL_H
#define GEFLOW_TEST_UNIT_SESSION_SESSIONTESTUTIL_H

#include "geflow/Session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace geflow {
inline namespace session_test {

// y = relu(x * 2 - 1), z = x + w (w = [0, 1, 2, 3]) on f32[n, 4].
inline std::string graphText(const std::string &n) {
  return R"(
func.func @g(%x: tensor<)" +
         n + R"(x4xf32> {ge.name = "x"}) -> (tensor<)" + n +
         R"(x4xf32> {ge.name = "y"}, tensor<)" + n +
         R"(x4xf32> {ge.name = "z"}) {
  %two = ge.Const dense<2.0> : tensor<1xf32>
  %one = ge.Const dense<1.0> : tensor<1xf32>
  %w = ge.Const dense<[0.0, 1.0, 2.0, 3.0]> : tensor<4xf32>
  %0 = ge.Mul %x, %two : (tensor<)" +
         n + R"(x4xf32>, tensor<1xf32>) -> tensor<)" + n + R"(x4xf32>
  %1 = ge.Sub %0, %one : (tensor<)" +
         n + R"(x4xf32>, tensor<1xf32>) -> tensor<)" + n + R"(x4xf32>
  %2 = ge.Relu %1 : (tensor<)" +
         n + R"(x4xf32>) -> tensor<)" + n + R"(x4xf32>
  %3 = ge.Add %x, %w : (tensor<)" +
         n + R"(x4xf32>, tensor<4xf32>) -> tensor<)" + n + R"(x4xf32>
  return %2, %3 : tensor<)" +
         n + R"(x4xf32>, tensor<)" + n + R"(x4xf32>
})";
}

inline std::string writeTemp(const std::string &text,
                             const std::string &suffix) {
  char path[] = "/tmp/geflow-session-XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  std::string full = std::string(path) + suffix;
  std::rename(path, full.c_str());
  std::ofstream(full) << text;
  return full;
}

inline Tensor input(int64_t n, float start) {
  Tensor t = Tensor::allocate({"x", DType::F32, {n, 4}});
  for (int64_t i = 0; i < n * 4; ++i)
    t.as<float>()[i] = start + 0.25f * i;
  return t;
}

inline void expectOutputs(const Tensor &x, const std::vector<Tensor> &out) {
  ASSERT_EQ(out.size(), 2u);
  int64_t count = x.size() / sizeof(float);
  for (int64_t i = 0; i < count; ++i) {
    float v = x.as<float>()[i];
    EXPECT_FLOAT_EQ(out[0].as<float>()[i], std::max(v * 2 - 1, 0.f)) << i;
    EXPECT_FLOAT_EQ(out[1].as<float>()[i], v + float(i % 4)) << i;
  }
}

class SessionTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(Initialize({{"ge.exec.deviceId", "0"}}).ok());
  }
  void TearDown() override { ASSERT_TRUE(Finalize().ok()); }
};

} // namespace session_test
} // namespace geflow

#endif
