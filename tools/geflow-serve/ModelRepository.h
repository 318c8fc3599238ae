//===- ModelRepository.h - Models, their versions and reloads ---*- C++ -*-===//
//
// TF Serving's model repository: each model has a base path holding one
// numbered directory per version (DIR/1/, DIR/2/, ...). A version policy
// (the newest N, all, or specific versions) says which versions should be
// served; poll() scans the base paths, loads and warms up the new ones
// (concurrently, up to num_load_threads) while the current ones keep
// serving, and only then retires the versions the policy no longer wants.
// A retired version is dropped from the repository at once but freed only
// when its last in-flight request lets go of it (Servable is shared).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SERVE_MODELREPOSITORY_H
#define GEFLOW_SERVE_MODELREPOSITORY_H

#include "Servable.h"

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace geflow::serve {

struct VersionPolicy {
  enum Kind { kLatest, kAll, kSpecific } kind = kLatest;
  uint32_t latest = 1;
  std::vector<int64_t> versions; // kSpecific
};

struct ModelSource {
  std::string name;
  std::string basePath;
  VersionPolicy policy;
};

/// Loads the model a version directory holds.
using VersionLoader =
    std::function<Result<std::unique_ptr<rt::Model>>(const std::string &dir)>;

struct RepositoryOptions {
  BatchingOptions batching;
  bool warmUp = true;
  unsigned numLoadThreads = 1;
};

/// TF Serving's version states.
enum class VersionState { kLoading, kAvailable, kEnd };
const char *versionStateName(VersionState state);

struct VersionStatus {
  int64_t version = 0;
  VersionState state = VersionState::kLoading;
  Status error; // why a load failed (state kEnd)
};

class ModelRepository {
public:
  using Log = std::function<void(const std::string &)>;
  ModelRepository(std::vector<ModelSource> sources, VersionLoader loader,
                  RepositoryOptions options, Metrics *metrics, Log log);
  ~ModelRepository();

  /// Scans the base paths once, loads what is new, retires what is stale.
  void poll();
  /// Polls every `seconds` on a thread of its own until stopPolling().
  void startPolling(double seconds);
  void stopPolling();
  /// Drops every version (each freed after its in-flight requests).
  void unloadAll();

  /// The version to run: `version`, or the newest available one.
  Result<std::shared_ptr<Servable>> find(const std::string &name,
                                         std::optional<int64_t> version) const;
  /// The states of a model's versions (only `version` when given).
  Result<std::vector<VersionStatus>>
  status(const std::string &name, std::optional<int64_t> version) const;
  std::vector<std::string> modelNames() const;
  /// Every model has an available version.
  bool ready() const;
  /// Per model: available versions; rows waiting in batching queues.
  std::map<std::string, double> availableVersions() const;
  std::map<std::string, double> queuedRows() const;

private:
  struct Model {
    ModelSource source;
    std::map<int64_t, VersionStatus> states;
    std::map<int64_t, std::shared_ptr<Servable>> servables;
  };
  std::vector<int64_t> aspiredVersions(const ModelSource &source) const;
  void load(const std::string &name, int64_t version, const std::string &dir);

  VersionLoader loader_;
  RepositoryOptions options_;
  Metrics *metrics_;
  Log log_;
  mutable std::mutex mu_;
  std::map<std::string, Model> models_;
  std::mutex pollMu_; // one poll at a time
  std::thread poller_;
  std::mutex stopMu_;
  std::condition_variable stopCv_;
  bool stop_ = false;
};

} // namespace geflow::serve

#endif // GEFLOW_SERVE_MODELREPOSITORY_H
