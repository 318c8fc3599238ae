//===- non_max_suppression.cpp - NonMaxSuppression on the host ------------===//
//
// ONNX NonMaxSuppression (GE NonMaxSuppressionV6): per batch and class,
// boxes with a score above score_threshold in descending score order (ties
// by box index), each kept unless its IoU with an already kept box exceeds
// iou_threshold, at most max_output_boxes_per_class of them. Output rows
// are [batch, class, box] int64 in that order. center_point_box = 0 gives
// boxes as two corners [y1, x1, y2, x2] (either diagonal), 1 as
// [x_center, y_center, width, height]. The row count depends on the
// values: it must equal the compiled output's.
//
//===----------------------------------------------------------------------===//
#include "kernels/host/value_shaped.h"

#include <algorithm>
#include <numeric>

namespace geflow::kernels::host {

namespace {

constexpr const char *kOp = "NonMaxSuppression";

struct Box {
  float y1, x1, y2, x2;
};

Box readBox(const float *b, bool centerPoint) {
  if (centerPoint)
    return {b[1] - b[3] / 2, b[0] - b[2] / 2, b[1] + b[3] / 2, b[0] + b[2] / 2};
  return {std::min(b[0], b[2]), std::min(b[1], b[3]), std::max(b[0], b[2]),
          std::max(b[1], b[3])};
}

float iou(const Box &a, const Box &b) {
  float areaA = (a.y2 - a.y1) * (a.x2 - a.x1);
  float areaB = (b.y2 - b.y1) * (b.x2 - b.x1);
  if (areaA <= 0 || areaB <= 0)
    return 0;
  float h = std::max(0.0f, std::min(a.y2, b.y2) - std::max(a.y1, b.y1));
  float w = std::max(0.0f, std::min(a.x2, b.x2) - std::max(a.x1, b.x1));
  float inter = h * w;
  return inter / (areaA + areaB - inter);
}

} // namespace

rt::Status hostCheckNonMaxSuppression(const std::vector<TensorDesc> &inputs,
                                      const std::vector<TensorDesc> &outputs,
                                      const AttrMap &attrs) {
  if (inputs.size() != 5 || outputs.size() != 1)
    return invalid("NonMaxSuppression takes boxes, scores, "
                   "max_output_boxes_per_class, iou_threshold and "
                   "score_threshold and gives one output");
  const TensorDesc &boxes = inputs[0], &scores = inputs[1];
  if (boxes.dtype != rt::DType::F32 || scores.dtype != rt::DType::F32)
    return unsupported("NonMaxSuppression on the host takes float32 boxes "
                       "and scores");
  if (boxes.shape.size() != 3 || boxes.shape[2] != 4 ||
      scores.shape.size() != 3 || scores.shape[0] != boxes.shape[0] ||
      scores.shape[2] != boxes.shape[1])
    return invalid("NonMaxSuppression needs boxes [batch, boxes, 4] and "
                   "scores [batch, classes, boxes]");
  if (rt::Status st =
          requireIndexVector(kOp, inputs[2], "max_output_boxes_per_class");
      !st.ok())
    return st;
  for (int i = 2; i < 5; ++i)
    if (numElements(inputs[i].shape) != 1)
      return invalid("NonMaxSuppression's max_output_boxes_per_class, "
                     "iou_threshold and score_threshold hold one element");
  if (inputs[3].dtype != rt::DType::F32 || inputs[4].dtype != rt::DType::F32)
    return invalid("NonMaxSuppression's thresholds must be float32");
  const TensorDesc &y = outputs[0];
  if (y.dtype != rt::DType::I64 || y.shape.size() != 2 || y.shape[1] != 3)
    return invalid("NonMaxSuppression's output must be int64 [count, 3]");
  int64_t format = attrs.getInt("center_point_box", 0);
  if (format != 0 && format != 1)
    return invalid("NonMaxSuppression center_point_box must be 0 or 1, not " +
                   std::to_string(format));
  return requirePlain(kOp, {boxes, scores, y});
}

rt::Status hostRunNonMaxSuppression(const rt::HostCallArgs &args) {
  const auto &descs = *args.inputDescs;
  int64_t batches = descs[0].shape[0], numBoxes = descs[0].shape[1];
  int64_t classes = descs[1].shape[1];
  bool centerPoint = args.attrs->getInt("center_point_box", 0) != 0;
  int64_t maxPerClass = readIndices(args.inputs[2], descs[2])[0];
  float iouThreshold = *static_cast<const float *>(args.inputs[3]);
  float scoreThreshold = *static_cast<const float *>(args.inputs[4]);
  const auto *boxData = static_cast<const float *>(args.inputs[0]);
  const auto *scoreData = static_cast<const float *>(args.inputs[1]);
  std::vector<int64_t> rows;
  std::vector<Box> boxes(numBoxes);
  std::vector<int64_t> order;
  std::vector<int64_t> kept;
  for (int64_t b = 0; b < batches; ++b) {
    for (int64_t i = 0; i < numBoxes; ++i)
      boxes[i] = readBox(boxData + (b * numBoxes + i) * 4, centerPoint);
    for (int64_t c = 0; c < classes; ++c) {
      const float *s = scoreData + (b * classes + c) * numBoxes;
      order.clear();
      for (int64_t i = 0; i < numBoxes; ++i)
        if (s[i] > scoreThreshold)
          order.push_back(i);
      std::stable_sort(order.begin(), order.end(),
                       [&](int64_t l, int64_t r) { return s[l] > s[r]; });
      kept.clear();
      for (int64_t i : order) {
        if (static_cast<int64_t>(kept.size()) >= maxPerClass)
          break;
        bool suppressed = std::any_of(kept.begin(), kept.end(), [&](int64_t k) {
          return iou(boxes[k], boxes[i]) > iouThreshold;
        });
        if (!suppressed) {
          kept.push_back(i);
          rows.insert(rows.end(), {b, c, i});
        }
      }
    }
  }
  auto count = static_cast<int64_t>(rows.size() / 3);
  if (rt::Status st =
          checkOutputShape(kOp, 0, (*args.outputDescs)[0], {count, 3});
      !st.ok())
    return st;
  std::copy(rows.begin(), rows.end(), static_cast<int64_t *>(args.outputs[0]));
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
