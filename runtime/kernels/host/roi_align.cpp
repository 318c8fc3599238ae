//===- roi_align.cpp - ROIAlign on the host -------------------------------===//
//
// ge.ROIAlign (ONNX RoiAlign-10/16), computed as ONNX Runtime does (the
// ONNX reference follows it): per box and bin, sample_num x sample_num
// bilinear samples (ceil(bin size) when 0), samples more than one pixel
// outside the image count as zero, ones near the border clamp to it;
// "avg" averages them, "max" takes the largest weighted corner of each
// sample. Computed in double, rounded once to the output dtype.
//
//===----------------------------------------------------------------------===//
#include "kernels/host/value_shaped.h"

#include <algorithm>
#include <cmath>

namespace geflow::kernels::host {

namespace {
constexpr const char *kOp = "ROIAlign";

bool isFloatType(rt::DType t) {
  return t == rt::DType::F32 || t == rt::DType::F16 || t == rt::DType::BF16 ||
         t == rt::DType::F64;
}

/// The four corners and weights of one bilinear sample.
struct Sample {
  int64_t pos[4] = {0, 0, 0, 0};
  double weight[4] = {0, 0, 0, 0};
};

Sample bilinear(double y, double x, int64_t height, int64_t width) {
  Sample s;
  if (y < -1.0 || y > height || x < -1.0 || x > width)
    return s; // outside: contributes zero
  y = std::max(y, 0.0);
  x = std::max(x, 0.0);
  auto yLow = static_cast<int64_t>(y), xLow = static_cast<int64_t>(x);
  int64_t yHigh = yLow + 1, xHigh = xLow + 1;
  if (yLow >= height - 1) {
    yHigh = yLow = height - 1;
    y = static_cast<double>(yLow);
  }
  if (xLow >= width - 1) {
    xHigh = xLow = width - 1;
    x = static_cast<double>(xLow);
  }
  double ly = y - yLow, lx = x - xLow, hy = 1 - ly, hx = 1 - lx;
  s.pos[0] = yLow * width + xLow;
  s.pos[1] = yLow * width + xHigh;
  s.pos[2] = yHigh * width + xLow;
  s.pos[3] = yHigh * width + xHigh;
  s.weight[0] = hy * hx;
  s.weight[1] = hy * lx;
  s.weight[2] = ly * hx;
  s.weight[3] = ly * lx;
  return s;
}
} // namespace

rt::Status hostCheckROIAlign(const std::vector<TensorDesc> &inputs,
                             const std::vector<TensorDesc> &outputs,
                             const AttrMap &attrs) {
  if (inputs.size() != 3 || outputs.size() != 1)
    return invalid("ROIAlign takes x, rois and batch_indices and gives y");
  const TensorDesc &x = inputs[0], &rois = inputs[1], &idx = inputs[2];
  if (!isFloatType(x.dtype) || rois.dtype != x.dtype ||
      outputs[0].dtype != x.dtype)
    return invalid("ROIAlign's x, rois and y must share one float dtype");
  if (!isIndexType(idx.dtype))
    return invalid("ROIAlign's batch_indices must be int32 or int64");
  if (x.shape.size() != 4 || rois.shape.size() != 2 || rois.shape[1] != 4 ||
      idx.shape != std::vector<int64_t>{rois.shape[0]})
    return invalid("ROIAlign needs x [N, C, H, W], rois [R, 4] and "
                   "batch_indices [R], got " +
                   shapeText(x.shape) + ", " + shapeText(rois.shape) + ", " +
                   shapeText(idx.shape));
  int64_t ph = attrs.getInt("pooled_height", 1);
  int64_t pw = attrs.getInt("pooled_width", 1);
  if (ph < 1 || pw < 1 || attrs.getInt("sample_num", 0) < 0)
    return invalid("ROIAlign: pooled sizes must be >= 1 and sample_num >= 0");
  std::string mode = attrs.getString("pool_mode", "avg");
  if (mode != "avg" && mode != "max")
    return invalid("ROIAlign: pool_mode must be avg or max, got " + mode);
  std::vector<int64_t> shape = {rois.shape[0], x.shape[1], ph, pw};
  if (outputs[0].shape != shape)
    return invalid("ROIAlign's y must be " + shapeText(shape) + ", got " +
                   shapeText(outputs[0].shape));
  return requirePlain(kOp, {x, rois, idx, outputs[0]});
}

rt::Status hostRunROIAlign(const rt::HostCallArgs &args) {
  const TensorDesc &x = (*args.inputDescs)[0];
  const AttrMap &attrs = *args.attrs;
  int64_t channels = x.shape[1], height = x.shape[2], width = x.shape[3];
  int64_t ph = attrs.getInt("pooled_height", 1);
  int64_t pw = attrs.getInt("pooled_width", 1);
  int64_t sampleNum = attrs.getInt("sample_num", 0);
  double scale = attrs.getFloat("spatial_scale", 1.0);
  bool aligned = attrs.getInt("aligned", 0) != 0;
  bool maxMode = attrs.getString("pool_mode", "avg") == "max";
  const TensorDesc &yDesc = (*args.outputDescs)[0];
  int64_t numRois = yDesc.shape[0];
  std::vector<int64_t> batch =
      readIndices(args.inputs[2], (*args.inputDescs)[2]);
  const void *in = args.inputs[0];
  std::vector<Sample> samples;
  for (int64_t r = 0; r < numRois; ++r) {
    if (batch[r] < 0 || batch[r] >= x.shape[0])
      return invalid(std::string(kOp) + ": batch index " +
                     std::to_string(batch[r]) + " of box " + std::to_string(r) +
                     " is outside [0, " + std::to_string(x.shape[0]) + ")");
    double box[4];
    for (int i = 0; i < 4; ++i)
      box[i] = loadAsDouble(x.dtype, args.inputs[1], r * 4 + i);
    double offset = aligned ? 0.5 : 0.0;
    double startW = box[0] * scale - offset, startH = box[1] * scale - offset;
    double roiW = box[2] * scale - offset - startW;
    double roiH = box[3] * scale - offset - startH;
    if (!aligned) {
      roiW = std::max(roiW, 1.0);
      roiH = std::max(roiH, 1.0);
    }
    double binH = roiH / ph, binW = roiW / pw;
    double gridHF = sampleNum > 0 ? sampleNum : std::ceil(roiH / ph);
    double gridWF = sampleNum > 0 ? sampleNum : std::ceil(roiW / pw);
    if (!(gridHF <= 1e6 && gridWF <= 1e6))
      return invalid(std::string(kOp) + ": box " + std::to_string(r) +
                     " is not finite or too large to sample");
    auto gridH = static_cast<int64_t>(gridHF);
    auto gridW = static_cast<int64_t>(gridWF);
    // A malformed box (NaN, huge) must not make the grid explode.
    constexpr int64_t kMaxSamplesPerBin = int64_t(1) << 20;
    if (!std::isfinite(roiH) || !std::isfinite(roiW) || gridH < 0 ||
        gridW < 0 || gridH * gridW > kMaxSamplesPerBin)
      return invalid(std::string(kOp) + ": box " + std::to_string(r) +
                     " is not finite or too large to sample");
    double count = std::max<int64_t>(gridH * gridW, 1);
    samples.clear();
    for (int64_t py = 0; py < ph; ++py)
      for (int64_t px = 0; px < pw; ++px)
        for (int64_t iy = 0; iy < gridH; ++iy)
          for (int64_t ix = 0; ix < gridW; ++ix)
            samples.push_back(bilinear(
                startH + py * binH + (iy + 0.5) * binH / gridH,
                startW + px * binW + (ix + 0.5) * binW / gridW, height, width));
    int64_t perBin = gridH * gridW;
    for (int64_t c = 0; c < channels; ++c) {
      int64_t plane = (batch[r] * channels + c) * height * width;
      for (int64_t bin = 0; bin < ph * pw; ++bin) {
        double value = 0;
        for (int64_t s = 0; s < perBin; ++s) {
          const Sample &sample = samples[bin * perBin + s];
          double corner[4];
          for (int i = 0; i < 4; ++i)
            corner[i] = sample.weight[i] *
                        loadAsDouble(x.dtype, in, plane + sample.pos[i]);
          if (!maxMode)
            value += corner[0] + corner[1] + corner[2] + corner[3];
          else
            value = std::max({s == 0 ? corner[0] : value, corner[0], corner[1],
                              corner[2], corner[3]});
        }
        if (!maxMode)
          value /= count;
        storeFromDouble(yDesc.dtype, args.outputs[0],
                        (r * channels + c) * ph * pw + bin, value);
      }
    }
  }
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
