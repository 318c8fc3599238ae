//===- Server.cpp - geflow-serve's life cycle -----------------------------===//
#include "Server.h"

#include "GrpcFrontend.h"
#include "HttpFrontend.h"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <mutex>
#include <pthread.h>

namespace geflow::serve {

static std::mutex logMu;

static void logLine(const std::string &line) {
  std::lock_guard<std::mutex> lock(logMu);
  std::cerr << "geflow-serve: " << line << std::endl;
}

int runServer(const ServerOptions &options, std::vector<ModelSource> sources,
              VersionLoader loader, RepositoryOptions repositoryOptions) {
  // Every thread started from here on inherits the mask; this one waits.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::FILE *accessLog = nullptr;
  if (options.accessLog == "-") {
    accessLog = stderr;
  } else if (!options.accessLog.empty()) {
    accessLog = std::fopen(options.accessLog.c_str(), "a");
    if (!accessLog) {
      logLine("error: cannot open the access log '" + options.accessLog +
              "': " + std::strerror(errno));
      return 1;
    }
  }

  Metrics metrics;
  ModelRepository repository(std::move(sources), std::move(loader),
                             repositoryOptions, &metrics, logLine);
  metrics.addGauge("geflow_serve_model_versions_available",
                   "Versions of the model ready to serve.", "model",
                   [&] { return repository.availableVersions(); });
  metrics.addGauge("geflow_serve_queue_rows",
                   "Rows waiting in the model's batching queues.", "model",
                   [&] { return repository.queuedRows(); });
  ServerCore core(repository, metrics, options.limits, options.onRequest);

  repository.poll();
  if (!repository.ready())
    logLine("warning: not every model has a version available yet");

  HttpFrontend http(core, options.restThreads, accessLog);
  GrpcFrontend grpc(core);
  std::string where;
  if (options.restPort > 0) {
    Status st = http.start(options.host, options.restPort);
    if (!st.ok()) {
      logLine("error: " + st.message());
      return 1;
    }
    where += "REST on " + options.host + ":" + std::to_string(options.restPort);
  }
  if (options.grpcPort > 0) {
    Status st = grpc.start(options.host, options.grpcPort);
    if (!st.ok()) {
      logLine("error: " + st.message());
      return 1;
    }
    where += std::string(where.empty() ? "" : ", ") + "gRPC on " +
             options.host + ":" + std::to_string(options.grpcPort);
  }
  logLine("serving " + (where.empty() ? std::string("nothing") : where));
  if (options.pollSeconds > 0)
    repository.startPolling(options.pollSeconds);

  int received = 0;
  sigwait(&signals, &received);
  logLine(std::string("received ") +
          (received == SIGTERM ? "SIGTERM" : "SIGINT") + ": draining");
  core.draining = true;
  repository.stopPolling();
  http.stop();
  grpc.stop(options.drainSeconds);
  repository.unloadAll();
  if (accessLog && accessLog != stderr)
    std::fclose(accessLog);
  logLine("stopped");
  return 0;
}

} // namespace geflow::serve
