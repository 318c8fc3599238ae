//===- CompileCache.h - GE's graph compile cache ----------------*- C++ -*-===//
//
// GE's offline compilation (DataFlow guide): a graph added with
// `ge.graph_compiler_cache_dir` and `ge.graph_key` is compiled once; the
// executable is kept as `<dir>/<key>.gfm` beside an index `<key>.idx` and a
// lock file `<key>.lock`. Building the same graph again (in this process or
// another, on this machine or on a target the files were copied to) loads
// the cached executable instead of compiling.
//
// The index records a fingerprint of what the executable was compiled from
// (the model's bytes or the graph's text, and the compile options) and the
// executable's size and checksum; an entry whose fingerprint differs is
// recompiled and replaced. geflow only ever replaces files its own index
// names; anything else in the directory is left alone.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_SESSION_COMPILECACHE_H
#define GEFLOW_LIB_SESSION_COMPILECACHE_H

#include "geflow/Compiler/Options.h"
#include "geflow/runtime/Status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace geflow {

class CompileCache {
public:
  /// The cache a graph's options ask for: nullopt without cache options; an
  /// error when only one of ge.graph_compiler_cache_dir and ge.graph_key is
  /// set.
  static rt::StatusOr<std::optional<CompileCache>>
  fromOptions(const Options &options, const std::string &graph);

  /// A fingerprint of a compile's source (model bytes or graph text) and of
  /// the options that change what is compiled.
  static std::string fingerprint(const std::string &source,
                                 const Options &options);

  /// Holds `<key>.lock` (flock) so that one process at a time compiles and
  /// writes a key; released on destruction.
  class Lock {
  public:
    Lock() = default;
    explicit Lock(int fd) : fd_(fd) {}
    Lock(Lock &&other) : fd_(other.fd_) { other.fd_ = -1; }
    Lock &operator=(Lock &&other) {
      std::swap(fd_, other.fd_);
      return *this;
    }
    Lock(const Lock &) = delete;
    ~Lock();

  private:
    int fd_ = -1;
  };
  rt::StatusOr<Lock> lock() const;

  /// The cached executable when the index matches `fingerprint`; nullopt
  /// when there is no entry or it is stale. A damaged entry (unreadable
  /// index, executable not matching its index) is an error naming the file.
  rt::StatusOr<std::optional<std::vector<uint8_t>>>
  lookup(const std::string &fingerprint) const;

  /// Writes the executable and then its index (each to a temporary file
  /// renamed into place, so a reader never sees half a file).
  rt::Status store(const std::string &fingerprint,
                   const std::vector<uint8_t> &gfm,
                   const std::string &source) const;

  const std::string &modelPath() const { return model_; }

private:
  CompileCache(std::string dir, std::string key);
  std::string dir_, key_, model_, index_, lockPath_;
};

} // namespace geflow

#endif
