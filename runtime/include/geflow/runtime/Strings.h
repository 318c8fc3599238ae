//===- Strings.h - Elements of string tensors and where their bytes live --===//
//
// A string tensor (DType::String, ONNX STRING) stores one StringRef per
// element: 16 bytes pointing at the element's bytes, which live elsewhere.
// Fixed-size elements keep every part of the executor that moves bytes
// (arenas, memcpy tasks, data-movement kernels, bindings) unchanged; only
// what creates strings needs storage for their bytes:
//
//  - a program input's elements point at the caller's bytes, which must
//    stay valid until the run has finished (like every input buffer);
//  - host kernels (the only ones computing on strings) write new strings
//    into the run's StringStore (HostCallArgs::strings), which belongs to
//    the execution context and is cleared when the context runs again;
//  - at the end of a run, the bytes of every string output are copied into
//    the StringStore its TensorRef names (TensorRef::strings), and the
//    output's elements are re-aimed there: the caller owns them.
//
// Bytes are arbitrary (ONNX strings are UTF-8 by convention; nothing here
// checks it). An element may be empty (size 0, data may be null).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_STRINGS_H
#define GEFLOW_RUNTIME_STRINGS_H

#include "geflow/runtime/Status.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace geflow::rt {

struct StringRef {
  const char *data = nullptr;
  uint64_t size = 0;
  std::string_view view() const {
    return size ? std::string_view(data, size) : std::string_view();
  }
};
static_assert(sizeof(StringRef) == 16, "dtypeSize(DType::String) is 16");

/// Largest string element geflow creates or reads (a .npy element, an
/// ONNX string, a host kernel's result): 64 MiB.
constexpr uint64_t kMaxStringElementBytes = uint64_t(64) << 20;
/// Most bytes one StringStore holds (one run's new strings): 4 GiB.
constexpr uint64_t kMaxStringStoreBytes = uint64_t(4) << 30;

/// Element `i` of a string tensor at `data`.
inline std::string_view stringAt(const void *data, size_t i) {
  StringRef r;
  __builtin_memcpy(&r, static_cast<const char *>(data) + i * sizeof(r),
                   sizeof(r));
  return r.view();
}
/// Sets element `i` of a string tensor at `data`.
inline void setStringAt(void *data, size_t i, StringRef r) {
  __builtin_memcpy(static_cast<char *>(data) + i * sizeof(r), &r, sizeof(r));
}

/// Append-only storage for string bytes: a StringRef it returns stays
/// valid until clear() or destruction. Thread-safe (host kernels of one run
/// may add from several host streams at once).
class StringStore {
public:
  StringStore() = default;
  StringStore(const StringStore &) = delete;
  StringStore &operator=(const StringStore &) = delete;

  /// A copy of `s`; an error when `s` exceeds kMaxStringElementBytes or
  /// the store would exceed kMaxStringStoreBytes.
  StatusOr<StringRef> add(std::string_view s);
  void clear();
  /// Bytes of the strings held.
  uint64_t bytes() const;

private:
  mutable std::mutex mu_;
  /// Short strings packed into fixed blocks (the last one filling), and
  /// long ones in blocks of their own.
  std::vector<std::unique_ptr<char[]>> blocks_, large_;
  size_t blockUsed_ = 0;
  uint64_t bytes_ = 0;
};

/// OK when every one of the `count` elements at `data` is a valid StringRef
/// (data non-null unless empty, size at most kMaxStringElementBytes); else
/// an error naming `what` and the element.
Status checkStringElements(const void *data, size_t count,
                           const std::string &what);

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_STRINGS_H
