//===- AirExporter.cpp - A ge function -> a GE IR ModelDef (.air) ---------===//
//
// Data ops (with `index`) first, then every op in the function's order, then
// NetOutput. Each ge op is written in its export form (AirOpForms): GE's op
// type and attribute names, constants for the inputs GE takes as tensors,
// list attributes with val_type set, both dtype numberings where GE uses
// them. Weights become Const ops, or raw files referenced by FileConstant.
//
//===----------------------------------------------------------------------===//
#include "geflow/Frontend/AIR.h"

#include "AirAttrs.h"
#include "AirOpForms.h"
#include "AirText.h"
#include "AirTypes.h"

#include "dialects/ge/IR/GEOps.h"
#include "dialects/ge/IR/GEUtils.h"
#include "geflow/Frontend/WeightPaths.h"
#include "geflow/Support/InputLimits.h"

#include "ge_ir.pb.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cfloat>
#include <cstring>

using namespace mlir;
using ListValue = ::ge::proto::AttrDef::ListValue;

namespace geflow::frontend {

namespace {

/// The bytes of a weight: a ge.Const's data, or a ge.FileConstant's file
/// read from the module's directory.
FailureOr<std::vector<uint8_t>> weightBytes(Operation *op, ModuleOp module,
                                            std::string &error) {
  if (auto cst = dyn_cast<ge::ConstOp>(op)) {
    auto bytes = ge::getRawBytes(cst.getValue());
    if (failed(bytes))
      error = "its data is not available";
    return bytes;
  }
  auto file = cast<ge::FileConstantOp>(op);
  auto dir = module->getAttrOfType<StringAttr>("ge.model_dir");
  if (!dir) {
    error = "its weight file needs the model's directory";
    return failure();
  }
  auto path = resolveWeightFile(dir.getValue(), file.getFilePath(), error);
  if (failed(path))
    return failure();
  auto buffer = readInputFile(*path, UINT64_MAX, error,
                              /*requiresNullTerminator=*/false);
  auto type = cast<RankedTensorType>(file.getType());
  uint64_t bytes =
      type.getNumElements() * air::elementBytes(type.getElementType());
  if (!buffer || buffer->getBufferSize() < file.getOffset() + bytes) {
    if (error.empty())
      error = "weight file '" + file.getFilePath().str() + "' is too short";
    return failure();
  }
  const char *start = buffer->getBufferStart() + file.getOffset();
  return std::vector<uint8_t>(start, start + bytes);
}

class Exporter {
public:
  Exporter(ModuleOp module, StringRef path, const AirExportOptions &options,
           AirExportResult &result, std::string &error)
      : module(module), path(path.str()), options(options), result(result),
        error(error) {}

  LogicalResult run();

private:
  std::string uniqueName(StringRef base);
  std::string nodeName(Operation *op, StringRef type);
  ::ge::proto::OpDef *addOp(StringRef name, StringRef type);
  LogicalResult fail(Operation *op, const Twine &message);
  LogicalResult exportData(func::FuncOp f);
  LogicalResult exportWeight(Operation *op);
  LogicalResult exportOp(Operation *op);
  LogicalResult exportReturn(func::ReturnOp ret, func::FuncOp f);
  /// A Const holding `attr` (as GE wants the tensor) feeding an input of
  /// `user`; returns its "name:0".
  std::string constInput(StringRef user, StringRef attrName,
                         air::ConstKind kind, Attribute attr);
  void addDesc(::ge::proto::TensorDescriptor *desc, Type type, StringRef name,
               Value value = {});
  void computeLayouts(func::FuncOp f);
  LogicalResult writeFile(StringRef file, StringRef bytes);

  ModuleOp module;
  std::string path;
  const AirExportOptions &options;
  AirExportResult &result;
  std::string &error;

  ::ge::proto::ModelDef model;
  ::ge::proto::GraphDef *graph = nullptr;
  llvm::StringSet<> names, fileNames;
  DenseMap<Value, std::string> wire;
  /// The layout string of 4-D values whose format the graph states.
  DenseMap<Value, StringRef> layouts;
  std::string weightDir;
  bool external = false;
};

std::string Exporter::uniqueName(StringRef base) {
  std::string name = base.empty() ? "op" : base.str();
  for (int i = 1; !names.insert(name).second; ++i)
    name = (base + "_" + Twine(i)).str();
  return name;
}

std::string Exporter::nodeName(Operation *op, StringRef type) {
  SmallVector<StringRef> given = ge::nodeNames(op->getLoc());
  return uniqueName(given.empty() ? type : given.front());
}

::ge::proto::OpDef *Exporter::addOp(StringRef name, StringRef type) {
  ::ge::proto::OpDef *op = graph->add_op();
  op->set_name(name.str());
  op->set_type(type.str());
  return op;
}

LogicalResult Exporter::fail(Operation *op, const Twine &message) {
  error = (ge::opLabel(op) + ": " + message).str();
  return failure();
}

void Exporter::addDesc(::ge::proto::TensorDescriptor *desc, Type type,
                       StringRef name, Value value) {
  std::string ignored;
  (void)air::fillDesc(type, name, *desc, ignored);
  if (StringRef layout = value ? layouts.lookup(value) : StringRef();
      !layout.empty())
    desc->set_layout(layout.str());
}

/// An op's `data_format` (NCHW or NHWC) when it has one.
static StringRef dataFormatOf(Operation *op) {
  if (!op->getRegisteredInfo())
    return {};
  NamedAttrList attrs(op->getAttrDictionary());
  op->getRegisteredInfo()->populateDefaultAttrs(attrs);
  auto format = dyn_cast_or_null<StringAttr>(attrs.get("data_format"));
  if (!format || (format.getValue() != "NCHW" && format.getValue() != "NHWC"))
    return {};
  return format.getValue();
}

static bool isFourD(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.getRank() == 4;
}

/// The layouts GE writes: the data_format of the ops that have one on their
/// 4-D data input and outputs (a Conv2D filter is [Cout, Cin, KH, KW]:
/// NCHW), carried forward through ops that keep the shape (elementwise
/// ops, casts), and to graph inputs and constants from their first such
/// user. Everything else is ND.
void Exporter::computeLayouts(func::FuncOp f) {
  auto setIfUnknown = [&](Value v, StringRef layout) {
    if (isFourD(v) && !layouts.count(v))
      layouts[v] = layout;
  };
  for (Operation &op : f.getBody().front()) {
    if (StringRef format = dataFormatOf(&op); !format.empty()) {
      if (op.getNumOperands() > 0)
        setIfUnknown(op.getOperand(0), format);
      if (isa<ge::Conv2DOp, ge::Conv2DTransposeOp>(op))
        setIfUnknown(op.getOperand(1), "NCHW");
      for (Value r : op.getResults())
        setIfUnknown(r, format);
      continue;
    }
    if (op.getNumResults() != 1 || op.getNumOperands() == 0 ||
        isa<ge::TransposeOp, ge::ReshapeOp>(op) || !isFourD(op.getResult(0)) ||
        !isFourD(op.getOperand(0)) ||
        cast<RankedTensorType>(op.getResult(0).getType()).getShape() !=
            cast<RankedTensorType>(op.getOperand(0).getType()).getShape())
      continue;
    if (StringRef layout = layouts.lookup(op.getOperand(0)); !layout.empty())
      setIfUnknown(op.getResult(0), layout);
  }
}

LogicalResult Exporter::writeFile(StringRef file, StringRef bytes) {
  if (llvm::Error e = llvm::writeToOutput(file, [&](raw_ostream &os) {
        os << bytes;
        return llvm::Error::success();
      })) {
    error = "cannot write '" + file.str() + "': " + toString(std::move(e));
    return failure();
  }
  return success();
}

LogicalResult Exporter::exportData(func::FuncOp f) {
  for (BlockArgument arg : f.getArguments()) {
    auto given = f.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "ge.name");
    std::string name = uniqueName(
        given ? given.getValue() : ("data_" + Twine(arg.getArgNumber())).str());
    ::ge::proto::OpDef *op = addOp(name, "Data");
    (*op->mutable_attr())["index"].set_i(arg.getArgNumber());
    std::string why;
    if (failed(air::fillDesc(arg.getType(), "x", *op->add_input_desc(), why)) ||
        failed(
            air::fillDesc(arg.getType(), "y", *op->add_output_desc(), why))) {
      error = "graph input '" + name + "' " + why;
      return failure();
    }
    if (StringRef layout = layouts.lookup(arg); !layout.empty()) {
      op->mutable_input_desc(0)->set_layout(layout.str());
      op->mutable_output_desc(0)->set_layout(layout.str());
    }
    wire[arg] = name + ":0";
  }
  return success();
}

static std::string fileNameFor(StringRef name) {
  std::string out;
  for (char c : name)
    out += (isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')
               ? c
               : '_';
  return out.empty() ? "weight" : out;
}

static bool isWeightLike(Type type) {
  auto t = cast<RankedTensorType>(type);
  return isa<FloatType>(t.getElementType()) && t.getNumElements() > 1;
}

LogicalResult Exporter::exportWeight(Operation *op) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  FailureOr<std::vector<uint8_t>> bytes = weightBytes(op, module, error);
  if (failed(bytes))
    return fail(op, error);
  std::string name = nodeName(op, "Const");
  wire[op->getResult(0)] = name + ":0";
  bool listed = llvm::is_contained(options.weightNames, name);
  bool toFile =
      options.weightNames.empty() ? external && isWeightLike(type) : listed;
  if (!toFile) {
    ::ge::proto::OpDef *def = addOp(name, "Const");
    std::string why;
    if (failed(air::writeTensor(type, *bytes, "",
                                *(*def->mutable_attr())["value"].mutable_t(),
                                why)))
      return fail(op, why);
    addDesc(def->add_output_desc(), type, "y", op->getResult(0));
    return success();
  }
  std::string file = fileNameFor(name);
  for (int i = 1; !fileNames.insert(file).second; ++i)
    file = fileNameFor(name) + "_" + std::to_string(i);
  llvm::SmallString<256> full(weightDir);
  llvm::sys::path::append(full, file);
  if (failed(writeFile(full,
                       StringRef(reinterpret_cast<const char *>(bytes->data()),
                                 bytes->size()))))
    return failure();
  result.weightFiles.push_back(full.str().str());
  result.weightBytes += bytes->size();
  ::ge::proto::OpDef *def = addOp(name, "FileConstant");
  auto &attrs = *def->mutable_attr();
  ListValue *shape = attrs["shape"].mutable_list();
  for (int64_t d : type.getShape())
    shape->add_i(d);
  shape->set_val_type(ListValue::VT_LIST_INT);
  attrs["dtype"].set_dt(*air::cppDTypeOf(type.getElementType()));
  std::string recorded = options.filePathPrefix;
  if (!recorded.empty() && !StringRef(recorded).ends_with("/"))
    recorded += "/";
  attrs["file_path"].set_s(recorded + file);
  attrs["file_id"].set_s("");
  addDesc(def->add_output_desc(), type, "y", op->getResult(0));
  return success();
}

std::string Exporter::constInput(StringRef user, StringRef attrName,
                                 air::ConstKind kind, Attribute attr) {
  MLIRContext *ctx = module.getContext();
  Builder b(ctx);
  RankedTensorType type;
  std::vector<uint8_t> bytes;
  auto put = [&](const void *p, size_t n) {
    const auto *c = static_cast<const uint8_t *>(p);
    bytes.insert(bytes.end(), c, c + n);
  };
  if (kind == air::ConstKind::Float) {
    float v = attr
                  ? static_cast<float>(cast<FloatAttr>(attr).getValueAsDouble())
                  : (attrName == "clip_value_min" ? -FLT_MAX : FLT_MAX);
    type = RankedTensorType::get({}, b.getF32Type());
    put(&v, 4);
  } else if (kind == air::ConstKind::Int) {
    int32_t v = static_cast<int32_t>(cast<IntegerAttr>(attr).getInt());
    type = RankedTensorType::get({}, b.getI32Type());
    put(&v, 4);
  } else {
    ArrayRef<int64_t> values = cast<DenseI64ArrayAttr>(attr).asArrayRef();
    SmallVector<int64_t> shape = {static_cast<int64_t>(values.size())};
    if (kind == air::ConstKind::Flat)
      shape = {static_cast<int64_t>(values.size()) / 2, 2};
    type = RankedTensorType::get(shape, b.getI64Type());
    put(values.data(), values.size() * 8);
  }
  std::string name = uniqueName((user + "/" + attrName).str());
  ::ge::proto::OpDef *def = addOp(name, "Const");
  std::string ignored;
  (void)air::writeTensor(type, bytes, "",
                         *(*def->mutable_attr())["value"].mutable_t(), ignored);
  addDesc(def->add_output_desc(), type, "y");
  return name + ":0";
}

LogicalResult Exporter::exportOp(Operation *op) {
  StringRef dialectOp = op->getName().getStringRef();
  if (!dialectOp.consume_front("ge.") || air::isInternalOp(dialectOp))
    return fail(op, "has no GE IR form (export the graph as imported, before "
                    "the compiler's passes)");
  if (auto conv = dyn_cast<ge::Conv2DOp>(op); conv && conv.getResidual())
    return fail(op, "has a fused residual, which GE IR has no form for "
                    "(export the graph as imported, before the compiler's "
                    "passes)");
  air::OpForm form = air::lookupExportForm(dialectOp);
  std::string name = nodeName(op, form.wireType);

  NamedAttrList attrs(op->getAttrDictionary());
  op->getRegisteredInfo()->populateDefaultAttrs(attrs);
  // Inputs: operands in order (Resize: absent optional ones as ""), then
  // the attributes GE takes as constant inputs at their positions.
  SmallVector<std::string> inputs;
  SmallVector<Value> inputValues;
  if (auto segments = dyn_cast_or_null<DenseI32ArrayAttr>(
          attrs.get("operandSegmentSizes"))) {
    unsigned next = 0;
    for (int32_t n : segments.asArrayRef()) {
      if (n == 0) {
        inputs.push_back("");
        inputValues.push_back({});
      }
      for (int32_t i = 0; i < n; ++i, ++next) {
        inputs.push_back(wire.lookup(op->getOperand(next)));
        inputValues.push_back(op->getOperand(next));
      }
    }
  } else {
    for (Value v : op->getOperands()) {
      inputs.push_back(wire.lookup(v));
      inputValues.push_back(v);
    }
  }
  for (const air::InputAttr &ia : form.inputAttrs) {
    Attribute value = attrs.get(ia.attr);
    if (!value && ia.kind != air::ConstKind::Float)
      continue; // an optional input left out (Resize sizes)
    std::string in = constInput(name, ia.attr, ia.kind, value);
    if (ia.wireIndex < 0) {
      inputs.push_back(in);
      inputValues.push_back({});
      continue;
    }
    while (inputs.size() < static_cast<size_t>(ia.wireIndex)) {
      inputs.push_back("");
      inputValues.push_back({});
    }
    inputs.insert(inputs.begin() + ia.wireIndex, in);
    inputValues.insert(inputValues.begin() + ia.wireIndex, Value());
  }
  while (!inputs.empty() && inputs.back().empty()) {
    inputs.pop_back();
    inputValues.pop_back();
  }

  ::ge::proto::OpDef *def = addOp(name, form.wireType);
  for (auto [in, v] : llvm::zip(inputs, inputValues)) {
    def->add_input(in);
    if (v)
      addDesc(def->add_input_desc(), v.getType(), "", v);
  }
  auto &out = *def->mutable_attr();
  for (NamedAttribute a : attrs) {
    StringRef key = a.getName().getValue();
    if (key.contains('.') || key == "operandSegmentSizes" ||
        llvm::any_of(form.inputAttrs,
                     [&](const air::InputAttr &ia) { return ia.attr == key; }))
      continue;
    for (const air::AttrRename &r : form.renames)
      if (r.dialect == key)
        key = r.wire;
    std::string why;
    if (failed(air::exportAttr(a.getValue(), out[key.str()], why)))
      return fail(op, "attribute '" + key + "' " + why);
  }
  // What GE's op definitions require beyond the dialect's attributes.
  Builder b(op->getContext());
  switch (form.special) {
  case air::Special::ConcatDimLast:
    out["N"].set_i(op->getNumOperands());
    break;
  case air::Special::SplitCount:
    out["num_split"].set_i(op->getNumResults());
    break;
  case air::Special::PoolPadding:
    out["padding_mode"].set_s("CALCULATED");
    out["global_pooling"].set_b(false);
    break;
  case air::Special::SliceMasks: {
    // GE's end -1 is the last element; the dialect's -1 (negative stride)
    // is "before index 0", which GE spells with end_mask.
    auto end = cast<DenseI64ArrayAttr>(attrs.get("end")).asArrayRef();
    auto strides = cast<DenseI64ArrayAttr>(attrs.get("strides")).asArrayRef();
    int64_t endMask = 0;
    ListValue *list = out["end"].mutable_list();
    list->clear_i();
    for (auto [d, e] : llvm::enumerate(end)) {
      bool past = strides[d] < 0 && e == -1;
      endMask |= past ? int64_t(1) << d : 0;
      list->add_i(past ? 0 : e);
    }
    for (StringRef mask :
         {"begin_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"})
      out[mask.str()].set_i(0);
    out["end_mask"].set_i(endMask);
    break;
  }
  case air::Special::None:
    break;
  }
  if (dialectOp == "Conv2DTranspose") {
    ListValue *list = out["input_size"].mutable_list();
    for (int64_t d :
         cast<RankedTensorType>(op->getResult(0).getType()).getShape())
      list->add_i(d);
    list->set_val_type(ListValue::VT_LIST_INT);
  }
  if (dialectOp == "HcomAllReduce" && !out.contains("fusion_id"))
    out["fusion_id"].set_i(-1); // GE's default: no fusion group
  for (OpResult r : op->getResults()) {
    addDesc(def->add_output_desc(), r.getType(),
            op->getNumResults() == 1 ? "y"
                                     : ("y" + Twine(r.getResultNumber())).str(),
            r);
    wire[r] = name + ":" + std::to_string(r.getResultNumber());
  }
  // GE's training outputs the dialect does not model (LayerNorm mean and
  // variance, BatchNorm's batch statistics): f32 descriptors of their shape.
  if (form.extraOutputs) {
    auto x = cast<RankedTensorType>(op->getOperand(0).getType());
    SmallVector<int64_t> statShape;
    if (dialectOp == "LayerNorm") {
      int64_t axis = cast<IntegerAttr>(attrs.get("begin_norm_axis")).getInt();
      if (axis < 0)
        axis += x.getRank();
      for (int64_t d = 0; d < x.getRank(); ++d)
        statShape.push_back(d < axis ? x.getDimSize(d) : 1);
    } else {
      statShape.push_back(
          cast<RankedTensorType>(op->getOperand(1).getType()).getDimSize(0));
    }
    auto statType = RankedTensorType::get(statShape, b.getF32Type());
    for (unsigned i = 0; i < form.extraOutputs; ++i)
      addDesc(def->add_output_desc(), statType, "");
  }
  return success();
}

LogicalResult Exporter::exportReturn(func::ReturnOp ret, func::FuncOp f) {
  ::ge::proto::OpDef *def = addOp(uniqueName("NetOutput"), "NetOutput");
  ListValue *names = (*def->mutable_attr())["_output_names"].mutable_list();
  names->set_val_type(ListValue::VT_LIST_STRING);
  for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
    def->add_input(wire.lookup(v));
    addDesc(def->add_input_desc(), v.getType(), ("input" + Twine(i)).str(), v);
    auto given = f.getResultAttrOfType<StringAttr>(i, "ge.name");
    names->add_s(given ? given.getValue().str() : ("output" + Twine(i)).str());
  }
  return success();
}

LogicalResult Exporter::run() {
  SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
  if (funcs.size() != 1) {
    error = "the module has " + std::to_string(funcs.size()) +
            " functions; a GE IR model holds one graph";
    return failure();
  }
  func::FuncOp f = funcs.front();
  model.set_name(f.getName().str());
  graph = model.add_graph();
  graph->set_name(f.getName().str());

  llvm::SmallString<256> dir(options.weightDir);
  if (dir.empty()) {
    dir = llvm::sys::path::parent_path(path);
    if (dir.empty())
      dir = ".";
  }
  weightDir = dir.str().str();
  if (std::error_code ec = llvm::sys::fs::create_directories(weightDir)) {
    error = "cannot create '" + weightDir + "': " + ec.message();
    return failure();
  }
  // TorchAir's rule: all weights to files once they are too many to inline.
  uint64_t total = 0;
  f.walk([&](Operation *op) {
    if (isa<ge::ConstOp, ge::FileConstantOp>(op) &&
        isWeightLike(op->getResult(0).getType())) {
      auto t = cast<RankedTensorType>(op->getResult(0).getType());
      total += t.getNumElements() * air::elementBytes(t.getElementType());
    }
  });
  external = total > static_cast<uint64_t>(
                         std::max<int64_t>(0, options.externalWeightThreshold));

  computeLayouts(f);
  if (failed(exportData(f)))
    return failure();
  for (Operation &op : f.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      if (failed(exportReturn(ret, f)))
        return failure();
    } else if (isa<ge::ConstOp, ge::FileConstantOp>(op)) {
      if (failed(exportWeight(&op)))
        return failure();
    } else if (failed(exportOp(&op))) {
      return failure();
    }
  }
  std::string bytes;
  if (!model.SerializeToString(&bytes)) {
    error = "the model does not serialize (over 2 GiB? keep the weights in "
            "files with a lower threshold)";
    return failure();
  }
  if (llvm::sys::path::has_parent_path(path))
    if (std::error_code ec = llvm::sys::fs::create_directories(
            llvm::sys::path::parent_path(path))) {
      error = "cannot create the directory of '" + path + "': " + ec.message();
      return failure();
    }
  if (failed(writeFile(path, bytes)))
    return failure();
  if (options.writeText) {
    llvm::SmallString<256> text(weightDir);
    llvm::sys::path::append(text, "dynamo.pbtxt");
    if (failed(writeFile(text, air::printGraphText(*graph))))
      return failure();
    result.textPath = text.str().str();
  }
  return success();
}

} // namespace

LogicalResult exportAirModel(ModuleOp module, StringRef path,
                             const AirExportOptions &options,
                             AirExportResult &result, std::string &error) {
  try {
    return Exporter(module, path, options, result, error).run();
  } catch (const std::exception &e) {
    error = std::string("cannot write GE IR: ") + e.what();
    return failure();
  }
}

} // namespace geflow::frontend
