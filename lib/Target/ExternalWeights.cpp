//===- ExternalWeights.cpp - Writing external weight files ----------------===//
#include "geflow/Target/ExternalWeights.h"

#include "geflow/runtime/Gfm.h"

#include "proto/gfm.pb.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstring>
#include <set>

using namespace llvm;

namespace geflow {

// The files the .gfm at `gfmPath` uses: a previous compile of this output
// wrote them, so this one may replace them. An unreadable or invalid file
// owns nothing.
static std::set<std::string> ownedFiles(const std::string &gfmPath) {
  std::set<std::string> owned;
  if (!sys::fs::exists(gfmPath))
    return owned;
  auto old = rt::GfmFile::open(gfmPath);
  if (old.ok())
    for (const gfm::ExternalWeight &w : old.value()->model().external_weights())
      owned.insert(w.path());
  return owned;
}

static bool sameContents(const std::string &path,
                         const std::vector<uint8_t> &bytes) {
  auto existing = MemoryBuffer::getFile(path, /*IsText=*/false,
                                        /*RequiresNullTerminator=*/false);
  return existing && (*existing)->getBufferSize() == bytes.size() &&
         (bytes.empty() || std::memcmp((*existing)->getBufferStart(),
                                       bytes.data(), bytes.size()) == 0);
}

rt::Status writeExternalWeights(const std::string &gfmPath,
                                const ExternalWeights &weights) {
  if (weights.files.empty())
    return rt::Status::OK();
  SmallString<256> dir(sys::path::parent_path(gfmPath));
  if (dir.empty())
    dir = ".";
  std::set<std::string> owned = ownedFiles(gfmPath);

  // Everything is checked before anything is written, so a refusal leaves
  // the directory as it was.
  std::vector<std::pair<std::string, const ExternalWeightFile *>> toWrite;
  for (const ExternalWeightFile &f : weights.files) {
    SmallString<256> full(dir);
    sys::path::append(full, f.path);
    sys::fs::file_status st;
    if (sys::fs::status(full, st) || !sys::fs::exists(st)) {
      toWrite.push_back({full.str().str(), &f});
      continue;
    }
    if (!sys::fs::is_regular_file(st))
      return rt::Status(rt::ErrorCode::kIoError,
                        "cannot write external weight '" + full.str().str() +
                            "': it exists and is not a regular file");
    if (sameContents(full.str().str(), f.bytes))
      continue;
    if (!owned.count(f.path))
      return rt::Status(
          rt::ErrorCode::kIoError,
          "refusing to overwrite '" + full.str().str() +
              "': it holds other bytes and '" + gfmPath +
              "' does not list it as one of its external weights (geflow "
              "did not write it for this output); remove it or choose "
              "another output path");
    toWrite.push_back({full.str().str(), &f});
  }
  if (toWrite.empty())
    return rt::Status::OK();
  SmallString<256> weightDir(dir);
  sys::path::append(weightDir, kExternalWeightDir);
  if (std::error_code ec = sys::fs::create_directories(
          weightDir, /*IgnoreExisting=*/true, sys::fs::all_all))
    return rt::Status(rt::ErrorCode::kIoError, "cannot create directory '" +
                                                   weightDir.str().str() +
                                                   "': " + ec.message());
  for (const auto &[path, file] : toWrite)
    GEFLOW_RETURN_IF_ERROR(
        rt::writeFileAtomically(path, file->bytes.data(), file->bytes.size()));
  return rt::Status::OK();
}

} // namespace geflow
