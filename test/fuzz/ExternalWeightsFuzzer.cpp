//===- ExternalWeightsFuzzer.cpp - Fuzz target: external weight tables ----===//
//
// A .gfm compiled with external_weight=true names weight files beside it
// (path, length, CRC32C). The input is such a .gfm; before loading it from a
// scratch directory the target creates what its table names, each entry in
// one of several states chosen by the entry's own CRC field: a matching
// file (checksum made to fit, so the weights reach the kernels), a file of
// the right length and a wrong checksum, a file of the wrong length, a
// symlink to a matching file outside the directory, a FIFO, a directory, or
// nothing. Loading must end in a model that runs on zero inputs or in an
// error, never a crash, a hang or weights read from outside the model's
// directory (a load that succeeds through such a symlink aborts).
//
//===----------------------------------------------------------------------===//
#include "GfmFuzzSupport.h"

#include "geflow/runtime/Gfm.h"
#include "proto/gfm.pb.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <ftw.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

using namespace geflow;
using namespace geflow::rt;

static const std::string &scratchDir() {
  static std::string dir = [] {
    char templ[] = "/tmp/geflow-fuzz-weights-XXXXXX";
    if (!::mkdtemp(templ))
      std::abort();
    return std::string(templ);
  }();
  return dir;
}

static void removeTree(const std::string &dir) {
  ::nftw(
      dir.c_str(),
      [](const char *path, const struct stat *, int, struct FTW *) {
        return ::remove(path);
      },
      16, FTW_DEPTH | FTW_PHYS);
}

// Paths the target creates: short, relative, no "..", plain characters.
// Anything else stays uncreated, and the loader must refuse or miss it.
static bool creatable(const std::string &path) {
  if (path.empty() || path.size() > 64 || path[0] == '/' ||
      path.find("..") != std::string::npos)
    return false;
  for (char c : path)
    if (!std::isalnum(static_cast<unsigned char>(c)) && !std::strchr("_-./", c))
      return false;
  return true;
}

static bool makeParents(const std::string &root, const std::string &rel) {
  for (size_t slash = rel.find('/'); slash != std::string::npos;
       slash = rel.find('/', slash + 1)) {
    std::string dir = root + "/" + rel.substr(0, slash);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      return false;
  }
  return true;
}

static bool writeFile(const std::string &path, const std::vector<uint8_t> &b) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0)
    return false;
  bool ok = ::write(fd, b.data(), b.size()) == ssize_t(b.size());
  ::close(fd);
  return ok;
}

/// Creates entry `w` in `root` in the state its crc32c field selects and
/// updates the entry when the state needs a matching checksum. Sets
/// `*escapes` when the entry is a symlink leaving `root`.
static void materialize(const std::string &root, gfm::ExternalWeight &w,
                        bool *escapes) {
  constexpr uint64_t kMaxFileBytes = 1 << 20;
  if (!creatable(w.path()) || w.length() > kMaxFileBytes ||
      !makeParents(root, w.path()))
    return;
  std::string path = root + "/" + w.path();
  std::vector<uint8_t> content(w.length());
  for (size_t i = 0; i < content.size(); ++i)
    content[i] = uint8_t(i * 131 + 7);
  switch (w.crc32c() % 8) {
  case 0:
  case 1:
  case 2: // the intended case, most of the time
    if (writeFile(path, content))
      w.set_crc32c(crc32c(content.data(), content.size()));
    break;
  case 3:
    writeFile(path, content);
    break;
  case 4:
    content.push_back(0);
    writeFile(path, content);
    break;
  case 5: { // a matching file, but outside the model's directory
    std::string outside = root + "-outside";
    ::mkdir(outside.c_str(), 0700);
    outside += "/" + std::to_string(crc32c(path.data(), path.size()));
    if (writeFile(outside, content) &&
        ::symlink(outside.c_str(), path.c_str()) == 0) {
      w.set_crc32c(crc32c(content.data(), content.size()));
      *escapes = true;
    }
    break;
  }
  case 6:
    ::mkfifo(path.c_str(), 0600);
    break;
  case 7:
    ::mkdir(path.c_str(), 0700);
    break;
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  const std::string &root = scratchDir();
  removeTree(root);
  removeTree(root + "-outside");
  if (::mkdir(root.c_str(), 0700) != 0)
    std::abort();
  GfmHeader h;
  gfm::Model body;
  bool escapes = false;
  if (size >= sizeof(h)) {
    std::memcpy(&h, data, sizeof(h));
    if (h.bodyOffset <= size && h.bodySize <= size - h.bodyOffset &&
        h.weightsOffset <= size && h.weightsSize <= size - h.weightsOffset &&
        body.ParseFromArray(data + h.bodyOffset, int(h.bodySize))) {
      for (gfm::ExternalWeight &w : *body.mutable_external_weights())
        materialize(root, w, &escapes);
      bytes = encodeGfm(body, data + h.weightsOffset, h.weightsSize);
    }
  }
  fuzz::repairGfmChecksums(bytes);
  std::string path = root + "/model.gfm";
  if (!writeFileAtomically(path, bytes.data(), bytes.size()).ok())
    std::abort();
  ModelLoadOptions options;
  options.limits = fuzz::fuzzGfmLimits();
  StatusOr<std::unique_ptr<Model>> model =
      Model::load(path, fuzz::fuzzDevice(), options);
  if (!model.ok()) {
    if (model.status().message().empty())
      std::abort();
    return 0;
  }
  if (escapes) {
    std::fprintf(stderr, "loaded weights through a symlink that leaves the "
                         "model's directory\n");
    std::abort();
  }
  fuzz::runOnZeros(**model);
  return 0;
}

#ifdef GEFLOW_LIBFUZZER
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  return fuzz::mutateGfm(data, size, maxSize, seed);
}
#endif
