//===- Npy.h - Reading and writing NumPy .npy files -------------*- C++ -*-===//
//
// The .npy format (versions 1.0, 2.0 and 3.0): a magic string, a header
// that is a Python dict literal {'descr': '<f4', 'fortran_order': False,
// 'shape': (2, 3), }, then the raw C-order data. Only little-endian (or
// byte-sized) plain dtypes are read; everything else, and every malformed
// file, is a clear error naming the file, never a crash.
//
// dtypes: float32 '<f4', float16 '<f2', int8 '|i1', uint8 '|u1', int32
// '<i4', int64 '<i8', bool '|b1', float64 '<f8', int16 '<i2', uint16 '<u2',
// uint32 '<u4', uint64 '<u8'. NumPy has no bfloat16: bfloat16 tensors
// travel as their raw 16-bit patterns in '<u2' arrays (written so; a '<u2'
// array reads as bfloat16 and is accepted where uint16 is wanted, see
// npyHolds).
//
// Strings (DType::String): read from bytes '|S<n>' (trailing NULs dropped,
// as NumPy does) or unicode '<U<n>' (UTF-32, converted to UTF-8) arrays;
// written as '<U<n>' when every element is valid UTF-8, else as '|S<n>'.
// In an NpyArray they stay in the file's layout (npyStrings decodes them).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_NPY_H
#define GEFLOW_RUNTIME_NPY_H

#include "geflow/runtime/Status.h"
#include "geflow/runtime/Types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace geflow::rt {

struct NpyArray {
  /// The descr as written in the file ("<f4", "<f8", ...).
  std::string descr;
  /// The geflow dtype of `descr` (bfloat16 for '<u2'; every plain
  /// little-endian bool, int, uint and float type has one).
  std::optional<DType> dtype;
  /// Bytes per element.
  size_t itemSize = 0;
  std::vector<int64_t> shape;
  /// C-order, little-endian elements.
  std::vector<uint8_t> data;
};

/// Parses .npy bytes; `name` prefixes errors.
StatusOr<NpyArray> parseNpy(const void *bytes, size_t size,
                            const std::string &name);
/// The elements of a string array ('S' or 'U') as UTF-8 / raw bytes;
/// `name` prefixes errors (a 'U' element that is no Unicode code point).
StatusOr<std::vector<std::string>> npyStrings(const NpyArray &array,
                                              const std::string &name);
/// Reads and parses a .npy file.
StatusOr<NpyArray> readNpy(const std::string &path);

/// Whether `array` holds elements of `dtype` (a '<u2' array holds bfloat16
/// or uint16).
bool npyHolds(const NpyArray &array, DType dtype);
/// The NumPy descr of `dtype` ("<f4"; "<u2" for bfloat16 and uint16).
std::string npyDescr(DType dtype);
/// Encodes a C-order array of `dtype` and `shape` (data has exactly
/// numElements(shape) * dtypeSize(dtype) bytes; StringRef elements for
/// strings) as a version 1.0 file (2.0 when the header needs it).
std::vector<uint8_t> encodeNpy(DType dtype, const std::vector<int64_t> &shape,
                               const void *data);
/// encodeNpy() written to `path` (via a temporary file and a rename).
Status writeNpy(const std::string &path, DType dtype,
                const std::vector<int64_t> &shape, const void *data);

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_NPY_H
