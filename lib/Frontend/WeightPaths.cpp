//===- WeightPaths.cpp - Weight files resolved inside the model directory -===//
#include "geflow/Frontend/WeightPaths.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace geflow::frontend {

// Checks the location string itself: relative, no "..".
static bool checkRelative(StringRef location, std::string &error) {
  if (location.empty()) {
    error = "a weight file has no location";
    return false;
  }
  if (sys::path::is_absolute(location) || location.starts_with("/")) {
    error = ("weight file '" + location +
             "' is absolute; it must be relative to the model directory")
                .str();
    return false;
  }
  for (auto it = sys::path::begin(location), e = sys::path::end(location);
       it != e; ++it) {
    if (*it == "..") {
      error = ("weight file '" + location +
               "' must not leave the model directory ('..')")
                  .str();
      return false;
    }
  }
  return true;
}

// Checks where the path really leads: a symlink inside the model directory
// may still point outside it.
static bool checkInsideDir(StringRef modelDir, StringRef location,
                           SmallString<256> &realFile, std::string &error) {
  SmallString<256> full(modelDir);
  sys::path::append(full, location);
  SmallString<256> realDir;
  if (std::error_code ec = sys::fs::real_path(modelDir, realDir)) {
    error = ("cannot resolve the model directory '" + modelDir +
             "': " + ec.message())
                .str();
    return false;
  }
  if (std::error_code ec = sys::fs::real_path(full, realFile)) {
    error =
        ("cannot open weight file '" + location + "': " + ec.message()).str();
    return false;
  }
  SmallString<256> prefix(realDir);
  if (!prefix.ends_with("/"))
    prefix += "/";
  if (!realFile.str().starts_with(prefix)) {
    error = ("weight file '" + location +
             "' resolves outside the model directory (to '" + realFile + "')")
                .str();
    return false;
  }
  return true;
}

FailureOr<std::string> resolveWeightFile(StringRef modelDir, StringRef location,
                                         std::string &error) {
  if (!checkRelative(location, error))
    return failure();
  SmallString<256> realFile;
  if (!checkInsideDir(modelDir, location, realFile, error))
    return failure();
  return realFile.str().str();
}

} // namespace geflow::frontend
