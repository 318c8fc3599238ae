//===- Strings.cpp - Storage for the bytes of string tensors --------------===//
#include "geflow/runtime/Strings.h"

#include <cstring>
#include <string>

namespace geflow::rt {

namespace {
/// Strings are packed into blocks of this size; a longer one gets a block
/// of its own.
constexpr size_t kBlockBytes = size_t(64) << 10;
} // namespace

StatusOr<StringRef> StringStore::add(std::string_view s) {
  if (s.size() > kMaxStringElementBytes)
    return invalidArgument("a string of " + std::to_string(s.size()) +
                           " bytes exceeds the limit of " +
                           std::to_string(kMaxStringElementBytes) +
                           " bytes per string element");
  if (s.empty())
    return StringRef{};
  std::lock_guard<std::mutex> lock(mu_);
  if (s.size() > kMaxStringStoreBytes - bytes_)
    return Status(ErrorCode::kOutOfMemory,
                  "the strings of one run exceed " +
                      std::to_string(kMaxStringStoreBytes) + " bytes");
  char *dst;
  if (s.size() > kBlockBytes / 4) {
    large_.push_back(std::make_unique<char[]>(s.size()));
    dst = large_.back().get();
  } else {
    if (blocks_.empty() || kBlockBytes - blockUsed_ < s.size()) {
      blocks_.push_back(std::make_unique<char[]>(kBlockBytes));
      blockUsed_ = 0;
    }
    dst = blocks_.back().get() + blockUsed_;
    blockUsed_ += s.size();
  }
  std::memcpy(dst, s.data(), s.size());
  bytes_ += s.size();
  return StringRef{dst, s.size()};
}

void StringStore::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  blocks_.clear();
  large_.clear();
  blockUsed_ = 0;
  bytes_ = 0;
}

uint64_t StringStore::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

Status checkStringElements(const void *data, size_t count,
                           const std::string &what) {
  for (size_t i = 0; i < count; ++i) {
    StringRef r;
    std::memcpy(&r, static_cast<const char *>(data) + i * sizeof(r), sizeof(r));
    if (r.size > kMaxStringElementBytes)
      return invalidArgument(what + ": string element " + std::to_string(i) +
                             " has " + std::to_string(r.size) +
                             " bytes, over the limit of " +
                             std::to_string(kMaxStringElementBytes));
    if (r.size && !r.data)
      return invalidArgument(what + ": string element " + std::to_string(i) +
                             " has " + std::to_string(r.size) +
                             " bytes but no data");
  }
  return Status::OK();
}

} // namespace geflow::rt
