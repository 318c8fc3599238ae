//===- ExternalWeights.cpp - Mapping and checking external weight files ---===//
#include "ExternalWeights.h"

#include "geflow/runtime/RegularFile.h"

#include "proto/gfm.pb.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

namespace geflow::rt::exec {

ExternalWeights::~ExternalWeights() {
  for (auto [addr, size] : mappings_)
    ::munmap(addr, size);
}

// A path the model may name: relative, and never leaving its directory.
static bool staysInside(const std::string &path) {
  if (path.empty() || path[0] == '/')
    return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos)
      end = path.size();
    if (path.compare(start, end - start, "..") == 0 && end - start == 2)
      return false;
    start = end + 1;
  }
  return true;
}

// Where `path` really leads, or "" when it cannot be resolved.
static std::string realPath(const std::string &path) {
  char *resolved = ::realpath(path.c_str(), nullptr);
  if (!resolved)
    return "";
  std::string out = resolved;
  std::free(resolved);
  return out;
}

// A symlink inside the model's directory may point outside it (as the
// compiler's resolveWeightFile checks for ONNX external data).
static bool resolvesInside(const std::string &dir, const std::string &path) {
  std::string realDir = realPath(dir), realFile = realPath(path);
  if (realDir.empty() || realFile.empty())
    return false;
  if (realDir.back() != '/')
    realDir += '/';
  return realFile.compare(0, realDir.size(), realDir) == 0;
}

static std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08x", v);
  return buf;
}

StatusOr<std::unique_ptr<ExternalWeights>>
ExternalWeights::map(const GfmFile &file) {
  std::unique_ptr<ExternalWeights> out(new ExternalWeights());
  const auto &entries = file.model().external_weights();
  if (entries.empty())
    return out;
  const std::string &model = file.path();
  std::string dir = file.directory();
  if (dir.empty())
    return invalidArgument(
        model + ": the model keeps weights in " +
        std::to_string(entries.size()) + " external file(s) ('" +
        entries.Get(0).path() +
        "', ...), which resolve against the model's directory; load "
        "it from its .gfm file, not from bytes");
  for (int i = 0; i < entries.size(); ++i) {
    const gfm::ExternalWeight &w = entries.Get(i);
    if (!staysInside(w.path()))
      return Status(
          ErrorCode::kCorruptFile,
          model + ": external weight " + std::to_string(i) + " has path '" +
              w.path() +
              "', which is not inside the model's directory (absolute or "
              "with '..')");
    std::string path = dir + "/" + w.path();
    std::string what = model + ": external weight file '" + path + "'";
    RegularFile opened = openRegularFile(path);
    if (opened.notRegular())
      return Status(ErrorCode::kIoError, what + " is not a regular file");
    if (!opened.ok())
      return Status(opened.error == ENOENT ? ErrorCode::kNotFound
                                           : ErrorCode::kIoError,
                    what + " cannot be opened: " + std::strerror(opened.error));
    int fd = opened.fd;
    if (!resolvesInside(dir, path)) {
      ::close(fd);
      return Status(ErrorCode::kCorruptFile,
                    what + " resolves outside the model's directory (to '" +
                        realPath(path) + "')");
    }
    if (opened.size != w.length()) {
      ::close(fd);
      return Status(ErrorCode::kCorruptFile,
                    what + " has " + std::to_string(opened.size) +
                        " bytes but the model expects " +
                        std::to_string(w.length()) +
                        " (truncated, or from another compile?)");
    }
    const uint8_t *base = nullptr;
    if (w.length() > 0) {
      void *addr = ::mmap(nullptr, w.length(), PROT_READ, MAP_PRIVATE, fd, 0);
      if (addr == MAP_FAILED) {
        std::string why = std::strerror(errno);
        ::close(fd);
        return Status(ErrorCode::kIoError, what + " cannot be mapped: " + why);
      }
      out->mappings_.push_back({addr, w.length()});
      base = static_cast<const uint8_t *>(addr);
    }
    ::close(fd);
    uint32_t crc = crc32c(base, w.length());
    if (crc != w.crc32c())
      return Status(ErrorCode::kCorruptFile,
                    what + " fails its checksum (CRC32C " + hex(crc) +
                        ", the model expects " + hex(w.crc32c()) +
                        "): the file is corrupt or from another compile");
    out->bases_.push_back(base);
  }
  return out;
}

} // namespace geflow::rt::exec
