//===- Server.h - geflow-serve's life cycle ---------------------*- C++ -*-===//
//
// Loads the models, starts the REST and gRPC front ends, polls the model
// base paths for new versions, and on SIGTERM or SIGINT drains: readiness
// turns false, both front ends stop accepting and finish the requests in
// flight, then every version is unloaded and the server exits 0.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SERVE_SERVER_H
#define GEFLOW_SERVE_SERVER_H

#include "ModelRepository.h"
#include "ServerCore.h"

#include <string>
#include <vector>

namespace geflow::serve {

struct ServerOptions {
  std::string host = "0.0.0.0";
  int restPort = 8501; // 0: no REST API
  int grpcPort = 8500; // 0: no gRPC API
  unsigned restThreads = 16;
  ServerLimits limits;
  /// Seconds between scans of the base paths; 0: no polling.
  double pollSeconds = 1;
  /// Longest wait for in-flight gRPC calls at shutdown.
  double drainSeconds = 30;
  /// Access log file ("-": stderr); empty: none.
  std::string accessLog;
  /// Run when an inference request is admitted (ServerCore).
  RequestHook onRequest;
};

/// Runs until SIGTERM/SIGINT; returns the exit code. Must be called before
/// any other thread starts (it blocks the signals for every thread).
int runServer(const ServerOptions &options, std::vector<ModelSource> sources,
              VersionLoader loader, RepositoryOptions repositoryOptions);

} // namespace geflow::serve

#endif // GEFLOW_SERVE_SERVER_H
