//===- DeviceAllocator.cpp - The caching device allocator -----------------===//

#include "AllocationStats.h"

#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>

namespace geflow::rt {

namespace {
/// Every live DeviceAllocator, so a copy or a model can tell which device a
/// pointer belongs to. Lock order: this registry, then an allocator's mutex.
struct AllocatorRegistry {
  std::mutex mu;
  std::vector<const DeviceAllocator *> live;
  std::atomic<int32_t> count{0};
};
AllocatorRegistry &registry() {
  // Never destroyed: allocators of leaked devices unregister at exit.
  static AllocatorRegistry *r = new AllocatorRegistry();
  return *r;
}
} // namespace

int32_t DeviceAllocator::liveAllocators() {
  return registry().count.load(std::memory_order_relaxed);
}

DeviceAllocator::Owner DeviceAllocator::findOwner(const void *ptr,
                                                  size_t bytes) {
  AllocatorRegistry &r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  for (const DeviceAllocator *alloc : r.live)
    if (alloc->owns(ptr))
      return {alloc, alloc->deviceId(), alloc->contains(ptr, bytes)};
  return {};
}

std::string formatBytes(uint64_t bytes) {
  static const char *const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024.0 && unit < 4) {
    value /= 1024.0;
    ++unit;
  }
  char buf[64];
  if (unit == 0)
    std::snprintf(buf, sizeof(buf), "%" PRIu64 " B", bytes);
  else
    std::snprintf(buf, sizeof(buf), "%.2f %s (%" PRIu64 " bytes)", value,
                  kUnits[unit], bytes);
  return buf;
}

size_t DeviceAllocator::sizeClass(size_t bytes) {
  if (bytes <= kMemoryAlignment)
    return kMemoryAlignment;
  if (bytes <= 1024)
    return (bytes + kMemoryAlignment - 1) & ~(kMemoryAlignment - 1);
  // Four classes per power of two: the step is a quarter of the largest
  // power of two below `bytes`, so at most 25% of a block is slack.
  size_t pow2 = size_t(1) << (63 - __builtin_clzll(bytes - 1));
  size_t step = pow2 / 4;
  if (bytes > SIZE_MAX - step)
    return 0; // cannot be represented: the caller reports out of memory
  return (bytes + step - 1) / step * step;
}

DeviceAllocator::DeviceAllocator(int32_t deviceId, uint64_t limit)
    : deviceId_(deviceId), limit_(limit) {
  stats_.limit = limit;
  AllocatorRegistry &r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.live.push_back(this);
  r.count.fetch_add(1, std::memory_order_relaxed);
}

DeviceAllocator::~DeviceAllocator() {
  {
    AllocatorRegistry &r = registry();
    std::lock_guard<std::mutex> lock(r.mu);
    r.live.erase(std::find(r.live.begin(), r.live.end(), this));
    r.count.fetch_sub(1, std::memory_order_relaxed);
  }
  for (auto &[addr, block] : live_)
    std::free(reinterpret_cast<void *>(addr));
  releaseCacheLocked();
}

static void *alignedAlloc(size_t classSize) {
  // Page alignment for big blocks keeps them off shared pages and lets the
  // host's allocator serve them with mmap; 64 bytes is enough otherwise.
  size_t align = classSize >= 65536 ? 4096 : kMemoryAlignment;
  size_t rounded = (classSize + align - 1) / align * align;
  return std::aligned_alloc(align, rounded);
}

Status DeviceAllocator::outOfMemoryLocked(size_t bytes,
                                          size_t classSize) const {
  return Status(ErrorCode::kOutOfMemory,
                "device " + std::to_string(deviceId_) + " cannot allocate " +
                    formatBytes(bytes) + ": " + formatBytes(stats_.inUse) +
                    " in use by " + std::to_string(stats_.liveAllocations) +
                    " allocations, " + formatBytes(stats_.cached) +
                    " cached, limit " + formatBytes(limit_));
}

StatusOr<void *> DeviceAllocator::allocate(size_t bytes) {
  if (bytes == 0)
    return invalidArgument("device " + std::to_string(deviceId_) +
                           ": cannot allocate 0 bytes");
  size_t cls = sizeClass(bytes);
  std::lock_guard<std::mutex> lock(mu_);
  if (cls == 0 || cls > limit_)
    return outOfMemoryLocked(bytes, cls);
  void *ptr = nullptr;
  auto it = cache_.find(cls);
  if (it != cache_.end() && !it->second.empty()) {
    ptr = it->second.back();
    it->second.pop_back();
    stats_.cached -= cls;
    ++stats_.cacheHits;
  } else {
    // Cached blocks of other classes count against the limit; give them
    // back before declaring the device full.
    if (stats_.inUse + stats_.cached + cls > limit_)
      releaseCacheLocked();
    if (stats_.inUse + cls > limit_)
      return outOfMemoryLocked(bytes, cls);
    ptr = alignedAlloc(cls);
    if (!ptr) {
      releaseCacheLocked();
      ptr = alignedAlloc(cls);
    }
    if (!ptr)
      return outOfMemoryLocked(bytes, cls);
  }
  live_.emplace(reinterpret_cast<uintptr_t>(ptr), Block{bytes, cls});
  countAllocation(stats_, bytes, cls);
  return ptr;
}

Status DeviceAllocator::free(void *ptr) {
  if (!ptr)
    return invalidArgument("cannot free a null device pointer");
  std::lock_guard<std::mutex> lock(mu_);
  auto it = live_.find(reinterpret_cast<uintptr_t>(ptr));
  if (it == live_.end())
    return invalidArgument("pointer " + pointerText(ptr) +
                           " is not the start of a live allocation of device " +
                           std::to_string(deviceId_) +
                           " (already freed, interior or foreign)");
  Block block = it->second;
  live_.erase(it);
  cache_[block.classSize].push_back(ptr);
  countFree(stats_, block.requested, block.classSize);
  stats_.cached += block.classSize;
  return Status::OK();
}

void DeviceAllocator::releaseCacheLocked() {
  for (auto &[cls, blocks] : cache_)
    for (void *p : blocks)
      std::free(p);
  cache_.clear();
  stats_.cached = 0;
}

void DeviceAllocator::emptyCache() {
  std::lock_guard<std::mutex> lock(mu_);
  releaseCacheLocked();
}

MemoryStats DeviceAllocator::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void DeviceAllocator::resetPeak() {
  std::lock_guard<std::mutex> lock(mu_);
  stats_.peakInUse = stats_.inUse;
}

bool DeviceAllocator::contains(const void *ptr, size_t bytes) const {
  auto addr = reinterpret_cast<uintptr_t>(ptr);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = lastStartingAtOrBefore(live_, addr);
  if (it == live_.end())
    return false;
  uintptr_t offset = addr - it->first;
  return offset < it->second.requested &&
         bytes <= it->second.requested - offset;
}

} // namespace geflow::rt
