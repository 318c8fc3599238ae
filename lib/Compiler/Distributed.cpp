//===- Distributed.cpp - GE's rank configuration and HCCL options ---------===//
#include "geflow/Compiler/Distributed.h"

#include "geflow/Support/InputLimits.h"

#include "llvm/Support/JSON.h"

#include <cstdlib>

namespace geflow {

namespace {

/// GE writes the rank table's numbers as strings ("0"); plain numbers are
/// accepted too.
std::optional<int64_t> numberField(const llvm::json::Object &o,
                                   llvm::StringRef key) {
  if (auto s = o.getString(key)) {
    int64_t v;
    if (s->getAsInteger(10, v) || v < 0)
      return std::nullopt;
    return v;
  }
  if (auto i = o.getInteger(key); i && *i >= 0)
    return *i;
  return std::nullopt;
}

/// An environment variable holding a non-negative number: nullopt when
/// unset, an error when malformed.
std::optional<int64_t> envNumber(const char *name, std::string &error) {
  const char *v = std::getenv(name);
  if (!v || !*v)
    return std::nullopt;
  int64_t n;
  if (llvm::StringRef(v).getAsInteger(10, n) || n < 0 || n > (1 << 20)) {
    error = std::string(name) + "='" + v + "' is not a rank number";
    return std::nullopt;
  }
  return n;
}

} // namespace

std::optional<std::vector<rt::RankTableDevice>>
parseRankTable(const std::string &path, std::string &error) {
  auto fail = [&](const std::string &why) {
    error = "rank table '" + path + "': " + why;
    return std::nullopt;
  };
  std::string readError;
  auto file = readInputFile(path, kMaxJsonFileBytes, readError);
  if (!file)
    return fail(readError);
  std::string nesting = checkNesting(file->getBuffer(), NestingSyntax::Json);
  if (!nesting.empty())
    return fail(nesting);
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(file->getBuffer());
  if (!json)
    return fail("not JSON: " + llvm::toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  const llvm::json::Array *servers =
      root ? root->getArray("server_list") : nullptr;
  if (!servers)
    return fail("expected an object with a \"server_list\" array (GE's rank "
                "table format)");
  if (auto status = root->getString("status"); status && *status != "completed")
    return fail("status is \"" + status->str() + "\", not \"completed\"");
  std::vector<rt::RankTableDevice> devices;
  for (size_t s = 0; s < servers->size(); ++s) {
    std::string where = "server_list[" + std::to_string(s) + "]";
    const llvm::json::Object *server = (*servers)[s].getAsObject();
    const llvm::json::Array *list =
        server ? server->getArray("device") : nullptr;
    if (!list)
      return fail(where + " needs a \"device\" array");
    std::string serverId = server->getString("server_id").value_or("").str();
    for (size_t d = 0; d < list->size(); ++d) {
      std::string at = where + ".device[" + std::to_string(d) + "]";
      const llvm::json::Object *dev = (*list)[d].getAsObject();
      if (!dev)
        return fail(at + " is not an object");
      auto rank = numberField(*dev, "rank_id");
      auto device = numberField(*dev, "device_id");
      if (!rank)
        return fail(at + " needs \"rank_id\", a non-negative number");
      if (!device)
        return fail(at + " needs \"device_id\", a non-negative number");
      rt::RankTableDevice entry;
      entry.rankId = static_cast<int32_t>(*rank);
      entry.deviceId = static_cast<int32_t>(*device);
      entry.serverId = serverId;
      entry.deviceIp = dev->getString("device_ip").value_or("").str();
      devices.push_back(entry);
    }
  }
  if (devices.empty())
    return fail("lists no device");
  std::vector<bool> seen(devices.size(), false);
  for (const rt::RankTableDevice &d : devices) {
    if (d.rankId >= static_cast<int32_t>(devices.size()) || seen[d.rankId])
      return fail("rank_id " + std::to_string(d.rankId) +
                  " is repeated or outside 0.." +
                  std::to_string(devices.size() - 1) +
                  " (the ranks must be 0..N-1 once each)");
    seen[d.rankId] = true;
  }
  if (auto count = root->getString("server_count")) {
    int64_t n;
    if (count->getAsInteger(10, n) ||
        n != static_cast<int64_t>(servers->size()))
      return fail("server_count \"" + count->str() + "\" does not match the " +
                  std::to_string(servers->size()) + " servers listed");
  }
  return devices;
}

std::optional<rt::RankConfig> parseRankConfig(const Options &options,
                                              std::string &error) {
  rt::RankConfig config;
  error.clear();
  std::optional<int64_t> id = envNumber("RANK_ID", error);
  if (!error.empty())
    return std::nullopt;
  std::optional<int64_t> size = envNumber("RANK_SIZE", error);
  if (!error.empty())
    return std::nullopt;
  if (size && *size == 0) {
    error = "RANK_SIZE must be at least 1";
    return std::nullopt;
  }
  config.rankId = id ? static_cast<int32_t>(*id) : -1;
  config.rankSize = size ? static_cast<int32_t>(*size) : 0;
  if (id && size && *id >= *size) {
    error = "RANK_ID " + std::to_string(*id) + " is not below RANK_SIZE " +
            std::to_string(*size);
    return std::nullopt;
  }
  std::string table = options.get("rank_table_file").value_or("");
  if (table.empty())
    if (const char *env = std::getenv("RANK_TABLE_FILE"))
      table = env;
  if (!table.empty()) {
    auto devices = parseRankTable(table, error);
    if (!devices)
      return std::nullopt;
    config.rankTable = std::move(*devices);
    config.rankTablePath = table;
    if (size && *size != static_cast<int64_t>(config.rankTable.size())) {
      error = "RANK_SIZE " + std::to_string(*size) + " differs from the " +
              std::to_string(config.rankTable.size()) + " ranks of '" + table +
              "'";
      return std::nullopt;
    }
  }
  return config;
}

rt::StatusOr<rt::RankInfo> setUpRanks(const Options &options) {
  if (auto timeout = options.get("hccl_timeout"))
    rt::setCollectiveTimeout(std::stoll(*timeout));
  std::string error;
  std::optional<rt::RankConfig> config = parseRankConfig(options, error);
  if (!config)
    return rt::invalidArgument(error);
  rt::StatusOr<rt::RankInfo> info = rt::initCollectives(*config);
  if (!info.ok())
    return info;
  if (options.has("local_rank_id")) {
    int64_t local = options.getInt("local_rank_id", 0);
    if (local != info->localRank)
      return rt::invalidArgument("local_rank_id is " + std::to_string(local) +
                                 " but this process is "
                                 "local rank " +
                                 std::to_string(info->localRank) + " of " +
                                 std::to_string(info->localSize) +
                                 " on its server");
  }
  return info;
}

} // namespace geflow
