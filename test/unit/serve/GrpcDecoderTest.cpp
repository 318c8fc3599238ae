//===- GrpcDecoderTest.cpp - decodeGrpcInfer, each answer -----------------===//
#include "ServeTestUtil.h"

#include "tools/geflow-serve/GrpcCodec.h"

using namespace geflow;
using namespace geflow::serve;
using namespace geflow::serve::test;

namespace {

inference::ModelInferRequest::InferInputTensor *
addInput(inference::ModelInferRequest &r, const std::string &name,
         const std::string &datatype, std::vector<int64_t> shape) {
  auto *in = r.add_inputs();
  in->set_name(name);
  in->set_datatype(datatype);
  for (int64_t d : shape)
    in->add_shape(d);
  return in;
}

TEST(GrpcDecoder, TypedAndRawContents) {
  inference::ModelInferRequest r;
  auto *in = addInput(r, "x", "FP32", {1, 4});
  for (float v : {1.f, 2.f, 3.f, 4.f})
    in->mutable_contents()->add_fp32_contents(v);
  auto d = decodeGrpcInfer(r, rowsSignature());
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(values<float>(d->inputs[0]), (std::vector<float>{1, 2, 3, 4}));
  ASSERT_EQ(d->outputs.size(), 1u);
  EXPECT_TRUE(d->outputs[0].binary);

  inference::ModelInferRequest raw;
  addInput(raw, "x", "FP32", {2, 4});
  std::vector<float> v = {1, 2, 3, 4, 5, 6, 7, 8};
  raw.add_raw_input_contents(
      std::string(reinterpret_cast<const char *>(v.data()), 32));
  auto e = decodeGrpcInfer(raw, rowsSignature());
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(values<float>(e->inputs[0]), v);
}

TEST(GrpcDecoder, Errors) {
  Signature sig = mixedSignature();
  {
    inference::ModelInferRequest r;
    addInput(r, "a", "FP32", {2, 2});
    addInput(r, "b", "INT8", {3});
    r.add_raw_input_contents(std::string(16, '\0'));
    EXPECT_TRUE(refused(decodeGrpcInfer(r, sig),
                        "raw_input_contents has 1 entries for 2 inputs"));
  }
  {
    inference::ModelInferRequest r;
    addInput(r, "a", "BYTES", {2, 2});
    EXPECT_TRUE(refused(decodeGrpcInfer(r, sig),
                        "input 'a' has datatype 'BYTES', which geflow models "
                        "do not take"));
  }
  {
    inference::ModelInferRequest r;
    addInput(r, "a", "FP32", {2, -2});
    EXPECT_TRUE(refused(decodeGrpcInfer(r, sig),
                        "input 'a' has a negative dim in its shape"));
  }
  {
    inference::ModelInferRequest r;
    addInput(r, "a", "FP32", {int64_t(1) << 40, int64_t(1) << 40});
    EXPECT_TRUE(
        refused(decodeGrpcInfer(r, sig), "input 'a' has a shape too large"));
  }
  {
    inference::ModelInferRequest r;
    addInput(r, "a", "FP32", {2, 2});
    r.add_raw_input_contents(std::string(12, '\0'));
    EXPECT_TRUE(refused(decodeGrpcInfer(r, sig),
                        "input 'a' has 12 bytes of raw_input_contents but "
                        "shape [2,2] of FP32 takes 16"));
  }
  {
    inference::ModelInferRequest r;
    addInput(r, "m", "BOOL", {2});
    r.add_raw_input_contents(std::string("\x00\x07", 2));
    EXPECT_TRUE(refused(decodeGrpcInfer(r, sig),
                        "input 'm' is BOOL but its byte 1 is 7"));
  }
  {
    inference::ModelInferRequest r;
    addInput(r, "a", "FP32", {2, 2})->mutable_contents()->add_fp32_contents(1);
    EXPECT_TRUE(refused(decodeGrpcInfer(r, sig),
                        "input 'a' has 1 values in fp32_contents but shape "
                        "[2,2] takes 4"));
  }
  {
    inference::ModelInferRequest r;
    auto *c = addInput(r, "b", "INT8", {3})->mutable_contents();
    for (int v : {1, 300, 2})
      c->add_int_contents(v);
    EXPECT_TRUE(refused(decodeGrpcInfer(r, sig),
                        "input 'b' int_contents[1] is out of the range of the "
                        "dtype"));
  }
  {
    inference::ModelInferRequest r;
    addInput(r, "h", "FP16", {1});
    EXPECT_TRUE(refused(decodeGrpcInfer(r, sig),
                        "input 'h' is FP16, which has no typed contents "
                        "field: send it in raw_input_contents"));
  }
  {
    inference::ModelInferRequest r;
    addInput(r, "a", "FP32", {2, 3});
    r.add_raw_input_contents(std::string(24, '\0'));
    EXPECT_TRUE(refused(decodeGrpcInfer(r, sig),
                        "input 'a' has shape [2,3] but the model's input 'a' "
                        "takes [2,2]"));
  }
  {
    inference::ModelInferRequest r;
    addInput(r, "a", "FP32", {2, 2});
    addInput(r, "b", "INT8", {3});
    addInput(r, "m", "BOOL", {2});
    for (size_t bytes : {16, 3, 2})
      r.add_raw_input_contents(std::string(bytes, '\0'));
    ASSERT_TRUE(decodeGrpcInfer(r, sig).ok());
    r.add_outputs()->set_name("nope");
    EXPECT_TRUE(refused(decodeGrpcInfer(r, sig),
                        "unknown output 'nope': the model's outputs are 's', "
                        "'t'"));
    r.clear_outputs();
    r.mutable_inputs()->RemoveLast();
    r.mutable_raw_input_contents()->RemoveLast();
    EXPECT_TRUE(refused(decodeGrpcInfer(r, sig), "input 'm' is missing"));
  }
}

} // namespace
