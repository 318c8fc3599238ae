//===- HttpFrontend.cpp - The REST API: TF Serving and KServe v2 ----------===//
#include "HttpFrontend.h"

#include "JsonTensor.h"
#include "KServeCodec.h"
#include "TfServingCodec.h"

#include <httplib.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdlib>
#include <ctime>

namespace geflow::serve {

namespace {

constexpr const char *kJson = "application/json";
constexpr const char *kVersionPattern = R"((?:/versions/([^/:]+))?)";
constexpr const char *kNamePattern = R"(/([^/:]+))";
const char *kServerVersion = "0.1.0";

void answerError(httplib::Response &res, const Status &status) {
  res.status = httpStatus(status.code());
  res.set_content(errorJson(status.message()), kJson);
}

thread_local Clock::time_point requestStart;
thread_local size_t requestBytes;

/// Where an inference request's time went, for the access log: reading the
/// body, decoding it, Servable::infer (queue and run), encoding the answer;
/// the rest of "ms" is routing and admission. Page faults are the process's
/// minor faults during the request (first touches of memory).
struct RequestPhases {
  double readMs = -1, decodeMs = -1, inferMs = -1, encodeMs = -1;
  long faultsAtStart = 0;
};
thread_local RequestPhases phases;

long minorFaults() {
  struct rusage usage;
  return getrusage(RUSAGE_SELF, &usage) == 0 ? usage.ru_minflt : 0;
}

/// Milliseconds since `since`, and moves `since` to now.
double lap(Clock::time_point &since) {
  Clock::time_point now = Clock::now();
  double ms = std::chrono::duration<double, std::milli>(now - since).count();
  since = now;
  return ms;
}

/// The body, read by the handler: httplib's own reading would refuse a
/// body over 8 KiB sent as application/x-www-form-urlencoded, which is what
/// `curl -d` sends unless told otherwise.
Result<std::string> readBody(const httplib::Request &req,
                             const httplib::ContentReader &reader,
                             uint64_t limit) {
  Status tooLarge(Code::kPayloadTooLarge,
                  "the request body is larger than the server accepts (" +
                      std::to_string(limit) + " bytes, --max_request_bytes)");
  if (req.has_header("Content-Length") &&
      std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr,
                    10) > limit)
    return tooLarge;
  std::string body;
  Clock::time_point readStart = Clock::now();
  bool complete = reader([&](const char *data, size_t size) {
    body.append(data, size);
    return body.size() <= limit;
  });
  requestBytes = body.size();
  phases.readMs = lap(readStart);
  if (body.size() > limit)
    return tooLarge;
  if (!complete)
    return invalidArgument("the request body could not be read whole");
  return body;
}

} // namespace

/// Exposes the listening socket (a protected member of httplib::Server).
class ListeningServer : public httplib::Server {
public:
  int socket() const { return svr_sock_; }
};

namespace {

struct Target {
  std::shared_ptr<Servable> servable;
  std::string name;
};

} // namespace

HttpFrontend::HttpFrontend(ServerCore &core, unsigned threads,
                           std::FILE *accessLog)
    : core_(core), accessLog_(accessLog),
      server_(std::make_unique<ListeningServer>()) {
  server_->new_task_queue = [threads] {
    return new httplib::ThreadPool(threads);
  };
  server_->set_payload_max_length(core.limits.maxBodyBytes);
  server_->set_tcp_nodelay(true);
  server_->set_keep_alive_max_count(1000);
  server_->set_read_timeout(
      std::chrono::milliseconds(std::max<int64_t>(core.limits.timeoutMs, 1)));
  routes();
}

HttpFrontend::~HttpFrontend() { stop(); }

Status HttpFrontend::start(const std::string &host, int port) {
  if (!server_->bind_to_port(host, port))
    return Status(Code::kUnavailable, "cannot listen on " + host + ":" +
                                          std::to_string(port) +
                                          " for the REST API");
  // Debian's libcpp-httplib listens with a backlog of 5: many clients
  // connecting at once would wait for SYN retries. listen() again raises it.
  ::listen(static_cast<ListeningServer &>(*server_).socket(), 1024);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return Status();
}

void HttpFrontend::stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

void HttpFrontend::routes() {
  httplib::Server &svr = *server_;

  svr.set_pre_routing_handler(
      [](const httplib::Request &, httplib::Response &) {
        requestStart = Clock::now();
        requestBytes = 0;
        phases = RequestPhases();
        phases.faultsAtStart = minorFaults();
        return httplib::Server::HandlerResponse::Unhandled;
      });
  svr.set_error_handler([](const httplib::Request &req,
                           httplib::Response &res) {
    if (!res.body.empty())
      return;
    std::string message =
        res.status == 413
            ? "the request body is larger than the server accepts "
              "(--max_request_bytes)"
        : res.status == 404
            ? "no such endpoint: " + req.method + " " + req.path
            : "the request failed (HTTP " + std::to_string(res.status) + ")";
    res.set_content(errorJson(message), kJson);
  });
  svr.set_exception_handler([](const httplib::Request &, httplib::Response &res,
                               std::exception_ptr ep) {
    std::string what = "internal error";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception &e) {
      what += std::string(": ") + e.what();
    } catch (...) {
    }
    res.status = 500;
    res.set_content(errorJson(what), kJson);
  });
  if (accessLog_) {
    std::FILE *log = accessLog_;
    svr.set_logger([log](const httplib::Request &req,
                         const httplib::Response &res) {
      double ms =
          std::chrono::duration<double, std::milli>(Clock::now() - requestStart)
              .count();
      std::time_t now = std::time(nullptr);
      char when[32];
      std::strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ",
                    std::gmtime(&now));
      std::string line =
          std::string("{\"time\":\"") + when +
          "\",\"remote\":" + jsonQuote(req.remote_addr) +
          ",\"method\":" + jsonQuote(req.method) +
          ",\"path\":" + jsonQuote(req.path) +
          ",\"status\":" + std::to_string(res.status) +
          ",\"request_bytes\":" + std::to_string(requestBytes) +
          ",\"response_bytes\":" + std::to_string(res.body.size());
      char buf[64];
      auto field = [&](const char *name, double value) {
        if (value < 0)
          return;
        std::snprintf(buf, sizeof(buf), ",\"%s\":%.3f", name, value);
        line += buf;
      };
      field("read_ms", phases.readMs);
      field("decode_ms", phases.decodeMs);
      field("infer_ms", phases.inferMs);
      field("encode_ms", phases.encodeMs);
      line += ",\"page_faults\":" +
              std::to_string(minorFaults() - phases.faultsAtStart);
      field("ms", ms);
      line += "}\n";
      std::fwrite(line.data(), 1, line.size(), log);
      std::fflush(log);
    });
  }

  // Resolves NAME and the optional version of a matched path.
  auto target = [this](const httplib::Request &req) -> Result<Target> {
    std::string name = req.matches[1];
    Result<std::optional<int64_t>> version =
        ServerCore::parseVersion(req.matches[2]);
    if (!version.ok())
      return version.status();
    Result<std::shared_ptr<Servable>> servable =
        core_.repository.find(name, *version);
    if (!servable.ok())
      return servable.status();
    return Target{*servable, name};
  };
  // Runs an inference request: admission, deadline, metrics.
  auto infer = [this, target](const httplib::Request &req,
                              httplib::Response &res, const char *protocol,
                              const std::function<Status(Servable &)> &run) {
    auto start = Clock::now();
    std::string model = req.matches[1];
    Status status;
    Result<ServerCore::Ticket> ticket = core_.admit();
    if (!ticket.ok()) {
      status = ticket.status();
    } else {
      Result<Target> t = target(req);
      status = t.ok() ? run(*t->servable) : t.status();
      model = t.ok() ? t->name : model;
    }
    if (!status.ok())
      answerError(res, status);
    core_.metrics.observeRequest(
        model, protocol, status.code(),
        std::chrono::duration<double>(Clock::now() - start).count());
  };
  auto deadline = [this] {
    return Clock::now() + std::chrono::milliseconds(core_.limits.timeoutMs);
  };

  // ---- TF Serving ----
  std::string v1 = std::string("/v1/models") + kNamePattern + kVersionPattern;
  svr.Get(v1, [this](const httplib::Request &req, httplib::Response &res) {
    Result<std::optional<int64_t>> version =
        ServerCore::parseVersion(req.matches[2]);
    if (!version.ok())
      return answerError(res, version.status());
    Result<std::vector<VersionStatus>> states =
        core_.repository.status(req.matches[1], *version);
    if (!states.ok())
      return answerError(res, states.status());
    std::string out = "{\"model_version_status\":[";
    for (size_t i = 0; i < states->size(); ++i) {
      const VersionStatus &s = (*states)[i];
      out += std::string(i ? "," : "") + "{\"version\":\"" +
             std::to_string(s.version) + "\",\"state\":\"" +
             versionStateName(s.state) + "\",\"status\":{\"error_code\":\"" +
             codeName(s.error.code()) +
             "\",\"error_message\":" + jsonQuote(s.error.message()) + "}}";
    }
    res.set_content(out + "]}", kJson);
  });
  svr.Get(v1 + "/metadata", [target](const httplib::Request &req,
                                     httplib::Response &res) {
    Result<Target> t = target(req);
    if (!t.ok())
      return answerError(res, t.status());
    const Signature &sig = t->servable->signature();
    auto tensors = [](const std::vector<TensorSpec> &specs) {
      std::string out = "{";
      for (size_t i = 0; i < specs.size(); ++i) {
        out += std::string(i ? "," : "") + jsonQuote(specs[i].name) +
               ":{\"dtype\":\"" + std::string(tfDTypeName(specs[i].dtype)) +
               "\",\"tensor_shape\":{\"dim\":[";
        for (size_t d = 0; d < specs[i].shape.size(); ++d)
          out += std::string(d ? "," : "") + "{\"size\":\"" +
                 std::to_string(specs[i].shape[d]) + "\",\"name\":\"\"}";
        out +=
            "],\"unknown_rank\":false},\"name\":" + jsonQuote(specs[i].name) +
            "}";
      }
      return out + "}";
    };
    res.set_content(
        "{\"model_spec\":{\"name\":" + jsonQuote(t->name) +
            ",\"signature_name\":\"\",\"version\":\"" +
            std::to_string(t->servable->version()) +
            "\"},\"metadata\":{\"signature_def\":{\"signature_def\":{"
            "\"serving_default\":{\"inputs\":" +
            tensors(sig.inputs) + ",\"outputs\":" + tensors(sig.outputs) +
            ",\"method_name\":\"tensorflow/serving/predict\"}}}}}",
        kJson);
  });
  svr.Post(v1 + ":predict", [this, infer,
                             deadline](const httplib::Request &req,
                                       httplib::Response &res,
                                       const httplib::ContentReader &reader) {
    Result<std::string> body = readBody(req, reader, core_.limits.maxBodyBytes);
    infer(req, res, "tfserving", [&](Servable &s) -> Status {
      if (!body.ok())
        return body.status();
      Clock::time_point since = Clock::now();
      Result<PredictRequest> request = decodeTfPredict(*body, s.signature());
      phases.decodeMs = lap(since);
      if (!request.ok())
        return request.status();
      Result<std::vector<Tensor>> outputs =
          s.infer(std::move(request->inputs), deadline());
      phases.inferMs = lap(since);
      if (!outputs.ok())
        return outputs.status();
      res.set_content(encodeTfPredict(*outputs, request->rowFormat), kJson);
      phases.encodeMs = lap(since);
      return Status();
    });
  });
  svr.Post(std::string("/v1/models") + kNamePattern + kVersionPattern +
               ":(classify|regress)",
           [](const httplib::Request &req, httplib::Response &res) {
             answerError(res, invalidArgument(
                                  "':" + req.matches[3].str() +
                                  "' needs a tf.Example model; geflow models "
                                  "answer ':predict'"));
           });

  // ---- KServe v2 ----
  svr.Get("/v2", [](const httplib::Request &, httplib::Response &res) {
    res.set_content(std::string("{\"name\":\"geflow-serve\",\"version\":\"") +
                        kServerVersion +
                        "\",\"extensions\":[\"binary_tensor_data\"]}",
                    kJson);
  });
  svr.Get("/v2/health/live",
          [](const httplib::Request &, httplib::Response &res) {
            res.set_content("{\"live\":true}", kJson);
          });
  svr.Get("/v2/health/ready", [this](const httplib::Request &,
                                     httplib::Response &res) {
    bool ready = !core_.draining && core_.repository.ready();
    // The protocol: 200 is true, a 4xx false.
    res.status = ready ? 200 : 400;
    res.set_content(ready ? "{\"ready\":true}" : "{\"ready\":false}", kJson);
  });
  std::string v2 = std::string("/v2/models") + kNamePattern + kVersionPattern;
  svr.Get(v2,
          [this, target](const httplib::Request &req, httplib::Response &res) {
            Result<Target> t = target(req);
            if (!t.ok())
              return answerError(res, t.status());
            std::vector<std::string> versions;
            Result<std::vector<VersionStatus>> states =
                core_.repository.status(t->name, std::nullopt);
            if (states.ok())
              for (const VersionStatus &s : *states)
                if (s.state == VersionState::kAvailable)
                  versions.push_back(std::to_string(s.version));
            res.set_content(kserveModelMetadata(t->name, versions,
                                                t->servable->signature()),
                            kJson);
          });
  svr.Get(v2 + "/ready", [this, target](const httplib::Request &req,
                                        httplib::Response &res) {
    Result<Target> t = target(req);
    if (!t.ok() && t.status().code() != Code::kUnavailable &&
        t.status().code() != Code::kNotFound)
      return answerError(res, t.status());
    bool ready = t.ok() && !core_.draining;
    res.status = ready ? 200 : 400;
    res.set_content(std::string("{\"name\":") +
                        jsonQuote(req.matches[1].str()) +
                        ",\"ready\":" + (ready ? "true" : "false") + "}",
                    kJson);
  });
  svr.Post(v2 + "/infer", [this, infer,
                           deadline](const httplib::Request &req,
                                     httplib::Response &res,
                                     const httplib::ContentReader &reader) {
    Result<std::string> body = readBody(req, reader, core_.limits.maxBodyBytes);
    infer(req, res, "kserve", [&](Servable &s) -> Status {
      if (!body.ok())
        return body.status();
      std::optional<uint64_t> jsonLength;
      if (req.has_header("Inference-Header-Content-Length")) {
        std::string v = req.get_header_value("Inference-Header-Content-Length");
        if (v.empty() || v.size() > 18 ||
            v.find_first_not_of("0123456789") != std::string::npos)
          return invalidArgument("Inference-Header-Content-Length '" + v +
                                 "' is not a byte count");
        jsonLength = std::stoull(v);
      }
      Clock::time_point since = Clock::now();
      Result<InferRequest> request =
          decodeKServeInfer(*body, jsonLength, s.signature());
      phases.decodeMs = lap(since);
      if (!request.ok())
        return request.status();
      Result<std::vector<Tensor>> outputs =
          s.infer(std::move(request->inputs), deadline());
      phases.inferMs = lap(since);
      if (!outputs.ok())
        return outputs.status();
      InferAnswer answer =
          encodeKServeInfer(s.modelName(), std::to_string(s.version()),
                            request->id, *outputs, request->outputs);
      if (answer.jsonLength) {
        res.set_header("Inference-Header-Content-Length",
                       std::to_string(*answer.jsonLength));
        res.set_content(std::move(answer.body), "application/octet-stream");
      } else {
        res.set_content(std::move(answer.body), kJson);
      }
      phases.encodeMs = lap(since);
      return Status();
    });
  });

  svr.Get("/metrics", [this](const httplib::Request &, httplib::Response &res) {
    res.set_content(core_.metrics.render(), "text/plain; version=0.0.4");
  });
}

} // namespace geflow::serve
