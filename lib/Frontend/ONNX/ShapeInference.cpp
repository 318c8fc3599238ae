//===- ShapeInference.cpp - ONNX shape inference, isolated ----------------===//
#include "ShapeInference.h"
#include "InferenceGuards.h"
#include "OpVersions.h"
#include "TensorImport.h"
#include "TypeMapping.h"

#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"
#include "onnx/shape_inference/implementation.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <optional>

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
enum : char { kInferred = 'I', kThrew = 'E', kRefused = 'R' };

static std::string inferWithLibrary(onnx::ModelProto &model);

static constexpr const char *kHiddenDomain = "geflow.hidden";

// The largest rank an "axis" may address when the model does not declare
// the input's rank (geflow's tensors have at most 16 dims).
static constexpr int kMaxImportRank = 16;

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

/// Whether `node`'s "axis" attribute, if it has one, lies within the rank
/// of its first input. The library's LayerNormalization inference copies
/// the dims before the axis without checking it (axis = INT64_MAX read far
/// past the shape). Where the model does not declare the input's rank, the
/// axis must lie within geflow's largest rank.
static bool hasAxisInRange(const onnx::NodeProto &node,
                           const llvm::StringMap<int> &declaredRanks) {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == "axis") {
      int rank = kMaxImportRank;
      if (node.input_size() > 0)
        if (auto it = declaredRanks.find(node.input(0));
            it != declaredRanks.end())
          rank = it->second;
      return attr.i() >= -rank && attr.i() < rank;
    }
  return true;
}

/// The ranks the graph declares for its inputs, initializers and values.
static llvm::StringMap<int> getDeclaredRanks(const onnx::GraphProto &graph) {
  llvm::StringMap<int> ranks;
  for (const onnx::TensorProto &init : graph.initializer())
    ranks[init.name()] = init.dims_size();
  for (const auto *infos : {&graph.input(), &graph.value_info()})
    for (const onnx::ValueInfoProto &info : *infos)
      if (info.type().tensor_type().has_shape())
        ranks[info.name()] = info.type().tensor_type().shape().dim_size();
  return ranks;
}

/// Whether the ONNX library's inference functions could dereference a missing
/// input of `node`: more inputs than its schema declares, fewer than it
/// needs, or an empty name for an input that is not optional. (They read
/// inputs by index without checking; a Shape node without its input is a null
/// read in data propagation.) Nodes with subgraphs are not imported, and
/// their bodies are not checked here: the library never sees them.
static bool isUnsafeForLibrary(const onnx::NodeProto &node, int64_t opset,
                               const llvm::StringMap<int> &declaredRanks) {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.has_g() || attr.graphs_size() > 0)
      return true;
  if (node.op_type() == "LayerNormalization" &&
      !hasAxisInRange(node, declaredRanks))
    return true;
  const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(
      node.op_type(), static_cast<int>(opset), node.domain());
  if (!schema)
    return false; // the library skips ops it does not know
  // If, Loop, Scan, SequenceMap: the library dereferences the inferencer of
  // a body attribute the node may lack.
  for (const auto &[name, attr] : schema->attributes())
    if (attr.type == onnx::AttributeProto::GRAPH ||
        attr.type == onnx::AttributeProto::GRAPHS)
      return true;
  // A node of a newer version than the library's schema may have more
  // inputs and outputs (ReduceMean-18's axes); the library ignores those.
  std::optional<int64_t> version = getOpVersion(node.op_type(), opset);
  bool newer = version && *version > kLibraryMaxOpset;
  int inputs = node.input_size(), outputs = node.output_size();
  if (inputs < schema->min_input() || outputs < schema->min_output() ||
      (!newer &&
       (inputs > schema->max_input() || outputs > schema->max_output())))
    return true;
  const auto &formal = schema->inputs();
  for (int i = 0; i < inputs && i < static_cast<int>(formal.size()); ++i)
    if (node.input(i).empty() &&
        formal[i].GetOption() == onnx::OpSchema::FormalParameterOption::Single)
      return true;
  return false;
}

/// Whether the values stored in `tensor` are as many as its dims say. The
/// library reads an initializer's values for inference (a Reshape's shape)
/// without checking: raw_data of 1 byte for an int64 tensor is a memcpy to a
/// null vector. External data it refuses by itself.
static bool hasConsistentData(const onnx::TensorProto &tensor) {
  if (hasExternalData(tensor))
    return true;
  int64_t count = 1;
  for (int64_t dim : tensor.dims())
    if (dim < 0 || llvm::MulOverflow(count, dim, count))
      return false;
  if (tensor.has_raw_data()) {
    int64_t bytes = dataTypeBytes(tensor.data_type()), total = 0;
    return bytes > 0 && !llvm::MulOverflow(count, bytes, total) &&
           static_cast<int64_t>(tensor.raw_data().size()) == total;
  }
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    return tensor.float_data_size() == count;
  case onnx::TensorProto::COMPLEX64:
    return tensor.float_data_size() / 2 == count;
  case onnx::TensorProto::DOUBLE:
    return tensor.double_data_size() == count;
  case onnx::TensorProto::COMPLEX128:
    return tensor.double_data_size() / 2 == count;
  case onnx::TensorProto::INT64:
    return tensor.int64_data_size() == count;
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64:
    return tensor.uint64_data_size() == count;
  case onnx::TensorProto::STRING:
    return tensor.string_data_size() == count;
  default: // int32, the narrower integers, bool, float16, bfloat16
    return tensor.int32_data_size() == count;
  }
}

/// Gives every value of the graph a type, empty where nothing declares one.
/// The library looks input types up by name and hands a null pointer to
/// inference functions for a name it has no type for (undefined, or the
/// output of a node whose inference failed); several dereference it. An
/// empty type reads as "unknown" to all of them.
static void addPlaceholderTypes(onnx::GraphProto &graph) {
  llvm::StringSet<> typed;
  for (const onnx::TensorProto &init : graph.initializer())
    typed.insert(init.name());
  for (auto *infos : {graph.mutable_input(), graph.mutable_output(),
                      graph.mutable_value_info()})
    for (onnx::ValueInfoProto &info : *infos)
      if (info.has_type())
        typed.insert(info.name());
  // Untyped graph inputs and outputs get theirs in place: the library writes
  // an inferred output type where the name's type lives.
  for (auto *infos : {graph.mutable_input(), graph.mutable_output()})
    for (onnx::ValueInfoProto &info : *infos)
      if (typed.insert(info.name()).second)
        info.mutable_type();
  for (const onnx::NodeProto &node : graph.node())
    for (const auto *names : {&node.input(), &node.output()})
      for (const std::string &name : *names)
        if (!name.empty() && typed.insert(name).second) {
          onnx::ValueInfoProto *info = graph.add_value_info();
          info->set_name(name);
          info->mutable_type();
        }
}

/// Removes the placeholders inference left empty.
static void removeEmptyTypes(onnx::GraphProto &graph) {
  auto isEmpty = [](const onnx::ValueInfoProto &info) {
    return info.has_type() &&
           info.type().value_case() == onnx::TypeProto::VALUE_NOT_SET;
  };
  for (auto *infos : {graph.mutable_input(), graph.mutable_output()})
    for (onnx::ValueInfoProto &info : *infos)
      if (isEmpty(info))
        info.clear_type();
  auto *valueInfo = graph.mutable_value_info();
  valueInfo->erase(
      std::remove_if(valueInfo->begin(), valueInfo->end(), isEmpty),
      valueInfo->end());
}

/// Inference in this process; the reply for the parent. Nodes the ONNX
/// library would misread or crash on are hidden from it (moved to a domain
/// it does not know, so their outputs stay unknown) and restored afterwards;
/// geflow's translators check those nodes again and report them.
static std::string inferHere(onnx::ModelProto &model) {
  int64_t opset = getDefaultOpset(model);
  onnx::GraphProto &graph = *model.mutable_graph();
  llvm::StringMap<int> declaredRanks = getDeclaredRanks(graph);
  llvm::SmallVector<std::pair<onnx::NodeProto *, std::string>> hidden;
  for (onnx::NodeProto &node : *graph.mutable_node())
    if ((opset > kLibraryMaxOpset && isMisreadByLibrary(node, opset)) ||
        isUnsafeForLibrary(node, opset, declaredRanks)) {
      hidden.emplace_back(&node, node.domain());
      node.set_domain(kHiddenDomain);
    }
  // geflow does not import model-local functions; the library expands
  // them, recursively, without a depth limit (a function calling itself
  // overflows the stack).
  google::protobuf::RepeatedPtrField<onnx::FunctionProto> functions;
  functions.Swap(model.mutable_functions());
  // An initializer renamed out of the way leaves its value unknown.
  llvm::SmallVector<onnx::TensorProto *> renamed;
  for (onnx::TensorProto &init : *graph.mutable_initializer())
    if (!hasConsistentData(init)) {
      init.set_name(kHiddenDomain + (":" + init.name()));
      renamed.push_back(&init);
    }
  // A node in a domain without an opset import stops inference; one whose
  // op the domain lacks is skipped.
  if (!hidden.empty()) {
    onnx::OperatorSetIdProto *import = model.add_opset_import();
    import->set_domain(kHiddenDomain);
    import->set_version(1);
  }
  installInferenceGuards();
  tagGuardedNodes(graph);
  std::string reply = inferWithLibrary(model);
  untagGuardedNodes(graph);
  if (!hidden.empty())
    model.mutable_opset_import()->RemoveLast();
  for (auto &[node, domain] : hidden)
    node->set_domain(domain);
  functions.Swap(model.mutable_functions());
  for (onnx::TensorProto *init : renamed)
    init->set_name(init->name().substr(std::strlen(kHiddenDomain) + 1));
  return reply;
}

static std::string inferWithLibrary(onnx::ModelProto &model) {
  addPlaceholderTypes(*model.mutable_graph());
  std::optional<std::string> thrown, refused;
  try {
    // Lenient about node-level errors (the ge ops check every node again,
    // with clearer messages); data propagation gives static shapes to
    // shape computations such as Shape -> Gather -> Reshape.
    onnx::ShapeInferenceOptions options(/*check_type_val=*/false,
                                        /*strict_mode_val=*/0,
                                        /*data_prop_val=*/true);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const InferenceGuardError &e) {
    refused = e.what();
  } catch (const std::exception &e) {
    thrown = e.what();
  }
  removeEmptyTypes(*model.mutable_graph());
  if (refused)
    return std::string(1, kRefused) + *refused;
  if (thrown)
    return std::string(1, kThrew) + *thrown;
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
  if (!reply.empty() && reply[0] == kRefused) {
    error = reply.substr(1);
    return failure();
  }
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
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  // The fuzz build infers in this process: a fork per input costs more than
  // the import itself, and a crash of the library is a finding to guard
  // against in inferHere or InferenceGuards, not an error to report.
  return applyReply(inferHere(model), model, error);
#endif
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
