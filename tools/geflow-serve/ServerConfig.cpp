//===- ServerConfig.cpp - TF Serving's configuration files ----------------===//
#include "ServerConfig.h"

#include "proto/model_server_config.pb.h"

#include "geflow/runtime/RegularFile.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <cstring>
#include <set>
#include <unistd.h>

namespace geflow::serve {

namespace {

constexpr uint64_t kMaxConfigBytes = uint64_t(1) << 20;

Result<std::string> readSmallFile(const std::string &path) {
  rt::RegularFile opened = rt::openRegularFile(path);
  if (!opened.ok())
    return invalidArgument("cannot read '" + path + "': " +
                           (opened.notRegular()
                                ? std::string("not a regular file")
                                : std::string(std::strerror(opened.error))));
  if (opened.size > kMaxConfigBytes) {
    ::close(opened.fd);
    return invalidArgument("'" + path + "' has " + std::to_string(opened.size) +
                           " bytes; a configuration file may have at most " +
                           std::to_string(kMaxConfigBytes));
  }
  std::string text(opened.size, '\0');
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::read(opened.fd, &text[done], text.size() - done);
    if (n <= 0)
      break;
    done += size_t(n);
  }
  ::close(opened.fd);
  text.resize(done);
  return text;
}

class Collector : public google::protobuf::io::ErrorCollector {
public:
  explicit Collector(std::string path) : path_(std::move(path)) {}
  void AddError(int line, int column, const std::string &message) override {
    if (first_.empty())
      first_ = path_ + ":" + std::to_string(line + 1) + ":" +
               std::to_string(column + 1) + ": " + message;
  }
  const std::string &first() const { return first_; }

private:
  std::string path_;
  std::string first_;
};

Status parseText(const std::string &path, google::protobuf::Message *message) {
  Result<std::string> text = readSmallFile(path);
  if (!text.ok())
    return text.status();
  Collector errors(path);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(*text, message))
    return invalidArgument(errors.first().empty()
                               ? "cannot parse '" + path + "'"
                               : errors.first());
  return Status();
}

} // namespace

Result<std::vector<ModelSource>> readModelConfigFile(const std::string &path) {
  tensorflow::serving::ModelServerConfig config;
  Status st = parseText(path, &config);
  if (!st.ok())
    return st;
  if (!config.has_model_config_list() ||
      config.model_config_list().config_size() == 0)
    return invalidArgument("'" + path +
                           "' configures no model (model_config_list { "
                           "config { name: ... base_path: ... } })");
  std::vector<ModelSource> sources;
  std::set<std::string> names;
  for (const auto &c : config.model_config_list().config()) {
    std::string where = "'" + path + "': model '" + c.name() + "'";
    if (c.name().empty() || c.name().find_first_of("/:") != std::string::npos)
      return invalidArgument("'" + path +
                             "': a model needs a name without "
                             "'/' or ':' (got '" +
                             c.name() + "')");
    if (!names.insert(c.name()).second)
      return invalidArgument(where + " is configured twice");
    if (c.base_path().empty())
      return invalidArgument(where + " has no base_path");
    ModelSource s{c.name(), c.base_path(), {}};
    const auto &policy = c.model_version_policy();
    if (policy.has_all()) {
      s.policy.kind = VersionPolicy::kAll;
    } else if (policy.has_specific()) {
      s.policy.kind = VersionPolicy::kSpecific;
      s.policy.versions.assign(policy.specific().versions().begin(),
                               policy.specific().versions().end());
      if (s.policy.versions.empty())
        return invalidArgument(where + ": a 'specific' version policy lists "
                                       "no versions");
    } else if (policy.has_latest()) {
      s.policy.latest = policy.latest().num_versions();
      if (s.policy.latest == 0)
        return invalidArgument(where + ": latest { num_versions } must be at "
                                       "least 1");
    }
    sources.push_back(std::move(s));
  }
  return sources;
}

Result<BatchingOptions> readBatchingParametersFile(const std::string &path,
                                                   BatchingOptions options) {
  tensorflow::serving::BatchingParameters params;
  Status st = parseText(path, &params);
  if (!st.ok())
    return st;
  auto positive = [&](const char *field, bool has, int64_t value,
                      int64_t *out) -> Status {
    if (!has)
      return Status();
    if (value < 1)
      return invalidArgument("'" + path + "': " + field +
                             " must be at least 1 (got " +
                             std::to_string(value) + ")");
    *out = value;
    return Status();
  };
  for (Status s :
       {positive("max_batch_size", params.has_max_batch_size(),
                 params.max_batch_size().value(), &options.maxBatchSize),
        positive("max_enqueued_batches", params.has_max_enqueued_batches(),
                 params.max_enqueued_batches().value(),
                 &options.maxEnqueuedBatches),
        positive("num_batch_threads", params.has_num_batch_threads(),
                 params.num_batch_threads().value(), &options.numBatchThreads)})
    if (!s.ok())
      return s;
  if (params.has_batch_timeout_micros()) {
    int64_t t = params.batch_timeout_micros().value();
    if (t < 0 || t > 10'000'000)
      return invalidArgument("'" + path +
                             "': batch_timeout_micros must be in [0, "
                             "10000000] (got " +
                             std::to_string(t) + ")");
    options.batchTimeoutMicros = t;
  }
  return options;
}

} // namespace geflow::serve
