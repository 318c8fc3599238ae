//===- AllocationStats.h - Bookkeeping shared by the allocators -*- C++ -*-===//
//
// The device and the host allocator count their live allocations the same
// way and find the allocation an address points into the same way; only how
// much a block occupies (a size class, or the size rounded to the memory
// alignment) and what happens to a freed block differ.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_SRC_ALLOCATIONSTATS_H
#define GEFLOW_RUNTIME_SRC_ALLOCATIONSTATS_H

#include "geflow/runtime/Memory.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <string>

namespace geflow::rt {

/// Counts a new live allocation of `requested` bytes occupying `occupied`.
inline void countAllocation(MemoryStats &stats, uint64_t requested,
                            uint64_t occupied) {
  stats.inUse += occupied;
  stats.requested += requested;
  stats.peakInUse = std::max(stats.peakInUse, stats.inUse);
  ++stats.liveAllocations;
  ++stats.numAllocs;
}

/// Counts the free of a live allocation countAllocation() counted.
inline void countFree(MemoryStats &stats, uint64_t requested,
                      uint64_t occupied) {
  stats.inUse -= occupied;
  stats.requested -= requested;
  --stats.liveAllocations;
  ++stats.numFrees;
}

/// The live allocation (in a map by start address) that starts last at or
/// before `addr`, or live.end(): the only one `addr` can point into.
template <typename LiveMap>
typename LiveMap::const_iterator lastStartingAtOrBefore(const LiveMap &live,
                                                        uintptr_t addr) {
  auto it = live.upper_bound(addr);
  return it == live.begin() ? live.end() : std::prev(it);
}

/// "%p" text of a pointer, for messages.
inline std::string pointerText(const void *ptr) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%p", ptr);
  return buf;
}

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_SRC_ALLOCATIONSTATS_H
