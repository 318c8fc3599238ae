//===- PrecisionMode.h - GE precision modes -----------------------*- C++
//-*-===//
//
// The precision modes of GE's `precision_mode` option and how the
// `precision_mode_v2` names map onto them. Aliases (force_fp32 and
// cube_fp16in_fp32out, allow_mix_precision and allow_mix_precision_fp16)
// share one Mode so every rule is written once.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SOCINFO_PRECISIONMODE_H
#define GEFLOW_SOCINFO_PRECISIONMODE_H

#include "geflow/runtime/Types.h"

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace geflow::ge::precision {

enum class Mode {
  ForceFp16,         // force_fp16 / v2 fp16
  CubeFp16InFp32Out, // cube_fp16in_fp32out, force_fp32 / v2 cube_fp16in_fp32out
  AllowFp32ToFp16,   // allow_fp32_to_fp16
  AllowFp32ToBf16,   // allow_fp32_to_bf16
  MustKeepOriginDtype, // must_keep_origin_dtype / v2 origin
  MixedFp16,           // allow_mix_precision(_fp16) / v2 mixed_float16
  MixedBf16,           // allow_mix_precision_bf16 / v2 mixed_bfloat16
};

/// The mode of a `precision_mode` value, nullopt for an unknown name.
std::optional<Mode> parseMode(llvm::StringRef name);

/// The `precision_mode` value a `precision_mode_v2` value stands for
/// (fp16 -> force_fp16, origin -> must_keep_origin_dtype, ...).
std::optional<llvm::StringRef> precisionModeOfV2(llvm::StringRef v2);

/// Automatic mixed precision (black/white/gray lists apply).
inline bool isMixed(Mode m) {
  return m == Mode::MixedFp16 || m == Mode::MixedBf16;
}

/// The low-precision dtype a mode reduces to (fp16 unless a bf16 mode).
inline rt::DType reducedDType(Mode m) {
  return m == Mode::MixedBf16 || m == Mode::AllowFp32ToBf16 ? rt::DType::BF16
                                                            : rt::DType::F16;
}

/// GE's dtype names as op-info and customize_dtypes spell them: the
/// runtime's names (rt::dtypeName) except "float" for float32 ("float32" is
/// accepted too).
std::optional<rt::DType> parseGEDType(llvm::StringRef name);
llvm::StringRef geDTypeName(rt::DType t);

} // namespace geflow::ge::precision

#endif
