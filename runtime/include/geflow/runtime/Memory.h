//===- Memory.h - Device and host memory of the virtual NPU -----*- C++ -*-===//
//
// Device memory comes from a caching allocator: blocks are rounded up to a
// size class and freed blocks are kept per class for reuse, so the steady
// state of a model (same buffers every run) never calls the system
// allocator. A memory limit makes the device as small as a real NPU would be
// and makes out-of-memory testable.
//
// Host ("pinned") memory is plain 64-byte aligned host memory; it is tracked
// so that freeing a wrong pointer is an error instead of heap corruption.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_MEMORY_H
#define GEFLOW_RUNTIME_MEMORY_H

#include "geflow/runtime/Status.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace geflow::rt {

/// Every device and host allocation is aligned to this many bytes (a cache
/// line and an AVX-512 vector).
constexpr size_t kMemoryAlignment = 64;

/// Same values as gfrtMemcpyKind and ACL's aclrtMemcpyKind.
enum class MemcpyKind : int32_t {
  HostToHost = 0,
  HostToDevice = 1,
  DeviceToHost = 2,
  DeviceToDevice = 3,
  /// Inferred from where the pointers live.
  Default = 4,
};
const char *memcpyKindName(MemcpyKind kind);

struct MemoryStats {
  /// Bytes of live allocations, counted at their size-class size.
  uint64_t inUse = 0;
  /// Bytes the live allocations asked for.
  uint64_t requested = 0;
  /// Highest `inUse` since creation or the last resetPeak().
  uint64_t peakInUse = 0;
  /// Bytes of freed blocks kept for reuse.
  uint64_t cached = 0;
  /// `inUse + cached` never exceeds this.
  uint64_t limit = 0;
  uint64_t liveAllocations = 0;
  uint64_t numAllocs = 0;
  uint64_t numFrees = 0;
  /// Allocations served from the cache.
  uint64_t cacheHits = 0;
};

/// "1.50 MiB (1572864 bytes)"-style text for messages.
std::string formatBytes(uint64_t bytes);

/// The caching allocator of one device. Thread-safe.
class DeviceAllocator {
public:
  DeviceAllocator(int32_t deviceId, uint64_t limit);
  /// Releases every block, live or cached: device memory does not outlive
  /// its device.
  ~DeviceAllocator();
  DeviceAllocator(const DeviceAllocator &) = delete;
  DeviceAllocator &operator=(const DeviceAllocator &) = delete;

  /// A 64-byte aligned block of at least `bytes` bytes. When the limit would
  /// be exceeded the cache is released first; if that is not enough the
  /// Status is kOutOfMemory and names the size asked and what is in use.
  StatusOr<void *> allocate(size_t bytes);
  /// Returns `ptr` (exactly as allocate() gave it) to its size class.
  Status free(void *ptr);
  /// Gives every cached block back to the host.
  void emptyCache();
  MemoryStats stats() const;
  void resetPeak();

  /// True when [ptr, ptr + bytes) lies inside one live allocation (within
  /// the size it asked for). Used to validate copies and kernel buffers.
  bool contains(const void *ptr, size_t bytes) const;
  /// True when `ptr` points into any live allocation.
  bool owns(const void *ptr) const { return contains(ptr, 1); }

  uint64_t limit() const { return limit_; }
  int32_t deviceId() const { return deviceId_; }

  /// Where a pointer lies among the live allocations of every device of
  /// the process (several devices: which one's memory is it).
  struct Owner {
    /// For comparison only, never dereferenced (the device may be gone);
    /// null when `ptr` is no device's memory.
    const DeviceAllocator *allocator = nullptr;
    int32_t deviceId = -1;
    /// [ptr, ptr + bytes) lies inside the allocation.
    bool inside = false;
  };
  static Owner findOwner(const void *ptr, size_t bytes);
  /// Device allocators alive in the process. With one, no pointer can be
  /// another device's memory, so callers skip findOwner.
  static int32_t liveAllocators();

  /// The size class `bytes` is rounded to: multiples of 64 up to 1 KiB, then
  /// four classes per power of two (at most 25% slack).
  static size_t sizeClass(size_t bytes);

private:
  struct Block {
    size_t requested;
    size_t classSize;
  };
  void releaseCacheLocked();
  Status outOfMemoryLocked(size_t bytes, size_t classSize) const;

  const int32_t deviceId_;
  const uint64_t limit_;
  mutable std::mutex mu_;
  /// Live blocks by address; ordered so an interior pointer finds its block.
  std::map<uintptr_t, Block> live_;
  std::unordered_map<size_t, std::vector<void *>> cache_;
  MemoryStats stats_;
};

/// Host ("pinned") memory: process-wide, thread-safe.
class HostAllocator {
public:
  static HostAllocator &global();

  StatusOr<void *> allocate(size_t bytes);
  Status free(void *ptr);
  /// True when `ptr` points into a live host allocation.
  bool owns(const void *ptr) const;
  MemoryStats stats() const;

private:
  HostAllocator() = default;
  mutable std::mutex mu_;
  /// Live allocations: address -> bytes asked for.
  std::map<uintptr_t, size_t> live_;
  MemoryStats stats_;
};

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_MEMORY_H
