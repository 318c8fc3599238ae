//===- WarmupGoldenTest.cpp - A warm-up file in TensorFlow's format -------===//
//
// test/serving/data/golden_tf_serving_warmup_requests was written without
// geflow (protobuf's Python library and a bit-by-bit CRC-32C:
// test/serving/make_golden_warmup.py): its framing, checksums and records
// are what TensorFlow writes, so reading it checks geflow-serve's reader
// against the format rather than against geflow's own writer.
//
//===----------------------------------------------------------------------===//
#include "ServeTestUtil.h"

#include "tools/geflow-serve/TfRecord.h"
#include "tools/geflow-serve/WarmupRequests.h"

#include <fstream>
#include <sstream>

using namespace geflow;
using namespace geflow::serve;
using namespace geflow::serve::test;

namespace {

std::string readGolden() {
  std::ifstream in(GEFLOW_GOLDEN_WARMUP_FILE, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

/// One input "x" of `dtype` and `shape`.
Signature single(rt::DType dtype, std::vector<int64_t> shape) {
  return {{{"x", dtype, std::move(shape)}}, {{"y", rt::DType::F32, {1}}}};
}

template <typename T>
std::vector<T> decoded(const std::string &record, rt::DType dtype,
                       std::vector<int64_t> shape) {
  auto inputs = decodeWarmupRecord(record, single(dtype, shape));
  EXPECT_TRUE(inputs.ok()) << inputs.status().message();
  if (!inputs.ok())
    return {};
  EXPECT_EQ(inputs->size(), 1u);
  EXPECT_EQ((*inputs)[0].shape, shape);
  return values<T>((*inputs)[0]);
}

TEST(WarmupGolden, TensorFlowFormatFileDecodes) {
  std::string file = readGolden();
  ASSERT_EQ(file.size(), 597u) << "regenerate with make_golden_warmup.py?";
  auto records = splitTfRecords(file);
  ASSERT_TRUE(records.ok()) << records.status().message();
  ASSERT_EQ(records->size(), 8u);
  const auto &r = *records;
  EXPECT_EQ(decoded<float>(std::string(r[0]), rt::DType::F32, {2, 2}),
            (std::vector<float>{1.5f, -2, -2, -2}));
  EXPECT_EQ(decoded<double>(std::string(r[1]), rt::DType::F64, {3}),
            (std::vector<double>{0.25, 1e300, -3}));
  EXPECT_EQ(decoded<int16_t>(std::string(r[2]), rt::DType::I16, {2}),
            (std::vector<int16_t>{-32768, 32767}));
  EXPECT_EQ(decoded<uint16_t>(std::string(r[3]), rt::DType::U16, {2}),
            (std::vector<uint16_t>{65535, 0}));
  EXPECT_EQ(decoded<uint32_t>(std::string(r[4]), rt::DType::U32, {2}),
            (std::vector<uint32_t>{4294967295u, 5}));
  EXPECT_EQ(decoded<uint64_t>(std::string(r[5]), rt::DType::U64, {2}),
            (std::vector<uint64_t>{UINT64_MAX, 6}));
  EXPECT_EQ(decoded<uint16_t>(std::string(r[6]), rt::DType::F16, {2}),
            (std::vector<uint16_t>{0x3c00, 0xc000}));
  EXPECT_EQ(decoded<float>(std::string(r[7]), rt::DType::F32, {2}),
            (std::vector<float>{3.5f, -0.5f}));
  // A record of one dtype given to a model of another is named.
  EXPECT_TRUE(refused(
      decodeWarmupRecord(std::string(r[1]), single(rt::DType::F32, {3})),
      "input 'x' has dtype DT_DOUBLE but the model's input 'x' is DT_FLOAT"));
}

TEST(WarmupGolden, FramingMatchesGeflowsWriter) {
  // geflow's own framing of the same records gives the same bytes.
  std::string file = readGolden();
  auto records = splitTfRecords(file);
  ASSERT_TRUE(records.ok());
  std::string reframed;
  for (const auto &record : *records)
    appendTfRecord(reframed, std::string(record));
  EXPECT_EQ(reframed, file);
}

} // namespace
