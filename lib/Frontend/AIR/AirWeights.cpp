//===- AirWeights.cpp - FileConstant paths of a .air, resolved safely -----===//
#include "AirWeights.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace geflow::frontend::air {

static std::string realDir(StringRef dir) {
  SmallString<256> real;
  if (dir.empty() || sys::fs::real_path(dir, real))
    return "";
  return real.str().str();
}

/// The part of `file` below directory `dir` (both real paths), or "".
static std::string below(StringRef dir, StringRef file) {
  if (dir.empty())
    return "";
  std::string prefix = dir.str();
  if (!StringRef(prefix).ends_with("/"))
    prefix += "/";
  if (!file.starts_with(prefix))
    return "";
  return file.drop_front(prefix.size()).str();
}

FailureOr<ResolvedWeight>
resolveAirWeight(StringRef filePath, StringRef modelDir, std::string &error) {
  if (filePath.empty()) {
    error = "has an empty file_path";
    return failure();
  }
  for (auto it = sys::path::begin(filePath), e = sys::path::end(filePath);
       it != e; ++it)
    if (*it == "..") {
      error =
          ("weight file '" + filePath + "' must not leave its directory ('..')")
              .str();
      return failure();
    }
  SmallString<256> cwd;
  sys::fs::current_path(cwd);
  std::string realCwd = realDir(cwd), realModel = realDir(modelDir);

  ResolvedWeight result;
  auto accept = [&](StringRef real, StringRef realBase) -> bool {
    if (below(realBase, real).empty())
      return false;
    result.realPath = real.str();
    result.underModelDir = below(realModel, real);
    return true;
  };
  std::string outside;
  if (sys::path::is_absolute(filePath)) {
    SmallString<256> real;
    if (!sys::fs::real_path(filePath, real) && !accept(real, realCwd) &&
        !accept(real, realModel))
      outside = real.str().str();
  } else {
    // The first base the path exists in and stays inside of wins.
    for (StringRef base : {StringRef(realCwd), StringRef(realModel)}) {
      if (base.empty())
        continue;
      SmallString<256> full(base), real;
      sys::path::append(full, filePath);
      if (sys::fs::real_path(full, real))
        continue;
      if (accept(real, base))
        break;
      outside = real.str().str();
    }
  }
  if (result.realPath.empty()) {
    if (!outside.empty())
      error = ("weight file '" + filePath +
               "' resolves outside the working directory and the .air's "
               "directory (to '" +
               outside + "')")
                  .str();
    else
      error = ("weight file '" + filePath +
               "' does not exist (looked in the working directory '" + realCwd +
               "'" +
               (realModel.empty()
                    ? std::string()
                    : " and the .air's directory '" + realModel + "'") +
               ")")
                  .str();
    return failure();
  }
  sys::fs::file_status status;
  if (std::error_code ec = sys::fs::status(result.realPath, status)) {
    error =
        ("cannot open weight file '" + filePath + "': " + ec.message()).str();
    return failure();
  }
  if (!sys::fs::is_regular_file(status)) {
    error = ("weight file '" + filePath + "' is not a regular file").str();
    return failure();
  }
  result.size = status.getSize();
  return result;
}

} // namespace geflow::frontend::air
