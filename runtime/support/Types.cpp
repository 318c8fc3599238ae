#include "geflow/runtime/Types.h"
#include "geflow/runtime/Half.h"

#include <cmath>
#include <cstring>

namespace geflow::rt {

double elementAsDouble(DType t, const void *data, size_t i) {
  const auto *p = static_cast<const uint8_t *>(data);
  switch (t) {
  case DType::F32: {
    float v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  }
  case DType::F16: {
    uint16_t h;
    std::memcpy(&h, p + 2 * i, 2);
    return halfToFloat(h);
  }
  case DType::BF16: {
    uint16_t h;
    std::memcpy(&h, p + 2 * i, 2);
    return bf16ToFloat(h);
  }
  case DType::I8:
    return static_cast<int8_t>(p[i]);
  case DType::U8:
  case DType::Bool:
    return p[i];
  case DType::I32: {
    int32_t v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  }
  case DType::I64: {
    int64_t v;
    std::memcpy(&v, p + 8 * i, 8);
    return static_cast<double>(v);
  }
  case DType::F64: {
    double v;
    std::memcpy(&v, p + 8 * i, 8);
    return v;
  }
  case DType::I16: {
    int16_t v;
    std::memcpy(&v, p + 2 * i, 2);
    return v;
  }
  case DType::U16: {
    uint16_t v;
    std::memcpy(&v, p + 2 * i, 2);
    return v;
  }
  case DType::U32: {
    uint32_t v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  }
  case DType::U64: {
    uint64_t v;
    std::memcpy(&v, p + 8 * i, 8);
    return static_cast<double>(v);
  }
  case DType::String:
    return NAN; // no numeric value
  }
  return 0;
}

size_t dtypeSize(DType t) {
  switch (t) {
  case DType::F32:
  case DType::I32:
  case DType::U32:
    return 4;
  case DType::F16:
  case DType::BF16:
  case DType::I16:
  case DType::U16:
    return 2;
  case DType::I8:
  case DType::U8:
  case DType::Bool:
    return 1;
  case DType::I64:
  case DType::F64:
  case DType::U64:
    return 8;
  case DType::String:
    return 16; // sizeof(StringRef), checked in Strings.h
  }
  return 0;
}

static constexpr std::string_view kDTypeNames[kNumDTypes] = {
    "float32", "float16", "bfloat16", "int8",   "uint8",  "int32",  "int64",
    "bool",    "float64", "int16",    "uint16", "uint32", "uint64", "string"};
static constexpr std::string_view kDTypeShortNames[kNumDTypes] = {
    "f32", "f16", "bf16", "i8",  "u8",  "i32", "i64",
    "i1",  "f64", "i16",  "u16", "u32", "u64", "str"};

std::string_view dtypeName(DType t) {
  auto i = static_cast<unsigned>(t);
  return i < kNumDTypes ? kDTypeNames[i] : "invalid";
}

std::string_view dtypeShortName(DType t) {
  auto i = static_cast<unsigned>(t);
  return i < kNumDTypes ? kDTypeShortNames[i] : "invalid";
}

std::optional<DType> parseDType(std::string_view name) {
  for (int i = 0; i < kNumDTypes; ++i)
    if (kDTypeNames[i] == name)
      return static_cast<DType>(i);
  return std::nullopt;
}

bool isFloat(DType t) {
  return t == DType::F32 || t == DType::F16 || t == DType::BF16 ||
         t == DType::F64;
}

bool isDeviceDType(DType t) { return static_cast<unsigned>(t) < 8; }

static constexpr std::string_view kFormatNames[kNumFormats] = {
    "ND", "NCHW", "NHWC", "NC1HWC0", "FRACTAL_Z", "FRACTAL_NZ"};

std::string_view formatName(Format f) {
  auto i = static_cast<unsigned>(f);
  return i < kNumFormats ? kFormatNames[i] : "invalid";
}

std::optional<Format> parseFormat(std::string_view name) {
  for (int i = 0; i < kNumFormats; ++i)
    if (kFormatNames[i] == name)
      return static_cast<Format>(i);
  return std::nullopt;
}

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

std::optional<std::vector<int64_t>>
physicalShape(Format f, const std::vector<int64_t> &s) {
  switch (f) {
  case Format::ND:
  case Format::NCHW:
  case Format::NHWC:
    return s;
  case Format::NC1HWC0:
    if (s.size() != 4)
      return std::nullopt;
    return std::vector<int64_t>{s[0], ceilDiv(s[1], kC0), s[2], s[3], kC0};
  case Format::FRACTAL_Z:
    if (s.size() != 4)
      return std::nullopt;
    return std::vector<int64_t>{ceilDiv(s[1], kC0) * s[2] * s[3],
                                ceilDiv(s[0], 16), 16, kC0};
  case Format::FRACTAL_NZ: {
    if (s.size() < 2)
      return std::nullopt;
    std::vector<int64_t> out(s.begin(), s.end() - 2);
    int64_t m = s[s.size() - 2], n = s.back();
    out.insert(out.end(), {ceilDiv(n, 16), ceilDiv(m, 16), 16, 16});
    return out;
  }
  }
  return std::nullopt;
}

int64_t numElements(const std::vector<int64_t> &shape) {
  // An empty tensor has no elements whatever its other dims (which a file
  // may make large enough that their product overflows): check for 0 first.
  for (int64_t d : shape)
    if (d == 0)
      return 0;
  int64_t n = 1;
  for (int64_t d : shape)
    if (__builtin_mul_overflow(n, d, &n))
      return INT64_MAX; // saturated: no buffer of that size exists
  return n;
}

uint64_t storageBytes(DType dtype, Format format,
                      const std::vector<int64_t> &shape) {
  auto physical = physicalShape(format, shape);
  if (!physical)
    return 0;
  uint64_t n = dtypeSize(dtype);
  for (int64_t d : *physical) {
    if (d < 0 || (d > 0 && n > UINT64_MAX / static_cast<uint64_t>(d)))
      return 0;
    n *= static_cast<uint64_t>(d);
  }
  return n;
}

} // namespace geflow::rt
