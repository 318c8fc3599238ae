//===- InputLimits.h - Bounds on what the compiler reads ------------------===//
//
// Input files are read only if regular (a FIFO or /dev/zero would block or
// never end) and no larger than their format allows; JSON and .mlir text is
// checked for bracket depth before parsing, because the LLVM JSON and MLIR
// parsers recurse once per level and a deep enough file overflows the
// stack. docs/compiler.md ("Input limits") lists these bounds.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SUPPORT_INPUTLIMITS_H
#define GEFLOW_SUPPORT_INPUTLIMITS_H

#include "geflow/runtime/RegularFile.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>

namespace geflow {

/// Deepest bracket nesting accepted in JSON option files and .mlir inputs
/// (real files nest a few dozen levels at most).
constexpr unsigned kMaxInputNesting = 256;
/// Largest JSON option file (fusion_switch_file, modify_mixlist, ...).
constexpr uint64_t kMaxJsonFileBytes = uint64_t(16) << 20;
/// Largest .onnx file: protobuf parses at most 2 GiB (weights beyond that
/// go to ONNX external data).
constexpr uint64_t kMaxOnnxFileBytes = (uint64_t(1) << 31) - 1;
/// Largest .air file (one GE IR ModelDef): protobuf's 2 GiB, as for ONNX
/// (weights beyond that go to FileConstant files).
constexpr uint64_t kMaxAirFileBytes = (uint64_t(1) << 31) - 1;
/// Largest .mlir text file.
constexpr uint64_t kMaxMlirFileBytes = uint64_t(4) << 30;

enum class NestingSyntax { Json, Mlir };

/// The empty string if `text` nests brackets at most `limit` deep, else a
/// message naming the byte offset where it gets too deep. String literals
/// and (MLIR) line comments are skipped; MLIR's '<' '>' count as brackets
/// except in "->", "<=" and ">=".
inline std::string checkNesting(llvm::StringRef text, NestingSyntax syntax,
                                unsigned limit = kMaxInputNesting) {
  bool mlir = syntax == NestingSyntax::Mlir;
  unsigned depth = 0;
  for (size_t i = 0, e = text.size(); i < e; ++i) {
    char c = text[i];
    if (c == '"') {
      for (++i; i < e && text[i] != '"'; ++i)
        if (text[i] == '\\')
          ++i;
      continue;
    }
    if (mlir && c == '/' && i + 1 < e && text[i + 1] == '/') {
      while (i < e && text[i] != '\n')
        ++i;
      continue;
    }
    bool next = i + 1 < e && text[i + 1] == '=';
    bool open =
        c == '[' || c == '{' || (mlir && (c == '(' || (c == '<' && !next)));
    bool close =
        c == ']' || c == '}' ||
        (mlir &&
         (c == ')' || (c == '>' && !next && !(i > 0 && text[i - 1] == '-'))));
    if (open && ++depth > limit)
      return "brackets nest more than " + std::to_string(limit) +
             " levels deep (at byte " + std::to_string(i) + ")";
    if (close && depth > 0)
      --depth;
  }
  return "";
}

/// Reads the regular file `path` of at most `maxBytes` bytes. On failure
/// returns null and sets `error` (without the path, which callers name).
inline std::unique_ptr<llvm::MemoryBuffer>
readInputFile(llvm::StringRef path, uint64_t maxBytes, std::string &error,
              bool requiresNullTerminator = true) {
  rt::RegularFile opened = rt::openRegularFile(path.str());
  if (!opened.ok()) {
    error = opened.notRegular() ? "not a regular file"
                                : std::strerror(opened.error);
    return nullptr;
  }
  int fd = opened.fd;
  uint64_t size = opened.size;
  if (size > maxBytes) {
    ::close(fd);
    error = "the file has " + std::to_string(size) + " bytes, more than the " +
            std::to_string(maxBytes) + " this input may have";
    return nullptr;
  }
  auto buffer =
      llvm::MemoryBuffer::getOpenFile(fd, path, size, requiresNullTerminator);
  ::close(fd);
  if (!buffer) {
    error = buffer.getError().message();
    return nullptr;
  }
  return std::move(*buffer);
}

/// Reads and parses the JSON file `path` (a regular file of at most
/// kMaxJsonFileBytes whose brackets nest at most kMaxInputNesting deep). On
/// failure returns nullopt and sets `error` to "cannot read: ..." or "not
/// valid JSON: ..." (without the path, which callers name).
inline std::optional<llvm::json::Value> readJsonFile(llvm::StringRef path,
                                                     std::string &error) {
  std::string readError;
  auto file = readInputFile(path, kMaxJsonFileBytes, readError);
  if (!file) {
    error = "cannot read: " + readError;
    return std::nullopt;
  }
  if (std::string deep = checkNesting(file->getBuffer(), NestingSyntax::Json);
      !deep.empty()) {
    error = "not valid JSON: " + deep;
    return std::nullopt;
  }
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(file->getBuffer());
  if (!json) {
    error = "not valid JSON: " + llvm::toString(json.takeError());
    return std::nullopt;
  }
  return std::move(*json);
}

} // namespace geflow

#endif // GEFLOW_SUPPORT_INPUTLIMITS_H
