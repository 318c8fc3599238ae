//===- Soc.h - Description of the (virtual) NPU a program is tiled for ----===//
#ifndef GEFLOW_KERNELS_SOC_H
#define GEFLOW_KERNELS_SOC_H

#include "geflow/runtime/Types.h"

#include <cstdint>
#include <string>
#include <vector>

namespace geflow::kernels {

/// Instruction sets a kernel implementation may require, best last.
enum class Isa : uint8_t { Portable = 0, AVX2 = 1, AVX512 = 2 };
const char *isaName(Isa isa);

struct SocInfo {
  std::string name;           // "host", or a named profile
  uint32_t aiCoreCount = 1;   // blocks that really run at once
  uint64_t ubSize = 0;        // per-core fast buffer (L1d-sized on host)
  uint64_t l2Size = 0;        // per-core second-level buffer (L2 on host)
  uint64_t l3Size = 0;        // shared last-level cache
  int64_t c0 = 16;            // NC1HWC0 channel block
  Isa isa = Isa::Portable;    // best ISA kernels may use
  bool hasAvx512Bf16 = false; // vdpbf16ps
  bool hasF16c = false;       // fp16 <-> fp32 conversions
  std::vector<rt::DType> dtypes;

  /// The machine we run on: core count from the OS (or `cores` when > 0),
  /// cache sizes from sysfs, ISA from cpuid.
  static SocInfo host(uint32_t cores = 0);
};

} // namespace geflow::kernels

#endif // GEFLOW_KERNELS_SOC_H
