// Reading .gfm files never trusts them: truncated, bit-flipped and
// inconsistent files are clear errors, never crashes (also run under ASan by
// `make test-asan`).
#include "geflow/runtime/Gfm.h"

#include "proto/gfm.pb.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <random>
#include <unistd.h>

using namespace geflow;
using namespace geflow::rt;

namespace {

gfm::TensorSig sig(const std::string &name, std::vector<int64_t> shape) {
  gfm::TensorSig s;
  s.set_name(name);
  s.set_dtype(gfm::F32);
  for (int64_t d : shape)
    s.add_shape(d);
  return s;
}

gfm::Buffer buffer(gfm::Region region, uint32_t slot, uint64_t offset,
                   uint64_t size) {
  gfm::Buffer b;
  b.set_region(region);
  b.set_slot(slot);
  b.set_offset(offset);
  b.set_size(size);
  return b;
}

// x[4] -> relu -> arena -> add(weight) -> y[4]
gfm::Model validModel() {
  gfm::Model m;
  m.set_name("tiny");
  *m.add_inputs() = sig("x", {4});
  *m.add_outputs() = sig("y", {4});
  m.set_weights_size(64);
  gfm::Program *p = m.add_gears();
  *p->add_inputs() = sig("x", {4});
  *p->add_outputs() = sig("y", {4});
  p->set_arena_size(64);
  p->set_num_streams(2);
  p->set_num_events(1);
  gfm::Task *t = p->add_tasks();
  t->set_name("relu0");
  gfm::KernelTask *k = t->mutable_kernel();
  k->set_kernel("relu");
  k->set_block_dim(1);
  *k->add_inputs() = buffer(gfm::INPUT, 0, 0, 16);
  *k->add_outputs() = buffer(gfm::ARENA, 0, 0, 16);
  p->add_tasks()->mutable_record()->set_event(0);
  gfm::Task *w = p->add_tasks();
  w->set_stream(1);
  w->mutable_wait()->set_event(0);
  gfm::Task *a = p->add_tasks();
  a->set_stream(1);
  a->set_name("add0");
  gfm::KernelTask *add = a->mutable_kernel();
  add->set_kernel("add");
  add->set_block_dim(2);
  *add->add_inputs() = buffer(gfm::ARENA, 0, 0, 16);
  *add->add_inputs() = buffer(gfm::WEIGHT, 0, 0, 16);
  *add->add_outputs() = buffer(gfm::OUTPUT, 0, 0, 16);
  return m;
}

std::vector<uint8_t> encode(const gfm::Model &m) {
  std::vector<uint8_t> weights(m.weights_size(), 0x3f);
  return encodeGfm(m, weights.data(), weights.size());
}

// Opens bytes both from memory and from a file; both must agree.
Status openBytes(const std::vector<uint8_t> &bytes) {
  auto mem = GfmFile::fromBytes(bytes.data(), bytes.size(), "test.gfm");
  char path[] = "/tmp/geflow-gfm-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  if (!bytes.empty())
    EXPECT_EQ(write(fd, bytes.data(), bytes.size()),
              static_cast<ssize_t>(bytes.size()));
  close(fd);
  auto file = GfmFile::open(path);
  unlink(path);
  EXPECT_EQ(mem.ok(), file.ok());
  return mem.ok() ? Status::OK() : mem.status();
}

Status openModel(const gfm::Model &m) { return openBytes(encode(m)); }

void expectCorrupt(const Status &st, const std::string &fragment) {
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), ErrorCode::kCorruptFile) << st.toString();
  EXPECT_NE(st.message().find(fragment), std::string::npos)
      << "message: " << st.message() << "\nexpected to contain: " << fragment;
}

} // namespace

TEST(GfmFile, RoundTrip) {
  std::vector<uint8_t> bytes = encode(validModel());
  auto file = GfmFile::fromBytes(bytes.data(), bytes.size(), "tiny.gfm");
  ASSERT_TRUE(file.ok()) << file.status().toString();
  EXPECT_EQ((*file)->model().name(), "tiny");
  EXPECT_EQ((*file)->model().gears(0).tasks_size(), 4);
  ASSERT_EQ((*file)->weightsSize(), 64u);
  EXPECT_EQ((*file)->weights()[0], 0x3f);
  EXPECT_EQ(reinterpret_cast<uintptr_t>((*file)->weights()) % 64, 0u);
  EXPECT_TRUE(openBytes(bytes).ok());
}

TEST(GfmFile, MissingFileNamesThePath) {
  auto file = GfmFile::open("/nonexistent/model.gfm");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), ErrorCode::kIoError);
  EXPECT_NE(file.status().message().find("/nonexistent/model.gfm"),
            std::string::npos);
}

TEST(GfmFile, EveryTruncationIsAnError) {
  std::vector<uint8_t> bytes = encode(validModel());
  for (size_t len = 0; len < bytes.size(); len += (len < 256 ? 1 : 97)) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + len);
    Status st = openBytes(cut);
    EXPECT_FALSE(st.ok()) << "truncated to " << len << " bytes was accepted";
  }
  expectCorrupt(openBytes({bytes.begin(), bytes.begin() + 100}),
                "truncated header");
  expectCorrupt(openBytes({bytes.begin(), bytes.end() - 1}), "outside");
}

TEST(GfmFile, EveryBitFlipIsAnError) {
  std::vector<uint8_t> bytes = encode(validModel());
  std::mt19937 gen(7);
  // Every header byte, then random positions in the body and weights.
  std::vector<size_t> positions;
  for (size_t i = 0; i < sizeof(GfmHeader); ++i)
    positions.push_back(i);
  std::uniform_int_distribution<size_t> any(sizeof(GfmHeader),
                                            bytes.size() - 1);
  for (int i = 0; i < 300; ++i)
    positions.push_back(any(gen));
  for (size_t pos : positions) {
    std::vector<uint8_t> flipped = bytes;
    flipped[pos] ^= 1u << (pos % 8);
    if (flipped == bytes)
      continue;
    Status st = openBytes(flipped);
    // Padding between body and weights is not covered by a checksum.
    GfmHeader h;
    std::memcpy(&h, bytes.data(), sizeof(h));
    bool padding = pos >= h.bodyOffset + h.bodySize && pos < h.weightsOffset;
    if (!padding)
      EXPECT_FALSE(st.ok()) << "flip at byte " << pos << " was accepted";
  }
  std::vector<uint8_t> magic = bytes;
  magic[0] = 'X';
  expectCorrupt(openBytes(magic), "bad magic");
}

TEST(GfmFile, OversizedCountsAreRejectedBeforeAllocation) {
  gfm::Model m = validModel();
  m.mutable_gears(0)->set_num_streams(1u << 30);
  expectCorrupt(openModel(m), "1073741824 streams (at most 1024)");

  m = validModel();
  m.mutable_gears(0)->set_num_events(1u << 31);
  expectCorrupt(openModel(m), "events (at most");

  m = validModel();
  m.mutable_gears(0)->set_arena_size(uint64_t(1) << 50);
  expectCorrupt(openModel(m), "arena of");

  m = validModel();
  m.mutable_gears(0)->mutable_tasks(0)->mutable_kernel()->set_block_dim(1u
                                                                        << 30);
  expectCorrupt(openModel(m), "task 0 (relu0): block_dim 1073741824");

  m = validModel();
  for (int i = 0; i < 40; ++i)
    m.mutable_inputs(0)->add_shape(1);
  expectCorrupt(openModel(m), "has rank 41");
}

TEST(GfmFile, InconsistentBodiesNameTheTask) {
  gfm::Model m = validModel();
  // Offset + size overflows 64 bits.
  *m.mutable_gears(0)->mutable_tasks(0)->mutable_kernel()->mutable_outputs(0) =
      buffer(gfm::ARENA, 0, UINT64_MAX - 8, 16);
  expectCorrupt(openModel(m), "task 0 (relu0): buffer [");

  m = validModel();
  *m.mutable_gears(0)->mutable_tasks(3)->mutable_kernel()->mutable_inputs(1) =
      buffer(gfm::WEIGHT, 0, 32, 64);
  expectCorrupt(
      openModel(m),
      "task 3 (add0): buffer [32, +64) exceeds the weight blob (64 bytes)");

  m = validModel();
  *m.mutable_gears(0)->mutable_tasks(0)->mutable_kernel()->mutable_inputs(0) =
      buffer(gfm::INPUT, 5, 0, 16);
  expectCorrupt(openModel(m), "input slot 5 of 1");

  m = validModel();
  *m.mutable_gears(0)->mutable_tasks(0)->mutable_kernel()->mutable_outputs(0) =
      buffer(gfm::WEIGHT, 0, 0, 16);
  expectCorrupt(openModel(m), "writes into the read-only weight blob");

  m = validModel();
  m.mutable_gears(0)->mutable_tasks(2)->mutable_wait()->set_event(9);
  expectCorrupt(openModel(m), "task 2: event 9 of 1");

  m = validModel();
  m.mutable_gears(0)->mutable_tasks(3)->set_stream(7);
  expectCorrupt(openModel(m), "runs on stream 7 of 2");

  m = validModel();
  m.set_weights_size(128);
  std::vector<uint8_t> weights(64, 0);
  auto bytes = encodeGfm(m, weights.data(), weights.size());
  expectCorrupt(openBytes(bytes),
                "declares 128 weight bytes but the blob has 64");

  m = validModel();
  m.mutable_gears(0)->mutable_inputs(0)->set_shape(0, -1);
  expectCorrupt(openModel(m), "tensor 'x' has dim -1");
}

TEST(GfmFile, CompositeSignaturesNameExistingTensors) {
  // An ONNX sequence input held by the program input x, and an optional
  // output holding none.
  gfm::Model m = validModel();
  gfm::CompositeSig *seq = m.add_composite_inputs();
  seq->set_name("s");
  seq->add_tensors("x");
  gfm::CompositeSig *none = m.add_composite_outputs();
  none->set_name("o");
  none->set_kind(gfm::CompositeSig::OPTIONAL);
  EXPECT_TRUE(openModel(m).ok());

  gfm::Model bad = m;
  bad.mutable_composite_inputs(0)->set_tensors(0, "y");
  expectCorrupt(openModel(bad),
                "input 's' names the tensor 'y', which is no other's input");
  bad = m;
  bad.mutable_composite_inputs(0)->add_tensors("x");
  expectCorrupt(openModel(bad), "input 's' names the tensor 'x'");
  bad = m;
  bad.mutable_composite_outputs(0)->add_tensors("y");
  expectCorrupt(openModel(bad),
                "output 'o' is an optional holding none but names tensors");
}

TEST(GfmFile, AtomicWriteLeavesNothingOnFailure) {
  std::vector<uint8_t> bytes = encode(validModel());
  Status st = writeFileAtomically("/nonexistent-dir/model.gfm", bytes.data(),
                                  bytes.size());
  EXPECT_EQ(st.code(), ErrorCode::kIoError);
  char dir[] = "/tmp/geflow-atomic-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string path = std::string(dir) + "/m.gfm";
  ASSERT_TRUE(writeFileAtomically(path, bytes.data(), bytes.size()).ok());
  auto file = GfmFile::open(path);
  EXPECT_TRUE(file.ok()) << file.status().toString();
  unlink(path.c_str());
  rmdir(dir);
}
