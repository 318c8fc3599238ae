//===- RankFiles.cpp - Each rank's own files under mpirun -----------------===//
#include "RankFiles.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace geflow::run {

std::string pathForRank(const std::string &path, const rt::RankInfo &rank) {
  std::string out = path;
  const std::string marker = "{rank}";
  std::string number = std::to_string(rank.rank);
  bool substituted = false;
  for (size_t at = out.find(marker); at != std::string::npos;
       at = out.find(marker, at + number.size())) {
    out.replace(at, marker.size(), number);
    substituted = true;
  }
  if (substituted || rank.size <= 1 || out.empty() ||
      llvm::sys::fs::exists(out))
    return out;
  llvm::StringRef ext = llvm::sys::path::extension(out);
  std::string perRank =
      out.substr(0, out.size() - ext.size()) + number + ext.str();
  return llvm::sys::fs::exists(perRank) ? perRank : out;
}

} // namespace geflow::run
