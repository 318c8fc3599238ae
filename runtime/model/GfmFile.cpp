//===- GfmFile.cpp - Writing and mapping .gfm files -----------------------===//
#include "geflow/runtime/Gfm.h"
#include "geflow/runtime/RegularFile.h"

#include "proto/gfm.pb.h"
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

namespace geflow::rt {

static uint64_t alignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

static uint32_t headerCrc(const GfmHeader &h) {
  return crc32c(&h, offsetof(GfmHeader, headerCrc32c));
}

std::vector<uint8_t> encodeGfm(const gfm::Model &model, const void *weights,
                               size_t weightsSize) {
  // Deterministic: map fields (attributes, options) in key order, so that
  // compiling a model twice gives the same bytes.
  std::string body;
  {
    google::protobuf::io::StringOutputStream stream(&body);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    model.SerializeToCodedStream(&coded);
  }
  GfmHeader h{};
  std::memcpy(h.magic, kGfmMagic, sizeof(kGfmMagic));
  h.formatVersion = kGfmFormatVersion;
  h.headerSize = sizeof(GfmHeader);
  std::snprintf(h.producer, sizeof(h.producer), "geflow 0.1.0");
  h.bodyOffset = sizeof(GfmHeader);
  h.bodySize = body.size();
  h.weightsOffset = alignUp(h.bodyOffset + h.bodySize, kGfmWeightsAlignment);
  h.weightsSize = weightsSize;
  h.bodyCrc32c = crc32c(body.data(), body.size());
  h.weightsCrc32c = crc32c(weights, weightsSize);
  h.headerCrc32c = headerCrc(h);

  std::vector<uint8_t> out(h.weightsOffset + weightsSize, 0);
  std::memcpy(out.data(), &h, sizeof(h));
  std::memcpy(out.data() + h.bodyOffset, body.data(), body.size());
  if (weightsSize)
    std::memcpy(out.data() + h.weightsOffset, weights, weightsSize);
  return out;
}

Status writeFileAtomically(const std::string &path, const void *bytes,
                           size_t size) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  FILE *f = std::fopen(tmp.c_str(), "wb");
  if (!f)
    return Status(ErrorCode::kIoError,
                  "cannot create '" + tmp + "': " + std::strerror(errno));
  bool ok = std::fwrite(bytes, 1, size, f) == size;
  ok &= std::fflush(f) == 0;
  ok &= std::fclose(f) == 0;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return Status(ErrorCode::kIoError, "cannot write '" + path + "': " + why);
  }
  return Status::OK();
}

GfmFile::GfmFile() : model_(std::make_unique<gfm::Model>()) {}

GfmFile::~GfmFile() {
  if (mapping_)
    ::munmap(mapping_, mappingSize_);
  if (owned_)
    ::munmap(owned_, ownedSize_);
}

std::string GfmFile::directory() const {
  size_t slash = path_.rfind('/');
  // Bytes in memory have a name, not a place: nothing resolves beside them.
  if (!mapping_ && !placed_)
    return "";
  return slash == std::string::npos ? "." : path_.substr(0, slash);
}

static Status corrupt(const std::string &name, const std::string &what) {
  return Status(ErrorCode::kCorruptFile,
                "'" + name + "' is not a valid .gfm file: " + what);
}

Status GfmFile::load(const uint8_t *data, size_t size,
                     const GfmLimits &limits) {
  if (size < sizeof(GfmHeader))
    return corrupt(path_, "truncated header (" + std::to_string(size) +
                              " bytes, need " +
                              std::to_string(sizeof(GfmHeader)) + ")");
  GfmHeader h;
  std::memcpy(&h, data, sizeof(h));
  if (std::memcmp(h.magic, kGfmMagic, sizeof(kGfmMagic)) != 0)
    return corrupt(path_, "bad magic (not a geflow executable)");
  if (headerCrc(h) != h.headerCrc32c)
    return corrupt(path_, "header checksum mismatch");
  if (h.formatVersion != kGfmFormatVersion)
    return corrupt(path_, "format version " + std::to_string(h.formatVersion) +
                              " (this runtime reads version " +
                              std::to_string(kGfmFormatVersion) + ")");
  if (h.headerSize != sizeof(GfmHeader))
    return corrupt(path_, "header size " + std::to_string(h.headerSize));
  // Offsets and sizes must lie inside the file; compare without overflow.
  if (h.bodyOffset < sizeof(GfmHeader) || h.bodyOffset > size ||
      h.bodySize > size - h.bodyOffset)
    return corrupt(path_, "body [" + std::to_string(h.bodyOffset) + ", +" +
                              std::to_string(h.bodySize) +
                              ") lies outside the " + std::to_string(size) +
                              "-byte file (truncated?)");
  if (h.weightsOffset % kGfmWeightsAlignment != 0 || h.weightsOffset > size ||
      h.weightsSize > size - h.weightsOffset ||
      h.weightsOffset < h.bodyOffset + h.bodySize)
    return corrupt(path_, "weight blob [" + std::to_string(h.weightsOffset) +
                              ", +" + std::to_string(h.weightsSize) +
                              ") lies outside the " + std::to_string(size) +
                              "-byte file (truncated?)");
  const uint8_t *body = data + h.bodyOffset;
  if (crc32c(body, h.bodySize) != h.bodyCrc32c)
    return corrupt(path_, "body checksum mismatch");
  weights_ = data + h.weightsOffset;
  weightsSize_ = h.weightsSize;
  if (crc32c(weights_, weightsSize_) != h.weightsCrc32c)
    return corrupt(path_, "weight blob checksum mismatch");
  if (!model_->ParseFromArray(body, static_cast<int>(h.bodySize)))
    return corrupt(path_, "the model description does not parse");
  Status st = validateGfmModel(*model_, weightsSize_, limits);
  if (!st.ok())
    return corrupt(path_, st.message());
  return Status::OK();
}

StatusOr<std::unique_ptr<GfmFile>> GfmFile::open(const std::string &path,
                                                 const GfmLimits &limits) {
  std::unique_ptr<GfmFile> file(new GfmFile());
  file->path_ = path;
  RegularFile opened = openRegularFile(path);
  if (opened.notRegular())
    return Status(ErrorCode::kIoError, "'" + path + "' is not a regular file");
  if (!opened.ok())
    return Status(ErrorCode::kIoError,
                  "cannot open '" + path + "': " + std::strerror(opened.error));
  int fd = opened.fd;
  size_t size = static_cast<size_t>(opened.size);
  if (size == 0) {
    ::close(fd);
    return corrupt(path, "the file is empty");
  }
  void *map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED)
    return Status(ErrorCode::kIoError,
                  "cannot map '" + path + "': " + std::strerror(errno));
  file->mapping_ = map;
  file->mappingSize_ = size;
  GEFLOW_RETURN_IF_ERROR(
      file->load(static_cast<const uint8_t *>(map), size, limits));
  return file;
}

StatusOr<std::unique_ptr<GfmFile>> GfmFile::fromBytes(const void *data,
                                                      size_t size,
                                                      const std::string &name,
                                                      const GfmLimits &limits) {
  std::unique_ptr<GfmFile> file(new GfmFile());
  file->path_ = name;
  // An anonymous mapping is page-aligned, so the weight blob (at a 4096
  // multiple of the file) stays aligned. Huge pages: every run streams the
  // weights of a large model from memory, and with 4 KiB pages a GEMM then
  // spends much of its time on TLB misses.
  void *map = ::mmap(nullptr, std::max<size_t>(size, 1), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED)
    return Status(ErrorCode::kOutOfMemory,
                  "cannot allocate " + std::to_string(size) + " bytes for '" +
                      name + "': " + std::strerror(errno));
#ifdef MADV_HUGEPAGE
  ::madvise(map, std::max<size_t>(size, 1), MADV_HUGEPAGE);
#endif
  file->owned_ = map;
  file->ownedSize_ = std::max<size_t>(size, 1);
  auto *aligned = static_cast<uint8_t *>(map);
  if (size)
    std::memcpy(aligned, data, size);
  GEFLOW_RETURN_IF_ERROR(file->load(aligned, size, limits));
  return file;
}

StatusOr<std::unique_ptr<GfmFile>>
GfmFile::fromStaticBytes(const void *data, size_t size, const std::string &path,
                         const GfmLimits &limits) {
  std::unique_ptr<GfmFile> file(new GfmFile());
  file->path_ = path;
  file->placed_ = true;
  GEFLOW_RETURN_IF_ERROR(
      file->load(static_cast<const uint8_t *>(data), size, limits));
  return file;
}

} // namespace geflow::rt
