//===- OpInfo.h - The per-soc op-info library ---------------------*- C++
//-*-===//
//
// GE decides precision from the op-info library of the target soc
// (opp/.../config/<soc>/aic-<soc>-ops-info.json): per op type, the dtypes of
// each input and output, as aligned comma-separated lists whose i-th entries
// together form one supported combination (a "column"), and the
// mixed-precision flag "precision_reduce" (true: white list, false: black
// list, absent: gray list). geflow ships the same layout under
// socs/<soc>/, plus a platform.json with the soc's default precision mode,
// and embeds both at build time so every tool finds them.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SOCINFO_OPINFO_H
#define GEFLOW_SOCINFO_OPINFO_H

#include "geflow/SocInfo/ConfigText.h"

#include "geflow/runtime/Types.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

#include <optional>
#include <string>
#include <vector>

namespace geflow::ge::precision {

enum class ParamType { Required, Optional, Dynamic };

/// An op type's mixed-precision list.
enum class ReduceFlag { Gray, White, Black };
/// "gray-list", "white-list", "black-list" (modify_mixlist's keys).
llvm::StringRef listName(ReduceFlag flag);

struct OpSlot {
  std::string name;
  ParamType param = ParamType::Required;
  std::vector<rt::DType> dtypes; // one per column
};

struct OpInfo {
  std::string type;
  std::vector<OpSlot> inputs, outputs;
  ReduceFlag reduce = ReduceFlag::Gray;
  /// GE's op pattern; "Convolution" and "Matmul" mark matrix (Cube) ops,
  /// which cube_fp16in_fp32out and allow_fp32_to_fp16 treat apart.
  std::string pattern;

  size_t numColumns() const;
  bool isCube() const {
    return pattern == "Convolution" || pattern == "Matmul";
  }
  rt::DType dtype(bool isInput, unsigned slot, size_t column) const {
    return (isInput ? inputs : outputs)[slot].dtypes[column];
  }
  /// "(float16, float16 -> float)" for messages.
  std::string describeColumn(size_t column) const;
};

struct SocProfile {
  std::string name;
  std::string defaultMode; // a precision_mode value
  std::string description;
  llvm::StringMap<OpInfo> ops;

  const OpInfo *lookup(llvm::StringRef type) const;
  /// Op types, sorted (for suggestions and tests).
  std::vector<std::string> opTypes() const;
};

/// The socs geflow ships a profile for.
std::vector<std::string> getBuiltinSocNames();

/// The built-in profile of `soc`, parsed once per process (thread-safe).
/// Returns null and sets `error` for an unknown soc or a broken file.
const SocProfile *getSocProfile(llvm::StringRef soc, std::string &error);

/// Parses a profile from the text of its two files.
std::optional<SocProfile> parseSocProfile(llvm::StringRef soc,
                                          const ConfigText &opsInfo,
                                          const ConfigText &platform,
                                          std::string &error);

/// Which slot each operand and result of an op fills: a dynamic slot takes
/// a run of operands, an optional slot may be left out.
struct SlotBinding {
  llvm::SmallVector<unsigned> operandSlot, resultSlot;
};
std::optional<SlotBinding> bindSlots(const OpInfo &info, unsigned numOperands,
                                     unsigned numResults, std::string &error);

} // namespace geflow::ge::precision

#endif
