// The executor on hand-built .gfm programs: results against references,
// streams joined by events, gears, binding errors, load errors, failing
// tasks, host calls and the reuse of execution contexts.
#include "ExecutorTestUtil.h"

#include "geflow/runtime/Dump.h"
#include "geflow/runtime/HostOps.h"

#include <cmath>
#include <cstdlib>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace geflow;
using namespace geflow::rt;
using namespace geflow::rt::testing;

TEST(Executor, RunsStreamsJoinedByEvents) {
  auto device = makeDevice(3);
  Branchy model;
  auto loaded = loadModel(model.m, model.weights, device);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->name(), "branchy");
  ASSERT_EQ(loaded->gears().size(), 1u);
  EXPECT_EQ(loaded->gears()[0].numStreams, 3u);
  EXPECT_EQ(loaded->outputs()[1].bytes, uint64_t(8 * K * 4));

  Branchy::Buffers sync(model, 1);
  ASSERT_OK(loaded->run(sync.inputs(), sync.outputs()));
  EXPECT_EQ(model.check(sync), 0);

  auto stream = makeStream(device);
  Branchy::Buffers async(model, 2);
  ASSERT_OK(loaded->execute(*stream, async.inputs(), async.outputs()));
  ASSERT_OK(stream->synchronize());
  EXPECT_EQ(model.check(async), 0);
  // Both runs were over before the next began: one context serves them.
  EXPECT_EQ(loaded->numContexts(), 1u);
}

TEST(Executor, LoadsFromAFile) {
  auto device = makeDevice(2);
  Branchy model;
  std::vector<uint8_t> bytes =
      encodeGfm(model.m, model.weights.data(), model.weights.size());
  char path[] = "/tmp/geflow-exec-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, bytes.data(), bytes.size()), ssize_t(bytes.size()));
  close(fd);
  auto loaded = Model::load(path, device);
  unlink(path); // the mapping stays valid
  ASSERT_TRUE(loaded.ok()) << loaded.status().toString();
  Branchy::Buffers b(model, 3);
  ASSERT_OK((*loaded)->run(b.inputs(), b.outputs()));
  EXPECT_EQ(model.check(b), 0);

  auto missing = Model::load("/nonexistent/m.gfm", device);
  ASSERT_FALSE(missing.ok());
  expectContains(missing.status(), "/nonexistent/m.gfm");
}

TEST(Executor, RunsEnqueuedBackToBackOnOneStream) {
  auto device = makeDevice(2);
  Branchy model;
  auto loaded = loadModel(model.m, model.weights, device);
  ASSERT_TRUE(loaded);
  auto stream = makeStream(device);
  std::vector<Branchy::Buffers> runs;
  for (uint32_t i = 0; i < 16; ++i)
    runs.emplace_back(model, 100 + i);
  for (auto &r : runs)
    ASSERT_OK(loaded->execute(*stream, r.inputs(), r.outputs()));
  ASSERT_OK(stream->synchronize());
  for (auto &r : runs)
    EXPECT_EQ(model.check(r), 0);
  EXPECT_LE(loaded->numContexts(), runs.size());
}

//===----------------------------------------------------------------------===//
// Gears
//===----------------------------------------------------------------------===//

namespace {

// y = x + z for x, z of [B, 16], with gears B = 1 and B = 4.
gfm::Model gearedAdd() {
  gfm::Model m;
  m.set_name("geared");
  *m.add_inputs() = sig("x", f32({-1, 16}));
  *m.add_inputs() = sig("z", f32({-1, 16}));
  *m.add_outputs() = sig("y", f32({-1, 16}));
  for (int64_t batch : {1, 4}) {
    gfm::Program *p = m.add_gears();
    Tensor t = f32({batch, 16});
    *p->add_inputs() = sig("x", t);
    *p->add_inputs() = sig("z", t);
    *p->add_outputs() = sig("y", t);
    ProgramBuilder b(m, p);
    b.kernel(0, "add" + std::to_string(batch), "add",
             {b.input(0, t), b.input(1, t)}, {b.output(0, t)});
  }
  return m;
}

} // namespace

TEST(Executor, SelectsTheGearByInputShapes) {
  auto device = makeDevice(2);
  auto model = loadModel(gearedAdd(), {}, device);
  ASSERT_TRUE(model);
  EXPECT_EQ(model->inputs()[0].shape, (std::vector<int64_t>{-1, 16}));
  EXPECT_EQ(model->inputs()[0].bytes, 0u);
  ASSERT_EQ(model->gears().size(), 2u);
  EXPECT_EQ(*model->selectGear({{4, 16}, {4, 16}}), 1u);
  EXPECT_EQ(*model->selectGear({{1, 16}, {1, 16}}), 0u);

  for (int64_t batch : {4, 1, 4}) {
    Tensor t = f32({batch, 16});
    std::vector<float> x = randomFloats(batch * 16, 7),
                       z = randomFloats(batch * 16, 8);
    std::vector<float> y(batch * 16, NAN);
    ASSERT_OK(model->run({ref(x, t), ref(z, t)}, {ref(y, t)}));
    for (int64_t i = 0; i < batch * 16; ++i)
      ASSERT_EQ(y[i], x[i] + z[i]) << "batch " << batch << " element " << i;
  }
  // The gears share execution contexts, whose arena is the largest gear's.
  EXPECT_EQ(model->numContexts(), 1u);
  EXPECT_EQ(model->arenaBytes(),
            std::max(model->gears()[0].arenaSize, model->gears()[1].arenaSize));
}

TEST(Executor, GearErrorsNameTheInputAndListTheGears) {
  auto device = makeDevice(2);
  auto model = loadModel(gearedAdd(), {}, device);
  ASSERT_TRUE(model);
  auto s = model->selectGear({{2, 16}, {2, 16}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(),
            "input 'x': shape [2,16] matches no gear; gears: [1,16], [4,16]");
  s = model->selectGear({{1, 16}, {4, 16}});
  expectContains(s.status(),
                 "input shapes x:[1,16], z:[4,16] match no single "
                 "gear; gears: (x:[1,16], z:[1,16]), (x:[4,16], z:[4,16])");
  s = model->selectGear({{1, 16}});
  expectContains(s.status(), "the model has 2 inputs, got 1");

  // The same check guards execute().
  std::vector<float> x(48), z(48), y(48);
  Tensor t = f32({3, 16});
  Status st = model->run({ref(x, t), ref(z, t)}, {ref(y, t)});
  expectContains(st, "model 'geared': input 'x': shape [3,16] matches no gear");
}

//===----------------------------------------------------------------------===//
// Binding errors
//===----------------------------------------------------------------------===//

TEST(Executor, BindingErrorsNameTheTensor) {
  auto device = makeDevice(2);
  Branchy model;
  const int64_t M = model.M;
  auto loaded = loadModel(model.m, model.weights, device);
  ASSERT_TRUE(loaded);
  Branchy::Buffers b(model, 5);
  auto in = b.inputs();
  auto out = b.outputs();

  expectContains(loaded->run({}, out), "the model has 1 input, got 0");
  expectContains(loaded->run(in, {out[0]}), "the model has 3 outputs, got 1");

  std::vector<int32_t> xi(M * K);
  expectContains(
      loaded->run({{xi.data(), xi.size() * 4, DType::I32, {M, K}}}, out),
      "input 'x' has dtype int32, expected float32");
  expectContains(loaded->run({ref(b.x, f32({M, K + 1}))}, out),
                 "input 'x' has shape [8,17], expected [8,16]");
  TensorRef shortInput = in[0];
  shortInput.size -= 4;
  expectContains(loaded->run({shortInput}, out),
                 "input 'x': buffer of 508 bytes, needs 512 (float32[8,16])");
  TensorRef nullInput = in[0];
  nullInput.data = nullptr;
  expectContains(loaded->run({nullInput}, out), "input 'x' has no data");

  auto badOut = out;
  badOut[1].shape = {M * K};
  expectContains(loaded->run(in, badOut),
                 "output 'y1' has shape [128], expected [8,16]");
  badOut = out;
  badOut[0].dtype = DType::F16;
  expectContains(loaded->run(in, badOut),
                 "output 'y0' has dtype float16, expected float32");
  badOut = out;
  badOut[2].data = b.x.data();
  expectContains(loaded->run(in, badOut), "output 'y2' overlaps input 'x'");
  badOut = out;
  badOut[2].data = b.y1.data();
  expectContains(loaded->run(in, badOut), "output 'y2' overlaps output 'y1'");

  // Nothing was enqueued by the failed calls, and the model still works.
  EXPECT_EQ(loaded->numContexts(), 0u);
  ASSERT_OK(loaded->run(in, out));
  EXPECT_EQ(model.check(b), 0);
}

//===----------------------------------------------------------------------===//
// Failing tasks
//===----------------------------------------------------------------------===//

namespace {

// q = a / b (int32, which fails the task on a zero divisor) on `stream`,
// then y = q + a on stream 0.
gfm::Model intDivide(uint32_t stream) {
  gfm::Model m;
  m.set_name("divide");
  Tensor t{DType::I32, {64}};
  *m.add_inputs() = sig("a", t);
  *m.add_inputs() = sig("b", t);
  *m.add_outputs() = sig("y", t);
  gfm::Program *p = m.add_gears();
  *p->mutable_inputs() = m.inputs();
  *p->mutable_outputs() = m.outputs();
  ProgramBuilder b(m, p);
  Operand a = b.input(0, t), q = b.arena(t);
  if (stream != 0) {
    b.record(0, 0);
    b.wait(stream, 0);
  }
  b.kernel(stream, "divide0", "div", {a, b.input(1, t)}, {q});
  if (stream != 0) {
    b.record(stream, 1);
    b.wait(0, 1);
  }
  b.kernel(0, "sum0", "add", {q, a}, {b.output(0, t)});
  return m;
}

} // namespace

TEST(Executor, FailingKernelNamesTheTaskAndTheContextIsReused) {
  for (uint32_t stream : {0u, 1u}) {
    SCOPED_TRACE("divide on program stream " + std::to_string(stream));
    auto device = makeDevice(2);
    auto model = loadModel(intDivide(stream), {}, device);
    ASSERT_TRUE(model);
    Tensor t{DType::I32, {64}};
    std::vector<int32_t> a(64), b(64, 3), y(64);
    for (int i = 0; i < 64; ++i)
      a[i] = 10 * i - 100;
    b[17] = 0;
    auto caller = makeStream(device);
    ASSERT_OK(model->execute(*caller, {ref(a, t), ref(b, t)}, {ref(y, t)}));
    Status st = caller->synchronize();
    EXPECT_EQ(st.code(), ErrorCode::kTaskFailed);
    expectContains(st, "kernel task 'divide0 (div)'");

    // The failure is reported once; the next run (on the same context,
    // whose internal stream kept the failure) is clean.
    b[17] = 3;
    ASSERT_OK(model->execute(*caller, {ref(a, t), ref(b, t)}, {ref(y, t)}));
    ASSERT_OK(caller->synchronize());
    for (int i = 0; i < 64; ++i)
      ASSERT_EQ(y[i], a[i] / 3 + a[i]) << i;
    EXPECT_EQ(model->numContexts(), 1u);
    // run() reports the failure itself.
    b[5] = 0;
    expectContains(model->run({ref(a, t), ref(b, t)}, {ref(y, t)}),
                   "divide0 (div)");
  }
}

//===----------------------------------------------------------------------===//
// Load errors
//===----------------------------------------------------------------------===//

namespace {

gfm::Model reluModel(const std::string &kernel = "relu",
                     DType dtype = DType::F32) {
  gfm::Model m;
  m.set_name("one");
  Tensor t{dtype, {16}};
  *m.add_inputs() = sig("x", t);
  *m.add_outputs() = sig("y", t);
  gfm::Program *p = m.add_gears();
  *p->mutable_inputs() = m.inputs();
  *p->mutable_outputs() = m.outputs();
  p->set_num_streams(1);
  gfm::Task *task = p->add_tasks();
  task->set_name("act0");
  gfm::KernelTask *k = task->mutable_kernel();
  k->set_kernel(kernel);
  k->set_dtype(static_cast<gfm::DType>(dtype));
  k->set_block_dim(1);
  *k->add_inputs() = buffer(gfm::INPUT, 0, 0, t.bytes());
  *k->add_outputs() = buffer(gfm::OUTPUT, 0, 0, t.bytes());
  // The runtime tiles kernels from their descriptors, for the device; its
  // tiling must fit the workspace.
  for (gfm::TensorDesc *d : {k->add_input_descs(), k->add_output_descs()}) {
    d->set_dtype(static_cast<gfm::DType>(dtype));
    d->add_shape(16);
  }
  constexpr uint64_t kWorkspace = 256 * 1024;
  p->set_arena_size(kWorkspace);
  k->set_workspace_size(kWorkspace);
  *k->mutable_workspace() = buffer(gfm::ARENA, 0, 0, kWorkspace);
  return m;
}

} // namespace

TEST(Executor, LoadErrorsNameTheTask) {
  auto device = makeDevice(1);
  expectContains(loadStatus(reluModel("no_such_kernel"), {}, device),
                 "test.gfm: gear 0, task 0 'act0': kernel 'no_such_kernel' is "
                 "not in the kernel library");
  Status st = loadStatus(reluModel("relu", DType::I8), {}, device);
  EXPECT_EQ(st.code(), ErrorCode::kUnsupported);
  expectContains(st, "task 0 'act0': kernel 'relu' has no int8 implementation");

  gfm::Model waitFirst = reluModel();
  gfm::Program *p = waitFirst.mutable_gears(0);
  p->set_num_events(1);
  p->set_num_streams(2);
  gfm::Task *w = p->add_tasks();
  w->set_stream(1);
  w->mutable_wait()->set_event(0);
  p->add_tasks()->mutable_record()->set_event(0);
  expectContains(loadStatus(waitFirst, {}, device),
                 "task 1: waits for event 0 before any task records it");

  // A float operand at an odd offset would be a misaligned load (UBSan in
  // test/fuzz's gfm target; its input is corpus/gfm/regress-misaligned-*).
  gfm::Model misaligned = reluModel();
  *misaligned.mutable_gears(0)
       ->mutable_tasks(0)
       ->mutable_kernel()
       ->mutable_outputs(0) = buffer(gfm::ARENA, 0, 2, 64);
  expectContains(loadStatus(misaligned, {}, device),
                 "output 0 of kernel 'relu' is at offset 2, not a multiple of "
                 "its element size 4");

  gfm::Model hostCall = reluModel();
  hostCall.mutable_gears(0)->add_tasks()->mutable_host_call()->set_callee(
      "nowhere");
  expectContains(loadStatus(hostCall, {}, device),
                 "host op 'nowhere' is not registered");

  // External weight paths resolve against the model's directory, which a
  // model loaded from bytes does not have (files: ExternalWeight* below).
  gfm::Model external = reluModel();
  gfm::ExternalWeight *ew = external.add_external_weights();
  ew->set_path("weight/w.bin");
  ew->set_length(64);
  st = loadStatus(external, {}, device);
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  expectContains(st, "test.gfm: the model keeps weights in 1 external file(s) "
                     "('weight/w.bin', ...), which resolve against the model's "
                     "directory; load it from its .gfm file");

  gfm::Model renamed = reluModel();
  renamed.mutable_gears(0)->mutable_inputs(0)->set_name("image");
  expectContains(
      loadStatus(renamed, {}, device),
      "gear 0: input 0 is 'image' float32[16] but the model's is 'x' "
      "float32[16]");

  // A buffer smaller than the tensor its descriptor promises.
  gfm::Model shortBuffer = reluModel();
  gfm::KernelTask *k =
      shortBuffer.mutable_gears(0)->mutable_tasks(0)->mutable_kernel();
  k->mutable_input_descs(0)->set_shape(0, 32);
  expectContains(loadStatus(shortBuffer, {}, device),
                 "input 0 has 64 bytes but its tensor float32[32] needs 128");
}

//===----------------------------------------------------------------------===//
// External weight files
//===----------------------------------------------------------------------===//

namespace {

// y = x + w, w in external weight file 0 ("weight/w.bin"), written with
// the model into a fresh directory.
struct ExternalModel {
  static constexpr int64_t N = 300;
  gfm::Model m;
  std::vector<float> w = randomFloats(N, 7);
  std::string dir, gfmPath, weightPath;

  ExternalModel() {
    char tmpl[] = "/tmp/geflow-extw-XXXXXX";
    dir = mkdtemp(tmpl);
    gfmPath = dir + "/m.gfm";
    weightPath = dir + "/weight/w.bin";
    m.set_name("ext");
    Tensor t = f32({N});
    *m.add_inputs() = sig("x", t);
    *m.add_outputs() = sig("y", t);
    gfm::Program *p = m.add_gears();
    *p->mutable_inputs() = m.inputs();
    *p->mutable_outputs() = m.outputs();
    ProgramBuilder b(m, p);
    gfm::ExternalWeight *ew = m.add_external_weights();
    ew->set_path("weight/w.bin");
    ew->set_length(t.bytes());
    ew->set_crc32c(crc32c(w.data(), t.bytes()));
    Operand weight{buffer(gfm::EXTERNAL, 0, 0, t.bytes()), t};
    b.kernel(0, "add0", "add", {b.input(0, t), weight}, {b.output(0, t)});
    writeGfm();
    EXPECT_EQ(mkdir((dir + "/weight").c_str(), 0755), 0);
    writeWeight(w.data(), t.bytes());
  }
  ~ExternalModel() {
    unlink(weightPath.c_str());
    rmdir((dir + "/weight").c_str());
    unlink(gfmPath.c_str());
    rmdir(dir.c_str());
  }
  void writeGfm() {
    std::vector<uint8_t> bytes = encodeGfm(m, nullptr, 0);
    ASSERT_OK(writeFileAtomically(gfmPath, bytes.data(), bytes.size()));
  }
  void writeWeight(const void *data, size_t size) {
    ASSERT_OK(writeFileAtomically(weightPath, data, size));
  }
  Status load(const std::shared_ptr<Device> &device) {
    return Model::load(gfmPath, device).status();
  }
};

} // namespace

TEST(Executor, ExternalWeightFilesAreMappedAndRead) {
  auto device = makeDevice(2);
  ExternalModel e;
  auto loaded = Model::load(e.gfmPath, device);
  ASSERT_TRUE(loaded.ok()) << loaded.status().toString();
  std::vector<float> x = randomFloats(e.N, 8), y(e.N);
  ASSERT_OK((*loaded)->run({{x.data(), x.size() * 4, DType::F32, {e.N}}},
                           {{y.data(), y.size() * 4, DType::F32, {e.N}}}));
  for (int64_t i = 0; i < e.N; ++i)
    ASSERT_EQ(y[i], x[i] + e.w[i]) << i;
  // The file may go once it is mapped.
  unlink(e.weightPath.c_str());
  ASSERT_OK((*loaded)->run({{x.data(), x.size() * 4, DType::F32, {e.N}}},
                           {{y.data(), y.size() * 4, DType::F32, {e.N}}}));
  EXPECT_EQ(y[0], x[0] + e.w[0]);
}

TEST(Executor, ExternalWeightErrorsNameTheModelAndTheFile) {
  auto device = makeDevice(1);
  ExternalModel e;
  std::string file =
      e.gfmPath + ": external weight file '" + e.weightPath + "'";

  std::vector<uint8_t> bytes(reinterpret_cast<const uint8_t *>(e.w.data()),
                             reinterpret_cast<const uint8_t *>(e.w.data()) +
                                 e.N * 4);
  e.writeWeight(bytes.data(), bytes.size() - 4);
  Status st = e.load(device);
  EXPECT_EQ(st.code(), ErrorCode::kCorruptFile);
  expectContains(st, file + " has 1196 bytes but the model expects 1200");

  bytes[100] ^= 0x10;
  e.writeWeight(bytes.data(), bytes.size());
  st = e.load(device);
  EXPECT_EQ(st.code(), ErrorCode::kCorruptFile);
  expectContains(st, file + " fails its checksum (CRC32C 0x");

  unlink(e.weightPath.c_str());
  st = e.load(device);
  EXPECT_EQ(st.code(), ErrorCode::kNotFound);
  expectContains(st, file + " cannot be opened: No such file or directory");

  // Paths stay inside the model's directory.
  for (const char *path :
       {"../w.bin", "weight/../../w.bin", "/etc/passwd", ""}) {
    e.m.mutable_external_weights(0)->set_path(path);
    e.writeGfm();
    st = e.load(device);
    EXPECT_EQ(st.code(), ErrorCode::kCorruptFile) << path;
    expectContains(st, e.gfmPath + ": external weight 0 has path '" + path +
                           "', which is not inside the model's directory");
  }
  // A symlink inside the directory that leads out of it is refused, even
  // to a file with the right length and checksum.
  e.m.mutable_external_weights(0)->set_path("weight/w.bin");
  e.writeGfm();
  std::string outside = e.dir + "-outside.bin";
  ASSERT_OK(writeFileAtomically(outside, e.w.data(), e.N * 4));
  ASSERT_EQ(symlink(outside.c_str(), e.weightPath.c_str()), 0);
  st = e.load(device);
  EXPECT_EQ(st.code(), ErrorCode::kCorruptFile);
  expectContains(st, file + " resolves outside the model's directory");
  unlink(e.weightPath.c_str());
  unlink(outside.c_str());

  // Validation bounds reads of the file by its recorded length.
  e.m.mutable_external_weights(0)->set_length(16);
  e.writeGfm();
  expectContains(e.load(device), "external weight file");
}

//===----------------------------------------------------------------------===//
// Host calls and context reuse
//===----------------------------------------------------------------------===//

namespace {

Gate *gHostGate = nullptr;

// y = x * attr "factor", after waiting for gHostGate when one is set.
Status scaleHostOp(const HostCallArgs &args) {
  if (gHostGate)
    gHostGate->wait();
  if (args.numInputs != 1 || args.numOutputs != 1 || !args.inputDescs ||
      args.inputDescs->size() != 1)
    return invalidArgument("test.scale takes one input and one output");
  int64_t n = numElements((*args.inputDescs)[0].shape);
  double factor = args.attrs->getFloat("factor", 1.0);
  auto *x = static_cast<const float *>(args.inputs[0]);
  auto *y = static_cast<float *>(args.outputs[0]);
  for (int64_t i = 0; i < n; ++i)
    y[i] = static_cast<float>(x[i] * factor);
  return Status::OK();
}

// x -> relu (kernel, s0) -> r; y = 3 * r (host op on s1).
gfm::Model hostScale() {
  HostOpRegistry::global().add("test.scale", scaleHostOp);
  gfm::Model m;
  m.set_name("host");
  Tensor t = f32({32});
  *m.add_inputs() = sig("x", t);
  *m.add_outputs() = sig("y", t);
  gfm::Program *p = m.add_gears();
  *p->mutable_inputs() = m.inputs();
  *p->mutable_outputs() = m.outputs();
  ProgramBuilder b(m, p);
  Operand r = b.arena(t);
  b.kernel(0, "relu0", "relu", {b.input(0, t)}, {r});
  b.record(0, 0);
  b.wait(1, 0);
  gfm::Task *task =
      b.hostCall(1, "scale0", "test.scale", {r}, {b.output(0, t)});
  (*task->mutable_host_call()->mutable_attrs())["factor"].set_f(3.0);
  return m;
}

} // namespace

TEST(Executor, HostCallsRunInStreamOrder) {
  auto device = makeDevice(2);
  auto model = loadModel(hostScale(), {}, device);
  ASSERT_TRUE(model);
  Tensor t = f32({32});
  std::vector<float> x = randomFloats(32, 11), y(32, NAN);
  ASSERT_OK(model->run({ref(x, t)}, {ref(y, t)}));
  for (int i = 0; i < 32; ++i)
    EXPECT_EQ(y[i], std::max(x[i], 0.f) * 3.f) << i;
}

// dump_debug_mode picks which tasks the overflow check watches (GE:
// aicore_overflow the AI Core ops, atomic_overflow the float work outside
// them, all both): here the host op overflows (2 * 3e38 is beyond f32).
TEST(Executor, DumpDebugModeSelectsTheTasksChecked) {
  auto device = makeDevice(2);
  gfm::Model m = hostScale();
  (*m.mutable_gears(0)
        ->mutable_tasks(3)
        ->mutable_host_call()
        ->mutable_attrs())["factor"]
      .set_f(3e38);
  Tensor t = f32({32});
  std::vector<float> x(32, 2.f);
  for (const char *mode : {"aicore_overflow", "atomic_overflow", "all"}) {
    auto model = loadModel(m, {}, device);
    ASSERT_TRUE(model);
    DumpOptions options;
    options.overflow = true;
    options.overflowMode = mode;
    auto dumper = std::make_shared<Dumper>(options);
    model->setDumper(dumper);
    std::vector<float> y(32, 0.f);
    ASSERT_OK(model->run({ref(x, t)}, {ref(y, t)}));
    EXPECT_TRUE(std::isinf(y[0]));
    std::vector<OverflowRecord> found = dumper->overflows();
    if (std::string(mode) == "aicore_overflow") {
      EXPECT_TRUE(found.empty()) << "a host op is not an AI Core op";
    } else {
      ASSERT_EQ(found.size(), 1u) << mode;
      EXPECT_EQ(found[0].opName, "scale0");
      EXPECT_EQ(found[0].infCount, 32u);
    }
  }
}

TEST(Executor, BusyContextsAreNotReusedUntilTheirRunIsOver) {
  auto device = makeDevice(2);
  auto model = loadModel(hostScale(), {}, device);
  ASSERT_TRUE(model);
  Tensor t = f32({32});
  Gate gate;
  gHostGate = &gate;
  auto s1 = makeStream(device), s2 = makeStream(device);
  std::vector<float> x1 = randomFloats(32, 1), x2 = randomFloats(32, 2);
  std::vector<float> y1(32, NAN), y2(32, NAN);
  ASSERT_OK(model->execute(*s1, {ref(x1, t)}, {ref(y1, t)}));
  ASSERT_OK(model->execute(*s2, {ref(x2, t)}, {ref(y2, t)}));
  // The first run cannot be over (its host op waits for the gate), so the
  // second needed a context of its own.
  EXPECT_EQ(model->numContexts(), 2u);
  gate.open();
  ASSERT_OK(s1->synchronize());
  ASSERT_OK(s2->synchronize());
  gHostGate = nullptr;
  for (int i = 0; i < 32; ++i) {
    EXPECT_EQ(y1[i], std::max(x1[i], 0.f) * 3.f) << i;
    EXPECT_EQ(y2[i], std::max(x2[i], 0.f) * 3.f) << i;
  }
  ASSERT_OK(model->execute(*s1, {ref(x2, t)}, {ref(y1, t)}));
  ASSERT_OK(s1->synchronize());
  EXPECT_EQ(model->numContexts(), 2u);
  EXPECT_EQ(y1, y2);
}

TEST(Executor, DestroyingTheModelWaitsForRunsInFlight) {
  auto device = makeDevice(2);
  auto model = loadModel(hostScale(), {}, device);
  ASSERT_TRUE(model);
  Tensor t = f32({32});
  Gate gate;
  gHostGate = &gate;
  auto stream = makeStream(device);
  std::vector<float> x = randomFloats(32, 5), y(32, NAN);
  ASSERT_OK(model->execute(*stream, {ref(x, t)}, {ref(y, t)}));
  std::thread destroyer([&] { model.reset(); });
  gate.open();
  destroyer.join();
  gHostGate = nullptr;
  ASSERT_OK(stream->synchronize());
  for (int i = 0; i < 32; ++i)
    EXPECT_EQ(y[i], std::max(x[i], 0.f) * 3.f) << i;
}

TEST(Executor, ArenaAllocationFailureIsAnError) {
  auto device = makeDevice(1, /*limit=*/64 * 1024);
  gfm::Model m = reluModel();
  m.mutable_gears(0)->set_arena_size(1 << 20);
  auto model = loadModel(m, {}, device);
  ASSERT_TRUE(model);
  std::vector<float> x(16), y(16);
  Status st = model->run({ref(x, f32({16}))}, {ref(y, f32({16}))});
  EXPECT_EQ(st.code(), ErrorCode::kOutOfMemory);
  expectContains(st, "cannot allocate the arena of an execution context");
}
