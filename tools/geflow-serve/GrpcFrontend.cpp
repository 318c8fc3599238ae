//===- GrpcFrontend.cpp - KServe v2 inference.GRPCInferenceService --------===//
#include "GrpcFrontend.h"

#include "GrpcCodec.h"

#include "proto/grpc_predict_v2.grpc.pb.h"

#include <grpcpp/grpcpp.h>

namespace geflow::serve {

namespace {

grpc::StatusCode grpcCode(Code code) {
  switch (code) {
  case Code::kOk:
    return grpc::StatusCode::OK;
  case Code::kInvalidArgument:
    return grpc::StatusCode::INVALID_ARGUMENT;
  case Code::kNotFound:
    return grpc::StatusCode::NOT_FOUND;
  case Code::kPayloadTooLarge:
  case Code::kResourceExhausted:
    return grpc::StatusCode::RESOURCE_EXHAUSTED;
  case Code::kDeadlineExceeded:
    return grpc::StatusCode::DEADLINE_EXCEEDED;
  case Code::kUnavailable:
    return grpc::StatusCode::UNAVAILABLE;
  case Code::kInternal:
    return grpc::StatusCode::INTERNAL;
  }
  return grpc::StatusCode::UNKNOWN;
}

grpc::Status toGrpc(const Status &status) {
  return status.ok() ? grpc::Status::OK
                     : grpc::Status(grpcCode(status.code()), status.message());
}

} // namespace

class GrpcService final : public inference::GRPCInferenceService::Service {
public:
  explicit GrpcService(ServerCore &core) : core_(core) {}

  grpc::Status ServerLive(grpc::ServerContext *,
                          const inference::ServerLiveRequest *,
                          inference::ServerLiveResponse *response) override {
    response->set_live(true);
    return grpc::Status::OK;
  }
  grpc::Status ServerReady(grpc::ServerContext *,
                           const inference::ServerReadyRequest *,
                           inference::ServerReadyResponse *response) override {
    response->set_ready(!core_.draining && core_.repository.ready());
    return grpc::Status::OK;
  }
  grpc::Status ModelReady(grpc::ServerContext *,
                          const inference::ModelReadyRequest *request,
                          inference::ModelReadyResponse *response) override {
    Result<std::optional<int64_t>> version =
        ServerCore::parseVersion(request->version());
    if (!version.ok())
      return toGrpc(version.status());
    Result<std::shared_ptr<Servable>> s =
        core_.repository.find(request->name(), *version);
    if (!s.ok() && s.status().code() != Code::kUnavailable &&
        !(s.status().code() == Code::kNotFound && *version))
      return toGrpc(s.status());
    response->set_ready(s.ok() && !core_.draining);
    return grpc::Status::OK;
  }
  grpc::Status
  ServerMetadata(grpc::ServerContext *,
                 const inference::ServerMetadataRequest *,
                 inference::ServerMetadataResponse *response) override {
    response->set_name("geflow-serve");
    response->set_version("0.1.0");
    return grpc::Status::OK;
  }
  grpc::Status
  ModelMetadata(grpc::ServerContext *,
                const inference::ModelMetadataRequest *request,
                inference::ModelMetadataResponse *response) override {
    Result<std::optional<int64_t>> version =
        ServerCore::parseVersion(request->version());
    if (!version.ok())
      return toGrpc(version.status());
    Result<std::shared_ptr<Servable>> s =
        core_.repository.find(request->name(), *version);
    if (!s.ok())
      return toGrpc(s.status());
    response->set_name(request->name());
    response->set_platform("geflow_gfm");
    Result<std::vector<VersionStatus>> states =
        core_.repository.status(request->name(), std::nullopt);
    if (states.ok())
      for (const VersionStatus &v : *states)
        if (v.state == VersionState::kAvailable)
          response->add_versions(std::to_string(v.version));
    auto fill = [](const std::vector<TensorSpec> &specs, auto add) {
      for (const TensorSpec &spec : specs) {
        inference::ModelMetadataResponse::TensorMetadata *m = add();
        m->set_name(spec.name);
        m->set_datatype(std::string(kserveDTypeName(spec.dtype)));
        for (int64_t d : spec.shape)
          m->add_shape(d);
      }
    };
    const Signature &sig = (*s)->signature();
    fill(sig.inputs, [&] { return response->add_inputs(); });
    fill(sig.outputs, [&] { return response->add_outputs(); });
    return grpc::Status::OK;
  }
  grpc::Status ModelInfer(grpc::ServerContext *context,
                          const inference::ModelInferRequest *request,
                          inference::ModelInferResponse *response) override {
    auto start = Clock::now();
    Status status = infer(context, *request, response);
    core_.metrics.observeRequest(
        request->model_name(), "grpc", status.code(),
        std::chrono::duration<double>(Clock::now() - start).count());
    return toGrpc(status);
  }

private:
  Status infer(grpc::ServerContext *context,
               const inference::ModelInferRequest &request,
               inference::ModelInferResponse *response) {
    Result<ServerCore::Ticket> ticket = core_.admit();
    if (!ticket.ok())
      return ticket.status();
    Result<std::optional<int64_t>> version =
        ServerCore::parseVersion(request.model_version());
    if (!version.ok())
      return version.status();
    Result<std::shared_ptr<Servable>> s =
        core_.repository.find(request.model_name(), *version);
    if (!s.ok())
      return s.status();
    Result<InferRequest> decoded = decodeGrpcInfer(request, (*s)->signature());
    if (!decoded.ok())
      return decoded.status();
    // The sooner of the server's timeout and the client's deadline.
    Clock::time_point deadline =
        Clock::now() + std::chrono::milliseconds(core_.limits.timeoutMs);
    auto clientLeft = context->deadline() - std::chrono::system_clock::now();
    if (clientLeft < std::chrono::hours(24 * 365))
      deadline =
          std::min(deadline,
                   Clock::now() +
                       std::chrono::duration_cast<Clock::duration>(clientLeft));
    Result<std::vector<Tensor>> outputs =
        (*s)->infer(std::move(decoded->inputs), deadline);
    if (!outputs.ok())
      return outputs.status();
    encodeGrpcInfer((*s)->modelName(), (*s)->version(), decoded->id, *outputs,
                    decoded->outputs, response);
    return Status();
  }

  ServerCore &core_;
};

GrpcFrontend::GrpcFrontend(ServerCore &core)
    : core_(core), service_(std::make_unique<GrpcService>(core)) {}

GrpcFrontend::~GrpcFrontend() { stop(0); }

Status GrpcFrontend::start(const std::string &host, int port) {
  grpc::ServerBuilder builder;
  int selected = 0;
  builder.AddListeningPort(host + ":" + std::to_string(port),
                           grpc::InsecureServerCredentials(), &selected);
  int limit = int(std::min<uint64_t>(core_.limits.maxBodyBytes, INT32_MAX));
  builder.SetMaxReceiveMessageSize(limit);
  builder.SetMaxSendMessageSize(INT32_MAX);
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  if (!server_ || selected == 0)
    return Status(Code::kUnavailable, "cannot listen on " + host + ":" +
                                          std::to_string(port) + " for gRPC");
  return Status();
}

void GrpcFrontend::stop(double drainSeconds) {
  if (!server_)
    return;
  server_->Shutdown(
      std::chrono::system_clock::now() +
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::duration<double>(drainSeconds)));
  server_->Wait();
  server_.reset();
}

} // namespace geflow::serve
