// The host signal kernels against references: DFT and STFT against a
// direct O(n^2) transform in long double (f64 within 1e-11 of the
// spectrum's magnitude, over power-of-two lengths and the Bluestein path),
// MelWeightMatrix against the matrix ONNX's generator lists for its node
// test, Range against the closed form, and the run-time Dropout cases.
#include "host_kernel_test_util.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <random>
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
using geflow::rt::Status;

using LComplex = std::complex<long double>;

/// sum_j x[j] e^(-+2 pi i jk / n) directly, in long double.
std::vector<LComplex> directDft(const std::vector<LComplex> &x, bool inverse) {
  size_t n = x.size();
  const long double pi = 3.141592653589793238462643383279502884L;
  std::vector<LComplex> y(n);
  for (size_t k = 0; k < n; ++k)
    for (size_t j = 0; j < n; ++j) {
      long double angle =
          (inverse ? 2 : -2) * pi * static_cast<long double>((j * k) % n) / n;
      y[k] += x[j] * LComplex(std::cos(angle), std::sin(angle));
    }
  return y;
}

std::vector<double> randomValues(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> dist(-1, 1);
  std::vector<double> v(n);
  for (double &x : v)
    x = dist(gen);
  return v;
}

long double magnitude(const std::vector<LComplex> &y) {
  long double m = 1;
  for (const LComplex &v : y)
    m = std::max(m, std::abs(v));
  return m;
}

// Complex [1, n, 2] f64 input, forward and inverse, every length 1..40
// and a few larger ones (radix-2 and Bluestein).
TEST(HostDFT, MatchesDirectTransformForEveryLength) {
  std::vector<int64_t> lengths;
  for (int64_t n = 1; n <= 40; ++n)
    lengths.push_back(n);
  for (int64_t n : {64, 97, 100, 128, 400, 1000})
    lengths.push_back(n);
  for (int64_t n : lengths)
    for (bool inverse : {false, true}) {
      std::vector<double> values = randomValues(2 * n, unsigned(n));
      Buffer x = buffer<double>(DType::F64, {1, n, 2}, values);
      Buffer len = buffer<int64_t>(DType::I64, {}, {n});
      Buffer y = empty(DType::F64, {1, n, 2});
      AttrMap attrs;
      attrs.set("axis", int64_t(1));
      attrs.set("inverse", int64_t(inverse));
      ASSERT_TRUE(runHost("DFT", {&x, &len}, {&y}, attrs).ok()) << n;
      std::vector<LComplex> in(n);
      for (int64_t j = 0; j < n; ++j)
        in[j] = LComplex(values[2 * j], values[2 * j + 1]);
      std::vector<LComplex> ref = directDft(in, inverse);
      long double tol = 1e-11L * magnitude(ref);
      for (int64_t k = 0; k < n; ++k) {
        LComplex want = ref[k] / (inverse ? (long double)n : 1.0L);
        EXPECT_NEAR(y.as<double>()[2 * k], double(want.real()), double(tol))
            << "n " << n << " k " << k;
        EXPECT_NEAR(y.as<double>()[2 * k + 1], double(want.imag()), double(tol))
            << "n " << n << " k " << k;
      }
    }
}

// Real f32 [2, 5, 3, 1] along axis 1, zero-padded to 8 and onesided (5
// bins); then cut to 3 points along axis 2.
TEST(HostDFT, PadsCutsAndKeepsOneSide) {
  std::vector<double> values = randomValues(30, 7);
  std::vector<float> floats(values.begin(), values.end());
  Buffer x = buffer<float>(DType::F32, {2, 5, 3, 1}, floats);
  Buffer len8 = buffer<int32_t>(DType::I32, {}, {8});
  Buffer y = empty(DType::F32, {2, 5, 3, 2});
  AttrMap attrs;
  attrs.set("axis", int64_t(1));
  attrs.set("onesided", int64_t(1));
  ASSERT_TRUE(runHost("DFT", {&x, &len8}, {&y}, attrs).ok());
  for (int b = 0; b < 2; ++b)
    for (int c = 0; c < 3; ++c) {
      std::vector<LComplex> in(8);
      for (int j = 0; j < 5; ++j)
        in[j] = floats[(b * 5 + j) * 3 + c];
      std::vector<LComplex> ref = directDft(in, false);
      for (int k = 0; k < 5; ++k) {
        const float *got = y.as<float>() + ((b * 5 + k) * 3 + c) * 2;
        EXPECT_NEAR(got[0], double(ref[k].real()), 1e-5);
        EXPECT_NEAR(got[1], double(ref[k].imag()), 1e-5);
      }
    }
  Buffer len3 = buffer<int64_t>(DType::I64, {1}, {3});
  Buffer cut = empty(DType::F32, {2, 5, 3, 2});
  AttrMap axis2;
  axis2.set("axis", int64_t(2));
  ASSERT_TRUE(runHost("DFT", {&x, &len3}, {&cut}, axis2).ok());
  std::vector<LComplex> in(3);
  for (int j = 0; j < 3; ++j)
    in[j] = floats[j];
  std::vector<LComplex> ref = directDft(in, false);
  for (int k = 0; k < 3; ++k)
    EXPECT_NEAR(cut.as<float>()[k * 2], double(ref[k].real()), 1e-5);
  // A dft_length that gives another shape than the compiled one fails.
  Buffer len4 = buffer<int64_t>(DType::I64, {}, {4});
  Status st = runHost("DFT", {&x, &len4}, {&cut}, axis2);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("compiled for [2,5,3,2]"), std::string::npos)
      << st.message();
  Buffer zero = buffer<int64_t>(DType::I64, {}, {0});
  EXPECT_FALSE(runHost("DFT", {&x, &zero}, {&cut}, axis2).ok());
}

// Frames of 16 every 8 samples of a real [2, 64, 1] signal with a window,
// onesided: 7 frames of 9 bins.
TEST(HostSTFT, MatchesWindowedDirectTransforms) {
  std::vector<double> values = randomValues(128, 11);
  Buffer s = buffer<double>(DType::F64, {2, 64, 1}, values);
  Buffer step = buffer<int64_t>(DType::I64, {}, {8});
  Buffer length = buffer<int64_t>(DType::I64, {}, {16});
  std::vector<double> window = randomValues(16, 12);
  Buffer w = buffer<double>(DType::F64, {16}, window);
  Buffer y = empty(DType::F64, {2, 7, 9, 2});
  ASSERT_TRUE(runHost("STFT", {&s, &step, &length, &w}, {&y}).ok());
  for (int b = 0; b < 2; ++b)
    for (int f = 0; f < 7; ++f) {
      std::vector<LComplex> frame(16);
      for (int j = 0; j < 16; ++j)
        frame[j] = values[b * 64 + f * 8 + j] * window[j];
      std::vector<LComplex> ref = directDft(frame, false);
      for (int k = 0; k < 9; ++k) {
        const double *got = y.as<double>() + ((b * 7 + f) * 9 + k) * 2;
        EXPECT_NEAR(got[0], double(ref[k].real()), 1e-12);
        EXPECT_NEAR(got[1], double(ref[k].imag()), 1e-12);
      }
    }
  // The window must have frame_length values; frame_length must fit.
  Buffer length12 = buffer<int64_t>(DType::I64, {}, {12});
  EXPECT_FALSE(runHost("STFT", {&s, &step, &length12, &w}, {&y}).ok());
  Buffer length99 = buffer<int64_t>(DType::I64, {}, {99});
  EXPECT_FALSE(runHost("STFT", {&s, &step, &length99}, {&y}).ok());
}

// ONNX's MelWeightMatrix node test (8 mel bins, dft_length 16, 8192 Hz,
// 0 to 4096 Hz): the matrix its generator lists.
TEST(HostMelWeightMatrix, MatchesOnnxReferenceMatrix) {
  Buffer mels = buffer<int32_t>(DType::I32, {}, {8});
  Buffer dft = buffer<int32_t>(DType::I32, {}, {16});
  Buffer rate = buffer<int32_t>(DType::I32, {}, {8192});
  Buffer lo = buffer<float>(DType::F32, {}, {0.0f});
  Buffer hi = buffer<float>(DType::F32, {}, {4096.0f});
  Buffer y = empty(DType::F32, {9, 8});
  ASSERT_TRUE(
      runHost("MelWeightMatrix", {&mels, &dft, &rate, &lo, &hi}, {&y}).ok());
  // Row r has a 1 in column c for these (r, c); every other entry is 0.
  const int ones[][2] = {{0, 0}, {0, 1}, {1, 2}, {1, 3},
                         {2, 4}, {3, 5}, {4, 6}, {5, 7}};
  for (int r = 0; r < 9; ++r)
    for (int c = 0; c < 8; ++c) {
      bool one = false;
      for (const auto &rc : ones)
        one |= rc[0] == r && rc[1] == c;
      EXPECT_EQ(y.as<float>()[r * 8 + c], one ? 1.0f : 0.0f) << r << "," << c;
    }
  Buffer wrong = empty(DType::F32, {8, 8});
  EXPECT_FALSE(
      runHost("MelWeightMatrix", {&mels, &dft, &rate, &lo, &hi}, {&wrong})
          .ok());
}

TEST(HostRange, FloatsAndIntegersWithTheirLength) {
  Buffer start = buffer<float>(DType::F32, {}, {1.0f});
  Buffer limit = buffer<float>(DType::F32, {}, {2.0f});
  Buffer delta = buffer<float>(DType::F32, {}, {0.3f});
  Buffer y = empty(DType::F32, {4});
  ASSERT_TRUE(runHost("Range", {&start, &limit, &delta}, {&y}).ok());
  for (int i = 0; i < 4; ++i)
    EXPECT_FLOAT_EQ(y.as<float>()[i], float(1.0 + i * double(0.3f)));
  Buffer istart = buffer<int64_t>(DType::I64, {}, {10});
  Buffer ilimit = buffer<int64_t>(DType::I64, {}, {-3});
  Buffer idelta = buffer<int64_t>(DType::I64, {}, {-4});
  Buffer iy = empty(DType::I64, {4});
  ASSERT_TRUE(runHost("Range", {&istart, &ilimit, &idelta}, {&iy}).ok());
  EXPECT_EQ(std::vector<int64_t>(iy.as<int64_t>(), iy.as<int64_t>() + 4),
            (std::vector<int64_t>{10, 6, 2, -2}));
  Buffer ishort = empty(DType::I64, {3});
  Status st = runHost("Range", {&istart, &ilimit, &idelta}, {&ishort});
  EXPECT_FALSE(st.ok());
  Buffer izero = buffer<int64_t>(DType::I64, {}, {0});
  EXPECT_FALSE(runHost("Range", {&istart, &ilimit, &izero}, {&iy}).ok());
}

TEST(HostDropout, DeterministicCasesRunRandomOnesFail) {
  Buffer x = buffer<float>(DType::F32, {2, 3}, {1, 2, 3, 4, 5, 6});
  auto check = [&](float ratio, bool training) {
    Buffer r = buffer<float>(DType::F32, {}, {ratio});
    Buffer t = buffer<uint8_t>(DType::Bool, {}, {uint8_t(training)});
    Buffer y = empty(DType::F32, {2, 3});
    Buffer mask = empty(DType::Bool, {2, 3});
    Status st = runHost("Dropout", {&x, &r, &t}, {&y, &mask});
    if (st.ok()) {
      EXPECT_EQ(std::memcmp(y.bytes.data(), x.bytes.data(), 24), 0);
      for (int i = 0; i < 6; ++i)
        EXPECT_EQ(mask.bytes[i], 1);
    }
    return st;
  };
  EXPECT_TRUE(check(0.0f, true).ok());
  EXPECT_TRUE(check(0.5f, false).ok());
  Status random = check(0.5f, true);
  EXPECT_FALSE(random.ok());
  EXPECT_NE(random.message().find("random"), std::string::npos);
  EXPECT_FALSE(check(1.5f, false).ok());
}

} // namespace
