//===- ConfigText.h - Reading precision config files ---------------*- C++
//-*-===//
//
// The precision options name files (modify_mixlist, keep_dtype,
// customize_dtypes). Their errors say "path:line:col: what", so a user can
// jump to the spot; these helpers read a file and turn offsets into
// positions.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SOCINFO_CONFIGTEXT_H
#define GEFLOW_SOCINFO_CONFIGTEXT_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <vector>

namespace geflow::ge::precision {

/// A config file's text and its path for messages.
struct ConfigText {
  std::string path;
  std::string text;

  /// "path:line:col: message" for the character at `offset` (clamped to the
  /// text); line and column count from 1.
  std::string at(size_t offset, llvm::StringRef message) const;
  /// "path:line:col: message" at the first occurrence of `needle` at or
  /// after `from`, or "path: message" when it does not occur.
  std::string atText(llvm::StringRef needle, llvm::StringRef message,
                     size_t from = 0) const;
};

/// Parses `file` as JSON; a syntax error becomes "path:line:col: <what
/// the parser expected>" in `error`.
std::optional<llvm::json::Value> parseJson(const ConfigText &file,
                                           std::string &error);

/// " (did you mean 'X'?)" for the candidate nearest to `name` by edit
/// distance, or "" when none is close.
std::string didYouMean(llvm::StringRef name,
                       const std::vector<std::string> &candidates);

/// Reads `path`; on failure sets `error` to "cannot read 'path': <reason>",
/// or for a file that is not UTF-8 text without control characters (but
/// tab, CR, LF) to "path:line:col: not a text file: byte N is 0xXX ...".
std::optional<ConfigText> readConfigText(llvm::StringRef path,
                                         std::string &error);

} // namespace geflow::ge::precision

#endif
