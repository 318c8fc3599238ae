// The host kernels of GEHostNNOps.td against references written another way
// here: QuantConv2D (explicitly padded with the zero point, then a plain
// convolution) and QuantBatchMatMul (broadcast batch loops, per-row and
// per-column zero points, int32 wrapping) exact; MaxPoolWithArgmax's
// indices in both storage orders and MaxUnpool's scatter exact; ROIAlign
// against direct bilinear interpolation within 1e-9 (double);
// DynamicReshape's allowzero rules. Errors name what is wrong.
#include "host_kernel_test_util.h"

#include <gtest/gtest.h>

#include <cmath>
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

template <typename T>
std::vector<T> randomInts(size_t count, int lo, int hi, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<T> v(count);
  for (T &e : v)
    e = static_cast<T>(dist(gen));
  return v;
}

TEST(HostQuantConv2D, MatchesPaddedReferenceWithGroupsAndPerChannelOffsets) {
  // x [1, 4, 5, 6] uint8, filter [6, 2, 3, 2] int8 in 2 groups, stride 2x1,
  // dilation 1x2, pads top 1 bottom 2 left 0 right 1.
  const int64_t n = 1, c = 4, h = 5, w = 6, m = 6, cg = 2, kh = 3, kw = 2;
  Buffer x = buffer(DType::U8, {n, c, h, w},
                    randomInts<uint8_t>(n * c * h * w, 0, 255, 1));
  Buffer f = buffer(DType::I8, {m, cg, kh, kw},
                    randomInts<int8_t>(m * cg * kh * kw, -128, 127, 2));
  Buffer bias =
      buffer(DType::I32, {m}, std::vector<int32_t>{5, -7, 0, 100, -1, 3});
  Buffer xOffset = buffer(DType::U8, {}, std::vector<uint8_t>{131});
  Buffer fOffset =
      buffer(DType::I8, {m}, std::vector<int8_t>{0, -3, 7, 1, -128, 127});
  AttrMap attrs;
  attrs.set("strides", std::vector<int64_t>{1, 1, 2, 1});
  attrs.set("dilations", std::vector<int64_t>{1, 1, 1, 2});
  attrs.set("pads", std::vector<int64_t>{1, 2, 0, 1});
  attrs.set("groups", int64_t(2));
  const int64_t oh = (h + 3 - 3) / 2 + 1, ow = (w + 1 - 3) / 1 + 1;
  Buffer y = empty(DType::I32, {n, m, oh, ow});
  ASSERT_TRUE(
      runHost("QuantConv2D", {&x, &f, &bias, &xOffset, &fOffset}, {&y}, attrs)
          .ok());
  // Reference: pad x with its zero point, then convolve without bounds.
  const int64_t ph = h + 3, pw = w + 1;
  std::vector<int> padded(c * ph * pw, 131);
  auto xv = values<uint8_t>(x);
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t i = 0; i < h; ++i)
      for (int64_t j = 0; j < w; ++j)
        padded[(ch * ph + i + 1) * pw + j] = xv[(ch * h + i) * w + j];
  auto fv = values<int8_t>(f);
  auto fo = values<int8_t>(fOffset);
  auto bv = values<int32_t>(bias);
  auto yv = values<int32_t>(y);
  for (int64_t oc = 0; oc < m; ++oc)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        int64_t ref = bv[oc];
        for (int64_t ic = 0; ic < cg; ++ic)
          for (int64_t a = 0; a < kh; ++a)
            for (int64_t b = 0; b < kw; ++b)
              ref += (padded[((oc / 3 * cg + ic) * ph + i * 2 + a) * pw + j +
                             b * 2] -
                      131) *
                     (fv[((oc * cg + ic) * kh + a) * kw + b] - fo[oc]);
        EXPECT_EQ(yv[(oc * oh + i) * ow + j], ref)
            << oc << " " << i << " " << j;
      }
}

TEST(HostQuantConv2D, CheckNamesBadOffsetsAndShapes) {
  Buffer x = empty(DType::U8, {1, 1, 3, 3}), f = empty(DType::U8, {2, 1, 2, 2});
  Buffer bias = empty(DType::I32, {2}), xOffset = empty(DType::U8, {});
  Buffer y = empty(DType::I32, {1, 2, 2, 2});
  Buffer wrongType = empty(DType::I8, {});
  auto st = runHost("QuantConv2D", {&x, &f, &bias, &xOffset, &wrongType}, {&y});
  EXPECT_NE(st.message().find("filter_offset must have the dtype"),
            std::string::npos)
      << st.message();
  Buffer three = empty(DType::U8, {3});
  st = runHost("QuantConv2D", {&x, &f, &bias, &xOffset, &three}, {&y});
  EXPECT_NE(st.message().find("or one per output channel (2)"),
            std::string::npos)
      << st.message();
  Buffer twoX = empty(DType::U8, {2});
  st = runHost("QuantConv2D", {&x, &f, &bias, &twoX, &xOffset}, {&y});
  EXPECT_NE(st.message().find("x_offset of shape [2] must hold one element"),
            std::string::npos)
      << st.message();
  Buffer badY = empty(DType::I32, {1, 2, 3, 3});
  st = runHost("QuantConv2D", {&x, &f, &bias, &xOffset, &xOffset}, {&badY});
  EXPECT_NE(st.message().find("y must be [1,2,2,2]"), std::string::npos)
      << st.message();
}

TEST(HostQuantBatchMatMul, BroadcastsBatchesWithRowAndColumnOffsets) {
  // a [2, 1, 3, 4] int8, b [3, 4, 5] uint8: batch [2, 3].
  Buffer a =
      buffer(DType::I8, {2, 1, 3, 4}, randomInts<int8_t>(24, -128, 127, 3));
  Buffer b = buffer(DType::U8, {3, 4, 5}, randomInts<uint8_t>(60, 0, 255, 4));
  Buffer aOffset = buffer(DType::I8, {3}, std::vector<int8_t>{-1, 0, 9});
  Buffer bOffset =
      buffer(DType::U8, {5}, std::vector<uint8_t>{0, 128, 255, 7, 1});
  Buffer y = empty(DType::I32, {2, 3, 3, 5});
  ASSERT_TRUE(
      runHost("QuantBatchMatMul", {&a, &b, &aOffset, &bOffset}, {&y}).ok());
  auto av = values<int8_t>(a);
  auto bv = values<uint8_t>(b);
  auto ao = values<int8_t>(aOffset);
  auto bo = values<uint8_t>(bOffset);
  auto yv = values<int32_t>(y);
  for (int p = 0; p < 2; ++p)
    for (int q = 0; q < 3; ++q)
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 5; ++j) {
          int64_t ref = 0;
          for (int k = 0; k < 4; ++k)
            ref += (av[(p * 3 + i) * 4 + k] - ao[i]) *
                   (bv[(q * 4 + k) * 5 + j] - bo[j]);
          EXPECT_EQ(yv[((p * 3 + q) * 3 + i) * 5 + j], ref);
        }
}

TEST(HostQuantBatchMatMul, WrapsLikeInt32Accumulation) {
  // 40000 products of 255 * 255 exceed INT32_MAX: the result wraps.
  const int64_t k = 40000;
  Buffer a = buffer(DType::U8, {1, k}, std::vector<uint8_t>(k, 255));
  Buffer b = buffer(DType::U8, {k, 1}, std::vector<uint8_t>(k, 255));
  Buffer zero = buffer(DType::U8, {}, std::vector<uint8_t>{0});
  Buffer y = empty(DType::I32, {1, 1});
  ASSERT_TRUE(runHost("QuantBatchMatMul", {&a, &b, &zero, &zero}, {&y}).ok());
  uint32_t wrapped = static_cast<uint32_t>(uint64_t(k) * 65025u);
  EXPECT_EQ(values<int32_t>(y)[0], static_cast<int32_t>(wrapped));
  Buffer badOffset = buffer(DType::U8, {2}, std::vector<uint8_t>{0, 0});
  auto st = runHost("QuantBatchMatMul", {&a, &b, &badOffset, &zero}, {&y});
  EXPECT_NE(st.message().find("x1_offset of shape [2] must hold one element "
                              "or one per row (1)"),
            std::string::npos)
      << st.message();
}

TEST(HostMaxPoolWithArgmax, IndicesInBothStorageOrders) {
  // x [2, 1, 4, 5]: 3x3 windows, stride 2, pad 1 on every side.
  std::vector<float> xv(40);
  std::mt19937 gen(5);
  std::uniform_real_distribution<float> dist(-1, 1);
  for (float &v : xv)
    v = dist(gen);
  xv[7] = xv[8]; // a tie: the first in window order wins
  Buffer x = buffer(DType::F32, {2, 1, 4, 5}, xv);
  for (int64_t order : {0, 1}) {
    AttrMap attrs;
    attrs.set("ksize", std::vector<int64_t>{1, 1, 3, 3});
    attrs.set("strides", std::vector<int64_t>{1, 1, 2, 2});
    attrs.set("pads", std::vector<int64_t>{1, 1, 1, 1});
    attrs.set("storage_order", order);
    Buffer y = empty(DType::F32, {2, 1, 2, 3});
    Buffer idx = empty(DType::I64, {2, 1, 2, 3});
    ASSERT_TRUE(runHost("MaxPoolWithArgmax", {&x}, {&y, &idx}, attrs).ok());
    auto yv = values<float>(y);
    auto iv = values<int64_t>(idx);
    for (int b = 0; b < 2; ++b)
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j) {
          float best = -INFINITY;
          int64_t by = 0, bx = 0;
          for (int r = i * 2 - 1; r <= i * 2 + 1; ++r)
            for (int s = j * 2 - 1; s <= j * 2 + 1; ++s)
              if (r >= 0 && r < 4 && s >= 0 && s < 5 &&
                  xv[b * 20 + r * 5 + s] > best) {
                best = xv[b * 20 + r * 5 + s];
                by = r, bx = s;
              }
          int at = (b * 2 + i) * 3 + j;
          EXPECT_EQ(yv[at], best);
          EXPECT_EQ(iv[at], b * 20 + (order == 0 ? by * 5 + bx : by + bx * 4));
        }
  }
}

TEST(HostMaxUnpool, ScattersMaximaAndRefusesIndicesOutsideY) {
  Buffer x = buffer(DType::F32, {1, 1, 2, 2}, std::vector<float>{1, 2, 3, 4});
  Buffer idx =
      buffer(DType::I64, {1, 1, 2, 2}, std::vector<int64_t>{0, 3, 14, 15});
  Buffer shape = buffer(DType::I64, {4}, std::vector<int64_t>{1, 1, 4, 4});
  Buffer y = empty(DType::F32, {1, 1, 4, 4});
  ASSERT_TRUE(runHost("MaxUnpool", {&x, &idx, &shape}, {&y}).ok());
  std::vector<float> ref(16, 0);
  ref[0] = 1, ref[3] = 2, ref[14] = 3, ref[15] = 4;
  EXPECT_EQ(values<float>(y), ref);
  Buffer far =
      buffer(DType::I64, {1, 1, 2, 2}, std::vector<int64_t>{0, 3, 16, 15});
  auto st = runHost("MaxUnpool", {&x, &far, &shape}, {&y});
  EXPECT_NE(st.message().find("index 16 (element 2 of indices) is outside y"),
            std::string::npos)
      << st.message();
  // Indices flat over a [1, 1, 3, 3] index_shape land at the same
  // coordinates of the larger y (ONNX's output_shape pads at the end).
  AttrMap padded;
  padded.set("index_shape", std::vector<int64_t>{1, 1, 3, 3});
  Buffer idx3 =
      buffer(DType::I64, {1, 1, 2, 2}, std::vector<int64_t>{0, 4, 5, 8});
  ASSERT_TRUE(runHost("MaxUnpool", {&x, &idx3, &shape}, {&y}, padded).ok());
  std::vector<float> ref3(16, 0);
  ref3[0] = 1, ref3[5] = 2, ref3[6] = 3, ref3[10] = 4;
  EXPECT_EQ(values<float>(y), ref3);
  Buffer other = buffer(DType::I64, {4}, std::vector<int64_t>{1, 1, 5, 5});
  st = runHost("MaxUnpool", {&x, &idx, &other}, {&y});
  EXPECT_NE(st.message().find("compiled for [1,1,4,4]"), std::string::npos)
      << st.message();
}

/// Bilinear interpolation of an H x W plane at (y, x) inside it.
double bilinearAt(const std::vector<double> &plane, int64_t w, double y,
                  double x) {
  auto y0 = static_cast<int64_t>(std::floor(y)),
       x0 = static_cast<int64_t>(std::floor(x));
  double dy = y - y0, dx = x - x0;
  auto at = [&](int64_t r, int64_t c) { return plane[r * w + c]; };
  return (1 - dy) * ((1 - dx) * at(y0, x0) + dx * at(y0, x0 + 1)) +
         dy * ((1 - dx) * at(y0 + 1, x0) + dx * at(y0 + 1, x0 + 1));
}

TEST(HostROIAlign, AveragesBilinearSamplesInsideTheImage) {
  const int64_t c = 2, h = 8, w = 9;
  std::vector<double> xv(2 * c * h * w);
  std::mt19937 gen(6);
  std::uniform_real_distribution<double> dist(-1, 1);
  for (double &v : xv)
    v = dist(gen);
  Buffer x = buffer(DType::F64, {2, c, h, w}, xv);
  // Boxes in input coordinates x 2 (spatial_scale 0.5), well inside.
  std::vector<double> boxes = {2, 3, 12, 10, 1.5, 1, 9, 13};
  Buffer rois = buffer(DType::F64, {2, 4}, boxes);
  Buffer batch = buffer(DType::I64, {2}, std::vector<int64_t>{1, 0});
  for (bool aligned : {false, true}) {
    AttrMap attrs;
    attrs.set("pooled_height", int64_t(2));
    attrs.set("pooled_width", int64_t(3));
    attrs.set("sample_num", int64_t(2));
    attrs.set("spatial_scale", 0.5);
    attrs.set("aligned", int64_t(aligned));
    Buffer y = empty(DType::F64, {2, c, 2, 3});
    ASSERT_TRUE(runHost("ROIAlign", {&x, &rois, &batch}, {&y}, attrs).ok());
    auto yv = values<double>(y);
    for (int r = 0; r < 2; ++r) {
      double off = aligned ? 0.5 : 0;
      double x1 = boxes[r * 4] * 0.5 - off, y1 = boxes[r * 4 + 1] * 0.5 - off;
      double bw = (boxes[r * 4 + 2] - boxes[r * 4]) * 0.5 / 3;
      double bh = (boxes[r * 4 + 3] - boxes[r * 4 + 1]) * 0.5 / 2;
      int64_t image = r == 0 ? 1 : 0;
      for (int ch = 0; ch < c; ++ch) {
        std::vector<double> plane(xv.begin() + (image * c + ch) * h * w,
                                  xv.begin() + (image * c + ch + 1) * h * w);
        for (int i = 0; i < 2; ++i)
          for (int j = 0; j < 3; ++j) {
            double sum = 0;
            for (int sy = 0; sy < 2; ++sy)
              for (int sx = 0; sx < 2; ++sx)
                sum += bilinearAt(plane, w, y1 + (i + (sy + 0.5) / 2) * bh,
                                  x1 + (j + (sx + 0.5) / 2) * bw);
            EXPECT_NEAR(yv[((r * c + ch) * 2 + i) * 3 + j], sum / 4, 1e-9);
          }
      }
    }
  }
  Buffer badBatch = buffer(DType::I64, {2}, std::vector<int64_t>{0, 2});
  Buffer y = empty(DType::F64, {2, c, 1, 1});
  auto st = runHost("ROIAlign", {&x, &rois, &badBatch}, {&y});
  EXPECT_NE(st.message().find("batch index 2 of box 1 is outside [0, 2)"),
            std::string::npos)
      << st.message();
}

TEST(HostDynamicReshape, AllowZeroKeepsZerosAndChecksThePlannedShape) {
  Buffer x = empty(DType::F32, {0, 3, 4});
  Buffer shape = buffer(DType::I64, {3}, std::vector<int64_t>{3, 4, 0});
  Buffer y = empty(DType::F32, {3, 4, 0});
  AttrMap attrs;
  attrs.set("allowzero", int64_t(1));
  EXPECT_TRUE(runHost("DynamicReshape", {&x, &shape}, {&y}, attrs).ok());
  // Without allowzero a 0 copies x's dim: [3, 4, 4] has 48 elements, not 0.
  attrs.set("allowzero", int64_t(0));
  auto st = runHost("DynamicReshape", {&x, &shape}, {&y}, attrs);
  EXPECT_NE(st.message().find("does not hold x's 0 elements"),
            std::string::npos)
      << st.message();
  Buffer x2 = buffer(DType::F32, {2, 3}, std::vector<float>{1, 2, 3, 4, 5, 6});
  Buffer inferred = buffer(DType::I64, {2}, std::vector<int64_t>{-1, 2});
  Buffer y2 = empty(DType::F32, {3, 2});
  ASSERT_TRUE(runHost("DynamicReshape", {&x2, &inferred}, {&y2}).ok());
  EXPECT_EQ(values<float>(y2), values<float>(x2));
  Buffer y3 = empty(DType::F32, {2, 3});
  st = runHost("DynamicReshape", {&x2, &inferred}, {&y3});
  EXPECT_NE(st.message().find("the shape [3,2]"), std::string::npos)
      << st.message();
}

} // namespace
