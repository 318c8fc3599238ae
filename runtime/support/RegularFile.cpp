//===- RegularFile.cpp - Opening input files that are regular files -------===//
#include "geflow/runtime/RegularFile.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace geflow::rt {

RegularFile openRegularFile(const std::string &path) {
  RegularFile file;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    return file;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    file.error = errno ? errno : EIO;
    return file;
  }
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return file;
  }
  file.fd = fd;
  file.size = static_cast<uint64_t>(st.st_size);
  return file;
}

} // namespace geflow::rt
