//===- DtypeOverrides.h - customize_dtypes and keep_dtype files ----*- C++
//-*-===//
//
// Per-op exceptions to the precision mode.
//
// customize_dtypes (GE 7.1), one op per line, '#' starts a comment line:
//   OpName::InputDtype:float16,float16,OutputDtype:float16
//   OpType::TypeName:InputDtype:float16,float16,OutputDtype:float16
// An entry by name wins over one by type. Either list may be left out
// (those dtypes are then chosen by the mode).
//
// keep_dtype (ATC), one op per line: an op name, or OpType::TypeName for
// every op of a type; the ops keep the dtypes of the original graph.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_DIALECTS_GE_TRANSFORMS_PRECISION_DTYPEOVERRIDES_H
#define GEFLOW_DIALECTS_GE_TRANSFORMS_PRECISION_DTYPEOVERRIDES_H

#include "geflow/SocInfo/OpInfo.h"

namespace geflow::ge::precision {

struct CustomDtypes {
  std::optional<std::vector<rt::DType>> inputs, outputs;
  std::string where; // "path:line" of the entry
};

struct CustomizeDtypes {
  llvm::StringMap<CustomDtypes> byName, byType;
};

/// Parses a customize_dtypes file; op types must be in `profile`.
std::optional<CustomizeDtypes> parseCustomizeDtypes(const ConfigText &file,
                                                    const SocProfile &profile,
                                                    std::string &error);

struct KeepDtype {
  /// Name or type -> "path:line" of its entry.
  llvm::StringMap<std::string> names, types;
};

/// Parses a keep_dtype file; op types must be in `profile`.
std::optional<KeepDtype> parseKeepDtype(const ConfigText &file,
                                        const SocProfile &profile,
                                        std::string &error);

} // namespace geflow::ge::precision

#endif
