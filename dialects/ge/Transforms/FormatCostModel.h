//===- FormatCostModel.h - NCHW vs NC1HWC0 costs of ge ops ------*- C++ -*-===//
//
// ge-select-formats' estimates of what an op costs in NCHW and in NC1HWC0
// (C0 = 16), and what a TransData between the two costs. The constants are
// fitted to `geflow_bench_cube --only formats` (every conv layer of
// ResNet-18/50 and MobileNetV2, both formats, the small-channel path and
// the TransData of each layer's input and output) on the 2-core AVX-512
// development machine; FormatCostModel.cpp has the figures. Re-measure there
// when a kernel path changes.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_DIALECTS_GE_TRANSFORMS_FORMATCOSTMODEL_H
#define GEFLOW_DIALECTS_GE_TRANSFORMS_FORMATCOSTMODEL_H

#include <cstdint>

namespace geflow::ge::formats {

/// A 2-D convolution as the cost model sees it (logical NCHW).
struct ConvShape {
  int64_t n, cin, cout, oh, ow, kh, kw, sh, groups;
};

/// Estimated seconds of the conv with NCHW input and output.
double convSecondsNchw(const ConvShape &s);
/// Estimated seconds with NC1HWC0 input and output.
double convSecondsC0(const ConvShape &s);
/// Estimated seconds of the small-channel path: NCHW input, NC1HWC0 output.
double convSecondsSmallChannel(const ConvShape &s);

/// Extra seconds an elementwise / pool / norm op over `elements` logical
/// elements with `channels` channels costs in NC1HWC0 (its padded lanes).
double paddedLaneSeconds(int64_t elements, int64_t channels);

/// Estimated seconds of one TransData of a tensor of `elements` logical
/// elements, to NC1HWC0 (`toC0`) or back.
double transDataSeconds(int64_t elements, int64_t channels, bool toC0);

} // namespace geflow::ge::formats

#endif
