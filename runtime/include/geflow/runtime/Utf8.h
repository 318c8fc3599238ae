//===- Utf8.h - UTF-8 decoding and encoding for string tensors --*- C++ -*-===//
//
// One UTF-8 codec for everything that handles string tensors: the .npy
// reader/writer (NumPy stores '<U' strings as UTF-32) and the host string
// kernels.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_UTF8_H
#define GEFLOW_RUNTIME_UTF8_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace geflow::rt {

/// The code points of `s`; nullopt when it is not valid UTF-8 (overlong
/// forms, surrogates and values past U+10FFFF are invalid).
inline std::optional<std::u32string> decodeUtf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<uint8_t>(s[i]);
    int extra = b < 0x80           ? 0
                : (b >> 5) == 0x6  ? 1
                : (b >> 4) == 0xE  ? 2
                : (b >> 3) == 0x1E ? 3
                                   : -1;
    if (extra < 0 || s.size() - i <= static_cast<size_t>(extra))
      return std::nullopt;
    char32_t c = extra == 0 ? b : b & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
      auto cont = static_cast<uint8_t>(s[i + k]);
      if ((cont >> 6) != 2)
        return std::nullopt;
      c = (c << 6) | (cont & 0x3F);
    }
    static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (c < kMin[extra] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
      return std::nullopt;
    out.push_back(c);
    i += static_cast<size_t>(extra) + 1;
  }
  return out;
}

/// Appends code point `c` (at most U+10FFFF) to `out` as UTF-8.
inline void appendUtf8(std::string &out, char32_t c) {
  if (c < 0x80) {
    out += char(c);
  } else if (c < 0x800) {
    out += char(0xC0 | (c >> 6));
    out += char(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += char(0xE0 | (c >> 12));
    out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  } else {
    out += char(0xF0 | (c >> 18));
    out += char(0x80 | ((c >> 12) & 0x3F));
    out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  }
}

inline std::string encodeUtf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s)
    appendUtf8(out, c);
  return out;
}

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_UTF8_H
