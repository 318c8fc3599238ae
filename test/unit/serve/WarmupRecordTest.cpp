//===- WarmupRecordTest.cpp - TFRecord framing and warm-up records --------===//
#include "ServeTestUtil.h"

#include "tools/geflow-serve/TfRecord.h"
#include "tools/geflow-serve/WarmupRequests.h"

#include "tools/geflow-serve/proto/prediction_log.pb.h"

using namespace geflow;
using namespace geflow::serve;
using namespace geflow::serve::test;

namespace {

TEST(TfRecord, MaskedCrcAndFraming) {
  // TFRecord frames an empty record as eight zero bytes, the masked CRC-32C
  // of those (0xa282ead8 + rotated CRC), no data and the masked CRC of
  // nothing, which is the mask delta itself.
  EXPECT_EQ(maskedCrc32c(""), 0xa282ead8u);
  std::string out;
  appendTfRecord(out, "");
  ASSERT_EQ(out.size(), 16u);
  EXPECT_EQ(out.substr(0, 8), std::string(8, '\0'));
  EXPECT_EQ(out.substr(12), std::string("\xd8\xea\x82\xa2", 4));
  appendTfRecord(out, "hello");
  auto records = splitTfRecords(out);
  ASSERT_TRUE(records.ok()) << records.status().message();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0], "");
  EXPECT_EQ((*records)[1], "hello");
}

TEST(TfRecord, Errors) {
  std::string file;
  appendTfRecord(file, "first");
  appendTfRecord(file, "second");
  size_t second = 12 + 5 + 4;
  EXPECT_TRUE(refused(splitTfRecords(file.substr(0, second + 5)),
                      "record 2 (at byte 21) is truncated: its 12-byte header "
                      "has 5 bytes"));
  EXPECT_TRUE(refused(splitTfRecords(file.substr(0, file.size() - 1)),
                      "record 2 (at byte 21) is truncated: it declares 6 data "
                      "bytes, 9 bytes remain"));
  std::string badLength = file;
  badLength[second] ^= 1;
  EXPECT_TRUE(refused(splitTfRecords(badLength),
                      "record 2 (at byte 21) has a length whose CRC does not "
                      "match"));
  std::string badData = file;
  badData[second + 12] ^= 1;
  EXPECT_TRUE(refused(splitTfRecords(badData),
                      "record 2 (at byte 21) has data whose CRC does not "
                      "match"));
}

tensorflow::TensorProto floatProto(std::vector<int64_t> shape,
                                   std::vector<float> values) {
  tensorflow::TensorProto p;
  p.set_dtype(tensorflow::DT_FLOAT);
  for (int64_t d : shape)
    p.mutable_tensor_shape()->add_dim()->set_size(d);
  for (float v : values)
    p.add_float_val(v);
  return p;
}

TEST(WarmupRecord, TensorProtoValues) {
  // Fewer values than the shape holds: the last repeats (TensorFlow's rule).
  auto t = tensorFromProto(floatProto({2, 2}, {1, 2}), "x");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(values<float>(*t), (std::vector<float>{1, 2, 2, 2}));
  auto zeros = tensorFromProto(floatProto({3}, {}), "x");
  ASSERT_TRUE(zeros.ok());
  EXPECT_EQ(values<float>(*zeros), (std::vector<float>{0, 0, 0}));
  tensorflow::TensorProto content = floatProto({2}, {});
  float raw[2] = {5, 6};
  content.set_tensor_content(std::string(reinterpret_cast<char *>(raw), 8));
  auto c = tensorFromProto(content, "x");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(values<float>(*c), (std::vector<float>{5, 6}));
  tensorflow::TensorProto ints;
  ints.set_dtype(tensorflow::DT_INT8);
  ints.mutable_tensor_shape()->add_dim()->set_size(2);
  ints.add_int_val(-3);
  ints.add_int_val(100);
  auto i = tensorFromProto(ints, "b");
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(values<int8_t>(*i), (std::vector<int8_t>{-3, 100}));
}

TEST(WarmupRecord, TensorProtoWideAndUnsignedDTypes) {
  // Each in the value field TensorFlow writes it to (tensor.proto):
  // double_val, int_val for the 16-bit integers, uint32_val, uint64_val.
  tensorflow::TensorProto d;
  d.set_dtype(tensorflow::DT_DOUBLE);
  d.mutable_tensor_shape()->add_dim()->set_size(3);
  d.add_double_val(0.1);
  d.add_double_val(-1e300);
  auto dv = tensorFromProto(d, "d");
  ASSERT_TRUE(dv.ok()) << dv.status().message();
  EXPECT_EQ(dv->dtype, rt::DType::F64);
  EXPECT_EQ(values<double>(*dv), (std::vector<double>{0.1, -1e300, -1e300}));
  tensorflow::TensorProto i16;
  i16.set_dtype(tensorflow::DT_INT16);
  i16.mutable_tensor_shape()->add_dim()->set_size(2);
  i16.add_int_val(-32768);
  i16.add_int_val(32767);
  auto iv = tensorFromProto(i16, "i");
  ASSERT_TRUE(iv.ok()) << iv.status().message();
  EXPECT_EQ(values<int16_t>(*iv), (std::vector<int16_t>{-32768, 32767}));
  i16.set_int_val(1, 32768);
  EXPECT_TRUE(refused(tensorFromProto(i16, "i"),
                      "input 'i' int_val[1] is out of the range of the dtype"));
  tensorflow::TensorProto u16;
  u16.set_dtype(tensorflow::DT_UINT16);
  u16.mutable_tensor_shape()->add_dim()->set_size(2);
  u16.add_int_val(65535);
  u16.add_int_val(7);
  auto uv = tensorFromProto(u16, "u");
  ASSERT_TRUE(uv.ok()) << uv.status().message();
  EXPECT_EQ(values<uint16_t>(*uv), (std::vector<uint16_t>{65535, 7}));
  u16.set_int_val(1, -1);
  EXPECT_TRUE(refused(tensorFromProto(u16, "u"),
                      "input 'u' int_val[1] is out of the range of the dtype"));
  tensorflow::TensorProto u32;
  u32.set_dtype(tensorflow::DT_UINT32);
  u32.mutable_tensor_shape()->add_dim()->set_size(2);
  u32.add_uint32_val(4294967295u);
  u32.add_uint32_val(0);
  auto u32v = tensorFromProto(u32, "w");
  ASSERT_TRUE(u32v.ok()) << u32v.status().message();
  EXPECT_EQ(values<uint32_t>(*u32v), (std::vector<uint32_t>{4294967295u, 0}));
  tensorflow::TensorProto u64;
  u64.set_dtype(tensorflow::DT_UINT64);
  u64.mutable_tensor_shape()->add_dim()->set_size(2);
  u64.add_uint64_val(UINT64_MAX);
  u64.add_uint64_val(1);
  auto u64v = tensorFromProto(u64, "l");
  ASSERT_TRUE(u64v.ok()) << u64v.status().message();
  EXPECT_EQ(values<uint64_t>(*u64v), (std::vector<uint64_t>{UINT64_MAX, 1}));
  // A value in another dtype's field is named.
  u64.add_uint32_val(1);
  EXPECT_TRUE(refused(tensorFromProto(u64, "l"),
                      "input 'l' is DT_UINT64 but carries uint32_val values"));
  // tensor_content works for every dtype: exactly the shape's bytes.
  tensorflow::TensorProto raw;
  raw.set_dtype(tensorflow::DT_UINT16);
  raw.mutable_tensor_shape()->add_dim()->set_size(2);
  raw.set_tensor_content(std::string("\x01\x02\x03\x04", 4));
  auto rv = tensorFromProto(raw, "r");
  ASSERT_TRUE(rv.ok()) << rv.status().message();
  EXPECT_EQ(values<uint16_t>(*rv), (std::vector<uint16_t>{0x0201, 0x0403}));
}

TEST(WarmupRecord, TensorProtoErrors) {
  tensorflow::TensorProto p = floatProto({2}, {});
  p.set_dtype(tensorflow::DT_STRING);
  EXPECT_TRUE(refused(tensorFromProto(p, "x"),
                      "input 'x' has dtype DT_STRING, which geflow models do "
                      "not take"));
  p = floatProto({-1, 2}, {});
  EXPECT_TRUE(refused(tensorFromProto(p, "x"), "input 'x' has an unknown (-1) "
                                               "dim"));
  p = floatProto({}, {});
  p.mutable_tensor_shape()->set_unknown_rank(true);
  EXPECT_TRUE(refused(tensorFromProto(p, "x"), "has an unknown rank"));
  p = floatProto({1 << 30, 1 << 30, 1 << 30}, {});
  EXPECT_TRUE(refused(tensorFromProto(p, "x"), "has a shape too large"));
  p = floatProto({2}, {});
  p.add_int_val(1);
  EXPECT_TRUE(refused(tensorFromProto(p, "x"),
                      "input 'x' is DT_FLOAT but carries int_val values"));
  p = floatProto({2}, {});
  p.set_tensor_content("abc");
  EXPECT_TRUE(refused(tensorFromProto(p, "x"),
                      "input 'x' has 3 bytes of tensor_content but shape [2] "
                      "takes 8"));
  EXPECT_TRUE(refused(tensorFromProto(floatProto({2}, {1, 2, 3}), "x"),
                      "input 'x' has 3 values in float_val but shape [2] "
                      "holds 2"));
  EXPECT_TRUE(refused(tensorFromProto(floatProto({1 << 20, 1 << 10}, {1}), "x"),
                      "is filled from 1 values: such a tensor may have at "
                      "most"));
  tensorflow::TensorProto ints;
  ints.set_dtype(tensorflow::DT_UINT8);
  ints.mutable_tensor_shape()->add_dim()->set_size(1);
  ints.add_int_val(-1);
  EXPECT_TRUE(refused(tensorFromProto(ints, "u"),
                      "input 'u' int_val[0] is out of the range of the dtype"));
  tensorflow::TensorProto half;
  half.set_dtype(tensorflow::DT_HALF);
  half.add_half_val(0x10000);
  EXPECT_TRUE(refused(tensorFromProto(half, "h"),
                      "input 'h' half_val[0] is not a 16-bit pattern"));
  tensorflow::TensorProto bools;
  bools.set_dtype(tensorflow::DT_BOOL);
  bools.set_tensor_content(std::string("\x03", 1));
  EXPECT_TRUE(refused(tensorFromProto(bools, "m"),
                      "input 'm' is BOOL but its byte 0 is 3"));
}

/// A serialized PredictionLog whose request gives x = [1,4] of `value`.
std::string predictLog(
    std::function<void(tensorflow::serving::PredictLog &)> edit = nullptr) {
  tensorflow::serving::PredictionLog log;
  auto *request = log.mutable_predict_log()->mutable_request();
  request->mutable_model_spec()->set_name("m");
  (*request->mutable_inputs())["x"] = floatProto({1, 4}, {1, 2, 3, 4});
  if (edit)
    edit(*log.mutable_predict_log());
  return log.SerializeAsString();
}

TEST(WarmupRecord, PredictLog) {
  auto ok = decodeWarmupRecord(predictLog(), rowsSignature());
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(values<float>(ok.value()[0]), (std::vector<float>{1, 2, 3, 4}));
  Signature sig = rowsSignature();
  EXPECT_TRUE(refused(decodeWarmupRecord("\xff\xff", sig),
                      "the record is not a tensorflow.serving.PredictionLog"));
  EXPECT_TRUE(
      refused(decodeWarmupRecord("", sig), "the record holds no predict_log"));
  tensorflow::serving::PredictionLog classify;
  classify.set_classify_log("");
  EXPECT_TRUE(refused(decodeWarmupRecord(classify.SerializeAsString(), sig),
                      "the record holds a classify_log; geflow models answer "
                      "predict requests only"));
  EXPECT_TRUE(refused(decodeWarmupRecord(predictLog([](auto &l) {
                                           l.mutable_request()
                                               ->mutable_model_spec()
                                               ->set_signature_name("other");
                                         }),
                                         sig),
                      "the record asks for signature 'other'"));
  EXPECT_TRUE(
      refused(decodeWarmupRecord(predictLog([](auto &l) {
                                   l.mutable_request()->add_output_filter("zz");
                                 }),
                                 sig),
              "unknown output 'zz'"));
  EXPECT_TRUE(refused(
      decodeWarmupRecord(predictLog([](auto &l) {
                           (*l.mutable_request()->mutable_inputs())["w"] =
                               floatProto({1}, {});
                         }),
                         sig),
      "unknown input 'w'"));
  EXPECT_TRUE(
      refused(decodeWarmupRecord(predictLog([](auto &l) {
                                   (*l.mutable_request()->mutable_inputs())["x"]
                                       .set_dtype(tensorflow::DT_INT32);
                                 }),
                                 sig),
              "input 'x' has dtype DT_INT32 but the model's input 'x' "
              "is DT_FLOAT"));
  EXPECT_TRUE(refused(
      decodeWarmupRecord(predictLog([](auto &l) {
                           (*l.mutable_request()->mutable_inputs())["x"] =
                               floatProto({1, 3}, {});
                         }),
                         sig),
      "input 'x' has shape [1,3] but the model's input 'x' "
      "takes [-1,4]"));
  EXPECT_TRUE(refused(
      decodeWarmupRecord(predictLog([](auto &l) {
                           l.mutable_request()->mutable_inputs()->clear();
                         }),
                         sig),
      "input 'x' is missing"));
}

} // namespace
