//===- KServeDecoderTest.cpp - decodeKServeInfer, each answer -------------===//
#include "ServeTestUtil.h"

#include "tools/geflow-serve/KServeCodec.h"

using namespace geflow;
using namespace geflow::serve;
using namespace geflow::serve::test;

namespace {

Result<InferRequest> json(const std::string &body,
                          const Signature &signature = rowsSignature()) {
  return decodeKServeInfer(body, std::nullopt, signature);
}

/// The JSON header, then `binary`, with the header's length.
Result<InferRequest> binary(const std::string &header,
                            const std::string &bytes) {
  return decodeKServeInfer(header + bytes, header.size(), rowsSignature());
}

std::string floats(std::vector<float> v) {
  return std::string(reinterpret_cast<const char *>(v.data()), v.size() * 4);
}

/// A request of input x with `fields` after its name.
std::string x(const std::string &fields) {
  return R"({"inputs": [{"name": "x", )" + fields + "}]}";
}

TEST(KServeDecoder, JsonAndBinaryTensors) {
  auto r = json(R"({"id": "7", "inputs": [{"name": "x", "datatype": "FP32",
      "shape": [1,4], "data": [[1,2,3,4]]}], "outputs": [{"name": "y"}]})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->id, "7");
  EXPECT_EQ(values<float>(r->inputs[0]), (std::vector<float>{1, 2, 3, 4}));
  ASSERT_EQ(r->outputs.size(), 1u);
  EXPECT_FALSE(r->outputs[0].binary);
  auto b = binary(R"({"inputs": [{"name": "x", "datatype": "FP32",
      "shape": [2,4], "parameters": {"binary_data_size": 32}}],
      "parameters": {"binary_data_output": true}})",
                  floats({1, 2, 3, 4, 5, 6, 7, 8}));
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(values<float>(b->inputs[0])[7], 8.0f);
  EXPECT_TRUE(b->outputs[0].binary);
}

TEST(KServeDecoder, RequestErrors) {
  EXPECT_TRUE(refused(decodeKServeInfer("{}", 10, rowsSignature()),
                      "Inference-Header-Content-Length is 10 but the body has "
                      "only 2 bytes"));
  EXPECT_TRUE(
      refused(json(x(R"("parameters": {"binary_data_size": 16}})") + "abcd"),
              "binary tensor data needs the "
              "Inference-Header-Content-Length header"));
  EXPECT_TRUE(refused(json("[]"), "the inference request must be a JSON "
                                  "object"));
  EXPECT_TRUE(
      refused(json(R"({"id": 3, "inputs": []})"), "'id' must be a string"));
  EXPECT_TRUE(refused(json(R"({"parameters": 1, "inputs": []})"),
                      "the request 'parameters' must be an object"));
  EXPECT_TRUE(refused(
      json(R"({"parameters": {"binary_data_output": 1}, "inputs": []})"),
      "the request parameter 'binary_data_output' must be true or false"));
  EXPECT_TRUE(
      refused(json(R"({"id": "1"})"), "the request has no 'inputs' list"));
  EXPECT_TRUE(refused(json(R"({"inputs": []})"), "input 'x' is missing"));
}

TEST(KServeDecoder, InputErrors) {
  EXPECT_TRUE(refused(json(R"({"inputs": [1]})"), "inputs[0] must be an "
                                                  "object"));
  EXPECT_TRUE(refused(json(R"({"inputs": [{"datatype": "FP32"}]})"),
                      "inputs[0] has no 'name' string"));
  EXPECT_TRUE(refused(json(x(R"("shape": [1,4])")),
                      "input 'x' has no 'datatype' string"));
  EXPECT_TRUE(refused(json(x(R"("datatype": "BYTES")")),
                      "input 'x' has datatype 'BYTES', which geflow models do "
                      "not take"));
  EXPECT_TRUE(refused(json(x(R"("datatype": "INT32")")),
                      "input 'x' has dtype INT32 but the model's input 'x' is "
                      "FP32"));
  EXPECT_TRUE(refused(json(x(R"("datatype": "FP32")")),
                      "input 'x' has no 'shape' list"));
  EXPECT_TRUE(refused(json(x(R"("datatype": "FP32", "shape": [1,-4])")),
                      "input 'x' has a 'shape' entry that is not a "
                      "non-negative integer"));
  EXPECT_TRUE(refused(
      json(x(R"("datatype": "FP32", "shape": [1099511627776,1099511627776])")),
      "input 'x' has a shape too large"));
  EXPECT_TRUE(refused(json(x(R"("datatype": "FP32", "shape": [1,4],
                                "parameters": 3)")),
                      "input 'x' 'parameters' must be an object"));
  EXPECT_TRUE(refused(json(x(R"("datatype": "FP32", "shape": [1,4])")),
                      "input 'x' has neither 'data' nor binary_data_size"));
  EXPECT_TRUE(refused(json(x(R"("datatype": "FP32", "shape": [1,4],
                                "data": 5)")),
                      "input 'x' 'data' must be a list"));
  EXPECT_TRUE(refused(json(x(R"("datatype": "FP32", "shape": [1,4],
                                "data": [1,2,3])")),
                      "input 'x' data has 3 elements but shape [1,4] takes "
                      "4"));
  EXPECT_TRUE(refused(json(x(R"("datatype": "FP32", "shape": [1,4],
                                "data": [1,2,"3",4])")),
                      "input 'x' data[2] is not a number"));
  EXPECT_TRUE(refused(json(x(R"("datatype": "FP32", "shape": [1,3],
                                "data": [1,2,3])")),
                      "input 'x' has shape [1,3] but the model's input 'x' "
                      "takes [-1,4]"));
  EXPECT_TRUE(refused(json(R"({"inputs": [{"name": "z", "datatype": "FP32",
                           "shape": [1], "data": [1]}]})"),
                      "unknown input 'z': the model's inputs are 'x'"));
  std::string one = R"({"name": "x", "datatype": "FP32", "shape": [1,4],
                        "data": [1,2,3,4]})";
  EXPECT_TRUE(refused(json(R"({"inputs": [)" + one + "," + one + "]}"),
                      "input 'x' is given twice"));
}

TEST(KServeDecoder, BinaryErrors) {
  std::string head = R"("datatype": "FP32", "shape": [1,4], "parameters": )";
  EXPECT_TRUE(refused(binary(x(head + R"({"binary_data_size": -1})"), ""),
                      "input 'x' binary_data_size must be a non-negative "
                      "integer"));
  EXPECT_TRUE(refused(json(x(head + R"({"binary_data_size": 16})")),
                      "has binary_data_size but the request has no "
                      "Inference-Header-Content-Length header"));
  EXPECT_TRUE(refused(binary(x(head + R"({"binary_data_size": 16},
                                          "data": [1,2,3,4])"),
                             floats({1, 2, 3, 4})),
                      "input 'x' has both 'data' and binary_data_size"));
  EXPECT_TRUE(refused(
      binary(x(head + R"({"binary_data_size": 12})"), floats({1, 2, 3})),
      "input 'x' binary_data_size is 12 bytes but shape [1,4] "
      "of FP32 takes 16"));
  EXPECT_TRUE(
      refused(binary(x(head + R"({"binary_data_size": 16})"), floats({1, 2})),
              "truncated binary data: input 'x' needs 16 bytes, 8 "
              "remain"));
  EXPECT_TRUE(refused(
      binary(x(head + R"({"binary_data_size": 16})"), floats({1, 2, 3, 4, 5})),
      "4 bytes of binary data follow the inputs' "
      "binary_data_size total"));
  Signature bools{{{"m", rt::DType::Bool, {2}}}, {}};
  std::string header = R"({"inputs": [{"name": "m", "datatype": "BOOL",
      "shape": [2], "parameters": {"binary_data_size": 2}}]})";
  EXPECT_TRUE(refused(decodeKServeInfer(header + std::string("\x01\x02", 2),
                                        header.size(), bools),
                      "input 'm' is BOOL but its byte 1 is 2"));
}

TEST(KServeDecoder, OutputErrors) {
  std::string in = R"({"inputs": [{"name": "x", "datatype": "FP32",
      "shape": [1,4], "data": [1,2,3,4]}], )";
  EXPECT_TRUE(
      refused(json(in + R"("outputs": {}})"), "'outputs' must be a list"));
  EXPECT_TRUE(refused(json(in + R"("outputs": [{}]})"),
                      "outputs[0] must be an object with a 'name'"));
  EXPECT_TRUE(refused(json(in + R"("outputs": [{"name": "y",
                                   "parameters": []}]})"),
                      "outputs[0] 'parameters' must be an object"));
  EXPECT_TRUE(refused(json(in + R"("outputs": [{"name": "y",
                                   "parameters": {"binary_data": "yes"}}]})"),
                      "outputs[0] parameter 'binary_data' must be true or "
                      "false"));
  EXPECT_TRUE(refused(json(in + R"("outputs": [{"name": "w"}]})"),
                      "unknown output 'w': the model's outputs are 'y'"));
}

} // namespace
