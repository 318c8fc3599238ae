//===- Warmup.cpp - Warming a version up before it serves -----------------===//
#include "Warmup.h"

#include "GrpcCodec.h"
#include "JsonTensor.h"
#include "KServeCodec.h"
#include "TfServingCodec.h"

#include <functional>

namespace geflow::serve {

namespace {

/// Zero tensors of the gear's input shapes.
std::vector<Tensor> zeroRequest(const rt::GearInfo &gear) {
  std::vector<Tensor> inputs;
  for (const rt::TensorInfo &info : gear.inputs) {
    Tensor t{info.name, info.dtype, info.shape, {}};
    t.data.assign(uint64_t(elementCount(t.shape)) * rt::dtypeSize(t.dtype), 0);
    inputs.push_back(std::move(t));
  }
  return inputs;
}

Result<std::vector<Tensor>> run(Servable &servable,
                                std::vector<Tensor> inputs) {
  return servable.infer(std::move(inputs),
                        Clock::now() + std::chrono::seconds(60));
}

Status warmKServe(Servable &servable, const std::vector<Tensor> &zeros,
                  bool binary) {
  std::string json = "{\"id\":\"warmup\",\"inputs\":[";
  std::string bytes;
  for (size_t i = 0; i < zeros.size(); ++i) {
    const Tensor &t = zeros[i];
    json += std::string(i ? "," : "") + "{\"name\":" + jsonQuote(t.name) +
            ",\"datatype\":\"" + std::string(kserveDTypeName(t.dtype)) +
            "\",\"shape\":" + shapeString(t.shape);
    if (binary) {
      json += ",\"parameters\":{\"binary_data_size\":" +
              std::to_string(t.data.size()) + "}}";
      bytes.append(t.data.begin(), t.data.end());
    } else {
      json += ",\"data\":";
      appendFlatJson(json, t.dtype, elementCount(t.shape), t.data.data());
      json += "}";
    }
  }
  json += "]";
  if (binary)
    json += ",\"parameters\":{\"binary_data_output\":true}";
  json += "}";
  std::optional<uint64_t> jsonLength;
  if (binary)
    jsonLength = json.size();
  Result<InferRequest> request =
      decodeKServeInfer(json + bytes, jsonLength, servable.signature());
  if (!request.ok())
    return request.status();
  Result<std::vector<Tensor>> outputs =
      run(servable, std::move(request->inputs));
  if (!outputs.ok())
    return outputs.status();
  encodeKServeInfer(servable.modelName(), std::to_string(servable.version()),
                    request->id, *outputs, request->outputs);
  return Status();
}

/// TF Serving's columnar request, written by the answer's encoder: the
/// answer {"outputs": X} of the inputs is the request {"inputs": X}.
Status warmTfServing(Servable &servable, const std::vector<Tensor> &zeros) {
  std::string body = encodeTfPredict(zeros, /*rowFormat=*/false);
  static constexpr std::string_view kKey = "{\"outputs\":";
  if (body.compare(0, kKey.size(), kKey) != 0)
    return Status(Code::kInternal, "unexpected TF Serving answer layout");
  body.replace(0, kKey.size(), "{\"inputs\":");
  Result<PredictRequest> request = decodeTfPredict(body, servable.signature());
  if (!request.ok())
    return request.status();
  Result<std::vector<Tensor>> outputs =
      run(servable, std::move(request->inputs));
  if (!outputs.ok())
    return outputs.status();
  encodeTfPredict(*outputs, request->rowFormat);
  return Status();
}

Status warmGrpc(Servable &servable, const std::vector<Tensor> &zeros) {
  inference::ModelInferRequest message;
  message.set_model_name(servable.modelName());
  for (const Tensor &t : zeros) {
    auto *in = message.add_inputs();
    in->set_name(t.name);
    in->set_datatype(std::string(kserveDTypeName(t.dtype)));
    for (int64_t d : t.shape)
      in->add_shape(d);
    message.add_raw_input_contents(std::string(t.data.begin(), t.data.end()));
  }
  Result<InferRequest> request = decodeGrpcInfer(message, servable.signature());
  if (!request.ok())
    return request.status();
  Result<std::vector<Tensor>> outputs =
      run(servable, std::move(request->inputs));
  if (!outputs.ok())
    return outputs.status();
  inference::ModelInferResponse response;
  encodeGrpcInfer(servable.modelName(), servable.version(), request->id,
                  *outputs, request->outputs, &response);
  return Status();
}

} // namespace

Status warmUpRequestPath(Servable &servable) {
  Status st = servable.warmUp();
  if (!st.ok())
    return st;
  const std::vector<rt::GearInfo> &gears = servable.gears();
  if (gears.empty() || gears[servable.smallestGear()].inputs.empty())
    return Status();
  std::vector<Tensor> zeros = zeroRequest(gears[servable.smallestGear()]);
  struct Step {
    const char *what;
    std::function<Status()> run;
  } steps[] = {
      {"KServe binary", [&] { return warmKServe(servable, zeros, true); }},
      {"KServe JSON", [&] { return warmKServe(servable, zeros, false); }},
      {"TF Serving JSON", [&] { return warmTfServing(servable, zeros); }},
      {"gRPC", [&] { return warmGrpc(servable, zeros); }},
  };
  for (Step &step : steps) {
    st = step.run();
    if (!st.ok())
      return Status(Code::kInternal, std::string("warm-up request (") +
                                         step.what +
                                         ") failed: " + st.message());
  }
  return Status();
}

} // namespace geflow::serve
