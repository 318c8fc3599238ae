//===- RangedExecutorTest.cpp - Shape-ranged programs ---------------------===//
//
// The Branchy model (kernels, a copy, events across three streams) written
// as a shape-ranged program: its row count is a symbol of range 1~6, every
// tensor's dims are expressions of it. One loaded model runs every row
// count of the range, each re-tiled at run time, and equals the static
// model of that row count; load-time checks refuse expressions that could
// let a kernel leave its buffer.
//
//===----------------------------------------------------------------------===//
#include "ExecutorTestUtil.h"

#include <functional>

using namespace geflow;
using namespace geflow::rt;
using namespace geflow::rt::testing;

namespace {

constexpr int64_t kMaxRows = 6; // differs from K and N, so dims are unambiguous

/// [coeff, exponent] of a dim of Branchy: the row dim is the symbol.
void setExpr(gfm::DimExpr *e, int64_t dim) {
  e->set_coeff(dim == kMaxRows ? 1 : dim);
  e->add_exponents(dim == kMaxRows ? 1 : 0);
}

template <typename Proto> void annotate(Proto &t) {
  t.clear_dim_exprs();
  for (int64_t d : t.shape())
    setExpr(t.add_dim_exprs(), d);
}

gfm::TensorDesc descOf(const gfm::TensorSig &sig) {
  gfm::TensorDesc d;
  d.set_dtype(sig.dtype());
  *d.mutable_shape() = sig.shape();
  annotate(d);
  return d;
}

/// Branchy for rows 1~6, as the compiler writes a shape-ranged program.
Branchy rangedBranchy() {
  Branchy b(kMaxRows);
  gfm::Program *p = b.m.mutable_gears(0);
  gfm::ShapeSymbol *s = p->add_symbols();
  s->set_input(0);
  s->set_dim(0);
  s->set_min(1);
  s->set_max(kMaxRows);
  for (gfm::TensorSig &sig : *p->mutable_inputs())
    annotate(sig);
  for (gfm::TensorSig &sig : *p->mutable_outputs())
    annotate(sig);
  for (gfm::Task &t : *p->mutable_tasks()) {
    if (t.has_kernel()) {
      for (gfm::TensorDesc &d : *t.mutable_kernel()->mutable_input_descs())
        annotate(d);
      for (gfm::TensorDesc &d : *t.mutable_kernel()->mutable_output_descs())
        annotate(d);
    }
    if (t.has_memcpy()) // copy0: r[M,K] to y2
      *t.mutable_memcpy()->mutable_desc() = descOf(p->outputs(2));
  }
  for (gfm::TensorSig &sig : *b.m.mutable_inputs())
    sig.set_shape(0, -1);
  for (gfm::TensorSig &sig : *b.m.mutable_outputs())
    sig.set_shape(0, -1);
  return b;
}

gfm::Task &task(Branchy &b, const std::string &name) {
  for (gfm::Task &t : *b.m.mutable_gears(0)->mutable_tasks())
    if (t.name() == name)
      return t;
  ADD_FAILURE() << "no task " << name;
  return *b.m.mutable_gears(0)->mutable_tasks(0);
}

} // namespace

TEST(RangedExecutor, RunsEveryRowCountOfTheRange) {
  auto device = makeDevice(2);
  Branchy ranged = rangedBranchy();
  auto model = loadModel(ranged.m, ranged.weights, device);
  ASSERT_TRUE(model);
  ASSERT_EQ(model->gears().size(), 1u);
  ASSERT_EQ(model->gears()[0].ranges.size(), 1u);
  EXPECT_EQ(model->gears()[0].ranges[0].min, 1);
  EXPECT_EQ(model->gears()[0].ranges[0].max, kMaxRows);
  EXPECT_EQ(model->inputs()[0].shape, (std::vector<int64_t>{-1, K}));

  // Up, down and repeated: each size runs from its own re-tiling.
  for (int64_t rows : {1, 6, 3, 5, 2, 3, 4, 6, 1}) {
    Branchy reference(rows); // the static model of this size, for check()
    Branchy::Buffers buffers(reference, 100 + static_cast<uint32_t>(rows));
    StatusOr<Model::Selection> selection = model->select({{rows, K}});
    ASSERT_OK(selection.status());
    EXPECT_EQ(selection->outputs[0].shape, (std::vector<int64_t>{rows, N}));
    EXPECT_EQ(selection->outputs[2].bytes, static_cast<uint64_t>(rows * K * 4));
    ASSERT_OK(model->run(buffers.inputs(), buffers.outputs()));
    EXPECT_EQ(reference.check(buffers), 0) << rows << " rows";
  }
  EXPECT_EQ(model->numContexts(), 1u);
}

TEST(RangedExecutor, ShapesOutsideTheRangeAreErrors) {
  auto device = makeDevice(2);
  Branchy ranged = rangedBranchy();
  auto model = loadModel(ranged.m, ranged.weights, device);
  ASSERT_TRUE(model);
  expectContains(model->selectGear({{7, K}}).status(),
                 "input 'x' has dim 0 = 7, outside its range 1~6");
  expectContains(model->selectGear({{3, K + 1}}).status(),
                 "input 'x' has dim 1 = 17, expected 16");
  Branchy seven(7);
  Branchy::Buffers buffers(seven, 1);
  expectContains(
      model->run(buffers.inputs(), buffers.outputs()),
      "model 'branchy': input 'x' has dim 0 = 7, outside its range 1~6");
  // An output bound with the upper bound's shape for a smaller run.
  Branchy three(3);
  Branchy::Buffers small(three, 2);
  std::vector<TensorRef> outputs = small.outputs();
  std::vector<float> big(kMaxRows * N);
  outputs[0] = ref(big, f32({kMaxRows, N}));
  expectContains(model->run(small.inputs(), outputs),
                 "output 'y0' has shape [6,8], expected [3,8]");
}

TEST(RangedExecutor, LoadRefusesExpressionsThatCouldLeaveABuffer) {
  auto device = makeDevice(2);
  struct Case {
    const char *what;
    std::function<void(Branchy &)> corrupt;
    const char *error;
  };
  const Case cases[] = {
      {"a coefficient that overshoots the planned dim",
       [](Branchy &b) {
         task(b, "add0")
             .mutable_kernel()
             ->mutable_output_descs(0)
             ->mutable_dim_exprs(0)
             ->set_coeff(2);
       },
       "task 5 (add0): output 0 dim 0: gives 12 at the upper bounds, not 6"},
      {"a negative exponent",
       [](Branchy &b) {
         auto *e = task(b, "relu0")
                       .mutable_kernel()
                       ->mutable_input_descs(0)
                       ->mutable_dim_exprs(1);
         e->set_exponents(0, -1);
       },
       "task 0 (relu0): input 0 dim 1: exponent -1"},
      {"an output written at the upper bound's size whatever the run's",
       [](Branchy &b) {
         auto *e = task(b, "mm0")
                       .mutable_kernel()
                       ->mutable_output_descs(0)
                       ->mutable_dim_exprs(0);
         e->set_coeff(kMaxRows);
         e->set_exponents(0, 0);
       },
       "task 3 (mm0): output 0 is bound to output 'y0' but does not follow its "
       "shape across "
       "the range"},
      {"a copy without its tensor",
       [](Branchy &b) { task(b, "copy0").mutable_memcpy()->clear_desc(); },
       "task 7 (copy0): a copy in a shape-ranged program needs its tensor "
       "descriptor"},
      {"a range beyond the planned dim",
       [](Branchy &b) {
         b.m.mutable_gears(0)->mutable_symbols(0)->set_max(kMaxRows + 1);
       },
       "gear 0: shape symbol 0: range 1~7 does not end at the planned dim 6"},
      {"a symbol of a missing input dim",
       [](Branchy &b) { b.m.mutable_gears(0)->mutable_symbols(0)->set_dim(2); },
       "gear 0: shape symbol 0: input 0 dim 2 does not exist"},
      {"a descriptor without expressions",
       [](Branchy &b) {
         task(b, "add1")
             .mutable_kernel()
             ->mutable_input_descs(1)
             ->clear_dim_exprs();
       },
       "task 9 (add1): input 1 has 0 dim expressions for rank 2"},
  };
  for (const Case &c : cases) {
    Branchy b = rangedBranchy();
    c.corrupt(b);
    Status st = loadStatus(b.m, b.weights, device);
    EXPECT_EQ(st.code(), ErrorCode::kCorruptFile) << c.what;
    expectContains(st, c.error);
  }
}
