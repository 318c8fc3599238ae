//===- Kernel.h - The kernel ABI: tiling functions and kernel entry points ===//
//
// A kernel is a pure compute routine of the virtual NPU. Its tiling function
// runs on the host (at compile time for static shapes, at run time for
// dynamic ones) and turns (input/output descriptors, attributes, soc) into
// TilingResult: the block count, an opaque tiling-data blob and the workspace
// size. The kernel entry point then runs once per block index and uses only
// the tiling data it is given plus the buffers.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_KERNEL_H
#define GEFLOW_KERNELS_KERNEL_H

#include "geflow/kernels/Soc.h"
#include "geflow/runtime/Status.h"
#include "geflow/runtime/Types.h"

#include <cstring>
#include <map>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace geflow::kernels {

using rt::DType;
using rt::Format;
using rt::Status;

struct TensorDesc {
  DType dtype = DType::F32;
  std::vector<int64_t> shape; // logical shape
  Format format = Format::ND;
  /// True when the tensor is a compile-time constant (a weight), so the
  /// tiling function may ask for it to be pre-packed (see PackFn).
  bool isConst = false;
};

/// Attribute values the compiler passes to tiling functions. Names follow the
/// ge dialect's attribute names (strides, pads, transpose_x1, ...).
using AttrValue =
    std::variant<int64_t, double, std::string, std::vector<int64_t>,
                 std::vector<double>, std::vector<std::string>>;

class AttrMap {
public:
  void set(const std::string &name, AttrValue v) {
    attrs_[name] = std::move(v);
  }
  bool has(const std::string &name) const { return attrs_.count(name) != 0; }
  int64_t getInt(const std::string &name, int64_t dflt) const;
  double getFloat(const std::string &name, double dflt) const;
  std::string getString(const std::string &name, const std::string &dflt) const;
  std::vector<int64_t> getInts(const std::string &name,
                               std::vector<int64_t> dflt = {}) const;
  std::vector<double> getFloats(const std::string &name,
                                std::vector<double> dflt = {}) const;
  /// A list of strings (ONNX STRINGS attributes: stopwords, pools).
  std::vector<std::string> getStrings(const std::string &name,
                                      std::vector<std::string> dflt = {}) const;
  const std::map<std::string, AttrValue> &all() const { return attrs_; }

private:
  std::map<std::string, AttrValue> attrs_;
};

struct TilingContext {
  std::vector<TensorDesc> inputs;
  std::vector<TensorDesc> outputs;
  AttrMap attrs;
  const SocInfo *soc = nullptr;
};

struct TilingResult {
  uint32_t blockDim = 1;
  /// Opaque bytes only the kernel reads; a kernel's tiling struct encoded
  /// with encodeTiling() (trivially copyable, fixed-width little-endian
  /// fields, so the bytes are stable across builds on x86-64). No implicit
  /// padding: name those bytes (`reserved`) so they are zero, not stack
  /// garbage that makes compiles differ (`clang++ -Wpadded` finds them).
  std::vector<uint8_t> tilingData;
  /// Scratch bytes the kernel needs for all its blocks together.
  uint64_t workspaceSize = 0;
  /// Input indices whose constant data must be passed through the kernel's
  /// PackFn before execution (pre-packed weights).
  std::vector<uint32_t> packedInputs;
};

using TilingFn = Status (*)(const TilingContext &ctx, TilingResult *result);

/// Pre-packs constant input `inputIndex` (raw bytes in the logical layout of
/// ctx.inputs[inputIndex]) into the layout the kernel reads.
using PackFn = Status (*)(const TilingContext &ctx, const TilingResult &tiling,
                          uint32_t inputIndex, const void *src,
                          std::vector<uint8_t> *packed);

/// Arguments of one kernel launch. The runtime keeps them alive until every
/// block has run.
struct KernelArgs {
  const uint8_t *tiling = nullptr;
  size_t tilingSize = 0;
  const void *const *inputs = nullptr;
  uint32_t numInputs = 0;
  void *const *outputs = nullptr;
  uint32_t numOutputs = 0;
  void *workspace = nullptr;
};

/// Runs block `blockIdx` of `blockDim`. Returns 0 on success, or a non-zero
/// code the runtime reports as a task failure naming the kernel.
using KernelFn = int32_t (*)(const KernelArgs &args, uint32_t blockIdx,
                             uint32_t blockDim);

/// Why a kernel is about to return a non-zero code, with the values that
/// broke it ("index 12 (element 1 of the indices) is out of range [-10, 10)
/// on axis 0"): set on the block's thread right before returning; the
/// runtime puts it in the task's error in place of the generic reason.
void setFailureDetail(std::string detail);
/// This thread's detail, cleared (empty when the kernel gave none).
std::string takeFailureDetail();

/// setFailureDetail() for an index outside [-size, size): "index 12
/// (element 1 of the indices) is out of range [-10, 10) on axis 0"; `where`
/// says which axis or dim.
int32_t indexOutOfRange(int32_t code, int64_t index, int64_t element,
                        int64_t size, const std::string &where);

template <typename T> std::vector<uint8_t> encodeTiling(const T &t) {
  static_assert(std::is_trivially_copyable_v<T>);
  std::vector<uint8_t> bytes(sizeof(T));
  std::memcpy(bytes.data(), &t, sizeof(T));
  return bytes;
}

/// Reads a tiling struct back; false when the blob has the wrong size.
template <typename T> bool decodeTiling(const KernelArgs &args, T *t) {
  static_assert(std::is_trivially_copyable_v<T>);
  if (args.tilingSize != sizeof(T))
    return false;
  std::memcpy(t, args.tiling, sizeof(T));
  return true;
}

} // namespace geflow::kernels

#endif // GEFLOW_KERNELS_KERNEL_H
