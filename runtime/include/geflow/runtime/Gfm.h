//===- Gfm.h - The geflow executable file (.gfm) ----------------*- C++ -*-===//
//
// Layout of a .gfm file:
//
//   [GfmHeader: 128 bytes, fixed]  magic, versions, offsets, sizes, CRC32Cs
//   [body]                         protobuf geflow.gfm.Model (gfm.proto)
//   [padding to 4096]
//   [weight blob]                  64-byte aligned weights, mmap-able
//
// Reading never trusts the file: the header, every offset, size, count and
// index in the body are bounds-checked, and any corruption is a Status that
// names what is wrong, never a crash.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_GFM_H
#define GEFLOW_RUNTIME_GFM_H

#include "geflow/runtime/Status.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace geflow::gfm {
class Model;
}

namespace geflow::rt {

constexpr char kGfmMagic[8] = {'G', 'E', 'F', 'L', 'O', 'W', 'M', '\0'};
constexpr uint32_t kGfmFormatVersion = 1;
constexpr uint64_t kGfmWeightsAlignment = 4096;

#pragma pack(push, 1)
struct GfmHeader {
  char magic[8];
  uint32_t formatVersion;
  uint32_t headerSize; // sizeof(GfmHeader)
  char producer[32];   // "geflow 0.1.0", NUL padded
  uint64_t bodyOffset;
  uint64_t bodySize;
  uint64_t weightsOffset; // multiple of kGfmWeightsAlignment
  uint64_t weightsSize;
  uint32_t bodyCrc32c;
  uint32_t weightsCrc32c;
  uint8_t reserved[36];
  uint32_t headerCrc32c; // of every byte before this field
};
#pragma pack(pop)
static_assert(sizeof(GfmHeader) == 128, "GfmHeader is 128 bytes on disk");

/// CRC-32C (Castagnoli), hardware-accelerated where SSE4.2 exists.
uint32_t crc32c(const void *data, size_t size, uint32_t crc = 0);

/// Serializes a model and its weight blob into .gfm bytes.
std::vector<uint8_t> encodeGfm(const gfm::Model &model, const void *weights,
                               size_t weightsSize);

/// Writes `bytes` to `path` atomically (temporary file + rename), so a failed
/// write never leaves a partial file behind.
Status writeFileAtomically(const std::string &path, const void *bytes,
                           size_t size);

/// Limits the validator enforces (a file asking for more is rejected before
/// anything is allocated for it).
struct GfmLimits {
  uint64_t maxStreams = 1024;
  uint64_t maxEvents = 1 << 20;
  uint64_t maxBlockDim = 1 << 16;
  uint64_t maxArenaBytes = uint64_t(1) << 40;
  uint64_t maxTilingBytes = 1 << 20;
  uint64_t maxRank = 16;
};

/// A loaded executable: the parsed body and a read-only view of the weights
/// (memory-mapped when opened from a file).
class GfmFile {
public:
  ~GfmFile();
  GfmFile(const GfmFile &) = delete;
  GfmFile &operator=(const GfmFile &) = delete;

  /// Maps and validates a .gfm file. Errors name the file and the field.
  static StatusOr<std::unique_ptr<GfmFile>> open(const std::string &path,
                                                 const GfmLimits &limits = {});
  /// Validates .gfm bytes held in memory (copied).
  static StatusOr<std::unique_ptr<GfmFile>>
  fromBytes(const void *data, size_t size, const std::string &name = "<memory>",
            const GfmLimits &limits = {});
  /// Validates .gfm bytes that stay valid and unchanged for the file's
  /// lifetime, without copying them (a generated model library's read-only
  /// section). `path` names them, and external weights resolve beside it.
  static StatusOr<std::unique_ptr<GfmFile>>
  fromStaticBytes(const void *data, size_t size, const std::string &path,
                  const GfmLimits &limits = {});

  const gfm::Model &model() const { return *model_; }
  const uint8_t *weights() const { return weights_; }
  uint64_t weightsSize() const { return weightsSize_; }
  const std::string &path() const { return path_; }
  /// Directory external weights are resolved in ("" for in-memory files).
  std::string directory() const;

private:
  GfmFile();
  Status load(const uint8_t *data, size_t size, const GfmLimits &limits);

  std::string path_;
  std::unique_ptr<gfm::Model> model_;
  const uint8_t *weights_ = nullptr;
  uint64_t weightsSize_ = 0;
  void *mapping_ = nullptr;
  size_t mappingSize_ = 0;
  /// fromBytes: the anonymous mapping holding the copy.
  void *owned_ = nullptr;
  size_t ownedSize_ = 0;
  /// fromStaticBytes: the bytes have a place, as a mapped file has.
  bool placed_ = false;
};

/// Checks every count, index, offset and size of a parsed model against the
/// model's own declared sizes and `limits`.
Status validateGfmModel(const gfm::Model &model, uint64_t weightsSize,
                        const GfmLimits &limits);

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_GFM_H
