// Control flow (ge.If, ge.While) end to end: each region compiles into a
// subgraph executable of its own (Model.subgraphs of the .gfm), and the
// executor runs only the branch the condition picks and the loop body as
// often as the condition holds. Results are checked against plain C++
// loops (exact: the values are small integers in f32); a branch that would
// fail shows that the other branch alone ran; corrupt subgraph tables are
// load errors naming the task.
#include "geflow/Compiler/Compile.h"
#include "geflow/runtime/Device.h"
#include "geflow/runtime/Gfm.h"
#include "geflow/runtime/Model.h"
#include "proto/gfm.pb.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace geflow;
using namespace geflow::rt;

namespace {

// acc += x while i < n; each iteration's i is also stacked (8 slots).
const char *kWhile = R"mlir(
func.func @count(%n: tensor<i64> {ge.name = "n"}, %x: tensor<4xf32> {ge.name = "x"})
    -> (tensor<4xf32>, tensor<8xi64>) {
  %zero = ge.Const dense<0> : tensor<i64>
  %one = ge.Const dense<1> : tensor<i64>
  %a0 = ge.Const dense<0.0> : tensor<4xf32>
  %i, %acc, %is = ge.While (%zero, %a0) : (tensor<i64>, tensor<4xf32>)
      -> (tensor<i64>, tensor<4xf32>, tensor<8xi64>) cond {
  ^bb0(%ci: tensor<i64>, %ca: tensor<4xf32>):
    %c = ge.Less %ci, %n : (tensor<i64>, tensor<i64>) -> tensor<i1>
    ge.Yield %c : tensor<i1>
  } body {
  ^bb0(%bi: tensor<i64>, %ba: tensor<4xf32>):
    %i1 = ge.Add %bi, %one : (tensor<i64>, tensor<i64>) -> tensor<i64>
    %a1 = ge.Add %ba, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    ge.Yield %i1, %a1, %bi : tensor<i64>, tensor<4xf32>, tensor<i64>
  } loc("loop")
  return %acc, %is : tensor<4xf32>, tensor<8xi64>
}
)mlir";

// then: x gathered at `idx` (a kernel failure when idx is out of range);
// else: -x[0:2].
const char *kIf = R"mlir(
func.func @pick(%c: tensor<i1> {ge.name = "c"}, %x: tensor<4xf32> {ge.name = "x"},
                %idx: tensor<2xi32> {ge.name = "idx"}) -> tensor<2xf32> {
  %y = ge.If %c : tensor<i1> -> (tensor<2xf32>) then {
    %g = ge.GatherV2 %x, %idx {axis = 0 : i64} : (tensor<4xf32>, tensor<2xi32>) -> tensor<2xf32> loc("gather")
    ge.Yield %g : tensor<2xf32>
  } else {
    %s = ge.Slice %x {offsets = array<i64: 0>, size = array<i64: 2>} : (tensor<4xf32>) -> tensor<2xf32>
    %n = ge.Neg %s : (tensor<2xf32>) -> tensor<2xf32>
    ge.Yield %n : tensor<2xf32>
  } loc("branch")
  return %y : tensor<2xf32>
}
)mlir";

std::vector<uint8_t> compile(const char *source, std::string *error) {
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    *error += d.str() + "\n";
    return mlir::success();
  });
  auto module = mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  if (!module)
    return {};
  std::optional<Options> options = OptionsRegistry::get().parse({}, error);
  if (!options)
    return {};
  std::optional<CompileConfig> config = parseCompileConfig(*options, *error);
  if (!config)
    return {};
  auto bytes = compileModule(*module, *config, "m");
  return succeeded(bytes) ? *bytes : std::vector<uint8_t>();
}

std::shared_ptr<Device> makeDevice() {
  DeviceOptions options;
  options.aiCoreCount = 2;
  return Device::create(0, options).value();
}

StatusOr<std::unique_ptr<Model>> load(const std::vector<uint8_t> &bytes) {
  return Model::loadFromBytes(bytes.data(), bytes.size(), makeDevice(), "m");
}

/// Re-encodes `bytes` after `mutate` changed its model.
std::vector<uint8_t> mutated(const std::vector<uint8_t> &bytes,
                             const std::function<void(gfm::Model &)> &mutate) {
  auto file = GfmFile::fromBytes(bytes.data(), bytes.size(), "m");
  EXPECT_TRUE(file.ok()) << file.status().toString();
  gfm::Model model = (*file)->model();
  mutate(model);
  return encodeGfm(model, (*file)->weights(), model.weights_size());
}

} // namespace

TEST(ControlFlowTest, WhileRunsItsBodyAsOftenAsTheConditionHolds) {
  std::string error;
  std::vector<uint8_t> bytes = compile(kWhile, &error);
  ASSERT_FALSE(bytes.empty()) << error;
  auto model = load(bytes);
  ASSERT_TRUE(model.ok()) << model.status().toString();
  // Two subgraphs (cond, body); the program's one control task.
  const gfm::Model &m = (*model)->file().model();
  EXPECT_EQ(m.subgraphs_size(), 2);
  int controls = 0;
  for (const gfm::Task &t : m.gears(0).tasks())
    controls += t.has_control();
  EXPECT_EQ(controls, 1);

  std::vector<float> x = {1, -2, 0.5f, 3};
  for (int64_t n : {0, 1, 3, 8}) {
    std::vector<float> acc(4, -1);
    std::vector<int64_t> is(8, -1);
    Status st = (*model)->run(
        {{&n, 8, DType::I64, {}}, {x.data(), 16, DType::F32, {4}}},
        {{acc.data(), 16, DType::F32, {4}}, {is.data(), 64, DType::I64, {8}}});
    ASSERT_TRUE(st.ok()) << st.toString();
    for (int k = 0; k < 4; ++k)
      EXPECT_EQ(acc[k], x[k] * float(n)) << "n " << n << " element " << k;
    for (int64_t k = 0; k < 8; ++k)
      EXPECT_EQ(is[k], k < n ? k : 0) << "n " << n << " slot " << k;
  }
  // More iterations than the scan output holds: a run error naming the op.
  int64_t n = 9;
  std::vector<float> acc(4);
  std::vector<int64_t> is(8);
  Status st = (*model)->run(
      {{&n, 8, DType::I64, {}}, {x.data(), 16, DType::F32, {4}}},
      {{acc.data(), 16, DType::F32, {4}}, {is.data(), 64, DType::I64, {8}}});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("'loop' (While): runs more than the 8 "
                              "iterations its scan outputs hold"),
            std::string::npos)
      << st.toString();
}

TEST(ControlFlowTest, IfRunsOnlyTheBranchItPicks) {
  std::string error;
  std::vector<uint8_t> bytes = compile(kIf, &error);
  ASSERT_FALSE(bytes.empty()) << error;
  auto model = load(bytes);
  ASSERT_TRUE(model.ok()) << model.status().toString();
  std::vector<float> x = {1, 2, 3, 4};
  auto run = [&](bool c, std::vector<int32_t> idx, std::vector<float> *y) {
    uint8_t cond = c;
    return (*model)->run({{&cond, 1, DType::Bool, {}},
                          {x.data(), 16, DType::F32, {4}},
                          {idx.data(), 8, DType::I32, {2}}},
                         {{y->data(), 8, DType::F32, {2}}});
  };
  std::vector<float> y(2);
  ASSERT_TRUE(run(true, {3, 1}, &y).ok());
  EXPECT_EQ(y, (std::vector<float>{4, 2}));
  // The then branch would fail on index 7; the else branch alone runs.
  ASSERT_TRUE(run(false, {7, 7}, &y).ok());
  EXPECT_EQ(y, (std::vector<float>{-1, -2}));
  Status st = run(true, {7, 7}, &y);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("then_branch"), std::string::npos)
      << st.toString();
}

TEST(ControlFlowTest, CorruptSubgraphTablesAreLoadErrors) {
  std::string error;
  std::vector<uint8_t> bytes = compile(kIf, &error);
  ASSERT_FALSE(bytes.empty()) << error;
  auto expectError = [](const std::vector<uint8_t> &bad,
                        const std::string &text) {
    auto model = load(bad);
    ASSERT_FALSE(model.ok()) << "expected: " << text;
    EXPECT_NE(model.status().message().find(text), std::string::npos)
        << model.status().toString();
  };
  // A subgraph index beyond the table.
  expectError(mutated(bytes,
                      [](gfm::Model &m) {
                        for (gfm::Task &t :
                             *m.mutable_gears(0)->mutable_tasks())
                          if (t.has_control())
                            t.mutable_control()->set_subgraphs(1, 9);
                      }),
              "names subgraph 9 of 2");
  // A subgraph that is not a .gfm.
  expectError(mutated(bytes, [](gfm::Model &m) { m.set_subgraphs(0, "junk"); }),
              "subgraph 0");
  // Branches swapped for ones of another signature: the else branch of
  // the While model takes other inputs.
  std::vector<uint8_t> loop = compile(kWhile, &error);
  ASSERT_FALSE(loop.empty()) << error;
  auto other = GfmFile::fromBytes(loop.data(), loop.size(), "w");
  ASSERT_TRUE(other.ok());
  std::string body = (*other)->model().subgraphs(1);
  expectError(mutated(bytes, [&](gfm::Model &m) { m.set_subgraphs(1, body); }),
              "'branch' (If)");
  // An unknown kind.
  expectError(mutated(bytes,
                      [](gfm::Model &m) {
                        for (gfm::Task &t :
                             *m.mutable_gears(0)->mutable_tasks())
                          if (t.has_control())
                            t.mutable_control()->set_kind("Case");
                      }),
              "control task of unknown kind 'Case'");
}
