//===- FormatCostModel.cpp - NCHW vs NC1HWC0 costs of ge ops --------------===//
//
// Fitted to `geflow_bench_cube --only formats` on the 2-core AVX-512 (Zen 5)
// development machine, fp32, batch 1, 2 threads, two runs (ms, the second
// run's; load average ~2 from other builds; docs/kernels.md has more rows):
//
//   layer (cin x cout @ hw, k, s)     NCHW    5HD  5HD/NCHW  NCHW->5HD
//   conv1 3x64@224 k7 s2              1.49  10.54  7.1 (pad)   2.02
//   64x64@56 k3                       1.43   1.91  1.34        1.75
//   256x64@56 k1                      0.57   0.90  1.56        0.69
//   128x128@28 k3                     1.65   1.45  0.88        1.44
//   512x256@28 k1                     1.52   1.20  0.79        1.16
//   512x512@7 k3                      1.82   2.40  1.32 (1.02 in run 1)
//   mbv2 conv1 3x32@224 k3 s2         0.28   2.03  7.3         0.48
//   mbv2 32x16@112 k1                 0.15   0.39  2.60 (16-channel columns)
//   dw 32@112 k3 / dw 144@56 k3       0.19   0.83  4.5 / 3.7
//   dw 384@14 k3                      0.09   0.12  1.32
//   dw 576@14 k3 s2 / dw 960@7 k3     0.10   0.06  0.62 / 0.89
//   conv layers of whole nets: ResNet-50 53.3 -> 64.9 ms, ResNet-18
//   25.6 -> 37.3, MobileNetV2 7.0 -> 11.6
//   TransData: about 0.13 ns per element to NC1HWC0, 0.2-0.3 back
//   (64x56x56: 0.027 / 0.038 ms).
//
// So on this machine NC1HWC0 rarely pays: the GEMM paths lose what
// channels fill badly in 48-column panels (the NCHW path puts the pixels
// there) and what 16-channel blocks pad; depthwise loses at large planes
// and only wins at 7x7 / strided 14x14; 1x1 and strided layers with 256+
// channels at 14-28 win 5-20%, by amounts that move between runs. The
// model: a GEMM conv runs at kGemmMacsPerSecond in NCHW (over its own lane
// waste), the NC1HWC0 path pays its channel padding (K to 16, columns to
// 48) and the small-channel path its columns; depthwise uses the measured
// ratio by output size.
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
  // panels (measured 1.35x NCHW for the 64-channel ResNet stem, 1.7x for
  // MobileNetV2's 32-channel one).
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
