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

std::optional<rt::DType> parseGEDType(StringRef name) {
  return StringSwitch<std::optional<rt::DType>>(name)
      .Cases({"float", "float32"}, rt::DType::F32)
      .Case("float16", rt::DType::F16)
      .Case("bfloat16", rt::DType::BF16)
      .Case("int8", rt::DType::I8)
      .Case("uint8", rt::DType::U8)
      .Case("int32", rt::DType::I32)
      .Case("int64", rt::DType::I64)
      .Case("bool", rt::DType::Bool)
      .Default(std::nullopt);
}

StringRef geDTypeName(rt::DType t) {
  switch (t) {
  case rt::DType::F32:
    return "float";
  case rt::DType::F16:
    return "float16";
  case rt::DType::BF16:
    return "bfloat16";
  case rt::DType::I8:
    return "int8";
  case rt::DType::U8:
    return "uint8";
  case rt::DType::I32:
    return "int32";
  case rt::DType::I64:
    return "int64";
  case rt::DType::Bool:
    return "bool";
  }
  return "?";
}

StringRef shortDTypeName(rt::DType t) {
  switch (t) {
  case rt::DType::F32:
    return "f32";
  case rt::DType::F16:
    return "f16";
  case rt::DType::BF16:
    return "bf16";
  case rt::DType::I8:
    return "i8";
  case rt::DType::U8:
    return "u8";
  case rt::DType::I32:
    return "i32";
  case rt::DType::I64:
    return "i64";
  case rt::DType::Bool:
    return "i1";
  }
  return "?";
}

} // namespace geflow::ge::precision
