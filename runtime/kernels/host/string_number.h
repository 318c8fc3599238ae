//===- string_number.h - Numbers as ONNX Cast writes and reads strings -*- C++
//-*-===//
//
// ONNX Cast between numbers and STRING. The reference (the backend tests'
// data) is NumPy's astype(str): the shortest decimal that reads back as the
// same value of the source type, positional for 1e-4 <= |x| < 1e16 with at
// least one fractional digit ("0.5", "3.0", "123456.0"), scientific
// otherwise with a two-digit exponent at least ("1e-05", "1.5e+20"). NaN
// and the infinities are ONNX's reserved literals "NaN", "INF" and "-INF"
// (NumPy writes "nan"/"inf"). Integers are plain decimals; bools "True" /
// "False".
//
// Reading accepts what ONNX allows: plain and scientific decimals ("3.14",
// "1e-5", "1E8"), and the reserved literals in any case ("NaN", "INF",
// "+INF", "-INF", also "Infinity"), with surrounding ASCII spaces. Anything
// else is an error naming the text (ONNX leaves it undefined).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_HOST_STRING_NUMBER_H
#define GEFLOW_KERNELS_HOST_STRING_NUMBER_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace geflow::kernels::host {

/// The shortest text of `v` that reads back as the same float.
std::string formatFloat32(float v);
/// The same for a double.
std::string formatFloat64(double v);
/// The same for a half (`bf16` false) or bfloat16 (true) value given as
/// its float value: the shortest decimal that rounds back to it.
std::string formatFloat16(float v, bool bf16);

/// A parsed string: an integer literal keeps its exact value (`isInt`),
/// anything else is a double. nullopt when `s` is no number.
struct ParsedNumber {
  bool isInt = false;
  bool negative = false;
  uint64_t magnitude = 0; // |value| when isInt (fits 64 bits)
  double value = 0;       // always set
};
std::optional<ParsedNumber> parseNumber(std::string_view s);
/// `s` read as a float32 directly (one rounding, not via double).
std::optional<float> parseFloat32(std::string_view s);

} // namespace geflow::kernels::host

#endif // GEFLOW_KERNELS_HOST_STRING_NUMBER_H
