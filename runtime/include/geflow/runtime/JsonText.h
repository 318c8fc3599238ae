//===- JsonText.h - Writing JSON strings
//-----------------------------------===//
//
// The runtime's profiles and the tools' JSON answers write strings the same
// way; the runtime has no JSON library, so this is the one quoting.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_JSONTEXT_H
#define GEFLOW_RUNTIME_JSONTEXT_H

#include <string>
#include <string_view>

namespace geflow::rt {

/// `text` as a JSON string literal, quotes included: '"', '\\' and control
/// characters escaped; other bytes (UTF-8) copied.
std::string jsonQuote(std::string_view text);

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_JSONTEXT_H
