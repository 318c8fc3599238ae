// Session weight update (GE 5.5): a weight-update graph whose Assign /
// AssignAdd targets name variables of another graph of the Session updates
// them in place (no recompile); Session::UpdateWeights does the same from
// named tensors; problems are reported at once and change nothing.
#include "SessionTestUtil.h"

namespace geflow {
namespace {

// y = x @ w + b on f32[2,4] with w: [4,3], b: [3] as variables.
const char *kInference = R"(
func.func @infer(%x: tensor<2x4xf32> {ge.name = "x"}) -> (tensor<2x3xf32> {ge.name = "y"}) {
  %w = ge.Variable "fc.w" = dense<0.5> : tensor<4x3xf32> : tensor<4x3xf32>
  %b = ge.Variable "fc.b" = dense<[1.0, 2.0, 3.0]> : tensor<3xf32> : tensor<3xf32>
  %y = ge.MatMulV2 %x, %w, %b : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
})";

// The document's update graph: placeholders assigned to the variables (and
// a bias step added to the current bias).
const char *kUpdate = R"(
func.func @update(%w: tensor<4x3xf32> {ge.name = "w"}, %db: tensor<3xf32> {ge.name = "db"}) -> (tensor<4x3xf32>, tensor<3xf32>) {
  %a = ge.Assign "fc.w", %w : tensor<4x3xf32>
  %b = ge.AssignAdd "fc.b", %db : tensor<3xf32>
  return %a, %b : tensor<4x3xf32>, tensor<3xf32>
})";

std::vector<float> reference(const std::vector<float> &x,
                             const std::vector<float> &w,
                             const std::vector<float> &b) {
  std::vector<float> y(6);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) {
      double s = b[j];
      for (int k = 0; k < 4; ++k)
        s += double(x[i * 4 + k]) * w[k * 3 + j];
      y[i * 3 + j] = float(s);
    }
  return y;
}

std::vector<float> values(const Tensor &t) {
  return std::vector<float>(t.as<float>(), t.as<float>() + t.size() / 4);
}

Tensor tensor(const std::string &name, std::vector<int64_t> shape,
              const std::vector<float> &v) {
  return Tensor::copyOf({name, DType::F32, std::move(shape)}, v.data(),
                        v.size() * 4);
}

void expectNear(const std::vector<float> &a, const std::vector<float> &b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_NEAR(a[i], b[i], 1e-4) << i;
}

TEST_F(SessionTest, UpdateGraphAssignsVariablesOfAnotherGraph) {
  Session session({});
  ASSERT_TRUE(session.AddGraph(1, *Graph::fromMLIR(kInference, "infer")).ok());
  ASSERT_TRUE(session.AddGraph(2, *Graph::fromMLIR(kUpdate, "update")).ok());
  ASSERT_TRUE(session.BuildGraph(1).ok());
  std::vector<float> xv = {1, 2, 3, 4, -1, 0, 1, 2};
  Tensor x = tensor("x", {2, 4}, xv);
  std::vector<float> w(12, 0.5f), b = {1, 2, 3};
  std::vector<Tensor> out;
  ASSERT_TRUE(session.RunGraph(1, {x}, out).ok());
  expectNear(values(out[0]), reference(xv, w, b));
  // The document's loop: update, then infer; 10 rounds.
  for (int round = 0; round < 10; ++round) {
    for (size_t i = 0; i < w.size(); ++i)
      w[i] = 0.1f * float((i + round) % 7) - 0.3f;
    std::vector<float> db = {0.5f, -1.0f, float(round)};
    for (int j = 0; j < 3; ++j)
      b[j] += db[j];
    std::vector<Tensor> assigned;
    Status st = session.RunGraph(
        2, {tensor("w", {4, 3}, w), tensor("db", {3}, db)}, assigned);
    ASSERT_TRUE(st.ok()) << st.toString();
    ASSERT_EQ(assigned.size(), 2u);
    EXPECT_EQ(values(assigned[0]), w);
    EXPECT_EQ(values(assigned[1]), b);
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(session.RunGraph(1, {x}, out).ok());
      expectNear(values(out[0]), reference(xv, w, b));
    }
  }
}

TEST_F(SessionTest, UpdateGraphProblemsAreReportedAtOnce) {
  const char *bad = R"(
func.func @bad(%w: tensor<3x4xf32>, %v: tensor<2xf32>) -> tensor<3x4xf32> {
  %a = ge.Assign "fc.w", %w : tensor<3x4xf32> loc("assign_w")
  %b = ge.Assign "nope", %v : tensor<2xf32> loc("assign_nope")
  %r = ge.Relu %w : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("relu")
  return %a : tensor<3x4xf32>
})";
  Session session({});
  ASSERT_TRUE(session.AddGraph(1, *Graph::fromMLIR(kInference, "infer")).ok());
  ASSERT_TRUE(session.AddGraph(3, *Graph::fromMLIR(bad, "bad")).ok());
  ASSERT_TRUE(session.BuildGraph(1).ok());
  std::vector<Tensor> out;
  Status st = session.RunGraph(
      3,
      {tensor("w", {3, 4}, std::vector<float>(12)), tensor("v", {2}, {1, 2})},
      out);
  ASSERT_FALSE(st.ok());
  const std::string &m = st.message();
  EXPECT_NE(m.find("3 problem(s) (nothing was changed)"), std::string::npos)
      << m;
  EXPECT_NE(m.find("assigns float32[3,4] to variable 'fc.w' of float32[4,3] "
                   "(graph 1)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("assigns variable 'nope', which no built graph of the "
                   "session has; their variables: fc.b, fc.w"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("cannot run in a weight-update graph"), std::string::npos)
      << m;
  // Nothing changed.
  std::vector<float> xv = {1, 2, 3, 4, -1, 0, 1, 2};
  ASSERT_TRUE(session.RunGraph(1, {tensor("x", {2, 4}, xv)}, out).ok());
  expectNear(values(out[0]),
             reference(xv, std::vector<float>(12, 0.5f), {1, 2, 3}));
}

TEST_F(SessionTest, UpdateWeightsFromNamedTensors) {
  Session session({});
  ASSERT_TRUE(session.AddGraph(1, *Graph::fromMLIR(kInference, "infer")).ok());
  std::vector<float> w(12), b = {0, 0, 1};
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = float(i) * 0.25f;
  Status st = session.UpdateWeights(
      1, {tensor("fc.w", {4, 3}, w), tensor("fc.b", {3}, b)});
  ASSERT_TRUE(st.ok()) << st.toString();
  std::vector<float> xv = {1, 0, 0, 1, 2, 2, 2, 2};
  std::vector<Tensor> out;
  ASSERT_TRUE(session.RunGraph(1, {tensor("x", {2, 4}, xv)}, out).ok());
  expectNear(values(out[0]), reference(xv, w, b));
  st = session.UpdateWeights(1, {tensor("fc.b", {4}, {1, 2, 3, 4})});
  EXPECT_NE(st.message().find("'fc.b' is float32[3], got float32[4]"),
            std::string::npos)
      << st.message();
}

} // namespace
} // namespace geflow
