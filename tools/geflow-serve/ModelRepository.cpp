//===- ModelRepository.cpp - Models, their versions and reloads -----------===//
#include "ModelRepository.h"

#include "Metrics.h"
#include "Warmup.h"
#include "WarmupRequests.h"

#include <algorithm>
#include <atomic>
#include <filesystem>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace geflow::serve {

namespace fs = std::filesystem;

const char *versionStateName(VersionState state) {
  switch (state) {
  case VersionState::kLoading:
    return "LOADING";
  case VersionState::kAvailable:
    return "AVAILABLE";
  case VersionState::kEnd:
    return "END";
  }
  return "UNKNOWN";
}

ModelRepository::ModelRepository(std::vector<ModelSource> sources,
                                 VersionLoader loader,
                                 RepositoryOptions options, Metrics *metrics,
                                 Log log)
    : loader_(std::move(loader)), options_(options), metrics_(metrics),
      log_(std::move(log)) {
  for (ModelSource &s : sources) {
    std::string name = s.name;
    models_[name].source = std::move(s);
  }
}

ModelRepository::~ModelRepository() { stopPolling(); }

/// The numbered version directories under `base`, ascending.
static std::vector<int64_t> versionsOnDisk(const std::string &base,
                                           std::string *error) {
  std::vector<int64_t> versions;
  std::error_code ec;
  fs::directory_iterator it(base, ec), end;
  if (ec) {
    *error = "cannot read base path '" + base + "': " + ec.message();
    return versions;
  }
  for (; it != end; it.increment(ec)) {
    if (ec)
      break;
    std::string name = it->path().filename().string();
    if (name.empty() || name.size() > 18 ||
        !std::all_of(name.begin(), name.end(),
                     [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    std::error_code dirEc;
    if (fs::is_directory(it->path(), dirEc))
      versions.push_back(std::stoll(name));
  }
  std::sort(versions.begin(), versions.end());
  return versions;
}

std::vector<int64_t>
ModelRepository::aspiredVersions(const ModelSource &source) const {
  std::string error;
  std::vector<int64_t> onDisk = versionsOnDisk(source.basePath, &error);
  if (!error.empty())
    log_("model '" + source.name + "': " + error);
  switch (source.policy.kind) {
  case VersionPolicy::kAll:
    return onDisk;
  case VersionPolicy::kSpecific: {
    std::vector<int64_t> out;
    for (int64_t v : source.policy.versions)
      if (std::binary_search(onDisk.begin(), onDisk.end(), v))
        out.push_back(v);
    return out;
  }
  case VersionPolicy::kLatest: {
    size_t n = std::max<uint32_t>(source.policy.latest, 1);
    if (onDisk.size() > n)
      onDisk.erase(onDisk.begin(), onDisk.end() - ptrdiff_t(n));
    return onDisk;
  }
  }
  return onDisk;
}

void ModelRepository::load(const std::string &name, int64_t version,
                           const std::string &dir) {
  auto finish = [&](Status error, std::shared_ptr<Servable> servable) {
    std::lock_guard<std::mutex> lock(mu_);
    Model &m = models_[name];
    VersionStatus &s = m.states[version];
    s.error = error;
    s.state = error.ok() ? VersionState::kAvailable : VersionState::kEnd;
    if (servable)
      m.servables[version] = std::move(servable);
  };
  auto started = Clock::now();
  Result<std::unique_ptr<rt::Model>> model = loader_(dir);
  if (!model.ok()) {
    log_("model '" + name + "' version " + std::to_string(version) +
         ": cannot load: " + model.status().message());
    return finish(model.status(), nullptr);
  }
  Result<std::shared_ptr<Servable>> servable = Servable::create(
      name, version, std::move(*model), options_.batching, metrics_);
  if (!servable.ok()) {
    log_("model '" + name + "' version " + std::to_string(version) +
         ": cannot serve: " + servable.status().message());
    return finish(servable.status(), nullptr);
  }
  size_t replayed = 0;
  if (options_.warmUp) {
    Status warm = warmUpRequestPath(**servable);
    Result<size_t> stored = size_t(0);
    if (warm.ok()) {
      stored = replayWarmupRequests(
          **servable, (fs::path(dir) / kWarmupRequestsPath).string());
      warm = stored.status();
    }
    if (!warm.ok()) {
      log_("model '" + name + "' version " + std::to_string(version) + ": " +
           warm.message());
      return finish(warm, nullptr);
    }
    replayed = *stored;
    if (metrics_ && replayed)
      metrics_->observeWarmupRequests(name, replayed);
  }
  double ms =
      std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", ms);
  log_("model '" + name + "' version " + std::to_string(version) +
       " available (loaded" + (options_.warmUp ? " and warmed up" : "") +
       " in " + buf + " ms" +
       (replayed
            ? ", " + std::to_string(replayed) + " warm-up requests replayed"
            : std::string()) +
       ((*servable)->batching() ? ", batching" : "") + ")");
  finish(Status(), std::move(*servable));
}

void ModelRepository::poll() {
  std::lock_guard<std::mutex> pollLock(pollMu_);
  struct Task {
    std::string name;
    int64_t version;
    std::string dir;
  };
  std::vector<Task> tasks;
  std::map<std::string, std::vector<int64_t>> aspired;
  std::vector<ModelSource> sources;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto &[name, m] : models_)
      sources.push_back(m.source);
  }
  for (const ModelSource &source : sources) {
    std::vector<int64_t> versions = aspiredVersions(source);
    aspired[source.name] = versions;
    std::lock_guard<std::mutex> lock(mu_);
    Model &m = models_[source.name];
    for (int64_t v : versions) {
      // Known versions are loaded or loading; one that failed to load is
      // not retried until its directory goes away.
      if (m.states.count(v))
        continue;
      m.states[v] = {v, VersionState::kLoading, Status()};
      tasks.push_back(
          {source.name, v,
           (fs::path(source.basePath) / std::to_string(v)).string()});
    }
  }
  // Load the new versions, up to num_load_threads at once.
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next++) < tasks.size();)
      load(tasks[i].name, tasks[i].version, tasks[i].dir);
  };
  unsigned threads = std::max(1u, options_.numLoadThreads);
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads && t < tasks.size(); ++t)
    pool.emplace_back(worker);
  worker();
  for (std::thread &t : pool)
    t.join();
  // Retire what is no longer aspired, keeping a model's only available
  // version until a newer one is available (no gap in service).
  std::vector<std::shared_ptr<Servable>> retired;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &[name, m] : models_) {
      const std::vector<int64_t> &want = aspired[name];
      bool anyWantedAvailable = false;
      for (int64_t v : want)
        anyWantedAvailable |= m.servables.count(v) != 0;
      for (auto it = m.servables.begin(); it != m.servables.end();) {
        bool wanted = std::count(want.begin(), want.end(), it->first) != 0;
        if (wanted || !anyWantedAvailable) {
          ++it;
          continue;
        }
        log_("model '" + name + "' version " + std::to_string(it->first) +
             " retired (freed after its in-flight requests)");
        m.states.erase(it->first);
        retired.push_back(std::move(it->second));
        it = m.servables.erase(it);
      }
      for (auto it = m.states.begin(); it != m.states.end();) {
        bool gone = it->second.state == VersionState::kEnd &&
                    std::count(want.begin(), want.end(), it->first) == 0;
        it = gone ? m.states.erase(it) : std::next(it);
      }
    }
  }
  // `retired` drops its references here, outside the lock: a version whose
  // requests are done is freed now, the others by their last request.
}

void ModelRepository::startPolling(double seconds) {
  stop_ = false;
  poller_ = std::thread([this, seconds] {
    // Reloads (and the load threads this thread starts, which inherit it)
    // yield the host CPUs to the serving threads: a compile or load must not
    // raise the other models' tail latency. Linux gives each thread its own
    // nice value; failing to lower it is harmless.
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
    std::unique_lock<std::mutex> lock(stopMu_);
    while (!stop_) {
      stopCv_.wait_for(lock, std::chrono::duration<double>(seconds),
                       [&] { return stop_; });
      if (stop_)
        break;
      lock.unlock();
      poll();
      lock.lock();
    }
  });
}

void ModelRepository::stopPolling() {
  {
    std::lock_guard<std::mutex> lock(stopMu_);
    stop_ = true;
  }
  stopCv_.notify_all();
  if (poller_.joinable())
    poller_.join();
}

void ModelRepository::unloadAll() {
  std::map<std::string, Model> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &[name, m] : models_) {
      dropped[name].servables = std::move(m.servables);
      m.servables.clear();
      m.states.clear();
    }
  }
}

static std::string modelList(const std::vector<std::string> &names) {
  std::string out;
  for (const std::string &n : names)
    out += (out.empty() ? "'" : ", '") + n + "'";
  return out;
}

Result<std::shared_ptr<Servable>>
ModelRepository::find(const std::string &name,
                      std::optional<int64_t> version) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = models_.find(name);
  if (it == models_.end()) {
    std::vector<std::string> names;
    for (const auto &entry : models_)
      names.push_back(entry.first);
    return notFound("unknown model '" + name + "' (this server serves " +
                    modelList(names) + ")");
  }
  const Model &m = it->second;
  if (version) {
    auto v = m.servables.find(*version);
    if (v != m.servables.end())
      return v->second;
    std::string available;
    for (const auto &entry : m.servables)
      available +=
          (available.empty() ? "" : ", ") + std::to_string(entry.first);
    return notFound("model '" + name + "' has no available version " +
                    std::to_string(*version) + " (available: " +
                    (available.empty() ? std::string("none") : available) +
                    ")");
  }
  if (m.servables.empty())
    return Status(Code::kUnavailable,
                  "model '" + name + "' has no available version yet");
  return m.servables.rbegin()->second;
}

Result<std::vector<VersionStatus>>
ModelRepository::status(const std::string &name,
                        std::optional<int64_t> version) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = models_.find(name);
  if (it == models_.end())
    return notFound("unknown model '" + name + "'");
  std::vector<VersionStatus> out;
  for (auto v = it->second.states.rbegin(); v != it->second.states.rend(); ++v)
    if (!version || v->first == *version)
      out.push_back(v->second);
  if (version && out.empty())
    return notFound("model '" + name + "' has no version " +
                    std::to_string(*version));
  return out;
}

std::vector<std::string> ModelRepository::modelNames() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names;
  for (const auto &entry : models_)
    names.push_back(entry.first);
  return names;
}

bool ModelRepository::ready() const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto &entry : models_)
    if (entry.second.servables.empty())
      return false;
  return !models_.empty();
}

std::map<std::string, double> ModelRepository::availableVersions() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, double> out;
  for (const auto &[name, m] : models_)
    out[name] = double(m.servables.size());
  return out;
}

std::map<std::string, double> ModelRepository::queuedRows() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, double> out;
  for (const auto &[name, m] : models_) {
    double rows = 0;
    for (const auto &entry : m.servables)
      rows += double(entry.second->queuedRows());
    out[name] = rows;
  }
  return out;
}

} // namespace geflow::serve
