//===- WarmupRequests.cpp - TF Serving's stored warm-up requests ----------===//
#include "WarmupRequests.h"

#include "TfRecord.h"

#include "geflow/Support/InputLimits.h"

#include "proto/prediction_log.pb.h"

#include <cstring>
#include <filesystem>

namespace geflow::serve {

namespace {

/// protobuf parses at most 2 GiB; a warm-up file is read whole.
constexpr uint64_t kMaxWarmupFileBytes = (uint64_t(1) << 31) - 1;
/// A tensor filled from fewer values than its shape holds is sized by its
/// shape alone: bounded so a few bytes cannot ask for gigabytes.
constexpr uint64_t kMaxSplatTensorBytes = uint64_t(256) << 20;

std::optional<rt::DType> dtypeOf(tensorflow::DataType dtype) {
  switch (dtype) {
  case tensorflow::DT_FLOAT:
    return rt::DType::F32;
  case tensorflow::DT_HALF:
    return rt::DType::F16;
  case tensorflow::DT_BFLOAT16:
    return rt::DType::BF16;
  case tensorflow::DT_INT8:
    return rt::DType::I8;
  case tensorflow::DT_UINT8:
    return rt::DType::U8;
  case tensorflow::DT_INT32:
    return rt::DType::I32;
  case tensorflow::DT_INT64:
    return rt::DType::I64;
  case tensorflow::DT_BOOL:
    return rt::DType::Bool;
  case tensorflow::DT_DOUBLE:
    return rt::DType::F64;
  case tensorflow::DT_INT16:
    return rt::DType::I16;
  case tensorflow::DT_UINT16:
    return rt::DType::U16;
  case tensorflow::DT_UINT32:
    return rt::DType::U32;
  case tensorflow::DT_UINT64:
    return rt::DType::U64;
  default:
    return std::nullopt;
  }
}

/// The value field a TensorProto of `dtype` carries its values in, and
/// how many values it has (tensorflow/core/framework/tensor.proto).
struct ValueField {
  const char *name;
  int size;
};

ValueField valueField(const tensorflow::TensorProto &p, rt::DType dtype) {
  switch (dtype) {
  case rt::DType::F32:
    return {"float_val", p.float_val_size()};
  case rt::DType::F16:
  case rt::DType::BF16:
    return {"half_val", p.half_val_size()};
  case rt::DType::I8:
  case rt::DType::U8:
  case rt::DType::I16:
  case rt::DType::U16:
  case rt::DType::I32:
    return {"int_val", p.int_val_size()};
  case rt::DType::I64:
    return {"int64_val", p.int64_val_size()};
  case rt::DType::Bool:
    return {"bool_val", p.bool_val_size()};
  case rt::DType::F64:
    return {"double_val", p.double_val_size()};
  case rt::DType::U32:
    return {"uint32_val", p.uint32_val_size()};
  case rt::DType::U64:
    return {"uint64_val", p.uint64_val_size()};
  case rt::DType::String: // models with strings are refused at load
    break;
  }
  return {"?", 0};
}

/// Value `i` of the dtype's field stored as element `index`.
bool storeValue(const tensorflow::TensorProto &p, rt::DType dtype, int i,
                uint8_t *data, int64_t index, std::string *why) {
  switch (dtype) {
  case rt::DType::F32:
    return storeElement(p.float_val(i), false, 0, dtype, data, index, why);
  case rt::DType::F16:
  case rt::DType::BF16: {
    int32_t bits = p.half_val(i);
    if (bits < 0 || bits > 0xffff) {
      *why = "is not a 16-bit pattern";
      return false;
    }
    uint16_t h = uint16_t(bits);
    std::memcpy(data + index * 2, &h, 2);
    return true;
  }
  case rt::DType::I8:
  case rt::DType::U8:
  case rt::DType::I16:
  case rt::DType::U16:
  case rt::DType::I32:
    return storeElement(0, true, p.int_val(i), dtype, data, index, why);
  case rt::DType::I64:
    return storeElement(0, true, p.int64_val(i), dtype, data, index, why);
  case rt::DType::Bool:
    return storeElement(0, true, p.bool_val(i), dtype, data, index, why);
  case rt::DType::F64:
    return storeElement(p.double_val(i), false, 0, dtype, data, index, why);
  case rt::DType::U32:
    return storeElement(0, true, p.uint32_val(i), dtype, data, index, why);
  case rt::DType::U64: {
    // The whole uint64 range (storeElement takes int64).
    uint64_t v = p.uint64_val(i);
    std::memcpy(data + index * 8, &v, 8);
    return true;
  }
  case rt::DType::String: // models with strings are refused at load
    break;
  }
  *why = "has a dtype geflow-serve does not serve";
  return false;
}

/// The value fields set that `dtype` does not read (named in the error).
const char *strayValueField(const tensorflow::TensorProto &p, rt::DType dtype) {
  std::string_view mine = valueField(p, dtype).name;
  std::pair<const char *, int> fields[] = {
      {"float_val", p.float_val_size()},   {"half_val", p.half_val_size()},
      {"int_val", p.int_val_size()},       {"int64_val", p.int64_val_size()},
      {"bool_val", p.bool_val_size()},     {"double_val", p.double_val_size()},
      {"string_val", p.string_val_size()}, {"uint32_val", p.uint32_val_size()},
      {"uint64_val", p.uint64_val_size()},
  };
  for (const auto &[name, size] : fields)
    if (size > 0 && mine != name)
      return name;
  return nullptr;
}

} // namespace

Result<Tensor> tensorFromProto(const tensorflow::TensorProto &proto,
                               const std::string &name) {
  std::string where = "input '" + name + "'";
  std::optional<rt::DType> dtype = dtypeOf(proto.dtype());
  if (!dtype)
    return invalidArgument(
        where + " has dtype " + tensorflow::DataType_Name(proto.dtype()) +
        ", which geflow models do not take (DT_FLOAT, DT_DOUBLE, DT_HALF, "
        "DT_BFLOAT16, DT_INT8, DT_UINT8, DT_INT16, DT_UINT16, DT_INT32, "
        "DT_UINT32, DT_INT64, DT_UINT64, DT_BOOL)");
  Tensor t;
  t.name = name;
  t.dtype = *dtype;
  if (proto.tensor_shape().unknown_rank())
    return invalidArgument(where + " has an unknown rank");
  for (const auto &dim : proto.tensor_shape().dim()) {
    if (dim.size() < 0)
      return invalidArgument(where + " has an unknown (-1) dim: warm-up "
                                     "tensors have whole shapes");
    t.shape.push_back(dim.size());
  }
  int64_t count = elementCount(t.shape);
  if (count < 0)
    return invalidArgument(where +
                           " has a shape too large: " + shapeString(t.shape));
  uint64_t bytes = uint64_t(count) * rt::dtypeSize(t.dtype);
  if (const char *stray = strayValueField(proto, t.dtype))
    return invalidArgument(where + " is " +
                           tensorflow::DataType_Name(proto.dtype()) +
                           " but carries " + stray + " values");
  if (!proto.tensor_content().empty()) {
    if (proto.tensor_content().size() != bytes)
      return invalidArgument(
          where + " has " + std::to_string(proto.tensor_content().size()) +
          " bytes of tensor_content but shape " + shapeString(t.shape) +
          " takes " + std::to_string(bytes));
    t.data.assign(proto.tensor_content().begin(), proto.tensor_content().end());
    Status bools = checkRawBools(t, where);
    if (!bools.ok())
      return bools;
    return t;
  }
  ValueField field = valueField(proto, t.dtype);
  if (field.size > count)
    return invalidArgument(where + " has " + std::to_string(field.size) +
                           " values in " + field.name + " but shape " +
                           shapeString(t.shape) + " holds " +
                           std::to_string(count));
  if (field.size < count && bytes > kMaxSplatTensorBytes)
    return invalidArgument(where + " of shape " + shapeString(t.shape) +
                           " is filled from " + std::to_string(field.size) +
                           " values: such a tensor may have at most " +
                           std::to_string(kMaxSplatTensorBytes) +
                           " bytes (give tensor_content instead)");
  t.data.assign(bytes, 0);
  std::string why;
  for (int64_t i = 0; i < count && field.size > 0; ++i) {
    // TensorFlow repeats the last value over the rest of the shape.
    int v = int(std::min<int64_t>(i, field.size - 1));
    if (!storeValue(proto, t.dtype, v, t.data.data(), i, &why))
      return invalidArgument(where + " " + field.name + "[" +
                             std::to_string(v) + "] " + why);
  }
  return t;
}

Result<std::vector<Tensor>> decodeWarmupRecord(std::string_view record,
                                               const Signature &signature) {
  tensorflow::serving::PredictionLog log;
  if (record.size() > size_t(INT32_MAX) ||
      !log.ParseFromArray(record.data(), int(record.size())))
    return invalidArgument(
        "the record is not a tensorflow.serving.PredictionLog "
        "(protobuf parse failed)");
  using Log = tensorflow::serving::PredictionLog;
  switch (log.log_type_case()) {
  case Log::kPredictLog:
    break;
  case Log::LOG_TYPE_NOT_SET:
    return invalidArgument(
        "the record holds no predict_log (no log type is set)");
  default: {
    const char *kind = log.has_classify_log()           ? "classify_log"
                       : log.has_regress_log()          ? "regress_log"
                       : log.has_multi_inference_log()  ? "multi_inference_log"
                       : log.has_predict_streamed_log() ? "predict_streamed_log"
                                                        : "session_run_log";
    return invalidArgument(std::string("the record holds a ") + kind +
                           "; geflow models answer predict requests only "
                           "(predict_log)");
  }
  }
  const tensorflow::serving::PredictRequest &request =
      log.predict_log().request();
  const std::string &signatureName = request.model_spec().signature_name();
  if (!signatureName.empty() && signatureName != "serving_default")
    return invalidArgument("the record asks for signature '" + signatureName +
                           "': geflow models have one signature, "
                           "'serving_default'");
  std::vector<std::pair<std::string, bool>> filter;
  for (const std::string &name : request.output_filter())
    filter.emplace_back(name, false);
  Result<std::vector<RequestedOutput>> outputs =
      resolveOutputs(filter, false, signature);
  if (!outputs.ok())
    return outputs.status();
  std::vector<Tensor> given;
  for (const auto &[name, proto] : request.inputs()) {
    // A dtype or shape the model does not take is named before the values
    // are read (and before a shape sizes memory).
    for (const TensorSpec &spec : signature.inputs) {
      if (spec.name != name)
        continue;
      std::optional<rt::DType> dtype = dtypeOf(proto.dtype());
      if (dtype != spec.dtype)
        return invalidArgument("input '" + name + "' has dtype " +
                               tensorflow::DataType_Name(proto.dtype()) +
                               " but the model's input '" + spec.name +
                               "' is " + std::string(tfDTypeName(spec.dtype)));
    }
    Result<Tensor> t = tensorFromProto(proto, name);
    if (!t.ok())
      return t.status();
    given.push_back(std::move(*t));
  }
  return orderInputs(std::move(given), signature);
}

Result<size_t> replayWarmupRequests(Servable &servable,
                                    const std::string &path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return size_t(0);
  std::string file = "warm-up file '" + path + "'";
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> buffer =
      readInputFile(path, kMaxWarmupFileBytes, error,
                    /*requiresNullTerminator=*/false);
  if (!buffer)
    return invalidArgument("cannot read the " + file + ": " + error);
  std::string_view bytes(buffer->getBufferStart(), buffer->getBufferSize());
  Result<std::vector<std::string_view>> records = splitTfRecords(bytes);
  if (!records.ok())
    return invalidArgument(file + ": " + records.status().message());
  if (records->size() > kMaxWarmupRecords)
    return invalidArgument(file + " has " + std::to_string(records->size()) +
                           " records, more than the " +
                           std::to_string(kMaxWarmupRecords) +
                           " TF Serving allows");
  for (size_t i = 0; i < records->size(); ++i) {
    std::string where = file + ": record " + std::to_string(i + 1);
    Result<std::vector<Tensor>> inputs =
        decodeWarmupRecord((*records)[i], servable.signature());
    if (!inputs.ok())
      return invalidArgument(where + ": " + inputs.status().message());
    Result<std::vector<Tensor>> outputs = servable.infer(
        std::move(*inputs), Clock::now() + std::chrono::seconds(60));
    if (!outputs.ok())
      return invalidArgument(
          where + ": the request failed: " + outputs.status().message());
  }
  return records->size();
}

} // namespace geflow::serve
