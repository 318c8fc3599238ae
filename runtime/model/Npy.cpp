//===- Npy.cpp - NumPy .npy reader and writer -----------------------------===//
//
// The header is parsed with a small recursive-descent reader over the dict
// literal NumPy writes; every length, count and size is checked before it
// is used, so truncated or hostile files are errors (see NpyTest.cpp).
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/Npy.h"
#include "geflow/runtime/Gfm.h"
#include "geflow/runtime/Model.h"
#include "geflow/runtime/RegularFile.h"
#include "geflow/runtime/Strings.h"
#include "geflow/runtime/Utf8.h"

#include <algorithm>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace geflow::rt {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
/// Largest header we accept (NumPy itself refuses headers over 10 KB by
/// default; dims of a rank-32 array fit easily).
constexpr size_t kMaxHeader = 1 << 16;
constexpr int64_t kMaxRank = 64;

Status bad(const std::string &name, const std::string &what) {
  return Status(ErrorCode::kCorruptFile,
                name + ": not a valid .npy file: " + what);
}

struct Descr {
  std::optional<DType> dtype;
  size_t itemSize;
};

// Plain little-endian (or byte) dtypes; '=' is native, which is little on
// every machine geflow runs on.
std::optional<Descr> parseDescr(const std::string &d) {
  if (d.size() < 3 || (d[0] != '<' && d[0] != '|' && d[0] != '='))
    return std::nullopt;
  char kind = d[1];
  std::string digits = d.substr(2);
  // Strings: 'S<n>' n bytes, '<U<n>' n UTF-32 code units per element.
  if (kind == 'S' || kind == 'U') {
    if (digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    size_t n = std::stoul(digits);
    size_t unit = kind == 'U' ? 4 : 1;
    if (n == 0 || n > kMaxStringElementBytes / unit ||
        (kind == 'U' && d[0] == '|'))
      return std::nullopt;
    return Descr{DType::String, n * unit};
  }
  if (digits.empty() || digits.size() > 2 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  size_t size = std::stoul(digits);
  if (size == 0 || (size > 1 && d[0] == '|'))
    return std::nullopt;
  std::optional<DType> dtype;
  switch (kind) {
  case 'f':
    if (size == 4)
      dtype = DType::F32;
    else if (size == 2)
      dtype = DType::F16;
    else if (size == 8)
      dtype = DType::F64;
    else
      return std::nullopt;
    break;
  case 'i':
    if (size == 1)
      dtype = DType::I8;
    else if (size == 4)
      dtype = DType::I32;
    else if (size == 8)
      dtype = DType::I64;
    else if (size == 2)
      dtype = DType::I16;
    else
      return std::nullopt;
    break;
  case 'u':
    if (size == 1)
      dtype = DType::U8;
    else if (size == 2)
      dtype = DType::BF16; // raw bfloat16 bits or uint16, see Npy.h
    else if (size == 4)
      dtype = DType::U32;
    else if (size == 8)
      dtype = DType::U64;
    else
      return std::nullopt;
    break;
  case 'b':
    if (size != 1)
      return std::nullopt;
    dtype = DType::Bool;
    break;
  default:
    return std::nullopt;
  }
  return Descr{dtype, size};
}

/// Reads the header dict: {'descr': str, 'fortran_order': bool,
/// 'shape': tuple of ints} in any key order, trailing commas allowed.
class HeaderParser {
public:
  HeaderParser(const std::string &text, const std::string &name)
      : s_(text), name_(name) {}

  Status parse(std::string *descr, bool *fortran, std::vector<int64_t> *shape) {
    bool haveDescr = false, haveFortran = false, haveShape = false;
    skipSpace();
    GEFLOW_RETURN_IF_ERROR(expect('{'));
    while (true) {
      skipSpace();
      if (peek() == '}')
        break;
      std::string key;
      GEFLOW_RETURN_IF_ERROR(parseString(&key));
      skipSpace();
      GEFLOW_RETURN_IF_ERROR(expect(':'));
      skipSpace();
      if (key == "descr") {
        if (peek() == '[')
          return bad(name_,
                     "structured dtypes (a descr list) are not supported");
        GEFLOW_RETURN_IF_ERROR(parseString(descr));
        haveDescr = true;
      } else if (key == "fortran_order") {
        GEFLOW_RETURN_IF_ERROR(parseBool(fortran));
        haveFortran = true;
      } else if (key == "shape") {
        GEFLOW_RETURN_IF_ERROR(parseShape(shape));
        haveShape = true;
      } else {
        return bad(name_, "unexpected header key '" + key + "'");
      }
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      skipSpace();
      if (peek() != '}')
        return bad(name_, "expected ',' or '}' in the header at byte " +
                              std::to_string(pos_));
    }
    ++pos_;
    if (!haveDescr || !haveFortran || !haveShape)
      return bad(name_, std::string("the header lacks '") +
                            (!haveDescr     ? "descr"
                             : !haveFortran ? "fortran_order"
                                            : "shape") +
                            "'");
    skipSpace();
    if (pos_ != s_.size())
      return bad(name_, "unexpected text after the header dict");
    return Status::OK();
  }

private:
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' ||
                                s_[pos_] == '\t' || s_[pos_] == '\r'))
      ++pos_;
  }
  Status expect(char c) {
    if (peek() != c)
      return bad(name_, std::string("expected '") + c +
                            "' in the header at byte " + std::to_string(pos_));
    ++pos_;
    return Status::OK();
  }
  Status parseString(std::string *out) {
    char quote = peek();
    if (quote != '\'' && quote != '"')
      return bad(name_, "expected a quoted string in the header at byte " +
                            std::to_string(pos_));
    size_t end = s_.find(quote, pos_ + 1);
    if (end == std::string::npos)
      return bad(name_, "unterminated string in the header");
    *out = s_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return Status::OK();
  }
  Status parseBool(bool *out) {
    if (s_.compare(pos_, 4, "True") == 0) {
      *out = true;
      pos_ += 4;
    } else if (s_.compare(pos_, 5, "False") == 0) {
      *out = false;
      pos_ += 5;
    } else {
      return bad(name_, "fortran_order must be True or False");
    }
    return Status::OK();
  }
  Status parseShape(std::vector<int64_t> *shape) {
    shape->clear();
    GEFLOW_RETURN_IF_ERROR(expect('('));
    while (true) {
      skipSpace();
      if (peek() == ')')
        break;
      size_t start = pos_;
      int64_t v = 0;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
        if (v > (INT64_MAX - 9) / 10)
          return bad(name_, "a dimension of the shape is too large");
        v = v * 10 + (s_[pos_++] - '0');
      }
      if (pos_ == start)
        return bad(name_, "the shape must be a tuple of non-negative integers");
      if (static_cast<int64_t>(shape->size()) >= kMaxRank)
        return bad(name_, "the shape has more than " +
                              std::to_string(kMaxRank) + " dimensions");
      shape->push_back(v);
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != ')')
        return bad(name_, "expected ',' or ')' in the shape");
    }
    ++pos_;
    return Status::OK();
  }

  const std::string &s_;
  const std::string &name_;
  size_t pos_ = 0;
};

} // namespace

StatusOr<NpyArray> parseNpy(const void *bytes, size_t size,
                            const std::string &name) {
  auto *p = static_cast<const uint8_t *>(bytes);
  if (size < kMagicSize + 4 || std::memcmp(p, kMagic, kMagicSize) != 0)
    return bad(name, "the file does not start with the .npy magic \\x93NUMPY");
  uint8_t major = p[6];
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = size_t(p[8]) | size_t(p[9]) << 8;
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12)
      return bad(name, "truncated header length");
    headerLen = size_t(p[8]) | size_t(p[9]) << 8 | size_t(p[10]) << 16 |
                size_t(p[11]) << 24;
    headerStart = 12;
  } else {
    return bad(name, "unsupported format version " + std::to_string(major) +
                         "." + std::to_string(p[7]));
  }
  if (headerLen > kMaxHeader)
    return bad(name, "header of " + std::to_string(headerLen) + " bytes");
  if (headerLen > size - headerStart)
    return bad(name, "the header runs past the end of the file");
  std::string header(reinterpret_cast<const char *>(p + headerStart),
                     headerLen);
  if (header.find('\0') != std::string::npos)
    return bad(name, "the header contains a NUL byte");

  NpyArray out;
  bool fortran = false;
  GEFLOW_RETURN_IF_ERROR(
      HeaderParser(header, name).parse(&out.descr, &fortran, &out.shape));
  std::optional<Descr> descr = parseDescr(out.descr);
  if (!descr)
    return Status(ErrorCode::kUnsupported,
                  name + ": dtype '" + out.descr +
                      "' is not supported (little-endian bool, int, uint and "
                      "float types, bytes 'S' and unicode 'U' strings)");
  if (fortran)
    return Status(ErrorCode::kUnsupported,
                  name + ": Fortran-order arrays are not supported; save a "
                         "C-order array (numpy.ascontiguousarray)");
  out.dtype = descr->dtype;
  out.itemSize = descr->itemSize;
  uint64_t count = 1;
  for (int64_t d : out.shape) {
    if (d != 0 && count > UINT64_MAX / static_cast<uint64_t>(d))
      return bad(name, "the shape's element count overflows");
    count *= static_cast<uint64_t>(d);
  }
  size_t dataStart = headerStart + headerLen;
  uint64_t available = size - dataStart;
  if (count > available / out.itemSize || count * out.itemSize != available)
    return bad(name, "the data has " + std::to_string(available) +
                         " bytes, but shape " + shapeToString(out.shape) +
                         " of '" + out.descr + "' needs " +
                         (count > UINT64_MAX / out.itemSize
                              ? std::string("more")
                              : std::to_string(count * out.itemSize)));
  out.data.assign(p + dataStart, p + size);
  return out;
}

StatusOr<NpyArray> readNpy(const std::string &path) {
  // Regular files only (/dev/zero would never end), read up to their size.
  RegularFile opened = openRegularFile(path);
  if (opened.notRegular())
    return Status(ErrorCode::kIoError, "'" + path + "' is not a regular file");
  if (!opened.ok())
    return Status(ErrorCode::kIoError,
                  "cannot open '" + path + "': " + std::strerror(opened.error));
  int fd = opened.fd;
  std::vector<uint8_t> bytes(static_cast<size_t>(opened.size));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  if (done != bytes.size())
    return Status(ErrorCode::kIoError, "cannot read '" + path + "'");
  return parseNpy(bytes.data(), bytes.size(), path);
}

bool npyHolds(const NpyArray &array, DType dtype) {
  if (array.dtype == dtype)
    return true;
  // '<u2' is both bfloat16's carrier and uint16.
  return dtype == DType::U16 && array.dtype == DType::BF16;
}

std::string npyDescr(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "<f4";
  case DType::F16:
    return "<f2";
  case DType::BF16:
    return "<u2";
  case DType::I8:
    return "|i1";
  case DType::U8:
    return "|u1";
  case DType::I32:
    return "<i4";
  case DType::I64:
    return "<i8";
  case DType::Bool:
    return "|b1";
  case DType::F64:
    return "<f8";
  case DType::I16:
    return "<i2";
  case DType::U16:
    return "<u2";
  case DType::U32:
    return "<u4";
  case DType::U64:
    return "<u8";
  case DType::String:
    return "<U"; // or |S: encodeNpy picks the width
  }
  return "|u1";
}

StatusOr<std::vector<std::string>> npyStrings(const NpyArray &array,
                                              const std::string &name) {
  if (array.dtype != DType::String || array.itemSize == 0)
    return invalidArgument(name + ": dtype '" + array.descr +
                           "' holds no strings");
  bool unicode = array.descr.size() > 1 && array.descr[1] == 'U';
  size_t count = array.data.size() / array.itemSize;
  std::vector<std::string> out(count);
  for (size_t e = 0; e < count; ++e) {
    const uint8_t *p = array.data.data() + e * array.itemSize;
    std::string &s = out[e];
    if (!unicode) {
      // NumPy drops trailing NULs of 'S' elements.
      size_t n = array.itemSize;
      while (n && p[n - 1] == 0)
        --n;
      s.assign(reinterpret_cast<const char *>(p), n);
      continue;
    }
    size_t n = array.itemSize / 4;
    std::vector<uint32_t> units(n);
    std::memcpy(units.data(), p, n * 4);
    while (n && units[n - 1] == 0)
      --n;
    for (size_t k = 0; k < n; ++k) {
      uint32_t c = units[k];
      if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return invalidArgument(name + ": string element " + std::to_string(e) +
                               " holds " + std::to_string(c) +
                               ", which is no Unicode code point");
      appendUtf8(s, c);
    }
  }
  return out;
}

/// String elements as NumPy stores them: '<U<n>' (UTF-32) when every
/// element is valid UTF-8, else bytes '|S<n>'; n is the longest element
/// (at least 1, as NumPy writes it).
static std::pair<std::string, std::vector<uint8_t>>
encodeStrings(const void *data, size_t count) {
  std::vector<std::u32string> units(count);
  bool unicode = true;
  size_t longest = 1;
  for (size_t i = 0; i < count && unicode; ++i) {
    std::optional<std::u32string> u = decodeUtf8(stringAt(data, i));
    if (!u)
      unicode = false;
    else {
      units[i] = std::move(*u);
      longest = std::max(longest, units[i].size());
    }
  }
  std::vector<uint8_t> bytes;
  if (unicode) {
    bytes.assign(count * longest * 4, 0);
    for (size_t i = 0; i < count; ++i)
      if (!units[i].empty())
        std::memcpy(bytes.data() + i * longest * 4, units[i].data(),
                    units[i].size() * 4);
    return {"<U" + std::to_string(longest), std::move(bytes)};
  }
  longest = 1;
  for (size_t i = 0; i < count; ++i)
    longest = std::max(longest, stringAt(data, i).size());
  bytes.assign(count * longest, 0);
  for (size_t i = 0; i < count; ++i) {
    std::string_view s = stringAt(data, i);
    if (!s.empty())
      std::memcpy(bytes.data() + i * longest, s.data(), s.size());
  }
  return {"|S" + std::to_string(longest), std::move(bytes)};
}

std::vector<uint8_t> encodeNpy(DType dtype, const std::vector<int64_t> &shape,
                               const void *data) {
  std::pair<std::string, std::vector<uint8_t>> strings;
  if (dtype == DType::String)
    strings = encodeStrings(data, static_cast<size_t>(numElements(shape)));
  std::string dict =
      "{'descr': '" +
      (dtype == DType::String ? strings.first : npyDescr(dtype)) +
      "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < shape.size(); ++i)
    dict += std::to_string(shape[i]) +
            (shape.size() == 1 || i + 1 < shape.size() ? ", " : "");
  if (shape.size() == 1)
    dict.pop_back(); // "(3,)"
  dict += "), }";
  // Magic, version, length, dict and padding: the data starts 64-byte
  // aligned, the header ends in '\n' (as NumPy writes it).
  bool v2 = dict.size() + 1 + 10 > 65535;
  size_t prefix = v2 ? 12 : 10;
  size_t total = (prefix + dict.size() + 1 + 63) / 64 * 64;
  size_t headerLen = total - prefix;
  dict.append(headerLen - dict.size() - 1, ' ');
  dict += '\n';
  std::string header(kMagic, kMagicSize);
  header += char(v2 ? 2 : 1);
  header += char(0);
  for (size_t i = 0; i < (v2 ? 4u : 2u); ++i)
    header += char(static_cast<uint8_t>(headerLen >> (8 * i)));
  header += dict;
  if (dtype == DType::String)
    data = strings.second.data();
  size_t bytes =
      dtype == DType::String
          ? strings.second.size()
          : dtypeSize(dtype) * static_cast<size_t>(numElements(shape));
  std::vector<uint8_t> out(header.size() + bytes);
  std::memcpy(out.data(), header.data(), header.size());
  if (bytes)
    std::memcpy(out.data() + header.size(), data, bytes);
  return out;
}

Status writeNpy(const std::string &path, DType dtype,
                const std::vector<int64_t> &shape, const void *data) {
  std::vector<uint8_t> bytes = encodeNpy(dtype, shape, data);
  return writeFileAtomically(path, bytes.data(), bytes.size());
}

} // namespace geflow::rt
