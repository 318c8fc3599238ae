//===- AirGraphImporter.cpp - Build a ge function from a GE GraphDef ------===//
#include "AirGraphImporter.h"
#include "AirAttrs.h"
#include "AirTypes.h"
#include "AirWeights.h"

#include "dialects/ge/IR/GEOps.h"
#include "dialects/ge/IR/GEUtils.h"
#include "geflow/Support/InputLimits.h"

#include "ge_ir.pb.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/raw_ostream.h"

#include <deque>

using namespace mlir;

namespace geflow::frontend::air {

//===----------------------------------------------------------------------===//
// Problems
//===----------------------------------------------------------------------===//

static constexpr size_t kMaxNamesPerOp = 8;
static constexpr size_t kMaxLines = 40;

void ImportProblems::unsupportedOp(StringRef type, StringRef node) {
  for (auto &[t, names] : ops)
    if (t == type)
      return names.push_back(node.str());
  ops.push_back({type.str(), {node.str()}});
}

void ImportProblems::problem(StringRef what, const Twine &reason) {
  lines.push_back((what + ": " + reason).str());
}

LogicalResult ImportProblems::report(Location loc,
                                     StringRef displayName) const {
  std::string message;
  llvm::raw_string_ostream os(message);
  os << "cannot import GE IR model '" << displayName << "'";
  if (!ops.empty()) {
    os << "\n  unsupported op types:";
    bool first = true;
    for (const auto &[type, names] : ops) {
      os << (first ? " " : ", ") << type << " (node"
         << (names.size() > 1 ? "s " : " ");
      first = false;
      for (size_t i = 0; i < names.size() && i < kMaxNamesPerOp; ++i)
        os << (i ? ", " : "") << "'" << names[i] << "'";
      if (names.size() > kMaxNamesPerOp)
        os << " and " << names.size() - kMaxNamesPerOp << " more";
      os << ")";
    }
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i == kMaxLines) {
      os << "\n  ... and " << lines.size() - kMaxLines << " more";
      break;
    }
    os << "\n  " << lines[i];
  }
  return emitError(loc) << message;
}

//===----------------------------------------------------------------------===//
// Structure: edges, order, inputs
//===----------------------------------------------------------------------===//

AirGraphImporter::AirGraphImporter(MLIRContext *ctx,
                                   const ::ge::proto::GraphDef &graph,
                                   StringRef modelDir,
                                   const ImportOptions &options,
                                   ImportProblems &problems)
    : ctx(ctx), graph(graph), modelDir(modelDir.str()), options(options),
      problems(problems), builder(ctx) {}

std::string AirGraphImporter::label(const ::ge::proto::OpDef &op) const {
  return op.type() + " '" + op.name() + "'";
}

Location AirGraphImporter::locOf(const ::ge::proto::OpDef &op) {
  return NameLoc::get(builder.getStringAttr(op.name()));
}

void AirGraphImporter::fail(const ::ge::proto::OpDef &op, const Twine &reason) {
  problems.problem(label(op), reason);
  poisoned.insert(&op);
}

static bool parseWireInput(StringRef text, WireInput &in) {
  if (text.empty())
    return true;
  size_t colon = text.rfind(':');
  if (colon == StringRef::npos || colon == 0)
    return false;
  in.source = text.take_front(colon).str();
  return !text.drop_front(colon + 1).getAsInteger(10, in.index) &&
         in.index >= -1;
}

bool AirGraphImporter::parseEdges() {
  bool ok = true;
  for (const ::ge::proto::OpDef &op : graph.op()) {
    if (op.name().empty()) {
      problems.problem("an op of type '" + op.type() + "'", "has no name");
      ok = false;
      continue;
    }
    if (!nodes.try_emplace(op.name(), &op).second) {
      problems.problem(label(op), "the name is used by two ops");
      ok = false;
    }
  }
  for (const ::ge::proto::OpDef &op : graph.op()) {
    std::vector<WireInput> &ins = edges[&op];
    for (const std::string &text : op.input()) {
      WireInput in;
      if (!parseWireInput(text, in)) {
        problems.problem(label(op), "input '" + text +
                                        "' is not 'op:index' (index >= 0, "
                                        "or -1 for a control edge)");
        ok = false;
        continue;
      }
      if (!in.absent() && !nodes.count(in.source)) {
        problems.problem(label(op), "input '" + text + "' names op '" +
                                        in.source +
                                        "', which is not in "
                                        "the graph");
        ok = false;
        continue;
      }
      ins.push_back(in);
    }
  }
  return ok;
}

bool AirGraphImporter::sortNodes(
    std::vector<const ::ge::proto::OpDef *> &order) {
  // Kahn's algorithm in file order, so a sorted file keeps its order.
  std::map<const ::ge::proto::OpDef *, int> pending;
  std::map<const ::ge::proto::OpDef *, std::vector<const ::ge::proto::OpDef *>>
      users;
  for (const ::ge::proto::OpDef &op : graph.op()) {
    pending[&op] = 0;
    for (const WireInput &in : edges[&op])
      if (!in.absent()) {
        ++pending[&op];
        users[nodes.lookup(in.source)].push_back(&op);
      }
  }
  std::deque<const ::ge::proto::OpDef *> ready;
  for (const ::ge::proto::OpDef &op : graph.op())
    if (pending[&op] == 0)
      ready.push_back(&op);
  while (!ready.empty()) {
    const ::ge::proto::OpDef *op = ready.front();
    ready.pop_front();
    order.push_back(op);
    for (const ::ge::proto::OpDef *user : users[op])
      if (--pending[user] == 0)
        ready.push_back(user);
  }
  if (order.size() == static_cast<size_t>(graph.op_size()))
    return true;
  std::string cycle;
  int listed = 0;
  for (const ::ge::proto::OpDef &op : graph.op())
    if (pending[&op] > 0 && listed++ < 8)
      cycle += (cycle.empty() ? "'" : ", '") + op.name() + "'";
  problems.problem("the graph", "has a cycle through " + cycle +
                                    (listed > 8 ? " and more" : ""));
  return false;
}

bool AirGraphImporter::createFunction(ModuleOp module) {
  // Data ops in index order are the arguments.
  std::map<int64_t, const ::ge::proto::OpDef *> byIndex;
  bool ok = true;
  for (const ::ge::proto::OpDef &op : graph.op()) {
    if (op.type() != "Data")
      continue;
    auto it = op.attr().find("index");
    if (it == op.attr().end() ||
        it->second.value_case() != ::ge::proto::AttrDef::kI) {
      fail(op, "has no integer attribute 'index'");
      ok = false;
      continue;
    }
    if (!byIndex.try_emplace(it->second.i(), &op).second) {
      fail(op, "index " + std::to_string(it->second.i()) +
                   " is used by another Data op too");
      ok = false;
    }
  }
  int64_t expected = 0;
  for (auto &[index, op] : byIndex)
    if (index != expected++) {
      fail(*op, "the Data indices are not 0.." +
                    std::to_string(byIndex.size() - 1) + " (found index " +
                    std::to_string(index) + ")");
      return false;
    }
  SmallVector<Type> argTypes;
  SmallVector<const ::ge::proto::OpDef *> args;
  for (auto &[index, op] : byIndex) {
    const ::ge::proto::TensorDescriptor *desc =
        op->output_desc_size()  ? &op->output_desc(0)
        : op->input_desc_size() ? &op->input_desc(0)
                                : nullptr;
    if (!desc) {
      fail(*op, "has no output descriptor (dtype and shape)");
      ok = false;
      continue;
    }
    std::string error;
    FailureOr<RankedTensorType> type = typeFromDesc(ctx, *desc, error);
    if (failed(type)) {
      fail(*op, error);
      ok = false;
      continue;
    }
    argTypes.push_back(*type);
    args.push_back(op);
  }
  // --input_shape overrides the declared shapes, as for ONNX.
  for (const NamedShape &shape : options.inputShapes) {
    auto it = llvm::find_if(args, [&](const ::ge::proto::OpDef *op) {
      return op->name() == shape.name;
    });
    if (it == args.end()) {
      problems.problem("input_shape", "names '" + shape.name +
                                          "', which is not a Data op of "
                                          "the graph");
      ok = false;
      continue;
    }
    auto &type = argTypes[it - args.begin()];
    auto old = cast<RankedTensorType>(type);
    SmallVector<int64_t> dims;
    for (int64_t d : shape.dims)
      dims.push_back(d < 0 ? ShapedType::kDynamic : d);
    auto replaced = RankedTensorType::get(dims, old.getElementType());
    if (failed(verifyCompatibleShape(replaced, old))) {
      std::string text;
      llvm::raw_string_ostream os(text);
      os << "gives '" << shape.name << "' shape " << replaced
         << ", incompatible with the model's " << old;
      problems.problem("input_shape", text);
      ok = false;
      continue;
    }
    type = replaced;
  }
  if (!ok)
    return false;
  builder.setInsertionPointToEnd(module.getBody());
  std::string name = graph.name().empty() ? "main" : graph.name();
  function =
      func::FuncOp::create(builder, NameLoc::get(builder.getStringAttr(name)),
                           name, builder.getFunctionType(argTypes, {}));
  Block *entry = function.addEntryBlock();
  for (auto [i, op] : llvm::enumerate(args)) {
    values[op->name() + ":0"] = entry->getArgument(i);
    function.setArgAttr(i, "ge.name", builder.getStringAttr(op->name()));
  }
  builder.setInsertionPointToEnd(entry);
  return true;
}

LogicalResult AirGraphImporter::importGraph(ModuleOp module) {
  if (!parseEdges())
    return failure();
  std::vector<const ::ge::proto::OpDef *> order;
  if (!sortNodes(order) || !createFunction(module))
    return failure();
  for (const ::ge::proto::OpDef *op : order)
    importNode(*op);
  if (!problems.empty())
    return failure();
  if (!netOutput) {
    problems.problem("the graph", "has no NetOutput op (nothing is an output)");
    return failure();
  }
  importNetOutput(*netOutput);
  return success(problems.empty());
}

//===----------------------------------------------------------------------===//
// Nodes
//===----------------------------------------------------------------------===//

Value AirGraphImporter::lookup(const ::ge::proto::OpDef &user,
                               const WireInput &in) {
  const ::ge::proto::OpDef *src = nodes.lookup(in.source);
  if (poisoned.contains(src)) {
    poisoned.insert(&user);
    return {};
  }
  Value v = values.lookup(in.source + ":" + std::to_string(in.index));
  if (!v)
    fail(user, "input '" + in.source + ":" + std::to_string(in.index) +
                   "' is not an output " + src->type() + " '" + src->name() +
                   "' has (or one geflow does not model)");
  return v;
}

void AirGraphImporter::importNode(const ::ge::proto::OpDef &op) {
  StringRef type = op.type();
  if (type == "Data")
    return;
  if (type == "NetOutput") {
    if (netOutput)
      return fail(op, "is a second NetOutput (the graph has one)");
    netOutput = &op;
    return;
  }
  if (op.subgraph_name_size() > 0 || type == "If" || type == "While" ||
      type == "Case" || type == "PartitionedCall" || type == "StatelessIf" ||
      type == "StatelessWhile")
    return fail(op, "has subgraphs; control flow (If, While, Case, "
                    "PartitionedCall) is not supported");
  std::optional<OpForm> form;
  bool weight = type == "Const" || type == "Constant" || type == "FileConstant";
  if (!weight && !(form = lookupWireForm(ctx, type))) {
    // Listed even when an input already failed: all at once.
    problems.unsupportedOp(type, op.name());
    poisoned.insert(&op);
    return;
  }
  for (const WireInput &in : edges[&op])
    if (!in.absent() && poisoned.contains(nodes.lookup(in.source))) {
      poisoned.insert(&op);
      return;
    }
  if (type == "FileConstant")
    return importFileConstant(op);
  if (weight)
    return importConst(op);
  importOp(op, *form);
}

/// The one output descriptor a constant declares must agree with its data.
static bool descAgrees(MLIRContext *ctx, const ::ge::proto::OpDef &op,
                       RankedTensorType type, std::string &error) {
  if (op.output_desc_size() == 0)
    return true;
  FailureOr<RankedTensorType> declared =
      typeFromDesc(ctx, op.output_desc(0), error);
  if (failed(declared))
    return false;
  if (declared->getElementType() != type.getElementType() ||
      failed(verifyCompatibleShape(*declared, type))) {
    llvm::raw_string_ostream os(error);
    os << "its output descriptor says " << *declared << " but its data is "
       << type;
    return false;
  }
  return true;
}

void AirGraphImporter::importConst(const ::ge::proto::OpDef &op) {
  auto it = op.attr().find("value");
  if (it == op.attr().end() ||
      it->second.value_case() != ::ge::proto::AttrDef::kT)
    return fail(op, "has no tensor attribute 'value'");
  std::string error;
  FailureOr<WireTensor> tensor = readTensor(ctx, it->second.t(), error);
  if (failed(tensor))
    return fail(op, "value " + error);
  if (!descAgrees(ctx, op, tensor->type, error))
    return fail(op, error);
  ElementsAttr value = ge::makeElementsAttr(
      tensor->type, ArrayRef<char>(tensor->bytes.data(), tensor->bytes.size()),
      op.name(), options.largeConstantBytes);
  auto cst = ge::ConstOp::create(builder, locOf(op), value);
  values[op.name() + ":0"] = cst.getResult();
}

template <typename T>
static const ::ge::proto::AttrDef *findAttr(const T &op, StringRef name) {
  auto it = op.attr().find(name.str());
  return it == op.attr().end() ? nullptr : &it->second;
}

void AirGraphImporter::importFileConstant(const ::ge::proto::OpDef &op) {
  std::string error;
  // The type: attrs shape + dtype (C++ numbering), else the output desc.
  const ::ge::proto::AttrDef *shapeAttr = findAttr(op, "shape");
  const ::ge::proto::AttrDef *dtypeAttr = findAttr(op, "dtype");
  RankedTensorType type;
  if (shapeAttr && dtypeAttr) {
    if (shapeAttr->value_case() != ::ge::proto::AttrDef::kList ||
        dtypeAttr->value_case() != ::ge::proto::AttrDef::kDt)
      return fail(op, "attribute 'shape' must be a list of ints and 'dtype' "
                      "a data type");
    FailureOr<Type> elem = typeFromCppDType(ctx, dtypeAttr->dt(), error);
    if (failed(elem))
      return fail(op, "dtype: " + error);
    SmallVector<int64_t> dims(shapeAttr->list().i().begin(),
                              shapeAttr->list().i().end());
    if (llvm::any_of(dims, [](int64_t d) { return d < 0; }))
      return fail(op, "shape has a negative dim");
    type = RankedTensorType::get(dims, *elem);
    if (!descAgrees(ctx, op, type, error))
      return fail(op, error);
  } else if (op.output_desc_size()) {
    FailureOr<RankedTensorType> declared =
        typeFromDesc(ctx, op.output_desc(0), error);
    if (failed(declared))
      return fail(op, error);
    if (!declared->hasStaticShape())
      return fail(op, "has no 'shape' attribute and its descriptor has "
                      "unknown dims");
    type = *declared;
  } else {
    return fail(op, "has neither 'shape' and 'dtype' attributes nor an "
                    "output descriptor");
  }
  std::string path;
  for (StringRef key : {"file_path", "location"})
    if (const ::ge::proto::AttrDef *a = findAttr(op, key);
        a && a->value_case() == ::ge::proto::AttrDef::kS && !a->s().empty()) {
      path = a->s();
      break;
    }
  if (path.empty()) {
    const ::ge::proto::AttrDef *id = findAttr(op, "file_id");
    if (id && !id->s().empty())
      return fail(op, "names its weights by file_id '" + id->s() +
                          "' only; geflow needs file_path (GE maps ids to "
                          "files through session options)");
    return fail(op, "has no file_path");
  }
  int64_t offset = 0, length = 0;
  for (auto [key, slot] : {std::pair<StringRef, int64_t *>{"offset", &offset},
                           {"length", &length}})
    if (const ::ge::proto::AttrDef *a = findAttr(op, key)) {
      if (a->value_case() != ::ge::proto::AttrDef::kI || a->i() < 0)
        return fail(op, "attribute '" + key + "' must be a non-negative int");
      *slot = a->i();
    }
  uint64_t bytes = static_cast<uint64_t>(type.getNumElements()) *
                   elementBytes(type.getElementType());
  if (length != 0 && static_cast<uint64_t>(length) != bytes)
    return fail(op, "length " + std::to_string(length) +
                        " does not match the " + std::to_string(bytes) +
                        " bytes of its tensor");
  FailureOr<ResolvedWeight> file = resolveAirWeight(path, modelDir, error);
  if (failed(file))
    return fail(op, error);
  if (static_cast<uint64_t>(offset) > file->size || file->size - offset < bytes)
    return fail(
        op, "weight file '" + path + "' has " + std::to_string(file->size) +
                " bytes; the tensor "
                "needs " +
                std::to_string(bytes) + " at offset " + std::to_string(offset));
  if (!file->underModelDir.empty()) {
    // Loaded by the compiler from the model's directory (ge.model_dir).
    auto fc = ge::FileConstantOp::create(
        builder, locOf(op), file->underModelDir, offset, bytes, type.getShape(),
        type.getElementType());
    values[op.name() + ":0"] = fc.getResult();
    return;
  }
  // Found through the working directory only: read it now, the compiler
  // only knows the model's directory.
  auto buffer = readInputFile(file->realPath, UINT64_MAX, error,
                              /*requiresNullTerminator=*/false);
  if (!buffer || buffer->getBufferSize() < offset + bytes)
    return fail(op, "cannot read weight file '" + path + "': " +
                        (error.empty() ? "it changed while read" : error));
  ElementsAttr value = ge::makeElementsAttr(
      type, ArrayRef<char>(buffer->getBufferStart() + offset, bytes), op.name(),
      options.largeConstantBytes);
  values[op.name() + ":0"] =
      ge::ConstOp::create(builder, locOf(op), value).getResult();
}

void AirGraphImporter::importNetOutput(const ::ge::proto::OpDef &op) {
  SmallVector<Value> results;
  SmallVector<std::string> names;
  const ::ge::proto::AttrDef *named = findAttr(op, "_output_names");
  for (const WireInput &in : edges[&op]) {
    if (in.absent() || in.control())
      continue;
    Value v = lookup(op, in);
    if (!v)
      continue;
    results.push_back(v);
    names.push_back(in.index == 0 ? in.source
                                  : in.source + ":" + std::to_string(in.index));
  }
  if (named && named->value_case() == ::ge::proto::AttrDef::kList &&
      named->list().s_size() == static_cast<int>(names.size()))
    for (auto [i, n] : llvm::enumerate(named->list().s()))
      names[i] = n;
  if (results.empty())
    return fail(op, "has no data inputs; the graph has no outputs");
  if (!problems.empty())
    return;
  func::ReturnOp::create(builder, locOf(op), results);
  function.setType(builder.getFunctionType(function.getArgumentTypes(),
                                           ValueRange(results).getTypes()));
  for (auto [i, name] : llvm::enumerate(names))
    function.setResultAttr(i, "ge.name", builder.getStringAttr(name));
}

} // namespace geflow::frontend::air
