//===- TfRecord.h - TensorFlow's TFRecord file framing ----------*- C++ -*-===//
//
// A TFRecord file (what tf.io.TFRecordWriter writes, uncompressed) is a
// sequence of records, each framed as
//   uint64 length, uint32 masked CRC-32C of those 8 bytes,
//   length bytes of data, uint32 masked CRC-32C of the data
// (little-endian; masked = rotate right by 15, plus 0xa282ead8). TF
// Serving's warm-up requests are stored so, one PredictionLog per record.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SERVE_TFRECORD_H
#define GEFLOW_SERVE_TFRECORD_H

#include "ServeStatus.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace geflow::serve {

/// TFRecord's masked CRC-32C of `data`.
uint32_t maskedCrc32c(std::string_view data);

/// The records of a TFRecord file's bytes, in order (views into `bytes`).
/// A truncated frame or a CRC that does not match is an error naming the
/// record (numbered from 1) and its byte offset.
Result<std::vector<std::string_view>> splitTfRecords(std::string_view bytes);

/// Appends `record` framed as a TFRecord.
void appendTfRecord(std::string &out, std::string_view record);

} // namespace geflow::serve

#endif // GEFLOW_SERVE_TFRECORD_H
