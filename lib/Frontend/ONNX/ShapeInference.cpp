//===- ShapeInference.cpp - ONNX shape inference, isolated ----------------===//
#include "ShapeInference.h"

#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"
#include "onnx/shape_inference/implementation.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace mlir;

namespace geflow::frontend::onnximp {

// Inference is linear in the graph and takes well under a second for large
// real models; one that runs for a minute is stuck (a malformed model can
// ask for a shape of 2^31 dims), not big.
static constexpr int kTimeoutSeconds = 60;

// The reply's first byte says what follows.
enum : char { kInferred = 'I', kThrew = 'E' };

/// Inference in this process; the reply for the parent.
static std::string inferHere(onnx::ModelProto &model) {
  try {
    // Lenient about node-level errors (the ge ops check every node again,
    // with clearer messages); data propagation gives static shapes to
    // shape computations such as Shape -> Gather -> Reshape.
    onnx::ShapeInferenceOptions options(/*check_type_val=*/false,
                                        /*strict_mode_val=*/0,
                                        /*data_prop_val=*/true);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception &e) {
    return std::string(1, kThrew) + e.what();
  }
  onnx::GraphProto inferred;
  *inferred.mutable_value_info() = model.graph().value_info();
  *inferred.mutable_output() = model.graph().output();
  return std::string(1, kInferred) + inferred.SerializeAsString();
}

static void writeAll(int fd, const std::string &data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    done += n;
  }
}

/// Reads until EOF or the deadline; false on timeout.
static bool readAll(int fd, std::string &data) {
  char buffer[65536];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, kTimeoutSeconds * 1000);
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0)
      return false;
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return true;
    data.append(buffer, n);
  }
}

static LogicalResult applyReply(const std::string &reply,
                                onnx::ModelProto &model, std::string &error) {
  if (!reply.empty() && reply[0] == kThrew) {
    error = "ONNX shape inference failed: " + reply.substr(1);
    return failure();
  }
  onnx::GraphProto inferred;
  if (reply.empty() || reply[0] != kInferred ||
      !inferred.ParseFromArray(reply.data() + 1,
                               static_cast<int>(reply.size() - 1))) {
    error = "ONNX shape inference returned no result";
    return failure();
  }
  *model.mutable_graph()->mutable_value_info() = inferred.value_info();
  *model.mutable_graph()->mutable_output() = inferred.output();
  return success();
}

LogicalResult inferShapes(onnx::ModelProto &model, std::string &error) {
  int fds[2];
  if (::pipe(fds) != 0)
    return applyReply(inferHere(model), model, error);
  pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return applyReply(inferHere(model), model, error);
  }
  if (child == 0) {
    // A crash here is reported by the parent; the crash handlers the
    // process installed (LLVM's stack dump) must not print for it.
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP})
      ::signal(sig, SIG_DFL);
    ::close(fds[0]);
    writeAll(fds[1], inferHere(model));
    ::close(fds[1]);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string reply;
  bool finished = readAll(fds[0], reply);
  ::close(fds[0]);
  if (!finished)
    ::kill(child, SIGKILL);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!finished) {
    error = "ONNX shape inference did not finish within " +
            std::to_string(kTimeoutSeconds) + " s";
    return failure();
  }
  if (WIFSIGNALED(status)) {
    error = std::string("ONNX shape inference crashed (") +
            ::strsignal(WTERMSIG(status)) + "); the model is malformed";
    return failure();
  }
  return applyReply(reply, model, error);
}

} // namespace geflow::frontend::onnximp
