//===- string_number.cpp - Numbers as ONNX Cast writes and reads strings --===//
#include "kernels/host/string_number.h"

#include "geflow/runtime/Half.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace geflow::kernels::host {

namespace {

/// NumPy's layout of shortest digits `digits` (no point, no sign) with
/// decimal exponent `exp` (value = d.ddd * 10^exp).
std::string layout(bool negative, const std::string &digits, int exp,
                   double magnitude) {
  std::string out = negative ? "-" : "";
  if (magnitude == 0)
    return out + "0.0";
  if (magnitude >= 1e-4 && magnitude < 1e16) {
    if (exp >= 0) {
      std::string whole =
          digits.substr(0, std::min<size_t>(digits.size(), size_t(exp) + 1));
      whole.append(size_t(exp) + 1 - whole.size(), '0');
      std::string frac = digits.size() > size_t(exp) + 1
                             ? digits.substr(size_t(exp) + 1)
                             : "0";
      return out + whole + "." + frac;
    }
    return out + "0." + std::string(size_t(-exp - 1), '0') + digits;
  }
  out += digits[0];
  if (digits.size() > 1)
    out += "." + digits.substr(1);
  char e[16];
  std::snprintf(e, sizeof(e), "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
  return out + e;
}

/// Splits to_chars' scientific text "d.ddde+XX" into digits and exponent.
std::string fromScientific(const char *text, size_t size, double magnitude,
                           bool negative) {
  std::string s(text, size);
  size_t e = s.find('e');
  std::string mantissa = s.substr(0, e);
  int exp = std::atoi(s.c_str() + e + 1);
  std::string digits;
  for (char c : mantissa)
    if (c != '.')
      digits += c;
  // Trailing zeros of the mantissa are not significant.
  while (digits.size() > 1 && digits.back() == '0')
    digits.pop_back();
  return layout(negative, digits, exp, magnitude);
}

std::optional<std::string> special(double v) {
  if (std::isnan(v))
    return std::string("NaN");
  if (std::isinf(v))
    return std::string(v < 0 ? "-INF" : "INF");
  return std::nullopt;
}

template <typename T> std::string formatShortest(T v) {
  if (auto s = special(v))
    return *s;
  bool negative = std::signbit(v);
  T magnitude = std::fabs(v);
  if (magnitude == 0)
    return negative ? "-0.0" : "0.0";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), magnitude,
                         std::chars_format::scientific);
  return fromScientific(buf, size_t(r.ptr - buf), double(magnitude), negative);
}

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && isSpace(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back()))
    s.remove_suffix(1);
  return s;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

/// The reserved literals, after the sign: NaN, INF, Infinity.
std::optional<double> literal(std::string_view body, bool negative) {
  if (equalsIgnoreCase(body, "nan"))
    return negative ? -NAN : NAN;
  if (equalsIgnoreCase(body, "inf") || equalsIgnoreCase(body, "infinity"))
    return negative ? -INFINITY : INFINITY;
  return std::nullopt;
}

/// A decimal from_chars reads whole (no sign, no hex, no spaces).
bool isDecimalText(std::string_view s) {
  if (s.empty())
    return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' ||
          c == '+' || c == '-'))
      return false;
  return (s[0] >= '0' && s[0] <= '9') || s[0] == '.';
}

template <typename T> std::optional<T> parseFloating(std::string_view s) {
  s = trim(s);
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (auto v = literal(s, negative))
    return static_cast<T>(*v);
  if (!isDecimalText(s))
    return std::nullopt;
  T v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v,
                           std::chars_format::general);
  if (r.ptr != s.data() + s.size())
    return std::nullopt;
  if (r.ec == std::errc::result_out_of_range) {
    // Too large is infinite, too small is zero (as NumPy reads them).
    std::string text(s);
    double d = std::strtod(text.c_str(), nullptr);
    v = static_cast<T>(d);
  } else if (r.ec != std::errc()) {
    return std::nullopt;
  }
  return negative ? -v : v;
}

} // namespace

std::string formatFloat32(float v) { return formatShortest(v); }
std::string formatFloat64(double v) { return formatShortest(v); }

std::string formatFloat16(float v, bool bf16) {
  if (auto s = special(v))
    return *s;
  bool negative = std::signbit(v);
  float magnitude = std::fabs(v);
  if (magnitude == 0)
    return negative ? "-0.0" : "0.0";
  uint16_t bits =
      bf16 ? rt::floatToBf16(magnitude) : rt::floatToHalf(magnitude);
  // The fewest significant digits whose value rounds back to the same
  // 16-bit pattern (at most 5 for half, 4 for bfloat16; 9 always works).
  char buf[64];
  for (int digits = 1; digits <= 9; ++digits) {
    std::snprintf(buf, sizeof(buf), "%.*e", digits - 1, double(magnitude));
    float back = std::strtof(buf, nullptr);
    uint16_t again = bf16 ? rt::floatToBf16(back) : rt::floatToHalf(back);
    if (again == bits || digits == 9)
      return fromScientific(buf, std::strlen(buf), double(magnitude), negative);
  }
  return formatFloat32(v);
}

std::optional<ParsedNumber> parseNumber(std::string_view s) {
  std::string_view t = trim(s);
  ParsedNumber out;
  std::string_view digits = t;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    out.negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (!digits.empty() &&
      digits.find_first_not_of("0123456789") == std::string_view::npos) {
    uint64_t m = 0;
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), m);
    if (r.ec == std::errc() && r.ptr == digits.data() + digits.size()) {
      out.isInt = true;
      out.magnitude = m;
      out.value = out.negative ? -double(m) : double(m);
      return out;
    }
  }
  std::optional<double> v = parseFloating<double>(t);
  if (!v)
    return std::nullopt;
  out.value = *v;
  out.negative = std::signbit(*v);
  return out;
}

std::optional<float> parseFloat32(std::string_view s) {
  return parseFloating<float>(s);
}

} // namespace geflow::kernels::host
