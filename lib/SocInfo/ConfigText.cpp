//===- ConfigText.cpp - Reading precision config files --------------------===//
#include "geflow/SocInfo/ConfigText.h"
#include "geflow/Support/InputLimits.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdio>

using namespace llvm;

namespace geflow::ge::precision {

std::string ConfigText::at(size_t offset, StringRef message) const {
  offset = std::min(offset, text.size());
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return path + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " +
         message.str();
}

std::string ConfigText::atText(StringRef needle, StringRef message,
                               size_t from) const {
  size_t pos = StringRef(text).find(needle, from);
  if (pos == StringRef::npos)
    return path + ": " + message.str();
  return at(pos, message);
}

std::optional<json::Value> parseJson(const ConfigText &file,
                                     std::string &error) {
  // The JSON parser recurses per level: refuse deep nesting before it.
  std::string deep = checkNesting(file.text, NestingSyntax::Json);
  if (!deep.empty()) {
    error = file.path + ": invalid JSON: " + deep;
    return std::nullopt;
  }
  Expected<json::Value> value = json::parse(file.text);
  if (value)
    return std::move(*value);
  // ParseError logs "[line:col, byte=N]: message"; the byte offset gives the
  // position in our own format.
  std::string log = toString(value.takeError());
  unsigned line = 0, col = 0, offset = 0;
  size_t colon = log.find("]: ");
  if (std::sscanf(log.c_str(), "[%u:%u, byte=%u]", &line, &col, &offset) == 3 &&
      colon != std::string::npos)
    error = file.at(offset, "invalid JSON: " + log.substr(colon + 3));
  else
    error = file.path + ": invalid JSON: " + log;
  return std::nullopt;
}

std::string didYouMean(StringRef name,
                       const std::vector<std::string> &candidates) {
  const std::string *best = nullptr;
  unsigned bestDistance = ~0u;
  for (const std::string &c : candidates) {
    unsigned d = name.edit_distance_insensitive(c);
    if (d < bestDistance) {
      bestDistance = d;
      best = &c;
    }
  }
  if (!best || bestDistance > std::max<size_t>(2, name.size() / 3))
    return "";
  return " (did you mean '" + *best + "'?)";
}

std::optional<ConfigText> readConfigText(StringRef path, std::string &error) {
  auto buffer = readInputFile(path, kMaxJsonFileBytes, error);
  if (!buffer) {
    error = "cannot read '" + path.str() + "': " + error;
    return std::nullopt;
  }
  ConfigText file{path.str(), buffer->getBuffer().str()};
  // A binary file (a model given by mistake, a corrupt copy) is named with
  // where it stops being text; its bytes are not echoed.
  size_t offset = 0;
  StringRef text = file.text;
  bool utf8 = json::isUTF8(text, &offset);
  for (size_t i = 0; i < (utf8 ? text.size() : offset); ++i) {
    unsigned char c = text[i];
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      offset = i;
      utf8 = false;
      break;
    }
  }
  if (!utf8) {
    error = file.at(offset, "not a text file: byte " + std::to_string(offset) +
                                " is 0x" +
                                utohexstr(uint8_t(text[offset]), false, 2) +
                                " (a control character or not UTF-8)");
    return std::nullopt;
  }
  return file;
}

} // namespace geflow::ge::precision
