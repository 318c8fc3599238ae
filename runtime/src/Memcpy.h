//===- Memcpy.h - Validating and splitting copies ----------------*- C++
//-*-===//
#ifndef GEFLOW_RUNTIME_SRC_MEMCPY_H
#define GEFLOW_RUNTIME_SRC_MEMCPY_H

#include "geflow/runtime/Memory.h"

#include <cstddef>
#include <cstdint>

namespace geflow::rt::detail {

/// Checks a copy against the kind and the device's live allocations: the
/// device side(s) must lie inside one allocation, the host side(s) must not
/// be device memory, count <= destMax, and the ranges may not overlap.
/// *resolved is the kind with Default inferred.
Status checkCopy(const DeviceAllocator &alloc, const void *dst, size_t destMax,
                 const void *src, size_t count, MemcpyKind kind,
                 MemcpyKind *resolved);

/// Checks a memset of device memory.
Status checkSet(const DeviceAllocator &alloc, const void *dst, size_t destMax,
                size_t count);

/// Splits `count` bytes into at most `cores` chunks of at least a few MiB
/// (smaller chunks cost more in hand-off than they gain). Returns the chunk
/// size; *blocks is the number of chunks.
size_t planChunks(size_t count, uint32_t cores, uint32_t *blocks);

} // namespace geflow::rt::detail

#endif // GEFLOW_RUNTIME_SRC_MEMCPY_H
