//===- PrecisionMode.cpp - GE precision modes -----------------------------===//
#include "geflow/SocInfo/PrecisionMode.h"

#include "llvm/ADT/StringSwitch.h"

using namespace llvm;

namespace geflow::ge::precision {

std::optional<Mode> parseMode(StringRef name) {
  return StringSwitch<std::optional<Mode>>(name)
      .Case("force_fp16", Mode::ForceFp16)
      .Cases({"force_fp32", "cube_fp16in_fp32out"}, Mode::CubeFp16InFp32Out)
      .Case("allow_fp32_to_fp16", Mode::AllowFp32ToFp16)
      .Case("allow_fp32_to_bf16", Mode::AllowFp32ToBf16)
      .Case("must_keep_origin_dtype", Mode::MustKeepOriginDtype)
      .Cases({"allow_mix_precision", "allow_mix_precision_fp16"},
             Mode::MixedFp16)
      .Case("allow_mix_precision_bf16", Mode::MixedBf16)
      .Default(std::nullopt);
}

std::optional<StringRef> precisionModeOfV2(StringRef v2) {
  return StringSwitch<std::optional<StringRef>>(v2)
      .Case("fp16", StringRef("force_fp16"))
      .Case("origin", StringRef("must_keep_origin_dtype"))
      .Case("cube_fp16in_fp32out", StringRef("cube_fp16in_fp32out"))
      .Case("mixed_float16", StringRef("allow_mix_precision_fp16"))
      .Case("mixed_bfloat16", StringRef("allow_mix_precision_bf16"))
      .Default(std::nullopt);
}

// GE's op-info spells float32 "float"; every other name is the runtime's.
std::optional<rt::DType> parseGEDType(StringRef name) {
  if (name == "float")
    return rt::DType::F32;
  return rt::parseDType(name);
}

StringRef geDTypeName(rt::DType t) {
  return t == rt::DType::F32 ? StringRef("float") : StringRef(rt::dtypeName(t));
}

} // namespace geflow::ge::precision
