//===- TfRecord.cpp - TensorFlow's TFRecord file framing ------------------===//
#include "TfRecord.h"

#include "geflow/runtime/Gfm.h"

#include <cstring>

namespace geflow::serve {

namespace {

constexpr uint32_t kMaskDelta = 0xa282ead8u;
constexpr size_t kHeaderBytes = 12; // length and its CRC
constexpr size_t kFooterBytes = 4;  // the data's CRC

uint64_t readLE(const char *p, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; ++i)
    v |= uint64_t(uint8_t(p[i])) << (8 * i);
  return v;
}

void appendLE(std::string &out, uint64_t v, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i)
    out += char(uint8_t(v >> (8 * i)));
}

} // namespace

uint32_t maskedCrc32c(std::string_view data) {
  uint32_t crc = rt::crc32c(data.data(), data.size());
  return ((crc >> 15) | (crc << 17)) + kMaskDelta;
}

Result<std::vector<std::string_view>> splitTfRecords(std::string_view bytes) {
  std::vector<std::string_view> records;
  size_t offset = 0;
  while (offset < bytes.size()) {
    std::string where = "record " + std::to_string(records.size() + 1) +
                        " (at byte " + std::to_string(offset) + ")";
    size_t left = bytes.size() - offset;
    if (left < kHeaderBytes)
      return invalidArgument(where + " is truncated: its 12-byte header has " +
                             std::to_string(left) + " bytes");
    const char *p = bytes.data() + offset;
    if (uint32_t(readLE(p + 8, 4)) != maskedCrc32c({p, 8}))
      return invalidArgument(where + " has a length whose CRC does not match "
                                     "(not a TFRecord file, or corrupted)");
    uint64_t length = readLE(p, 8);
    if (length > left - kHeaderBytes ||
        left - kHeaderBytes - length < kFooterBytes)
      return invalidArgument(where + " is truncated: it declares " +
                             std::to_string(length) + " data bytes, " +
                             std::to_string(left - kHeaderBytes) +
                             " bytes remain for them and their CRC");
    std::string_view data(p + kHeaderBytes, size_t(length));
    if (uint32_t(readLE(p + kHeaderBytes + length, 4)) != maskedCrc32c(data))
      return invalidArgument(where + " has data whose CRC does not match "
                                     "(corrupted)");
    records.push_back(data);
    offset += kHeaderBytes + length + kFooterBytes;
  }
  return records;
}

void appendTfRecord(std::string &out, std::string_view record) {
  std::string length;
  appendLE(length, record.size(), 8);
  out += length;
  appendLE(out, maskedCrc32c(length), 4);
  out.append(record.data(), record.size());
  appendLE(out, maskedCrc32c(record), 4);
}

} // namespace geflow::serve
