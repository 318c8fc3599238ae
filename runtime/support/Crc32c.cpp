//===- Crc32c.cpp - CRC-32C for .gfm checksums ----------------------------===//
#include "geflow/runtime/Gfm.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace geflow::rt {

static const std::array<uint32_t, 256> &table() {
  static const std::array<uint32_t, 256> t = [] {
    std::array<uint32_t, 256> out{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k)
        c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
      out[i] = c;
    }
    return out;
  }();
  return t;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) static uint32_t
crcHw(const uint8_t *p, size_t n, uint32_t crc) {
  uint64_t c = crc;
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c = _mm_crc32_u64(c, v);
  }
  uint32_t c32 = static_cast<uint32_t>(c);
  for (; n; --n, ++p)
    c32 = _mm_crc32_u8(c32, *p);
  return c32;
}
#endif

uint32_t crc32c(const void *data, size_t size, uint32_t crc) {
  const auto *p = static_cast<const uint8_t *>(data);
  crc = ~crc;
#if defined(__x86_64__)
  if (__builtin_cpu_supports("sse4.2"))
    return ~crcHw(p, size, crc);
#endif
  const auto &t = table();
  for (size_t i = 0; i < size; ++i)
    crc = t[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

} // namespace geflow::rt
