//===- Composites.cpp - geflow-run's sequence and optional files ----------===//
#include "Composites.h"
#include "RunTensors.h"

#include "proto/gfm.pb.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace geflow::run {

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

static bool holdsSequence(const gfm::CompositeSig &c) {
  return c.kind() == gfm::CompositeSig::SEQUENCE || c.holds_sequence();
}

/// The element files of a sequence directory: 0.npy ... (n-1).npy, no gap.
static rt::StatusOr<std::vector<std::string>>
listElements(const std::string &what, const std::string &dir) {
  if (!fs::is_directory(dir))
    return rt::invalidArgument(what + ": '" + dir +
                               "' is not a directory (a sequence is a "
                               "directory of 0.npy, 1.npy, ...)");
  std::vector<std::string> files;
  size_t entries = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    ++entries;
  if (ec)
    return rt::invalidArgument(what + ": cannot list '" + dir +
                               "': " + ec.message());
  for (size_t i = 0;; ++i) {
    llvm::SmallString<256> file(dir);
    path::append(file, std::to_string(i) + ".npy");
    if (!fs::exists(file))
      break;
    files.push_back(file.str().str());
  }
  if (files.size() != entries)
    return rt::invalidArgument(
        what + ": '" + dir + "' holds " + std::to_string(entries) +
        " entries, but only 0.npy to " + std::to_string(files.size()) +
        ".npy without gaps form the sequence (" + std::to_string(files.size()) +
        " elements)");
  return files;
}

rt::Status expandCompositeInputs(const gfm::Model &model,
                                 std::map<std::string, std::string> &inputs) {
  for (const gfm::CompositeSig &c : model.composite_inputs()) {
    auto it = inputs.find(c.name());
    if (it == inputs.end())
      continue;
    std::string given = it->second;
    inputs.erase(it);
    std::string what = "input '" + c.name() + "'";
    bool none = given == "none";
    bool compiledNone = c.kind() == gfm::CompositeSig::OPTIONAL && !c.present();
    if (none && c.kind() == gfm::CompositeSig::SEQUENCE)
      return rt::invalidArgument(what +
                                 " is a sequence, not an optional: "
                                 "give a directory of 0.npy, 1.npy, ...");
    if (none != compiledNone)
      return rt::invalidArgument(
          what + " is an optional compiled " +
          (compiledNone ? "holding none" : "holding a value") +
          " (input_sequence_shape), but --input gives " +
          (none ? "none" : "a value") + "; compile once per case");
    if (none)
      continue;
    if (!holdsSequence(c)) {
      inputs[c.tensors(0)] = given; // an optional tensor: its .npy file
      continue;
    }
    auto files = listElements(what, given);
    if (!files.ok())
      return files.status();
    if (static_cast<int>(files->size()) != c.tensors_size())
      return rt::invalidArgument(
          what + " is a sequence compiled for " +
          std::to_string(c.tensors_size()) +
          " element(s) (input_sequence_shape), but '" + given + "' holds " +
          std::to_string(files->size()) + "; compile once per length");
    for (int i = 0; i < c.tensors_size(); ++i)
      inputs[c.tensors(i)] = (*files)[i];
  }
  return rt::Status::OK();
}

rt::StatusOr<std::string> outputPath(const gfm::Model &model,
                                     const std::string &dir,
                                     const std::string &tensor) {
  for (const gfm::CompositeSig &c : model.composite_outputs()) {
    if (!holdsSequence(c))
      continue;
    for (int i = 0; i < c.tensors_size(); ++i) {
      if (c.tensors(i) != tensor)
        continue;
      llvm::SmallString<256> sub(dir);
      path::append(sub, outputFileName(c.name()));
      if (std::error_code ec = fs::create_directories(sub))
        return rt::invalidArgument("cannot create '" + sub.str().str() +
                                   "': " + ec.message());
      path::append(sub, std::to_string(i) + ".npy");
      return sub.str().str();
    }
  }
  llvm::SmallString<256> file(dir);
  path::append(file, outputFileName(tensor) + ".npy");
  return file.str().str();
}

rt::Status writeEmptyComposites(const gfm::Model &model,
                                const std::string &dir) {
  for (const gfm::CompositeSig &c : model.composite_outputs()) {
    llvm::SmallString<256> file(dir);
    path::append(file, outputFileName(c.name()));
    std::error_code ec;
    if (c.kind() == gfm::CompositeSig::OPTIONAL && !c.present()) {
      file += ".none";
      int fd = -1;
      ec = fs::openFileForWrite(file, fd);
      if (!ec)
        fs::closeFile(fd);
    } else if (c.tensors_size() == 0) {
      ec = fs::create_directories(file);
    }
    if (ec)
      return rt::invalidArgument("cannot write '" + file.str().str() +
                                 "': " + ec.message());
  }
  return rt::Status::OK();
}

} // namespace geflow::run
