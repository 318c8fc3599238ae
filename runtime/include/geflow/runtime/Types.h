//===- Types.h - Element types and tensor formats shared with the compiler ===//
//
// The numeric values are part of the `.gfm` format and of tiling data: never
// renumber, only append.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_TYPES_H
#define GEFLOW_RUNTIME_TYPES_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace geflow::rt {

enum class DType : uint8_t {
  F32 = 0,
  F16 = 1,
  BF16 = 2,
  I8 = 3,
  U8 = 4,
  I32 = 5,
  I64 = 6,
  Bool = 7, // one byte per element, 0 or 1
  // Types the device kernels lack: ops on them run on the host CPU engine
  // (mixed compute, docs/mixed-compute.md).
  F64 = 8,
  I16 = 9,
  U16 = 10,
  U32 = 11,
  U64 = 12,
  // Variable-length byte strings (ONNX STRING): each element is an
  // rt::StringRef (Strings.h), 16 bytes pointing at bytes kept elsewhere.
  // Host CPU engine only.
  String = 13,
};
constexpr int kNumDTypes = 14;

size_t dtypeSize(DType t);
/// Element `i` of a dense tensor of `t` at `data`, as a double (summaries,
/// statistics; not for arithmetic that must keep the dtype's precision).
double elementAsDouble(DType t, const void *data, size_t i);
/// The one table of dtype names, shared by the runtime, the compiler and
/// Python: "float32", "float16", "bfloat16", "int8", ... ("invalid" for a
/// value out of range).
std::string_view dtypeName(DType t);
/// The short names of messages and generated names: "f32", "f16", "bf16",
/// "i8", "u8", "i32", "i64", "i1", "f64", "i16", "u16", "u32", "u64", "str".
std::string_view dtypeShortName(DType t);
std::optional<DType> parseDType(std::string_view name);
/// f32, f16, bf16 (the device's float types) or f64.
bool isFloat(DType t);
/// Whether device kernels exist for `t` at all (f64, i16, u16, u32, u64 and
/// string are host-engine types: an op on them runs on the host CPU engine).
bool isDeviceDType(DType t);

/// Tensor memory formats (GE's Format). Shapes in the IR are logical; the
/// physical shape of a formatted tensor comes from physicalShape().
enum class Format : uint8_t {
  ND = 0,
  NCHW = 1,
  NHWC = 2,
  NC1HWC0 = 3,
  FRACTAL_Z = 4,
  FRACTAL_NZ = 5,
};
constexpr int kNumFormats = 6;
constexpr int64_t kC0 = 16; // fp32/fp16 C0 on every soc we model

std::string_view formatName(Format f);
std::optional<Format> parseFormat(std::string_view name);

/// Physical (stored) shape of a tensor with logical shape `shape` in format
/// `f`. NC1HWC0: [N, ceil(C/C0), H, W, C0] from NCHW. FRACTAL_Z (conv
/// weights, logical [Cout, Cin, KH, KW]): [ceil(Cin/C0)*KH*KW, ceil(Cout/16),
/// 16, C0]. FRACTAL_NZ (matrices [..., M, N]): [..., ceil(N/16), ceil(M/16),
/// 16, 16]. Returns nullopt when the rank does not fit the format.
std::optional<std::vector<int64_t>>
physicalShape(Format f, const std::vector<int64_t> &shape);

int64_t numElements(const std::vector<int64_t> &shape);

/// Bytes of a tensor of `shape` stored in `format`; 0 when a dim is
/// negative, the rank does not fit the format or the size overflows.
uint64_t storageBytes(DType dtype, Format format,
                      const std::vector<int64_t> &shape);

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_TYPES_H
