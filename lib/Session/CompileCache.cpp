//===- CompileCache.cpp - GE's graph compile cache ------------------------===//
#include "CompileCache.h"

#include "geflow/Compiler/CompileConfig.h"
#include "geflow/Support/InputLimits.h"
#include "geflow/runtime/Gfm.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace geflow {

using rt::Status;

namespace {
std::string join(const std::string &dir, const std::string &file) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, file);
  return path.str().str();
}

Status writeAtomically(const std::string &path, llvm::StringRef bytes) {
  std::string tmp = path + ".tmp";
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(tmp, ec);
    if (ec)
      return rt::Status(rt::ErrorCode::kIoError,
                        "compile cache: cannot write '" + tmp +
                            "': " + ec.message());
    os << bytes;
    os.close();
    if (os.has_error())
      return rt::Status(rt::ErrorCode::kIoError,
                        "compile cache: cannot write '" + tmp +
                            "': " + os.error().message());
  }
  if (std::error_code ec = llvm::sys::fs::rename(tmp, path))
    return rt::Status(rt::ErrorCode::kIoError,
                      "compile cache: cannot rename '" + tmp +
                          "': " + ec.message());
  return Status::OK();
}
} // namespace

CompileCache::CompileCache(std::string dir, std::string key)
    : dir_(std::move(dir)), key_(std::move(key)),
      model_(join(dir_, key_ + ".gfm")), index_(join(dir_, key_ + ".idx")),
      lockPath_(join(dir_, key_ + ".lock")) {}

rt::StatusOr<std::optional<CompileCache>>
CompileCache::fromOptions(const Options &options, const std::string &graph) {
  std::optional<std::string> dir = options.get("ge.graph_compiler_cache_dir");
  std::optional<std::string> key = options.get("ge.graph_key");
  if (!dir && !key)
    return std::optional<CompileCache>();
  if (!dir)
    return rt::invalidArgument(
        graph + " has ge.graph_key '" + *key +
        "' but no ge.graph_compiler_cache_dir: the key names the "
        "graph's files in that directory");
  if (!key)
    return rt::invalidArgument(
        graph + " has ge.graph_compiler_cache_dir '" + *dir +
        "' but no ge.graph_key: the cache names its files by the key");
  return std::optional<CompileCache>(CompileCache(*dir, *key));
}

std::string CompileCache::fingerprint(const std::string &source,
                                      const Options &options) {
  std::string text = "geflow compile cache 1\n" + source;
  for (const auto &[name, value] : options.values()) {
    const OptionSpec *spec = OptionsRegistry::get().find(name);
    if (spec && !spec->affectsExecutable)
      continue;
    // An option set to its default compiles what leaving it out does
    // (ge.socVersion=host on the development machine, nothing on the target).
    if (spec && !spec->defaultValue.empty() && value == spec->defaultValue)
      continue;
    text += "\n" + name + "=" + value;
    // Files named by options (mixlists, dtype configs, fusion switches)
    // change the executable through their contents.
    if (spec && spec->kind == OptionSpec::Kind::Path)
      if (auto file = llvm::MemoryBuffer::getFile(value, /*IsText=*/false))
        text += "\n" + (*file)->getBuffer().str();
  }
  for (const char *variable : kCompileEnvironmentVariables)
    if (const char *value = std::getenv(variable))
      text += "\nenv " + std::string(variable) + "=" + value;
  llvm::XXH128_hash_t h = llvm::xxh3_128bits(llvm::arrayRefFromStringRef(text));
  return llvm::utohexstr(h.high64, /*LowerCase=*/true, 16) +
         llvm::utohexstr(h.low64, /*LowerCase=*/true, 16);
}

CompileCache::Lock::~Lock() {
  if (fd_ >= 0) {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
}

rt::StatusOr<CompileCache::Lock> CompileCache::lock() const {
  if (std::error_code ec = llvm::sys::fs::create_directories(dir_))
    return rt::invalidArgument(
        "compile cache: cannot create ge.graph_compiler_cache_dir '" + dir_ +
        "': " + ec.message());
  int fd = ::open(lockPath_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return rt::invalidArgument("compile cache: cannot open lock file '" +
                               lockPath_ + "': " + std::strerror(errno));
  if (::flock(fd, LOCK_EX) != 0) {
    std::string why = std::strerror(errno);
    ::close(fd);
    return rt::invalidArgument("compile cache: cannot lock '" + lockPath_ +
                               "': " + why);
  }
  return Lock(fd);
}

rt::StatusOr<std::optional<std::vector<uint8_t>>>
CompileCache::lookup(const std::string &fingerprint) const {
  using Result = std::optional<std::vector<uint8_t>>;
  bool haveIndex = llvm::sys::fs::exists(index_);
  if (!haveIndex) {
    // Never replace an executable that no geflow index claims.
    if (llvm::sys::fs::exists(model_))
      return rt::invalidArgument("compile cache: '" + model_ +
                                 "' exists without its index '" + index_ +
                                 "'; remove it or choose another ge.graph_key");
    return Result();
  }
  auto damaged = [&](const std::string &why) {
    return rt::Status(rt::ErrorCode::kInvalidArgument,
                      "compile cache: index '" + index_ + "' " + why +
                          "; remove the entry's files (" + key_ + ".idx, " +
                          key_ + ".gfm) to rebuild it");
  };
  std::string error;
  auto indexFile = readInputFile(index_, kMaxJsonFileBytes, error);
  if (!indexFile)
    return damaged("cannot be read: " + error);
  if (std::string deep =
          checkNesting(indexFile->getBuffer(), NestingSyntax::Json);
      !deep.empty())
    return damaged("is not valid JSON: " + deep);
  llvm::Expected<llvm::json::Value> json =
      llvm::json::parse(indexFile->getBuffer());
  if (!json)
    return damaged("is not valid JSON: " + llvm::toString(json.takeError()));
  const llvm::json::Object *index = json->getAsObject();
  std::optional<llvm::StringRef> key =
      index ? index->getString("graph_key") : std::nullopt;
  std::optional<llvm::StringRef> print =
      index ? index->getString("fingerprint") : std::nullopt;
  std::optional<int64_t> size =
      index ? index->getInteger("size") : std::nullopt;
  std::optional<int64_t> crc =
      index ? index->getInteger("crc32c") : std::nullopt;
  if (!key || !print || !size || !crc)
    return damaged("lacks graph_key, fingerprint, size or crc32c");
  if (*key != key_)
    return damaged("belongs to graph_key '" + key->str() + "'");
  if (*print != fingerprint)
    return Result(); // stale: the graph or its options changed
  auto model = llvm::MemoryBuffer::getFile(model_, /*IsText=*/false,
                                           /*RequiresNullTerminator=*/false);
  if (!model)
    return Result(); // indexed but gone: rebuild it
  llvm::StringRef bytes = (*model)->getBuffer();
  if (static_cast<int64_t>(bytes.size()) != *size ||
      rt::crc32c(bytes.data(), bytes.size()) != static_cast<uint32_t>(*crc))
    return damaged("does not match '" + model_ +
                   "' (size or crc32c differ: was it modified?)");
  return Result(std::vector<uint8_t>(bytes.begin(), bytes.end()));
}

Status CompileCache::store(const std::string &fingerprint,
                           const std::vector<uint8_t> &gfm,
                           const std::string &source) const {
  llvm::StringRef bytes(reinterpret_cast<const char *>(gfm.data()), gfm.size());
  GEFLOW_RETURN_IF_ERROR(writeAtomically(model_, bytes));
  llvm::json::Object index{
      {"graph_key", key_},
      {"model", llvm::sys::path::filename(model_).str()},
      {"size", static_cast<int64_t>(gfm.size())},
      {"crc32c", static_cast<int64_t>(rt::crc32c(gfm.data(), gfm.size()))},
      {"fingerprint", fingerprint},
      {"source", source},
      {"producer", "geflow"},
  };
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(index))) << "\n";
  return writeAtomically(index_, text);
}

} // namespace geflow
