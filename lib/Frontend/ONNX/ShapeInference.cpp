//===- ShapeInference.cpp - ONNX shape inference, isolated ----------------===//
#include "ShapeInference.h"
#include "OpVersions.h"

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

static std::string inferWithLibrary(onnx::ModelProto &model);

static constexpr const char *kHiddenDomain = "geflow.hidden";

static int64_t getDefaultOpset(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &opset : model.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      return opset.version();
  return 0;
}

static bool hasAttribute(const onnx::NodeProto &node, llvm::StringRef name) {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return true;
  return false;
}

/// Whether `node` (of an op version from opsets 18 to 21) uses an input or
/// attribute its opset-17 definition lacks in a way that changes shapes or
/// types, so that the ONNX library, which knows only that definition, would
/// infer wrong ones. (Reduce* axes inputs, Scatter* max/min and new element
/// types it already infers right.)
static bool isMisreadByLibrary(const onnx::NodeProto &node, int64_t opset) {
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return false;
  std::optional<int64_t> version = getOpVersion(node.op_type(), opset);
  if (!version || *version <= kLibraryMaxOpset)
    return false;
  llvm::StringRef op = node.op_type();
  if (op == "Pad")
    return node.input_size() > 3 && !node.input(3).empty();
  if (op == "Resize")
    return hasAttribute(node, "axes") ||
           hasAttribute(node, "keep_aspect_ratio_policy");
  if (op == "AveragePool")
    return hasAttribute(node, "dilations");
  if (op == "Split")
    return hasAttribute(node, "num_outputs");
  if (op == "QuantizeLinear" || op == "DequantizeLinear")
    return hasAttribute(node, "output_dtype") ||
           hasAttribute(node, "block_size");
  return false;
}

/// Inference in this process; the reply for the parent. Nodes the ONNX
/// library would misread are hidden from it (moved to a domain it does not
/// know, so their outputs stay unknown) and restored afterwards.
static std::string inferHere(onnx::ModelProto &model) {
  int64_t opset = getDefaultOpset(model);
  llvm::SmallVector<std::pair<onnx::NodeProto *, std::string>> hidden;
  if (opset > kLibraryMaxOpset)
    for (onnx::NodeProto &node : *model.mutable_graph()->mutable_node())
      if (isMisreadByLibrary(node, opset)) {
        hidden.emplace_back(&node, node.domain());
        node.set_domain(kHiddenDomain);
      }
  if (hidden.empty())
    return inferWithLibrary(model);
  // A node in a domain without an opset import stops inference; one whose
  // op the domain lacks is skipped.
  onnx::OperatorSetIdProto *import = model.add_opset_import();
  import->set_domain(kHiddenDomain);
  import->set_version(1);
  std::string reply = inferWithLibrary(model);
  model.mutable_opset_import()->RemoveLast();
  for (auto &[node, domain] : hidden)
    node->set_domain(domain);
  return reply;
}

static std::string inferWithLibrary(onnx::ModelProto &model) {
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
