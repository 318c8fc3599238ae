//===- ConfigFileFuzzer.cpp - Fuzz target: precision config files ---------===//
//
// The content of the files GE's precision options name: the first byte
// picks the parser (modify_mixlist JSON, customize_dtypes, keep_dtype), the
// rest is the file. Each returns its result or an error with a message,
// never crashes. (fusion_switch_file goes through OptionsFuzzer.cpp, which
// writes path options' values to files.)
//
//===----------------------------------------------------------------------===//
#include "dialects/ge/Transforms/Precision/DtypeOverrides.h"
#include "dialects/ge/Transforms/Precision/MixList.h"

#include <cstdio>
#include <cstdlib>

using namespace geflow;
using namespace geflow::ge::precision;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  static const SocProfile *profile = [] {
    std::string error;
    const SocProfile *p = getSocProfile(getBuiltinSocNames().front(), error);
    if (!p) {
      std::fprintf(stderr, "no soc profile: %s\n", error.c_str());
      std::abort();
    }
    return p;
  }();
  ConfigText file{
      "fuzz.cfg",
      std::string(reinterpret_cast<const char *>(data) + 1, size - 1)};
  std::string error;
  bool ok = true;
  switch (data[0] % 3) {
  case 0:
    ok = parseMixList(file, *profile, error).has_value();
    break;
  case 1:
    ok = parseCustomizeDtypes(file, *profile, error).has_value();
    break;
  case 2:
    ok = parseKeepDtype(file, *profile, error).has_value();
    break;
  }
  if (!ok && error.empty()) {
    std::fprintf(stderr, "config parser %d failed without a message\n",
                 data[0] % 3);
    std::abort();
  }
  return 0;
}
