//===- HttpFrontend.h - The REST API: TF Serving and KServe v2 --*- C++ -*-===//
//
// One HTTP server (cpp-httplib, a thread pool of --rest_api_num_threads)
// answering both REST protocols and /metrics:
//   GET  /v1/models/NAME[/versions/V]            TF Serving model status
//   GET  /v1/models/NAME[/versions/V]/metadata   TF Serving signature
//   POST /v1/models/NAME[/versions/V]:predict    TF Serving predict
//   GET  /v2, /v2/health/live, /v2/health/ready  KServe server
//   GET  /v2/models/NAME[/versions/V][/ready]    KServe model metadata/ready
//   POST /v2/models/NAME[/versions/V]/infer      KServe inference
//   GET  /metrics                                Prometheus
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SERVE_HTTPFRONTEND_H
#define GEFLOW_SERVE_HTTPFRONTEND_H

#include "ServerCore.h"

#include <cstdio>
#include <memory>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace geflow::serve {

class HttpFrontend {
public:
  /// `accessLog`: one JSON line per request, or null.
  HttpFrontend(ServerCore &core, unsigned threads, std::FILE *accessLog);
  ~HttpFrontend();
  /// Binds host:port and serves on a thread of its own.
  Status start(const std::string &host, int port);
  /// Stops accepting, finishes the requests in flight, joins.
  void stop();

private:
  void routes();
  ServerCore &core_;
  std::FILE *accessLog_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

} // namespace geflow::serve

#endif // GEFLOW_SERVE_HTTPFRONTEND_H
