#include "geflow/kernels/Soc.h"

#include <fstream>
#include <string>
#include <thread>

namespace geflow::kernels {

const char *isaName(Isa isa) {
  switch (isa) {
  case Isa::Portable:
    return "portable";
  case Isa::AVX2:
    return "avx2";
  case Isa::AVX512:
    return "avx512";
  }
  return "unknown";
}

// Reads a cache size such as "48K" or "1024K" from sysfs; 0 when absent.
static uint64_t readCacheSize(int index) {
  std::ifstream in("/sys/devices/system/cpu/cpu0/cache/index" +
                   std::to_string(index) + "/size");
  std::string text;
  if (!(in >> text) || text.empty())
    return 0;
  uint64_t scale = 1;
  char unit = text.back();
  if (unit == 'K')
    scale = 1024;
  else if (unit == 'M')
    scale = 1024 * 1024;
  try {
    return std::stoull(text) * scale;
  } catch (...) {
    return 0;
  }
}

static int readCacheLevel(int index, std::string *type) {
  std::string base =
      "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index);
  std::ifstream lvl(base + "/level"), ty(base + "/type");
  int level = 0;
  if (!(lvl >> level))
    return 0;
  ty >> *type;
  return level;
}

SocInfo SocInfo::host(uint32_t cores) {
  SocInfo soc;
  soc.name = "host";
  unsigned hw = std::thread::hardware_concurrency();
  soc.aiCoreCount = cores > 0 ? cores : (hw > 0 ? hw : 1);
  soc.ubSize = 32 * 1024;
  soc.l2Size = 512 * 1024;
  soc.l3Size = 8 * 1024 * 1024;
  for (int i = 0; i < 8; ++i) {
    std::string type;
    int level = readCacheLevel(i, &type);
    uint64_t size = readCacheSize(i);
    if (level == 0 || size == 0)
      continue;
    if (level == 1 && type != "Instruction")
      soc.ubSize = size;
    else if (level == 2)
      soc.l2Size = size;
    else if (level == 3)
      soc.l3Size = size;
  }
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
    soc.isa = Isa::AVX512;
  else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    soc.isa = Isa::AVX2;
  soc.hasAvx512Bf16 =
      soc.isa == Isa::AVX512 && __builtin_cpu_supports("avx512bf16");
  soc.hasF16c = __builtin_cpu_supports("f16c");
  soc.dtypes = {rt::DType::F32, rt::DType::F16, rt::DType::BF16,
                rt::DType::I8,  rt::DType::U8,  rt::DType::I32,
                rt::DType::I64, rt::DType::Bool};
  return soc;
}

} // namespace geflow::kernels
