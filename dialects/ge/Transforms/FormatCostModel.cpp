//===- FormatCostModel.cpp - NCHW vs NC1HWC0 costs of ge ops --------------===//
//
// Fitted to `geflow_bench_cube --only formats` on the 2-core AVX-512 (Zen 5)
// development machine, fp32, batch 1, 2 threads (ms, NCHW -> NC1HWC0):
//
//   layer (cin x cout @ hw, k, s)        NCHW   5HD   5HD/NCHW
//   conv1 3x64@224 k7 s2                 1.41  10.38  7.4  (C0 padding)
//   64x64@56 k3                          1.34   1.85  1.38
//   64x64@56 k1                          0.15   0.24  1.59
//   128x128@28 k3                        1.32   1.42  1.07
//   256x256@28 k3 s2                     1.44   1.30  0.90
//   512x1024@28 k1 s2                    1.18   1.10  0.93
//   512x512@7 k3                         1.37   1.39  1.02
//   mbv2 32x16@112 k1                    0.11   0.29  2.80 (16-channel
//   mbv2 144x24@56 k1                    0.13   0.35  2.69  columns)
//   dw 32@112 k3 / dw 144@56 k3          0.14   0.58  4.2
//   dw 384@14 k3                         0.07   0.11  1.65
//   dw 576@14 k3 s2 / dw 960@7 k3        0.08   0.05  0.63 / 0.86
//   whole nets (conv layers only):  ResNet-50 105 -> 122 ms-sum,
//   ResNet-18 21.4 -> 32.6, MobileNetV2 5.5 -> 9.7
//   TransData: about 0.13 ns per element to NC1HWC0, 0.28 back
//   (64x56x56: 0.025 / 0.057 ms).
//
// So on this machine NC1HWC0 rarely pays: the GEMM paths lose what
// channels fill badly in 48-column panels (the NCHW path puts the pixels
// there), depthwise loses at large planes and only wins at 7x7 / strided
// 14x14. The model: a GEMM conv runs at kGemmMacsPerSecond in NCHW (over
// its own lane waste) and the NC1HWC0 path pays its channel padding (K to
// 16, columns to 48); depthwise uses the measured ratio by output size.
//
//===----------------------------------------------------------------------===//
#include "dialects/ge/Transforms/FormatCostModel.h"

#include <algorithm>

namespace geflow::ge::formats {
namespace {

constexpr double kGemmMacsPerSecond = 85e9;
constexpr double kDepthwiseMacsPerSecond = 25e9;
// Both formats lose the same to launches; the NC1HWC0 GEMM reads its
// im2col rows a little faster where nothing is padded (0.90-0.95 measured).
constexpr double kC0GemmEdge = 0.95;
constexpr double kToC0SecondsPerElement = 0.13e-9;
constexpr double kFromC0SecondsPerElement = 0.28e-9;
constexpr double kTransDataLaunchSeconds = 3e-6;
constexpr double kElementwiseSecondsPerElement = 0.1e-9;

int64_t roundUp(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

double macs(const ConvShape &s) {
  return double(s.n) * s.cout * (s.cin / s.groups) * s.kh * s.kw * s.oh * s.ow;
}

bool isDepthwise(const ConvShape &s) {
  return s.groups > 1 && s.groups == s.cin;
}

/// Lanes the NCHW GEMM wastes: pixels along 16-lane vectors, or (few
/// pixels) the pixel-rows variant with channels along them.
double nchwLaneWaste(const ConvShape &s) {
  const int64_t pixels = s.oh * s.ow, coutG = s.cout / s.groups;
  const double pixelWaste = double(roundUp(pixels, 16)) / pixels;
  const double channelWaste = double(roundUp(coutG, 16)) / coutG;
  return std::min(pixelWaste, channelWaste * 1.15);
}

/// 5HD/NCHW of depthwise convs by output plane size (measured above).
double depthwiseC0Ratio(const ConvShape &s) {
  const int64_t o = std::max(s.oh, s.ow);
  if (s.sh == 1)
    return o >= 56 ? 4.2 : o >= 28 ? 2.8 : o >= 14 ? 1.6 : 0.86;
  return o >= 56 ? 2.0 : o >= 28 ? 1.55 : o >= 14 ? 0.93 : 0.63;
}

} // namespace

double convSecondsNchw(const ConvShape &s) {
  if (isDepthwise(s))
    return macs(s) / kDepthwiseMacsPerSecond;
  return macs(s) * nchwLaneWaste(s) / kGemmMacsPerSecond;
}

double convSecondsC0(const ConvShape &s) {
  if (isDepthwise(s) && s.cout == s.cin)
    return convSecondsNchw(s) * depthwiseC0Ratio(s);
  const int64_t cinG = s.cin / s.groups, coutG = s.cout / s.groups;
  // K padded to whole C0 blocks (groups == 1), output channels along
  // 48-column panels.
  const double kWaste = s.groups == 1 ? double(roundUp(cinG, 16)) / cinG : 1.0;
  const double columnWaste = double(roundUp(coutG, 48)) / coutG;
  return macs(s) * kWaste * columnWaste * kC0GemmEdge / kGemmMacsPerSecond;
}

double convSecondsSmallChannel(const ConvShape &s) {
  // The pixel-rows im2col of the NCHW path with channels along 48-column
  // panels (measured 1.0-1.2x NCHW for 3-channel stems).
  const int64_t coutG = s.cout / s.groups;
  return macs(s) * double(roundUp(coutG, 48)) / coutG / kGemmMacsPerSecond;
}

double paddedLaneSeconds(int64_t elements, int64_t channels) {
  if (channels <= 0)
    return 0;
  const double padded = double(roundUp(channels, 16)) / channels - 1.0;
  return elements * padded * kElementwiseSecondsPerElement;
}

double transDataSeconds(int64_t elements, int64_t channels, bool toC0) {
  const double physical =
      channels > 0 ? double(elements) * roundUp(channels, 16) / channels
                   : double(elements);
  return kTransDataLaunchSeconds +
         physical * (toC0 ? kToC0SecondsPerElement : kFromC0SecondsPerElement);
}

} // namespace geflow::ge::formats
