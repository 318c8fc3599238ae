//===- HostAllocator.cpp - Host ("pinned") memory -------------------------===//

#include "AllocationStats.h"

#include <cstdlib>

namespace geflow::rt {

const char *memcpyKindName(MemcpyKind kind) {
  switch (kind) {
  case MemcpyKind::HostToHost:
    return "host-to-host";
  case MemcpyKind::HostToDevice:
    return "host-to-device";
  case MemcpyKind::DeviceToHost:
    return "device-to-host";
  case MemcpyKind::DeviceToDevice:
    return "device-to-device";
  case MemcpyKind::Default:
    return "default";
  }
  return "invalid";
}

static size_t roundUp(size_t bytes) {
  return (bytes + kMemoryAlignment - 1) & ~(kMemoryAlignment - 1);
}

HostAllocator &HostAllocator::global() {
  // Never destroyed: host buffers may be freed by static destructors of
  // users that run after ours would.
  static HostAllocator *allocator = new HostAllocator();
  return *allocator;
}

StatusOr<void *> HostAllocator::allocate(size_t bytes) {
  if (bytes == 0)
    return invalidArgument("cannot allocate 0 bytes of host memory");
  if (bytes > SIZE_MAX - kMemoryAlignment)
    return Status(ErrorCode::kOutOfMemory,
                  "cannot allocate " + formatBytes(bytes) + " of host memory");
  size_t rounded = roundUp(bytes);
  void *ptr = std::aligned_alloc(kMemoryAlignment, rounded);
  std::lock_guard<std::mutex> lock(mu_);
  if (!ptr)
    return Status(ErrorCode::kOutOfMemory,
                  "cannot allocate " + formatBytes(bytes) +
                      " of host memory; " + formatBytes(stats_.inUse) +
                      " in use");
  live_.emplace(reinterpret_cast<uintptr_t>(ptr), bytes);
  countAllocation(stats_, bytes, rounded);
  return ptr;
}

Status HostAllocator::free(void *ptr) {
  if (!ptr)
    return invalidArgument("cannot free a null host pointer");
  std::lock_guard<std::mutex> lock(mu_);
  auto it = live_.find(reinterpret_cast<uintptr_t>(ptr));
  if (it == live_.end())
    return invalidArgument("pointer " + pointerText(ptr) +
                           " is not a live host allocation (already freed, "
                           "interior, or not from mallocHost)");
  countFree(stats_, it->second, roundUp(it->second));
  std::free(ptr);
  live_.erase(it);
  return Status::OK();
}

bool HostAllocator::owns(const void *ptr) const {
  auto addr = reinterpret_cast<uintptr_t>(ptr);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = lastStartingAtOrBefore(live_, addr);
  return it != live_.end() && addr - it->first < it->second;
}

MemoryStats HostAllocator::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

} // namespace geflow::rt
