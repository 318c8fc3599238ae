//===- Half.h - Scalar fp16 / bf16 <-> fp32 conversions -------------------===//
//
// Bit-exact with the F16C instructions for finite values and infinities
// (round to nearest even, denormals kept); NaNs become quiet NaNs. `static`
// so every translation unit, whatever its ISA flags, has its own copy.
// Public: the kernels, the compiler's constant conversion and the tools
// share these roundings, so host and device values agree bit for bit.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_HALF_H
#define GEFLOW_RUNTIME_HALF_H

#include <cstdint>
#include <cstring>

namespace geflow::rt {

static inline uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
static inline float bitsFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// After F. Giesen's half <-> float conversions (public domain).
static inline float halfToFloat(uint16_t h) {
  const uint32_t shiftedExp = 0x7c00u << 13;
  uint32_t o = (h & 0x7fffu) << 13;
  uint32_t exp = shiftedExp & o;
  o += (127u - 15u) << 23;
  if (exp == shiftedExp) { // Inf / NaN
    o += (128u - 16u) << 23;
  } else if (exp == 0) { // zero / denormal: renormalize through an fp add
    o += 1u << 23;
    o = floatBits(bitsFloat(o) - bitsFloat(113u << 23));
  }
  o |= static_cast<uint32_t>(h & 0x8000u) << 16;
  return bitsFloat(o);
}

static inline uint16_t floatToHalf(float f) {
  uint32_t u = floatBits(f);
  const uint32_t sign = u & 0x80000000u;
  u ^= sign;
  uint32_t o;
  if (u >= (127u + 16u) << 23) { // overflows to Inf, or Inf / NaN
    o = u > (255u << 23) ? 0x7e00u | ((u >> 13) & 0x3ffu) : 0x7c00u;
  } else if (u < (113u << 23)) { // fp16 denormal or zero: round via fp add
    const uint32_t magic = ((127u - 15u) + (23u - 10u) + 1u) << 23;
    o = floatBits(bitsFloat(u) + bitsFloat(magic)) - magic;
  } else {
    uint32_t odd = (u >> 13) & 1u;
    u += ((15u - 127u) << 23) + 0xfffu + odd;
    o = u >> 13;
  }
  return static_cast<uint16_t>(o | (sign >> 16));
}

static inline float bf16ToFloat(uint16_t h) {
  return bitsFloat(static_cast<uint32_t>(h) << 16);
}

static inline uint16_t floatToBf16(float f) {
  uint32_t u = floatBits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) // NaN: keep it a (quiet) NaN
    return static_cast<uint16_t>((u >> 16) | 0x40u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<uint16_t>(u >> 16);
}

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_HALF_H
