//===- RegularFile.h - Opening input files that are regular files -*- C++ -*-//
//
// Every file geflow reads (models, .gfm, .npy, weight files, option files)
// is opened here: a FIFO or a device (/dev/zero) would block open() or never
// end, so they are refused before anything is read.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_REGULARFILE_H
#define GEFLOW_RUNTIME_REGULARFILE_H

#include <cstdint>
#include <string>

namespace geflow::rt {

/// A descriptor open for reading on a regular file, or why there is none.
struct RegularFile {
  int fd = -1;       // owned by the caller, who closes it
  uint64_t size = 0; // bytes, from fstat
  int error = 0;     // on failure: errno of open(), or 0 for "not regular"
  bool ok() const { return fd >= 0; }
  bool notRegular() const { return fd < 0 && error == 0; }
};

/// Checks the path, opens it read-only without blocking (opening a FIFO
/// must not wait for a writer) and checks the descriptor again (the path may
/// have been swapped in between).
RegularFile openRegularFile(const std::string &path);

} // namespace geflow::rt

#endif
