//===- FuzzMain.cpp - Corpus replay for builds without libFuzzer ----------===//
//
// The fuzz targets build with libFuzzer under `make fuzz` (clang, ASan,
// UBSan). Every other build links them with this driver instead, so that
// `ctest` replays the checked-in seed corpora (and the regression inputs of
// every bug found) through the same LLVMFuzzerTestOneInput: arguments are
// files or directories of inputs; flags (libFuzzer's "-runs=0", ...) are
// ignored. A crash, sanitizer report or abort fails the test.
//
//===----------------------------------------------------------------------===//
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <dirent.h>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/stat.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int *argc,
                                                          char ***argv);

static bool isDirectory(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

static std::vector<std::string> listInputs(const std::string &path) {
  if (!isDirectory(path))
    return {path};
  std::vector<std::string> files;
  if (DIR *dir = ::opendir(path.c_str())) {
    while (dirent *entry = ::readdir(dir)) {
      std::string name = entry->d_name;
      if (name != "." && name != ".." && !isDirectory(path + "/" + name))
        files.push_back(path + "/" + name);
    }
    ::closedir(dir);
  }
  std::sort(files.begin(), files.end());
  return files;
}

int main(int argc, char **argv) {
  if (LLVMFuzzerInitialize)
    LLVMFuzzerInitialize(&argc, &argv);
  size_t runs = 0;
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] == '-')
      continue;
    for (const std::string &file : listInputs(argv[i])) {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "cannot read '%s'\n", file.c_str());
        return 1;
      }
      std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
      // A copy of exactly `size` bytes, as libFuzzer passes them, so an
      // over-read is one past the allocation.
      std::vector<uint8_t> input(bytes);
      LLVMFuzzerTestOneInput(input.data(), input.size());
      ++runs;
    }
  }
  if (runs == 0) {
    std::fprintf(stderr, "no inputs replayed\n");
    return 1;
  }
  std::printf("replayed %zu inputs\n", runs);
  return 0;
}
