//===- GrpcFrontend.h - KServe v2 inference.GRPCInferenceService -*- C++
//-*-===//
#ifndef GEFLOW_SERVE_GRPCFRONTEND_H
#define GEFLOW_SERVE_GRPCFRONTEND_H

#include "ServerCore.h"

#include <memory>
#include <string>

namespace grpc {
class Server;
}

namespace geflow::serve {

class GrpcService;

/// The Open Inference Protocol over gRPC (grpc_predict_v2.proto): ServerLive,
/// ServerReady, ModelReady, ServerMetadata, ModelMetadata, ModelInfer, on
/// gRPC's synchronous server.
class GrpcFrontend {
public:
  explicit GrpcFrontend(ServerCore &core);
  ~GrpcFrontend();
  Status start(const std::string &host, int port);
  /// Stops accepting and waits up to `drainSeconds` for the calls in flight.
  void stop(double drainSeconds);

private:
  ServerCore &core_;
  std::unique_ptr<GrpcService> service_;
  std::unique_ptr<grpc::Server> server_;
};

} // namespace geflow::serve

#endif // GEFLOW_SERVE_GRPCFRONTEND_H
