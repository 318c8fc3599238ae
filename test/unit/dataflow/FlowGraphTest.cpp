// DataFlow in C++: a FlowGraph of a function and a compiled graph run as a
// pipeline (items in feed order, values checked exactly against the
// formula: the graph computes y = relu(2x - 1), z = x + [0,1,2,3] in f32,
// exact for these small integers), a failing item, the errors, and the
// compile cache (ge.runFlag=0, then loading without compiling).
#include "geflow/DataFlow/FlowGraph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <thread>

using namespace geflow;
using namespace geflow::dflow;

namespace {

const char *kGraph = R"(
func.func @g(%x: tensor<2x4xf32> {ge.name = "x"}) -> (tensor<2x4xf32> {ge.name = "y"}, tensor<2x4xf32> {ge.name = "z"}) {
  %two = ge.Const dense<2.0> : tensor<1xf32>
  %one = ge.Const dense<1.0> : tensor<1xf32>
  %w = ge.Const dense<[0.0, 1.0, 2.0, 3.0]> : tensor<4xf32>
  %0 = ge.Mul %x, %two : (tensor<2x4xf32>, tensor<1xf32>) -> tensor<2x4xf32>
  %1 = ge.Sub %0, %one : (tensor<2x4xf32>, tensor<1xf32>) -> tensor<2x4xf32>
  %2 = ge.Relu %1 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = ge.Add %x, %w : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %2, %3 : tensor<2x4xf32>, tensor<2x4xf32>
})";

Tensor filled(float v) {
  Tensor t = Tensor::allocate({"x", DType::F32, {2, 4}, Format::ND});
  std::fill(t.as<float>(), t.as<float>() + 8, v);
  return t;
}

// x + 1, failing for x == 3.
Status addOne(const std::vector<Tensor> &in, std::vector<Tensor> &out) {
  float v = in[0].as<float>()[0];
  if (v == 3.f)
    return rt::invalidArgument("three is not allowed");
  out.push_back(filled(v + 1.f));
  return Status::OK();
}

class FlowGraphTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() { ASSERT_TRUE(Initialize({}).ok()); }
  static void TearDownTestSuite() { (void)Finalize(); }

  // x -> addOne -> graph -> (y, z)
  FlowGraph pipeline() {
    auto graph = Graph::fromMLIR(kGraph, "tiny");
    EXPECT_TRUE(graph.ok()) << graph.status().toString();
    FlowGraph flow("pipeline");
    FlowEndpoint x = flow.AddData("x");
    auto pre = flow.AddNode(FunctionPp{"add_one", addOne}, {x}, 1);
    auto tiny = flow.AddNode(
        GraphPp{"tiny", "", std::make_shared<Graph>(std::move(*graph)), {}},
        pre, 2);
    flow.SetOutputs(tiny);
    return flow;
  }
};

TEST_F(FlowGraphTest, PipelineInFeedOrderWithAFailingItem) {
  auto exec = FlowExecutor::Create(pipeline(), {});
  ASSERT_TRUE(exec.ok()) << exec.status().toString();
  for (int k = 0; k < 20; ++k)
    ASSERT_TRUE(
        (*exec)->FeedData({filled(float(k))}, {uint64_t(k), 0, 0}).ok());
  for (int k = 0; k < 20; ++k) {
    std::vector<Tensor> out;
    FlowInfo info;
    Status st = (*exec)->FetchData(out, info, 10000);
    EXPECT_EQ(info.startTime, uint64_t(k));
    if (k == 3) {
      EXPECT_FALSE(st.ok());
      EXPECT_NE(st.message().find("FlowNode 'add_one' failed on item 3: three "
                                  "is not allowed"),
                std::string::npos)
          << st.toString();
      continue;
    }
    ASSERT_TRUE(st.ok()) << st.toString();
    ASSERT_EQ(out.size(), 2u);
    float x = float(k) + 1.f;
    for (int i = 0; i < 8; ++i) {
      EXPECT_EQ(out[0].as<float>()[i], std::max(2.f * x - 1.f, 0.f));
      EXPECT_EQ(out[1].as<float>()[i], x + float(i % 4));
    }
  }
}

TEST_F(FlowGraphTest, Errors) {
  FlowGraph empty("empty");
  empty.AddData();
  auto st = FlowExecutor::Create(empty, {});
  EXPECT_NE(st.status().message().find("has no outputs"), std::string::npos);

  FlowGraph bad("bad");
  auto out = bad.AddNode(FunctionPp{"f", addOne}, {{-5, 0}}, 1);
  bad.SetOutputs(out);
  st = FlowExecutor::Create(bad, {});
  EXPECT_NE(st.status().message().find("names no FlowData"), std::string::npos)
      << st.status().toString();

  auto exec = FlowExecutor::Create(pipeline(), {});
  ASSERT_TRUE(exec.ok());
  Status fed = (*exec)->FeedData({filled(1), filled(2)}, {});
  EXPECT_NE(fed.message().find("FeedData got 2 input(s)"), std::string::npos);
  std::vector<Tensor> outputs;
  FlowInfo info;
  Status fetched = (*exec)->FetchData(outputs, info, 20);
  EXPECT_EQ(fetched.code(), rt::ErrorCode::kNotReady);
  EXPECT_NE(fetched.message().find("timed out after 20 ms"), std::string::npos);
}

TEST_F(FlowGraphTest, CompileCacheThenLoad) {
  std::string dir = ::testing::TempDir() + "/geflow-dataflow-cache";
  std::filesystem::remove_all(dir);
  OptionMap cache = {{"ge.graph_compiler_cache_dir", dir},
                     {"ge.graph_key", "flow"}};
  OptionMap compileOnly = cache;
  compileOnly["ge.runFlag"] = "0";
  auto dev = FlowExecutor::Create(pipeline(), compileOnly);
  ASSERT_TRUE(dev.ok()) << dev.status().toString();
  EXPECT_TRUE((*dev)->compileOnly());
  EXPECT_FALSE((*dev)->builtFromCache());
  EXPECT_TRUE(std::filesystem::exists(dir + "/flow_tiny.gfm"));
  std::vector<Tensor> outputs;
  FlowInfo info;
  EXPECT_NE((*dev)->FetchData(outputs, info, 0).message().find("ge.runFlag=0"),
            std::string::npos);

  auto run = FlowExecutor::Create(pipeline(), cache);
  ASSERT_TRUE(run.ok()) << run.status().toString();
  EXPECT_TRUE((*run)->builtFromCache());
  ASSERT_TRUE((*run)->FeedData({filled(0.5f)}, {}).ok());
  ASSERT_TRUE((*run)->FetchData(outputs, info, 10000).ok());
  EXPECT_EQ(outputs[0].as<float>()[0], 2.f); // relu(2 * 1.5 - 1)
  std::filesystem::remove_all(dir);
}

} // namespace
