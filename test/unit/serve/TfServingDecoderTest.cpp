//===- TfServingDecoderTest.cpp - decodeTfPredict, each answer ------------===//
#include "ServeTestUtil.h"

#include "tools/geflow-serve/TfServingCodec.h"

using namespace geflow;
using namespace geflow::serve;
using namespace geflow::serve::test;

namespace {

Result<PredictRequest> rows(const std::string &body) {
  return decodeTfPredict(body, rowsSignature());
}
Result<PredictRequest> mixed(const std::string &body) {
  return decodeTfPredict(body, mixedSignature());
}

TEST(TfServingDecoder, RowFormatStacksRows) {
  auto r = rows(R"({"instances": [[1,2,3,4],[5,6,7,8.5]]})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->rowFormat);
  ASSERT_EQ(r->inputs.size(), 1u);
  EXPECT_EQ(r->inputs[0].shape, (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(values<float>(r->inputs[0]),
            (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8.5f}));
}

TEST(TfServingDecoder, NamedRowsAndColumnsOfSeveralInputs) {
  std::string row = R"({"a": [[1,2],[3,4]], "b": [-1,0,127], "m": [true,0]})";
  auto r = decodeTfPredict(R"({"instances": [)" + row + "]}",
                           // the same model with a batch dim in front
                           Signature{{{"a", rt::DType::F32, {-1, 2, 2}},
                                      {"b", rt::DType::I8, {-1, 3}},
                                      {"m", rt::DType::Bool, {-1, 2}}},
                                     {}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(values<int8_t>(r->inputs[1]), (std::vector<int8_t>{-1, 0, 127}));
  auto c = mixed(R"({"inputs": )" + row + "}");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_FALSE(c->rowFormat);
  EXPECT_EQ(values<uint8_t>(c->inputs[2]), (std::vector<uint8_t>{1, 0}));
  EXPECT_EQ(c->inputs[0].shape, (std::vector<int64_t>{2, 2}));
}

TEST(TfServingDecoder, BodyErrors) {
  EXPECT_TRUE(refused(rows(""), "the request body is empty"));
  EXPECT_TRUE(refused(rows("{\"instances\": [1,"), "malformed JSON body"));
  EXPECT_TRUE(refused(rows(std::string(300, '[') + std::string(300, ']')),
                      "brackets nest more than 256 levels"));
  EXPECT_TRUE(refused(rows("[1]"), "must be a JSON object with 'instances' "
                                   "or 'inputs'"));
  EXPECT_TRUE(refused(rows(R"({"instances": [[1,2,3,4]], "x": 1})"),
                      "unknown key 'x' in the request"));
  EXPECT_TRUE(
      refused(rows(R"({"signature_name": "other", "instances": [[1,2,3,4]]})"),
              "unknown signature_name"));
  EXPECT_TRUE(refused(rows(R"({"instances": [], "inputs": []})"),
                      "give either 'instances' or 'inputs', not both"));
  EXPECT_TRUE(refused(rows("{}"), "neither 'instances' nor 'inputs'"));
}

TEST(TfServingDecoder, RowErrors) {
  EXPECT_TRUE(refused(rows(R"({"instances": {"x": 1}})"),
                      "'instances' must be a list of rows"));
  EXPECT_TRUE(refused(rows(R"({"instances": []})"), "'instances' is empty"));
  EXPECT_TRUE(refused(mixed(R"({"instances": [[1]]})"),
                      "the model has 3 inputs: each element of 'instances' "
                      "must be an object naming them"));
  EXPECT_TRUE(refused(rows(R"({"instances": [{"x": [1,2,3,4]}, [1,2,3,4]]})"),
                      "instances[1] is not an object like instances[0]"));
  EXPECT_TRUE(refused(rows(R"({"instances": [[1,2,3,4], {"x": [1,2,3,4]}]})"),
                      "instances[1] is an object, unlike instances[0]"));
  EXPECT_TRUE(refused(rows(R"({"instances": [{"z": [1,2,3,4]}]})"),
                      "instances[0] names input 'z', which the model does not "
                      "have (inputs: 'x')"));
  EXPECT_TRUE(refused(mixed(R"({"instances": [{"a": [[1,2],[3,4]]}]})"),
                      "instances[0] lacks input 'b'"));
  EXPECT_TRUE(refused(rows(R"({"instances": [[[1,2],[3]]]})"),
                      "instances[0] has 3 values, not the 4 of shape [2,2]"));
  EXPECT_TRUE(refused(rows(R"({"instances": [[1,2,3,4],[1,2,3]]})"),
                      "instances[1] has shape [3] but instances[0] has [4]"));
  EXPECT_TRUE(refused(rows(R"({"instances": [[1,2,"3",4]]})"),
                      "instances[0][2] is not a number"));
  EXPECT_TRUE(refused(rows(R"({"instances": [[1,2,{"b64": "AA=="},4]]})"),
                      "is a base64 string"));
  EXPECT_TRUE(refused(rows(R"({"instances": [[[1,2],3,[4,5,6]]]})"),
                      "instances[0][1] is a number where a list of 2 elements "
                      "was expected"));
}

TEST(TfServingDecoder, ColumnErrors) {
  EXPECT_TRUE(refused(mixed(R"({"inputs": [1,2]})"),
                      "the model has 3 inputs: 'inputs' must be an object "
                      "naming them"));
  EXPECT_TRUE(refused(mixed(R"({"inputs": {"a": [[1,2],[3,4]]}})"),
                      "'inputs' lacks input 'b'"));
  EXPECT_TRUE(refused(rows(R"({"inputs": {"q": 1}})"),
                      "'inputs' names input 'q', which the model does not "
                      "have"));
  EXPECT_TRUE(refused(rows(R"({"inputs": [[1,2,3]]})"),
                      "input 'x' has shape [1,3] but the model's input 'x' "
                      "takes [-1,4]"));
  EXPECT_TRUE(refused(rows(R"({"inputs": [[1,2],[3,4,5]]})"),
                      "'inputs' has 5 values, not the 4 of shape [2,2]"));
  EXPECT_TRUE(refused(rows(R"({"inputs": [[[1],[2]],[3,[4]]]})"),
                      "'inputs'[1][0] is a number where a list of 1 elements "
                      "was expected"));
  EXPECT_TRUE(refused(rows(R"({"inputs": [[1,2,3,[4]]]})"),
                      "'inputs'[0][3] is a list where a number was expected"));
}

TEST(TfServingDecoder, ElementErrors) {
  auto withB = [](const std::string &b) {
    return mixed(R"({"inputs": {"a": [[1,2],[3,4]], "m": [true,false], "b": )" +
                 b + "}}");
  };
  EXPECT_TRUE(withB("[1,2,3]").ok());
  EXPECT_TRUE(refused(withB("[1,2.5,3]"), "inputs['b'][1] is not an integer"));
  EXPECT_TRUE(refused(withB("[1,2,128]"),
                      "inputs['b'][2] is out of the range of the dtype"));
  EXPECT_TRUE(refused(
      mixed(R"({"inputs": {"a": [[1,2],[3,4]], "b": [1,2,3], "m": [2,0]}})"),
      "inputs['m'][0] is not a boolean"));
}

} // namespace
