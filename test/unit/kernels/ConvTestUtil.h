//===- ConvTestUtil.h - NCHW <-> NC1HWC0 helpers for the conv tests -------===//
#ifndef GEFLOW_TEST_CONVTESTUTIL_H
#define GEFLOW_TEST_CONVTESTUTIL_H

#include "CubeTestUtil.h"

#include <vector>

namespace geflow::kernels::testing {

/// NCHW -> NC1HWC0 (C0 = 16) with zero padded channels.
inline std::vector<float> toNc1hwc0(const std::vector<float> &x, int64_t n,
                                    int64_t c, int64_t hw) {
  int64_t c1 = (c + 15) / 16;
  std::vector<float> out(n * c1 * hw * 16, 0.0f);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t p = 0; p < hw; ++p)
        out[((i * c1 + ch / 16) * hw + p) * 16 + ch % 16] =
            x[(i * c + ch) * hw + p];
  return out;
}

/// NC1HWC0 -> NCHW values plus the padded channels' values, which must be 0.
inline std::vector<float> fromNc1hwc0(const float *x, int64_t n, int64_t c,
                                      int64_t hw, std::vector<float> *pads) {
  int64_t c1 = (c + 15) / 16;
  std::vector<float> out(n * c * hw);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t ch = 0; ch < c1 * 16; ++ch)
      for (int64_t p = 0; p < hw; ++p) {
        float v = x[((i * c1 + ch / 16) * hw + p) * 16 + ch % 16];
        if (ch < c)
          out[(i * c + ch) * hw + p] = v;
        else
          pads->push_back(v);
      }
  return out;
}

/// Elements a buffer of logical NCHW shape occupies in `format`.
inline int64_t physicalElements(const std::vector<int64_t> &nchw,
                                Format format) {
  if (format != Format::NC1HWC0)
    return nchw[0] * nchw[1] * nchw[2] * nchw[3];
  return nchw[0] * ((nchw[1] + 15) / 16) * nchw[2] * nchw[3] * 16;
}

} // namespace geflow::kernels::testing

#endif // GEFLOW_TEST_CONVTESTUTIL_H
