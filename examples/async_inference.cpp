//===- async_inference.cpp - GE's asynchronous-execution sample, in geflow ===//
//
// The call sequence of CANN's "异步执行Graph" sample: initialize, create a
// session, add and build the graph, set the device, create a stream,
// allocate host and device memory, copy the input over, run the graph on
// the stream, synchronize, copy the output back, free, finalize.
//
//   geflow_example_async MODEL [INPUT_VALUE]
//
// MODEL is an .onnx, .mlir or .gfm file with one static-shaped float input;
// the input is filled with INPUT_VALUE (default 0.5) and the first output's
// values are printed.
//
//===----------------------------------------------------------------------===//
#include "geflow/Session.h"
#include "geflow/runtime/gfrt.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#define CHECK_STATUS(expr)                                                     \
  do {                                                                         \
    geflow::Status _s = (expr);                                                \
    if (!_s.ok()) {                                                            \
      std::fprintf(stderr, "%s failed: %s\n", #expr, _s.toString().c_str());   \
      return 1;                                                                \
    }                                                                          \
  } while (0)

#define CHECK_GFRT(expr)                                                       \
  do {                                                                         \
    gfrtError _e = (expr);                                                     \
    if (_e != GFRT_SUCCESS) {                                                  \
      std::fprintf(stderr, "%s failed (%d): %s\n", #expr, _e,                  \
                   gfrtGetLastErrorMessage());                                 \
      return 1;                                                                \
    }                                                                          \
  } while (0)

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MODEL [INPUT_VALUE]\n", argv[0]);
    return 2;
  }
  float value = argc > 2 ? std::strtof(argv[2], nullptr) : 0.5f;
  const uint32_t graphId = 1;

  // 1. System resources (GEInitialize).
  CHECK_STATUS(geflow::Initialize(
      {{"ge.exec.deviceId", "0"}, {"ge.graphRunMode", "0"}}));
  {
    // 2. Session, AddGraph, BuildGraph.
    geflow::Session session({});
    CHECK_STATUS(session.status());
    CHECK_STATUS(session.AddGraph(graphId, argv[1]));
    CHECK_STATUS(session.BuildGraph(graphId));
    auto inputs = session.GetInputs(graphId);
    auto outputs = session.GetOutputs(graphId);
    CHECK_STATUS(inputs.status());
    CHECK_STATUS(outputs.status());
    const geflow::TensorDesc &inDesc = inputs->at(0), &outDesc = outputs->at(0);
    uint64_t inBytes = inDesc.bytes(), outBytes = outDesc.bytes();

    // 3. Device, stream, host and device memory (aclrtSetDevice, ...).
    CHECK_GFRT(gfrtSetDevice(0));
    gfrtStream stream = nullptr;
    CHECK_GFRT(gfrtCreateStream(&stream));
    void *hostIn = nullptr, *hostOut = nullptr, *devIn = nullptr,
         *devOut = nullptr;
    CHECK_GFRT(gfrtMallocHost(&hostIn, inBytes));
    CHECK_GFRT(gfrtMallocHost(&hostOut, outBytes));
    CHECK_GFRT(gfrtMalloc(&devIn, inBytes));
    CHECK_GFRT(gfrtMalloc(&devOut, outBytes));
    float *in = static_cast<float *>(hostIn);
    for (uint64_t i = 0; i < inBytes / sizeof(float); ++i)
      in[i] = value;
    CHECK_GFRT(gfrtMemcpy(devIn, inBytes, hostIn, inBytes,
                          GFRT_MEMCPY_HOST_TO_DEVICE));

    // 4. Run on the stream, synchronize, copy back.
    std::vector<geflow::Tensor> runIn = {
        geflow::Tensor::wrap(inDesc, devIn, inBytes)};
    std::vector<geflow::Tensor> runOut = {
        geflow::Tensor::wrap(outDesc, devOut, outBytes)};
    CHECK_STATUS(
        session.RunGraphWithStreamAsync(graphId, stream, runIn, runOut));
    CHECK_GFRT(gfrtSynchronizeStream(stream));
    CHECK_GFRT(gfrtMemcpy(hostOut, outBytes, devOut, outBytes,
                          GFRT_MEMCPY_DEVICE_TO_HOST));

    const float *out = static_cast<const float *>(hostOut);
    std::printf("output '%s' [", outDesc.name.c_str());
    for (size_t d = 0; d < outDesc.shape.size(); ++d)
      std::printf("%s%lld", d ? "," : "",
                  static_cast<long long>(outDesc.shape[d]));
    std::printf("]:");
    for (uint64_t i = 0; i < outBytes / sizeof(float) && i < 10; ++i)
      std::printf(" %.6g", out[i]);
    std::printf("\n");

    // 5. Free.
    CHECK_GFRT(gfrtFree(devIn));
    CHECK_GFRT(gfrtFree(devOut));
    CHECK_GFRT(gfrtFreeHost(hostIn));
    CHECK_GFRT(gfrtFreeHost(hostOut));
    CHECK_GFRT(gfrtDestroyStream(stream));
  }
  // 6. GEFinalize.
  CHECK_STATUS(geflow::Finalize());
  return 0;
}
