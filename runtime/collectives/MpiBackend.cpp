//===- MpiBackend.cpp - MPI setup, the MPI thread and groups
//---------------===//
#include "MpiEngine.h"

#include <algorithm>
#include <cstdlib>
#include <future>

namespace geflow::rt::mpi {

namespace {

/// Forwards the backend interface to the engine.
class MpiBackend final : public CollectiveBackend {
public:
  RankInfo rankInfo() const override { return Engine::get().rankInfo(); }
  StatusOr<GroupInfo> group(const std::string &name) const override {
    return Engine::get().group(name);
  }
  Status createGroup(const std::string &name,
                     const std::vector<int32_t> &ranks) override {
    return Engine::get().createGroup(name, ranks);
  }
  void start(std::shared_ptr<const CollectiveRequest> request,
             std::function<void(Status)> done) override {
    Engine::get().start(std::move(request), std::move(done));
  }
};

std::string joinRanks(const std::vector<int32_t> &ranks) {
  std::string out;
  for (int32_t r : ranks)
    out += (out.empty() ? "" : ",") + std::to_string(r);
  return out;
}

} // namespace

std::string mpiError(int code) {
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (MPI_Error_string(code, text, &length) != MPI_SUCCESS)
    return "MPI error " + std::to_string(code);
  return std::string(text, length);
}

Engine &Engine::get() {
  // Never destroyed: finalizeCollectives() runs at exit and stops the thread.
  static Engine *engine = new Engine();
  return *engine;
}

StatusOr<RankInfo> Engine::init(const RankConfig &config) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!started_) {
    started_ = true;
    thread_ = std::thread([this, config] { loop(config); });
    std::atexit(finalizeCollectives);
  }
  cv_.wait(lock, [&] { return ready_; });
  if (!initStatus_.ok())
    return initStatus_;
  return rank_;
}

void Engine::loop(RankConfig config) {
  int provided = 0;
  int rc = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  Status st = rc == MPI_SUCCESS
                  ? setupWorld(config)
                  : Status(ErrorCode::kInternal,
                           "MPI_Init_thread failed: " + mpiError(rc));
  {
    std::lock_guard<std::mutex> lock(mu_);
    initStatus_ = st;
    ready_ = true;
  }
  cv_.notify_all();
  bool stop = false;
  // Polling: right after a start or a completion, operations usually end
  // within microseconds, so the thread keeps testing (yielding the core)
  // for kSpin; after that it tests every kPoll.
  constexpr auto kSpin = std::chrono::microseconds(200);
  constexpr auto kPoll = std::chrono::microseconds(50);
  Clock::time_point active = Clock::now();
  while (!stop) {
    std::deque<std::function<void()>> commands;
    {
      std::unique_lock<std::mutex> lock(mu_);
      // Idle: sleep until a command; in flight: poll (commands still wake
      // it at once).
      if (inFlight_.empty())
        cv_.wait(lock, [&] { return !commands_.empty(); });
      else if (commands_.empty() && Clock::now() - active > kSpin)
        cv_.wait_for(lock, kPoll);
      commands.swap(commands_);
      stop = finalized_ && commands.empty() && inFlight_.empty();
    }
    if (!commands.empty())
      active = Clock::now();
    for (auto &command : commands)
      command();
    Clock::time_point now = Clock::now();
    for (auto it = inFlight_.begin(); it != inFlight_.end();) {
      if (progress(*it, now)) {
        it = inFlight_.erase(it);
        active = now;
      } else {
        ++it;
      }
    }
    if (!inFlight_.empty() && now - active <= kSpin)
      std::this_thread::yield();
    std::lock_guard<std::mutex> lock(mu_);
    if (finalized_ && commands_.empty() && (inFlight_.empty() || failedOnce_))
      stop = true;
  }
  runFinalize();
}

Status Engine::setupWorld(const RankConfig &config) {
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int worldRank = 0, worldSize = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &worldRank);
  MPI_Comm_size(MPI_COMM_WORLD, &worldSize);
  // Every rank learns every rank's RANK_ID, so all report the same error.
  int32_t key = config.rankId >= 0 ? config.rankId : worldRank;
  std::vector<int32_t> keys(worldSize);
  MPI_Allgather(&key, 1, MPI_INT32_T, keys.data(), 1, MPI_INT32_T,
                MPI_COMM_WORLD);
  if (config.rankSize > 0 && config.rankSize != worldSize)
    return invalidArgument("RANK_SIZE is " + std::to_string(config.rankSize) +
                           " but the MPI launcher started " +
                           std::to_string(worldSize) + " processes");
  std::vector<int32_t> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  for (int32_t i = 0; i < worldSize; ++i)
    if (sorted[i] != i)
      return invalidArgument(
          "RANK_ID must give each of the " + std::to_string(worldSize) +
          " processes a distinct rank in 0.." + std::to_string(worldSize - 1) +
          "; the processes have " + joinRanks(keys));
  if (!config.rankTable.empty() &&
      static_cast<int>(config.rankTable.size()) != worldSize)
    return invalidArgument("rank table '" + config.rankTablePath + "' lists " +
                           std::to_string(config.rankTable.size()) +
                           " ranks but the MPI launcher started " +
                           std::to_string(worldSize) + " processes");
  int rc = MPI_Comm_split(MPI_COMM_WORLD, 0, key, &world_);
  if (rc != MPI_SUCCESS)
    return Status(ErrorCode::kInternal,
                  "cannot order the ranks: " + mpiError(rc));
  MPI_Comm_set_errhandler(world_, MPI_ERRORS_RETURN);
  rank_.backend = "mpi";
  rank_.rank = key;
  rank_.size = worldSize;
  if (!config.rankTable.empty()) {
    // Local ranks: this rank's position among its server's devices.
    std::string server;
    for (const RankTableDevice &d : config.rankTable)
      if (d.rankId == key)
        server = d.serverId;
    std::vector<int32_t> local;
    for (const RankTableDevice &d : config.rankTable)
      if (d.serverId == server)
        local.push_back(d.rankId);
    std::sort(local.begin(), local.end());
    rank_.localRank = static_cast<int32_t>(
        std::find(local.begin(), local.end(), key) - local.begin());
    rank_.localSize = static_cast<int32_t>(local.size());
  } else {
    MPI_Comm node;
    MPI_Comm_split_type(world_, MPI_COMM_TYPE_SHARED, key, MPI_INFO_NULL,
                        &node);
    MPI_Comm_rank(node, &rank_.localRank);
    MPI_Comm_size(node, &rank_.localSize);
    MPI_Comm_free(&node);
  }
  std::vector<int32_t> all(worldSize);
  for (int32_t i = 0; i < worldSize; ++i)
    all[i] = i;
  return runCreateGroup(kWorldGroup, all);
}

RankInfo Engine::rankInfo() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rank_;
}

StatusOr<GroupInfo> Engine::group(const std::string &name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(name);
  if (it == groups_.end())
    return Status(ErrorCode::kNotFound,
                  "communication group '" + name +
                      "' does not exist (create it on every rank first, "
                      "e.g. geflow.distributed.create_group)");
  if (it->second->info.rank < 0)
    return invalidArgument("rank " + std::to_string(rank_.rank) +
                           " is not a member of group '" + name + "' (ranks " +
                           joinRanks(it->second->info.ranks) + ")");
  return it->second->info;
}

Status Engine::createGroup(const std::string &name,
                           const std::vector<int32_t> &ranks) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!ready_ || !initStatus_.ok())
      return Status(ErrorCode::kInternal, "MPI is not initialized");
  }
  auto promise = std::make_shared<std::promise<Status>>();
  std::future<Status> result = promise->get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    commands_.push_back([this, name, ranks, promise] {
      promise->set_value(runCreateGroup(name, ranks));
    });
  }
  cv_.notify_all();
  return result.get();
}

Status Engine::runCreateGroup(const std::string &name,
                              const std::vector<int32_t> &ranks) {
  if (name.empty())
    return invalidArgument("a group needs a name");
  std::vector<int32_t> sorted = ranks;
  std::sort(sorted.begin(), sorted.end());
  if (ranks.empty() ||
      std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end() ||
      sorted.front() < 0 || sorted.back() >= rank_.size)
    return invalidArgument("group '" + name + "': ranks [" + joinRanks(ranks) +
                           "] must be distinct ranks of 0.." +
                           std::to_string(rank_.size - 1));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (groups_.count(name))
      return invalidArgument("group '" + name + "' already exists");
  }
  auto g = std::make_unique<Group>();
  g->info.name = name;
  g->info.ranks = ranks;
  auto self = std::find(ranks.begin(), ranks.end(), rank_.rank);
  g->info.rank =
      self == ranks.end() ? -1 : static_cast<int32_t>(self - ranks.begin());
  if (g->info.rank >= 0) {
    // Only the members take part in creating it.
    MPI_Group worldGroup, members;
    MPI_Comm_group(world_, &worldGroup);
    MPI_Group_incl(worldGroup, static_cast<int>(ranks.size()), ranks.data(),
                   &members);
    int rc = MPI_Comm_create_group(world_, members, 0, &g->comm);
    MPI_Group_free(&members);
    MPI_Group_free(&worldGroup);
    if (rc != MPI_SUCCESS)
      return Status(ErrorCode::kInternal,
                    "cannot create group '" + name + "': " + mpiError(rc));
    MPI_Comm_set_errhandler(g->comm, MPI_ERRORS_RETURN);
    MPI_Comm_dup(g->comm, &g->arrivals);
    MPI_Comm_set_errhandler(g->arrivals, MPI_ERRORS_RETURN);
  }
  std::lock_guard<std::mutex> lock(mu_);
  groups_[name] = std::move(g);
  return Status::OK();
}

void Engine::start(std::shared_ptr<const CollectiveRequest> request,
                   std::function<void(Status)> done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    commands_.push_back(
        [this, request = std::move(request), done = std::move(done)]() mutable {
          InFlight op;
          op.request = std::move(request);
          op.done = std::move(done);
          Status st = post(op);
          if (!st.ok()) {
            op.done(st);
            return;
          }
          inFlight_.push_back(std::move(op));
        });
  }
  cv_.notify_all();
}

void Engine::finalize() {
  std::unique_lock<std::mutex> lock(mu_);
  if (!started_ || finalized_)
    return;
  finalized_ = true;
  commands_.push_back([] {});
  lock.unlock();
  cv_.notify_all();
  thread_.join();
}

void Engine::runFinalize() {
  if (!initStatus_.ok() && world_ == MPI_COMM_NULL) {
    MPI_Finalize();
    return;
  }
  if (failedOnce_ || !inFlight_.empty()) {
    // Other ranks may wait forever for what this one will never finish.
    MPI_Abort(MPI_COMM_WORLD, 1);
    return;
  }
  MPI_Finalize();
}

} // namespace geflow::rt::mpi

namespace geflow::rt {

bool mpiCollectivesBuilt() { return true; }

StatusOr<RankInfo> initCollectives(const RankConfig &config) {
  static std::mutex mu;
  static std::optional<StatusOr<RankInfo>> result;
  std::lock_guard<std::mutex> lock(mu);
  if (result)
    return *result;
  if (launchedRankSize() <= 1 ||
      (std::getenv("OMPI_COMM_WORLD_SIZE") == nullptr &&
       std::getenv("PMI_SIZE") == nullptr &&
       std::getenv("PMIX_RANK") == nullptr)) {
    // Not under an MPI launcher: one rank, no MPI.
    if (config.rankSize > 1)
      result = StatusOr<RankInfo>(invalidArgument(
          "RANK_SIZE is " + std::to_string(config.rankSize) +
          " but this process was not started by an MPI launcher: run it "
          "with mpirun -np " +
          std::to_string(config.rankSize) + " ..."));
    else if (config.rankTable.size() > 1)
      result = StatusOr<RankInfo>(invalidArgument(
          "rank table '" + config.rankTablePath + "' lists " +
          std::to_string(config.rankTable.size()) +
          " ranks but this process was not started by an MPI launcher: run "
          "it with mpirun -np " +
          std::to_string(config.rankTable.size()) + " ..."));
    else if (config.rankId > 0)
      result = StatusOr<RankInfo>(
          invalidArgument("RANK_ID is " + std::to_string(config.rankId) +
                          " but this process is the only rank (rank 0)"));
    else
      result = StatusOr<RankInfo>(RankInfo());
    return *result;
  }
  StatusOr<RankInfo> info = mpi::Engine::get().init(config);
  if (info.ok())
    setCollectiveBackend(std::make_shared<mpi::MpiBackend>());
  result = info;
  return *result;
}

void finalizeCollectives() { mpi::Engine::get().finalize(); }

} // namespace geflow::rt
