// The GE-style Session API end to end: options, graphs from files and from
// MLIR, synchronous, callback and stream runs, gears, and every error path.
#include "SessionTestUtil.h"

#include "geflow/runtime/Timeouts.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>

using namespace geflow;

TEST(SessionSetup, NeedsInitialize) {
  Session session({});
  EXPECT_NE(session.status().message().find("call geflow::Initialize"),
            std::string::npos);
  EXPECT_FALSE(session.AddGraph(1, "m.onnx").ok());
}

TEST(SessionSetup, InitializeValidatesOptions) {
  Status st = Initialize({{"ge.exec.deviceid", "0"}});
  EXPECT_NE(st.message().find("unknown option 'ge.exec.deviceid' (did you mean "
                              "'ge.exec.deviceId'?)"),
            std::string::npos)
      << st.toString();
  st = Initialize({{"ge.graphRunMode", "1"}});
  EXPECT_NE(st.message().find("training) is not supported"), std::string::npos);
  EXPECT_FALSE(IsInitialized());
  EXPECT_FALSE(Finalize().ok());
}

TEST(SessionSetup, DeployOptionsAreCheckedAgainstTheDevices) {
  Status st = Initialize({{"ge.exec.logicalDeviceClusterDeployMode", "MULTI"}});
  EXPECT_NE(st.message().find("MULTI (a flow spread over several devices) is "
                              "not supported"),
            std::string::npos)
      << st.toString();
  st = Initialize({{"ge.exec.logicalDeviceId", "[0:7]"}});
  EXPECT_NE(st.message().find("names device 7, but the runtime has 1 "
                              "device(s)"),
            std::string::npos)
      << st.toString();
  st = Initialize({{"ge.exec.logicalDeviceId", "0:0"}});
  EXPECT_NE(st.message().find("expected \"[server:device]\""),
            std::string::npos)
      << st.toString();
  st = Initialize({{"ge.exec.deviceId", "4"}});
  EXPECT_NE(st.message().find("ge.exec.deviceId 4 does not exist"),
            std::string::npos)
      << st.toString();
  EXPECT_FALSE(IsInitialized());
}

TEST_F(SessionTest, RunGraphFromFile) {
  std::string path = writeTemp(graphText("2"), ".mlir");
  Session session({});
  ASSERT_TRUE(session.status().ok());
  ASSERT_TRUE(session.AddGraph(7, path).ok());
  ASSERT_TRUE(session.BuildGraph(7).ok());
  auto inputs = session.GetInputs(7);
  ASSERT_TRUE(inputs.ok());
  EXPECT_EQ(inputs->at(0).name, "x");
  Tensor x = input(2, -1.f);
  std::vector<Tensor> out;
  Status st = session.RunGraph(7, {x}, out);
  ASSERT_TRUE(st.ok()) << st.toString();
  expectOutputs(x, out);
  EXPECT_EQ(out[0].desc().name, "y");
  std::remove(path.c_str());
}

TEST_F(SessionTest, RunGraphFromMLIRAndAsync) {
  auto graph = Graph::fromMLIR(graphText("3"), "g3");
  ASSERT_TRUE(graph.ok()) << graph.status().toString();
  Session session({});
  ASSERT_TRUE(session.AddGraph(1, *graph).ok());
  std::atomic<int> done{0};
  std::vector<Tensor> xs;
  for (int k = 0; k < 4; ++k)
    xs.push_back(input(3, float(k)));
  for (int k = 0; k < 4; ++k) {
    Status st = session.RunGraphAsync(
        1, {xs[k]}, [&, k](Status s, std::vector<Tensor> &out) {
          EXPECT_TRUE(s.ok()) << s.toString();
          expectOutputs(xs[k], out);
          ++done;
        });
    ASSERT_TRUE(st.ok()) << st.toString();
  }
  ASSERT_TRUE(session.Synchronize().ok());
  EXPECT_EQ(done.load(), 4);
}

TEST_F(SessionTest, RunGraphWithStreamAsyncOnDeviceMemory) {
  auto graph = Graph::fromMLIR(graphText("2"));
  ASSERT_TRUE(graph.ok());
  Session session({});
  ASSERT_TRUE(session.AddGraph(2, *graph).ok());
  ASSERT_TRUE(session.BuildGraph(2).ok());
  ASSERT_EQ(gfrtSetDevice(0), GFRT_SUCCESS);
  gfrtStream stream = nullptr;
  ASSERT_EQ(gfrtCreateStream(&stream), GFRT_SUCCESS);
  size_t bytes = 2 * 4 * sizeof(float);
  void *in = nullptr, *y = nullptr, *z = nullptr;
  ASSERT_EQ(gfrtMalloc(&in, bytes), GFRT_SUCCESS);
  ASSERT_EQ(gfrtMalloc(&y, bytes), GFRT_SUCCESS);
  ASSERT_EQ(gfrtMalloc(&z, bytes), GFRT_SUCCESS);
  Tensor x = input(2, -2.f);
  ASSERT_EQ(gfrtMemcpy(in, bytes, x.data(), bytes, GFRT_MEMCPY_HOST_TO_DEVICE),
            GFRT_SUCCESS);
  std::vector<Tensor> outs = {
      Tensor::wrap({"y", DType::F32, {2, 4}}, y, bytes),
      Tensor::wrap({"z", DType::F32, {2, 4}}, z, bytes)};
  Status st = session.RunGraphWithStreamAsync(
      2, stream, {Tensor::wrap({"x", DType::F32, {2, 4}}, in, bytes)}, outs);
  ASSERT_TRUE(st.ok()) << st.toString();
  ASSERT_EQ(gfrtSynchronizeStream(stream), GFRT_SUCCESS);
  std::vector<Tensor> host = {Tensor::allocate(outs[0].desc()),
                              Tensor::allocate(outs[1].desc())};
  ASSERT_EQ(
      gfrtMemcpy(host[0].data(), bytes, y, bytes, GFRT_MEMCPY_DEVICE_TO_HOST),
      GFRT_SUCCESS);
  ASSERT_EQ(
      gfrtMemcpy(host[1].data(), bytes, z, bytes, GFRT_MEMCPY_DEVICE_TO_HOST),
      GFRT_SUCCESS);
  expectOutputs(x, host);
  EXPECT_EQ(gfrtFree(in), GFRT_SUCCESS);
  EXPECT_EQ(gfrtFree(y), GFRT_SUCCESS);
  EXPECT_EQ(gfrtFree(z), GFRT_SUCCESS);
  EXPECT_EQ(gfrtDestroyStream(stream), GFRT_SUCCESS);
  EXPECT_EQ(gfrtResetDevice(0), GFRT_SUCCESS);
}

TEST_F(SessionTest, GearsFromOptions) {
  auto graph = Graph::fromMLIR(graphText("?"));
  ASSERT_TRUE(graph.ok());
  Session session({});
  Status st = session.AddGraph(
      3, *graph, {{"input_shape", "x:-1,4"}, {"dynamic_batch_size", "1,2,5"}});
  ASSERT_TRUE(st.ok()) << st.toString();
  auto gears = session.GetGears(3);
  ASSERT_TRUE(gears.ok()) << gears.status().toString();
  ASSERT_EQ(gears->size(), 3u);
  EXPECT_EQ((*gears)[2][0], (std::vector<int64_t>{5, 4}));
  for (int64_t n : {1, 2, 5}) {
    Tensor x = input(n, -1.f);
    std::vector<Tensor> out;
    st = session.RunGraph(3, {x}, out);
    ASSERT_TRUE(st.ok()) << st.toString();
    expectOutputs(x, out);
  }
  std::vector<Tensor> out;
  st = session.RunGraph(3, {input(3, 0.f)}, out);
  EXPECT_NE(st.message().find("[3,4]"), std::string::npos) << st.toString();
  EXPECT_NE(st.message().find("[5,4]"), std::string::npos) << st.toString();
}

TEST_F(SessionTest, ErrorsNameWhatIsWrong) {
  Session bad(OptionMap{{"precision_mode", "fp64"}});
  EXPECT_NE(bad.status().message().find("allowed values are"),
            std::string::npos);

  Session session({});
  EXPECT_EQ(session.BuildGraph(9).code(), rt::ErrorCode::kNotFound);
  auto graph = Graph::fromMLIR(graphText("2"));
  ASSERT_TRUE(graph.ok());
  ASSERT_TRUE(session.AddGraph(1, *graph).ok());
  EXPECT_FALSE(session.AddGraph(1, *graph).ok());
  EXPECT_NE(session.AddGraph(4, *graph, {{"dynamic_dim", "1"}})
                .message()
                .find("did you mean"),
            std::string::npos);

  // Wrong input shape names the input.
  std::vector<Tensor> out;
  Status st = session.RunGraph(1, {input(5, 0.f)}, out);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("'x'"), std::string::npos) << st.toString();

  // Parse and compile errors carry the MLIR diagnostics with locations.
  auto broken = Graph::fromMLIR("func.func @f( {", "broken");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("broken"), std::string::npos);
  EXPECT_NE(broken.status().message().find(":1:14: expected non-function type"),
            std::string::npos)
      << broken.status().toString();
  auto dynamic = Graph::fromMLIR(graphText("?"), "dyn");
  ASSERT_TRUE(dynamic.ok());
  ASSERT_TRUE(session.AddGraph(5, *dynamic).ok());
  st = session.BuildGraph(5);
  EXPECT_NE(st.message().find("input 'x' has an unknown dim 0"),
            std::string::npos)
      << st.toString();
  EXPECT_FALSE(session.RunGraph(5, {input(1, 0.f)}, out).ok());
  EXPECT_TRUE(session.RemoveGraph(5).ok());
  EXPECT_FALSE(session.RemoveGraph(5).ok());
}

TEST_F(SessionTest, TimeoutOptionsReachTheRuntime) {
  {
    Session session({{"op_execute_timeout", "2"},
                     {"stream_sync_timeout", "60000"},
                     {"event_sync_timeout", "30000"}});
    ASSERT_TRUE(session.status().ok()) << session.status().toString();
    rt::SyncTimeouts t = rt::getSyncTimeouts();
    EXPECT_EQ(t.opExecuteMs, 2000); // GE's option is in seconds
    EXPECT_EQ(t.streamSyncMs, 60000);
    EXPECT_EQ(t.eventSyncMs, 30000);
    // A graph still runs normally under generous limits.
    auto graph = Graph::fromMLIR(graphText("2"), "g");
    ASSERT_TRUE(graph.ok());
    ASSERT_TRUE(session.AddGraph(1, *graph).ok());
    Tensor x = input(2, 1.f);
    std::vector<Tensor> out;
    Status st = session.RunGraph(1, {x}, out);
    ASSERT_TRUE(st.ok()) << st.toString();
    expectOutputs(x, out);
  }
  Session bad(OptionMap{{"stream_sync_timeout", "soon"}});
  EXPECT_NE(bad.status().message().find(
                "option 'stream_sync_timeout' has value 'soon': expected an "
                "integer"),
            std::string::npos)
      << bad.status().toString();
  Session negative(OptionMap{{"event_sync_timeout", "-2"}});
  EXPECT_NE(negative.status().message().find("expected an integer in [-1, "),
            std::string::npos)
      << negative.status().toString();
  // A session without them goes back to the default (no limit).
  Session plain({});
  ASSERT_TRUE(plain.status().ok());
  EXPECT_EQ(rt::getSyncTimeouts().streamSyncMs, -1);
}
