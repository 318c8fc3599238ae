//===- WarmupRequests.h - TF Serving's stored warm-up requests --*- C++ -*-===//
//
// TF Serving warms a version up with requests stored beside it, in
// VERSION/assets.extra/tf_serving_warmup_requests: a TFRecord file of
// serialized tensorflow.serving.PredictionLog records (at most 1000), as
// tf.io.TFRecordWriter or geflow.serving.write_warmup_requests writes them.
// geflow-serve replays each record's PredictRequest through the request
// path before the version serves; a record it cannot replay (bad framing
// or CRC, not a predict log, unknown input, wrong dtype or shape) fails the
// load with a message naming the file and the record.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SERVE_WARMUPREQUESTS_H
#define GEFLOW_SERVE_WARMUPREQUESTS_H

#include "Servable.h"

#include <string>
#include <string_view>

namespace tensorflow {
class TensorProto;
} // namespace tensorflow

namespace geflow::serve {

/// Where TF Serving looks for a version's warm-up requests.
constexpr const char *kWarmupRequestsPath =
    "assets.extra/tf_serving_warmup_requests";
/// TF Serving's bound on the records of a warm-up file.
constexpr size_t kMaxWarmupRecords = 1000;

/// A TensorFlow TensorProto as a tensor (named `name`): its dtype must be
/// one geflow models take, its values given as tensor_content (exactly the
/// shape's bytes) or as the dtype's value field (fewer values than the shape
/// holds repeat the last, none are zeros: TensorFlow's rules).
Result<Tensor> tensorFromProto(const tensorflow::TensorProto &proto,
                               const std::string &name);

/// The inputs (in the model's input order) of one warm-up record, a
/// serialized PredictionLog holding a predict_log.
Result<std::vector<Tensor>> decodeWarmupRecord(std::string_view record,
                                               const Signature &signature);

/// Replays the warm-up file at `path` on `servable`; returns the number of
/// requests replayed (0 when there is no such file). An error names the
/// file and the record.
Result<size_t> replayWarmupRequests(Servable &servable,
                                    const std::string &path);

} // namespace geflow::serve

#endif // GEFLOW_SERVE_WARMUPREQUESTS_H
