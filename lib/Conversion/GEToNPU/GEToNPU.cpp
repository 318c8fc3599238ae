//===- GEToNPU.cpp - Lower ge graphs to npu task programs -----------------===//
#include "lib/Conversion/Passes.h"

#include "KernelRules.h"
#include "OpTuner.h"
#include "dialects/ge/IR/GEOps.h"
#include "dialects/ge/IR/GEUtils.h"
#include "geflow/SocInfo/OpInfo.h"
#include "geflow/kernels/Registry.h"
#include "geflow/runtime/HostOps.h"
#include "geflow/runtime/WeightDerivation.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringExtras.h"

namespace geflow {
#define GEN_PASS_DEF_CONVERTGETONPU
#include "lib/Conversion/Passes.h.inc"
} // namespace geflow

using namespace mlir;
using namespace geflow::npu;
namespace k = geflow::kernels;

namespace geflow {
namespace {

/// An op's node name for the list of unsupported ops.
std::string nodeName(Operation *op) {
  if (auto named = dyn_cast<NameLoc>(op->getLoc()))
    return named.getName().str();
  return "<unnamed>";
}

bool isAliasLike(Operation *op) {
  if (isa<ge::ReshapeOp, ge::SqueezeOp, ge::ExpandDimsOp, ge::IdentityOp>(op))
    return true;
  // Same-type casts and format-preserving TransData are views.
  if (auto cast = dyn_cast<ge::CastOp>(op))
    return cast.getX().getType() == cast.getType();
  return false;
}

/// The variable an updatable weight operand comes from: `v` is a
/// ge.Variable with an initial value, or a float Cast of one (the precision
/// policy's copy, stored converted like a constant would be).
ge::VariableOp variableSource(Value v) {
  if (auto var = v.getDefiningOp<ge::VariableOp>())
    return var.getValueAttr() ? var : ge::VariableOp();
  auto cast = v.getDefiningOp<ge::CastOp>();
  if (!cast)
    return {};
  auto var = cast.getX().getDefiningOp<ge::VariableOp>();
  if (!var || !var.getValueAttr())
    return {};
  auto from = ge::getRuntimeDType(getElementTypeOrSelf(var.getType()));
  auto to = ge::getRuntimeDType(getElementTypeOrSelf(cast.getType()));
  return from && to && rt::canConvertWeight(*from, *to) ? var
                                                        : ge::VariableOp();
}

k::TensorDesc toDesc(Value v, bool prepack) {
  auto type = cast<RankedTensorType>(v.getType());
  k::TensorDesc d;
  d.dtype = ge::getRuntimeDType(type.getElementType()).value_or(rt::DType::F32);
  d.shape.assign(type.getShape().begin(), type.getShape().end());
  d.format = static_cast<rt::Format>(ge::getFormat(type));
  d.isConst =
      prepack &&
      (isa_and_nonnull<ge::ConstOp, ge::FileConstantOp>(v.getDefiningOp()) ||
       variableSource(v));
  return d;
}

DictionaryAttr toDictionary(MLIRContext *ctx, const k::AttrMap &attrs) {
  Builder b(ctx);
  SmallVector<NamedAttribute> out;
  for (const auto &[name, value] : attrs.all()) {
    Attribute a;
    if (auto *i = std::get_if<int64_t>(&value))
      a = b.getI64IntegerAttr(*i);
    else if (auto *f = std::get_if<double>(&value))
      a = b.getF64FloatAttr(*f);
    else if (auto *s = std::get_if<std::string>(&value))
      a = b.getStringAttr(*s);
    else if (auto *is = std::get_if<std::vector<int64_t>>(&value))
      a = b.getDenseI64ArrayAttr(*is);
    else if (auto *fs = std::get_if<std::vector<double>>(&value))
      a = b.getDenseF64ArrayAttr(*fs);
    else if (auto *ss = std::get_if<std::vector<std::string>>(&value))
      a = b.getStrArrayAttr(SmallVector<StringRef>(ss->begin(), ss->end()));
    out.push_back(b.getNamedAttr(name, a));
  }
  return b.getDictionaryAttr(out);
}

bool isCollective(Operation *op) {
  return isa<ge::HcomAllReduceOp, ge::HcomAllGatherOp, ge::HcomReduceScatterOp,
             ge::HcomBroadcastOp, ge::HcomSendOp, ge::HcomReceiveOp>(op);
}

StringRef collectiveGroup(Operation *op) {
  if (auto o = dyn_cast<ge::HcomAllReduceOp>(op))
    return o.getGroup();
  if (auto o = dyn_cast<ge::HcomAllGatherOp>(op))
    return o.getGroup();
  if (auto o = dyn_cast<ge::HcomReduceScatterOp>(op))
    return o.getGroup();
  if (auto o = dyn_cast<ge::HcomBroadcastOp>(op))
    return o.getGroup();
  if (auto o = dyn_cast<ge::HcomSendOp>(op))
    return o.getGroup();
  return cast<ge::HcomReceiveOp>(op).getGroup();
}

/// The GE op's communication attributes, as the collective task keeps them.
DictionaryAttr collectiveAttrs(Operation *op) {
  Builder b(op->getContext());
  NamedAttrList attrs;
  auto setInt = [&](StringRef name, int64_t v) {
    attrs.set(name, b.getI64IntegerAttr(v));
  };
  if (auto ar = dyn_cast<ge::HcomAllReduceOp>(op)) {
    attrs.set("reduction", b.getStringAttr(ar.getReduction()));
  } else if (auto ag = dyn_cast<ge::HcomAllGatherOp>(op)) {
    setInt("rank_size", ag.getRankSize());
  } else if (auto rs = dyn_cast<ge::HcomReduceScatterOp>(op)) {
    attrs.set("reduction", b.getStringAttr(rs.getReduction()));
    setInt("rank_size", rs.getRankSize());
  } else if (auto bc = dyn_cast<ge::HcomBroadcastOp>(op)) {
    setInt("root_rank", bc.getRootRank());
  } else if (auto send = dyn_cast<ge::HcomSendOp>(op)) {
    setInt("peer_rank", send.getDestRank());
    setInt("sr_tag", send.getSrTag());
  } else if (auto recv = dyn_cast<ge::HcomReceiveOp>(op)) {
    setInt("peer_rank", recv.getSrcRank());
    setInt("sr_tag", recv.getSrTag());
  }
  return attrs.getDictionary(op->getContext());
}

/// Mixed compute: whether ge-place-engines put `op` on the host CPU engine.
bool placedOnHost(Operation *op) {
  auto engine = op->getAttrOfType<StringAttr>(ge::GEDialect::kEngineAttr);
  return engine && engine.getValue() == "host";
}

/// An op's GE attributes as host-kernel attributes: integers, floats,
/// strings, bools (as 0/1) and arrays of integers or floats.
k::AttrMap toHostAttrs(Operation *op) {
  k::AttrMap attrs;
  for (NamedAttribute a : op->getAttrs()) {
    StringRef name = a.getName().getValue();
    if (name.contains('.'))
      continue; // discardable (ge.engine, ge.precision, ...)
    Attribute v = a.getValue();
    if (auto b = dyn_cast<BoolAttr>(v))
      attrs.set(name.str(), int64_t(b.getValue()));
    else if (auto i = dyn_cast<IntegerAttr>(v))
      attrs.set(name.str(), i.getInt());
    else if (auto f = dyn_cast<FloatAttr>(v))
      attrs.set(name.str(), f.getValueAsDouble());
    else if (auto s = dyn_cast<StringAttr>(v))
      attrs.set(name.str(), s.str());
    else if (auto is = dyn_cast<DenseI64ArrayAttr>(v))
      attrs.set(name.str(), std::vector<int64_t>(is.asArrayRef()));
    else if (auto fs = dyn_cast<DenseF64ArrayAttr>(v))
      attrs.set(name.str(), std::vector<double>(fs.asArrayRef()));
    else if (auto ss = dyn_cast<ArrayAttr>(v);
             ss && llvm::all_of(ss, llvm::IsaPred<StringAttr>)) {
      std::vector<std::string> strings;
      for (Attribute x : ss)
        strings.push_back(cast<StringAttr>(x).str());
      attrs.set(name.str(), std::move(strings));
    }
  }
  return attrs;
}

/// GE's op_select_implmode and optypelist_for_implmode: the mode a kernel
/// of a given ge op runs in.
struct ImplModes {
  std::string mode;               // as given; "" unset
  std::vector<std::string> types; // empty: every op type
  /// "high_precision" / "high_performance" for `op`, or none (the kernel's
  /// default) when the mode is unset or the list leaves the op type out.
  std::optional<std::string> forOp(Operation *op) const {
    if (mode.empty())
      return std::nullopt;
    StringRef base = mode, type = op->getName().stripDialect();
    bool forAll = base.consume_back("_for_all");
    if (!forAll && !types.empty() && !llvm::is_contained(types, type))
      return std::nullopt;
    return base.str();
  }
};

class FuncLowering {
public:
  FuncLowering(func::FuncOp func, const k::SocInfo &soc, bool prepack,
               const ImplModes &implModes, conversion::OpTuner *tuner)
      : func_(func), soc_(soc), hostSoc_(k::SocInfo::host(1)),
        registry_(k::KernelRegistry::global()), prepack_(prepack),
        implModes_(implModes), tuner_(tuner) {}
  LogicalResult run();

private:
  LogicalResult checkStaticInputs();
  LogicalResult lowerKernelOp(Operation *op, OpBuilder &b);
  /// A host-placed op without a device kernel as a call of its host kernel.
  LogicalResult lowerHostCall(Operation *op, OpBuilder &b);
  void copyOpInfo(Operation *op, Operation *task, OpBuilder &b);
  /// A constant of strings: a host call that points its elements at the
  /// strings it keeps as an attribute (weights hold fixed-size elements).
  LogicalResult lowerStringConstant(ge::ConstOp cst, OpBuilder &b);
  /// A ge.Variable (or a float Cast of one) as a weight derived from it.
  LogicalResult lowerVariable(Operation *op, ge::VariableOp var, OpBuilder &b);
  FailureOr<Value> packedWeight(Operation *op, const k::KernelDef &def,
                                const k::TilingContext &ctx,
                                const k::TilingResult &tiling, uint32_t index,
                                Value operand, OpBuilder &b);

  func::FuncOp func_;
  const k::SocInfo &soc_;
  /// Host-engine kernels run as one block on one host thread.
  const k::SocInfo hostSoc_;
  const k::KernelRegistry &registry_;
  bool prepack_;
  const ImplModes &implModes_;
  /// The op bank and aoe_mode (null: no bank, every kernel tiles itself).
  conversion::OpTuner *tuner_;
  IRMapping map_;
  // Op type -> node names of ops without a kernel.
  llvm::MapVector<StringRef, SmallVector<std::string>> unsupported_;
};

/// The inputs as GE option text, "x:1,-1;mask:1,-1" (-1: unknown), and
/// ready-to-paste flags for the three ways of giving the unknown dims.
static std::string shapeHint(func::FuncOp func) {
  std::string fixed, geared, range, current;
  int64_t unknown = 0;
  bool batchOnly = true;
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
    auto ranked = dyn_cast<RankedTensorType>(type);
    if (!ranked)
      continue;
    auto n = func.getArgAttrOfType<StringAttr>(i, "ge.name");
    std::string name = n ? n.str() : "input" + std::to_string(i);
    std::string sep = current.empty() ? "" : ";";
    current += sep + name + ":";
    fixed += sep + name + ":";
    range += sep + name + ":[";
    for (auto [d, size] : llvm::enumerate(ranked.getShape())) {
      std::string comma = d ? "," : "";
      bool dyn = ShapedType::isDynamic(size);
      unknown += dyn;
      batchOnly &= !dyn || d == 0;
      current += comma + (dyn ? "-1" : std::to_string(size));
      fixed += comma + (dyn ? "1" : std::to_string(size));
      range += comma + (dyn ? "1~8" : std::to_string(size));
    }
    range += "]";
  }
  std::string gears;
  if (batchOnly) {
    gears = "--dynamic_batch_size=\"1,2,4,8\"";
  } else {
    std::string small, large;
    for (int64_t k = 0; k < unknown; ++k) {
      small += k ? ",1" : "1";
      large += k ? ",8" : "8";
    }
    gears = "--dynamic_dims=\"" + small + ";" + large + "\"";
  }
  return "\n  the model's inputs (-1: unknown): " + current +
         "\n  a fixed shape:  --input_shape=\"" + fixed + "\"" +
         "\n  compiled gears: --input_shape=\"" + current + "\" " + gears +
         "\n  a shape range:  --input_shape_range=\"" + range + "\"";
}

LogicalResult FuncLowering::checkStaticInputs() {
  for (auto [i, arg] : llvm::enumerate(func_.getArguments())) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    auto geName = func_.getArgAttrOfType<StringAttr>(i, "ge.name");
    std::string name = "input " + std::to_string(i);
    if (geName)
      name = "input '" + geName.str() + "'";
    if (!type)
      return func_.emitError() << name << " has unknown rank";
    for (auto [d, size] : llvm::enumerate(type.getShape())) {
      if (ShapedType::isDynamic(size))
        return func_.emitError()
               << name << " has an unknown dim " << d << " (shape " << type
               << "); fix it with --input_shape (e.g. "
               << (geName ? geName.str() : "name")
               << ":...) in one of three ways:" << shapeHint(func_);
    }
  }
  return success();
}

FailureOr<Value> FuncLowering::packedWeight(Operation *op,
                                            const k::KernelDef &def,
                                            const k::TilingContext &ctx,
                                            const k::TilingResult &tiling,
                                            uint32_t index, Value operand,
                                            OpBuilder &b) {
  auto cst = operand.getDefiningOp<ge::ConstOp>();
  // An updatable weight is packed from its lowered (converted) bytes, with
  // the function weight update calls, and remembers its variable.
  WeightOp source;
  if (variableSource(operand))
    source = map_.lookupOrNull(operand).getDefiningOp<WeightOp>();
  if ((!cst && !source) || !def.pack)
    return op->emitError() << ge::opLabel(op) << ": kernel '" << def.name
                           << "' asks to pre-pack input " << index
                           << ", which is not an inline constant";
  auto bytes = ge::getRawBytes(source ? source.getValueAttr() : cst.getValue());
  if (failed(bytes))
    return op->emitError() << ge::opLabel(op) << ": constant data of input "
                           << index << " is not available";
  std::vector<uint8_t> packed;
  rt::Status st;
  if (source) {
    rt::WeightDerivation d;
    d.from = d.to = ctx.inputs[index].dtype;
    d.pack = &def;
    d.ctx = &ctx;
    d.tiling = &tiling;
    d.input = index;
    auto type = cast<ShapedType>(operand.getType());
    st = rt::deriveWeight(d, bytes->data(), type.getNumElements(), &packed);
  } else {
    st = def.pack(ctx, tiling, index, bytes->data(), &packed);
  }
  if (!st.ok())
    return op->emitError() << ge::opLabel(op) << ": packing input " << index
                           << " failed: " << st.message();
  auto blobType = RankedTensorType::get({static_cast<int64_t>(packed.size())},
                                        b.getIntegerType(8));
  auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<char>(
      reinterpret_cast<const char *>(packed.data()), packed.size()));
  auto value = DenseResourceElementsAttr::get(blobType, "packed_" + def.name,
                                              std::move(blob));
  auto w = WeightOp::create(
      b, operand.getLoc(), operand.getType(), value,
      /*packed=*/b.getUnitAttr(), /*file_path=*/StringAttr(),
      /*file_offset=*/b.getI64IntegerAttr(0),
      /*placement=*/BufferAttr(),
      /*source=*/source ? source.getSourceAttr() : StringAttr());
  return w.getResult();
}

LogicalResult FuncLowering::lowerVariable(Operation *op, ge::VariableOp var,
                                          OpBuilder &b) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  auto from = ge::getRuntimeDType(getElementTypeOrSelf(var.getType()));
  auto to = ge::getRuntimeDType(type.getElementType());
  if (!from || !to)
    return op->emitError() << ge::opLabel(op) << ": variable '"
                           << var.getVarName() << "' has no runtime dtype";
  ElementsAttr value = var.getValueAttr();
  if (*from != *to) {
    auto bytes = ge::getRawBytes(value);
    if (failed(bytes))
      return op->emitError() << ge::opLabel(op) << ": the data of variable '"
                             << var.getVarName() << "' is not available";
    std::vector<uint8_t> converted;
    rt::WeightDerivation d;
    d.from = *from;
    d.to = *to;
    rt::Status st =
        rt::deriveWeight(d, bytes->data(), type.getNumElements(), &converted);
    if (!st.ok())
      return op->emitError() << ge::opLabel(op) << ": " << st.message();
    value = ge::makeElementsAttr(
        type,
        ArrayRef<char>(reinterpret_cast<const char *>(converted.data()),
                       converted.size()),
        "var_" + std::string(rt::dtypeShortName(*to)));
  }
  auto w = WeightOp::create(b, op->getLoc(), type, value, UnitAttr(),
                            StringAttr(), b.getI64IntegerAttr(0), BufferAttr(),
                            var.getVarNameAttr());
  map_.map(op->getResult(0), w.getResult());
  // The executable lists every variable with its own type.
  auto module = func_->getParentOfType<ModuleOp>();
  NamedAttrList vars(module->getAttrOfType<DictionaryAttr>("npu.variables"));
  vars.set(var.getVarNameAttr(), TypeAttr::get(var.getType()));
  module->setAttr("npu.variables", vars.getDictionary(b.getContext()));
  return success();
}

LogicalResult FuncLowering::lowerKernelOp(Operation *op, OpBuilder &b) {
  const auto &rules = conversion::getKernelRules();
  if (llvm::any_of(op->getOperands(),
                   [&](Value v) { return !map_.contains(v); }))
    return success(); // a producer already failed and was reported
  const conversion::KernelRule *rule = rules.find(op);
  bool onHost = placedOnHost(op);
  std::optional<rt::DType> hostType = ge::hostOnlyDType(op);
  if (hostType && !onHost)
    return op->emitError()
           << ge::opLabel(op) << " computes in " << rt::dtypeName(*hostType)
           << ", which only the host CPU engine does: compile with "
              "mix_compile_mode=true (mixed compute)";
  // A host kernel computes host-engine dtypes (f64, i16, ...) exactly; the
  // device kernels mostly lack them.
  if (onHost &&
      (!rule || (hostType && rt::HostOpRegistry::global().find(
                                 op->getName().stripDialect().str()))))
    return lowerHostCall(op, b);
  if (!rule) {
    unsupported_[op->getName().getStringRef()].push_back(nodeName(op));
    return success(); // reported together at the end
  }
  conversion::KernelLowering lowering;
  if (failed((*rule)(op, lowering)))
    return failure();
  // Kernels with a high-performance variant read `impl_mode`.
  if (lowering.kernel == "conv2d")
    if (std::optional<std::string> mode = implModes_.forOp(op))
      lowering.attrs.set("impl_mode", *mode);
  const k::KernelDef *def = registry_.find(lowering.kernel);
  if (!def)
    return op->emitError() << ge::opLabel(op) << ": kernel '" << lowering.kernel
                           << "' is not in the kernel library";
  k::TilingContext ctx;
  ctx.soc = onHost ? &hostSoc_ : &soc_;
  ctx.attrs = lowering.attrs;
  for (Value in : lowering.inputs)
    ctx.inputs.push_back(toDesc(in, prepack_));
  for (Value r : op->getResults())
    ctx.outputs.push_back(toDesc(r, prepack_));
  rt::DType dtype =
      ctx.inputs.empty() ? ctx.outputs.front().dtype : ctx.inputs.front().dtype;
  if (!registry_.select(lowering.kernel, dtype, k::Isa::AVX512))
    return op->emitError() << ge::opLabel(op) << ": kernel '" << lowering.kernel
                           << "' has no " << rt::dtypeName(dtype)
                           << " implementation";
  // A device kernel runs a host-engine dtype only when it implements it
  // (data movement does for every dtype).
  if (hostType) {
    for (const std::vector<k::TensorDesc> *descs : {&ctx.inputs, &ctx.outputs})
      for (const k::TensorDesc &d : *descs)
        if (!rt::isDeviceDType(d.dtype) &&
            !registry_.select(lowering.kernel, d.dtype, k::Isa::AVX512))
          return op->emitError()
                 << ge::opLabel(op) << ": neither the kernel '"
                 << lowering.kernel << "' nor a host kernel computes "
                 << rt::dtypeName(d.dtype);
  }
  if (tuner_ && !onHost) {
    k::TilingHint hint;
    std::string error = tuner_->hintFor(
        *def, ctx, nodeName(op), op->getName().stripDialect().str(), &hint);
    if (!error.empty())
      return op->emitError() << ge::opLabel(op) << ": " << error;
    if (!hint.empty()) {
      lowering.attrs.set(k::kTilingHintAttr, hint.toInts());
      ctx.attrs = lowering.attrs;
    }
  }
  k::TilingResult tiling;
  rt::Status st = def->tiling(ctx, &tiling);
  if (!st.ok())
    return op->emitError() << ge::opLabel(op) << ": cannot tile kernel '"
                           << lowering.kernel << "': " << st.message();

  SmallVector<Value> inputs;
  for (Value in : lowering.inputs) {
    inputs.push_back(map_.lookupOrNull(in));
    if (!inputs.back())
      return success(); // its producer already failed and was reported
  }
  for (uint32_t idx : tiling.packedInputs) {
    if (idx >= inputs.size())
      return op->emitError() << ge::opLabel(op) << ": tiling packs input "
                             << idx << " of " << inputs.size();
    auto packed =
        packedWeight(op, *def, ctx, tiling, idx, lowering.inputs[idx], b);
    if (failed(packed))
      return failure();
    inputs[idx] = *packed;
  }
  std::string data(tiling.tilingData.begin(), tiling.tilingData.end());
  auto kernel = KernelOp::create(
      b, op->getLoc(), op->getResultTypes(), b.getStringAttr(lowering.kernel),
      inputs, b.getI64IntegerAttr(tiling.blockDim),
      TilingAttr::get(b.getContext(), data, tiling.workspaceSize),
      toDictionary(b.getContext(), lowering.attrs), /*stream=*/IntegerAttr(),
      /*outputs=*/ArrayAttr(), /*workspace=*/BufferAttr(),
      lowering.inplaceInputs.empty()
          ? DenseI64ArrayAttr()
          : b.getDenseI64ArrayAttr(lowering.inplaceInputs),
      /*elided=*/UnitAttr(), /*on_host=*/onHost ? b.getUnitAttr() : UnitAttr());
  copyOpInfo(op, kernel, b);
  map_.map(op->getResults(), kernel.getResults());
  return success();
}

// Kept for profiles, dumps, overflow reports and the compile summary (the
// .gfm writer stores them per task).
void FuncLowering::copyOpInfo(Operation *op, Operation *task, OpBuilder &b) {
  task->setAttr("ge.op_type",
                b.getStringAttr(op->getName().stripDialect().str()));
  if (auto precision = op->getAttrOfType<StringAttr>("ge.precision"))
    task->setAttr("ge.precision", precision);
  if (auto reason = op->getAttr(ge::GEDialect::kEngineReasonAttr))
    task->setAttr(ge::GEDialect::kEngineReasonAttr, reason);
}

LogicalResult FuncLowering::lowerHostCall(Operation *op, OpBuilder &b) {
  std::string type = op->getName().stripDialect().str();
  rt::HostKernel kernel = rt::HostOpRegistry::global().lookup(type);
  if (!kernel.fn)
    return op->emitError() << ge::opLabel(op)
                           << " is placed on the host CPU engine, but "
                              "neither the device nor the host has a "
                              "kernel for "
                           << type;
  k::AttrMap attrs = toHostAttrs(op);
  std::vector<k::TensorDesc> inputs, outputs;
  SmallVector<Value> operands;
  for (Value in : op->getOperands()) {
    inputs.push_back(toDesc(in, /*prepack=*/false));
    operands.push_back(map_.lookupOrNull(in));
    if (!operands.back())
      return success(); // its producer already failed and was reported
  }
  for (Value r : op->getResults())
    outputs.push_back(toDesc(r, /*prepack=*/false));
  if (kernel.check) {
    rt::Status st = kernel.check(inputs, outputs, attrs);
    if (!st.ok())
      return op->emitError() << ge::opLabel(op) << ": the host kernel " << type
                             << " cannot run it: " << st.message();
  }
  auto call = HostCallOp::create(b, op->getLoc(), op->getResultTypes(),
                                 b.getStringAttr(type), operands,
                                 toDictionary(b.getContext(), attrs),
                                 /*stream=*/IntegerAttr(),
                                 /*outputs=*/ArrayAttr());
  copyOpInfo(op, call, b);
  map_.map(op->getResults(), call.getResults());
  return success();
}

LogicalResult FuncLowering::lowerStringConstant(ge::ConstOp cst, OpBuilder &b) {
  auto dense = dyn_cast<DenseElementsAttr>(cst.getValue());
  if (!dense)
    return cst.emitError() << ge::opLabel(cst)
                           << ": a string constant needs its values inline";
  std::vector<std::string> values;
  for (StringRef s : dense.getValues<StringRef>())
    values.push_back(s.str());
  k::AttrMap attrs;
  attrs.set("values", std::move(values));
  rt::HostKernel kernel = rt::HostOpRegistry::global().lookup("StringConst");
  if (!kernel.fn)
    return cst.emitError() << "the host kernel StringConst is missing";
  std::vector<k::TensorDesc> outputs = {toDesc(cst.getResult(), false)};
  if (rt::Status st = kernel.check({}, outputs, attrs); !st.ok())
    return cst.emitError() << ge::opLabel(cst) << ": " << st.message();
  auto call = HostCallOp::create(b, cst.getLoc(), cst->getResultTypes(),
                                 b.getStringAttr("StringConst"), ValueRange(),
                                 toDictionary(b.getContext(), attrs),
                                 /*stream=*/IntegerAttr(),
                                 /*outputs=*/ArrayAttr());
  copyOpInfo(cst, call, b);
  map_.map(cst->getResults(), call.getResults());
  return success();
}

LogicalResult FuncLowering::run() {
  if (failed(checkStaticInputs()))
    return failure();
  OpBuilder b(func_);
  auto program = ProgramOp::create(
      b, func_.getLoc(), func_.getSymName(), func_.getFunctionType(),
      func_.getArgAttrsAttr(), func_.getResAttrsAttr(), 0, 1, 0, 0, 0,
      DenseI64ArrayAttr());
  Block *body = new Block();
  program.getBody().push_back(body);
  for (BlockArgument arg : func_.getArguments())
    map_.map(arg, body->addArgument(arg.getType(), arg.getLoc()));
  b.setInsertionPointToStart(body);

  bool failedAny = false;
  for (Operation &op : func_.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      if (llvm::any_of(ret.getOperands(),
                       [&](Value v) { return !map_.contains(v); }))
        continue; // errors were reported; the program is discarded
      SmallVector<Value> values;
      for (Value v : ret.getOperands())
        values.push_back(map_.lookup(v));
      ReturnOp::create(b, ret.getLoc(), values);
      continue;
    }
    for (Type t : op.getResultTypes())
      if (!cast<ShapedType>(t).hasStaticShape()) {
        op.emitError() << ge::opLabel(&op) << " has a result of unknown shape "
                       << t;
        failedAny = true;
      }
    if (failedAny)
      continue;
    if (auto cst = dyn_cast<ge::ConstOp>(op);
        cst && isa<ge::StringType>(cst.getType().getElementType())) {
      if (failed(lowerStringConstant(cst, b)))
        failedAny = true;
    } else if (auto cst = dyn_cast<ge::ConstOp>(op)) {
      auto w = WeightOp::create(b, op.getLoc(), cst.getType(), cst.getValue(),
                                UnitAttr(), StringAttr(),
                                b.getI64IntegerAttr(0), BufferAttr(),
                                /*source=*/StringAttr());
      map_.map(cst.getResult(), w.getResult());
    } else if (ge::VariableOp var = op.getNumResults() == 1
                                        ? variableSource(op.getResult(0))
                                        : ge::VariableOp()) {
      if (failed(lowerVariable(&op, var, b)))
        failedAny = true;
    } else if (auto file = dyn_cast<ge::FileConstantOp>(op)) {
      auto w =
          WeightOp::create(b, op.getLoc(), file.getType(), ElementsAttr(),
                           UnitAttr(), file.getFilePathAttr(),
                           b.getI64IntegerAttr(file.getOffset()), BufferAttr(),
                           /*source=*/StringAttr());
      map_.map(file.getResult(), w.getResult());
    } else if (isCollective(&op)) {
      if (llvm::any_of(op.getOperands(),
                       [&](Value v) { return !map_.contains(v); }))
        continue; // a producer already failed and was reported
      SmallVector<Value> inputs;
      for (Value v : op.getOperands())
        inputs.push_back(map_.lookup(v));
      auto c = CollectiveOp::create(
          b, op.getLoc(), op.getResultTypes(),
          b.getStringAttr(op.getName().stripDialect()), inputs,
          b.getStringAttr(collectiveGroup(&op)), collectiveAttrs(&op),
          /*stream=*/IntegerAttr(), /*outputs=*/ArrayAttr());
      map_.map(op.getResults(), c.getResults());
    } else if (auto call = dyn_cast<ge::ControlCallOp>(op)) {
      if (llvm::any_of(op.getOperands(),
                       [&](Value v) { return !map_.contains(v); }))
        continue; // a producer already failed and was reported
      SmallVector<Value> inputs;
      for (Value v : op.getOperands())
        inputs.push_back(map_.lookup(v));
      auto c = ControlOp::create(
          b, op.getLoc(), op.getResultTypes(), call.getKindAttr(), inputs,
          call.getSubgraphsAttr(), call.getNumCarriedAttr(),
          /*stream=*/IntegerAttr(), /*outputs=*/ArrayAttr());
      copyOpInfo(&op, c, b);
      c->setAttr("ge.op_type", call.getKindAttr());
      map_.map(op.getResults(), c.getResults());
    } else if (isAliasLike(&op) && map_.contains(op.getOperand(0))) {
      auto alias = AliasOp::create(b, op.getLoc(), op.getResult(0).getType(),
                                   map_.lookup(op.getOperand(0)));
      map_.map(op.getResult(0), alias.getResult());
    } else if (failed(lowerKernelOp(&op, b))) {
      failedAny = true;
    }
  }
  if (!unsupported_.empty()) {
    std::string list;
    SmallVector<std::string> hostOnly;
    for (auto &[type, names] : unsupported_) {
      list += "\n  " + type.str() + " (" + llvm::join(names, ", ") + ")";
      std::string geType = type.str().substr(type.find('.') + 1);
      if (rt::HostOpRegistry::global().find(geType))
        hostOnly.push_back(geType);
    }
    func_.emitError() << "no kernel for " << unsupported_.size()
                      << " op type(s):" << list
                      << (hostOnly.empty()
                              ? ""
                              : "\n  " + llvm::join(hostOnly, ", ") +
                                    " run on the host CPU engine: compile "
                                    "with mix_compile_mode=true (mixed "
                                    "compute)");
    failedAny = true;
  }
  if (failedAny) {
    program.erase();
    return failure();
  }
  // Constants only consumed in packed form are dropped; a variable keeps
  // its own value (what weight update reads back and AssignAdd adds to).
  for (Operation &op : llvm::make_early_inc_range(*body))
    if (auto w = dyn_cast<WeightOp>(op); w && op.use_empty()) {
      auto vars =
          func_->getParentOfType<ModuleOp>()->getAttrOfType<DictionaryAttr>(
              "npu.variables");
      bool own =
          w.getSource() && !w.getPacked() && vars &&
          vars.get(*w.getSource()) == TypeAttr::get(w.getResult().getType());
      if (!own)
        op.erase();
    }
  return success();
}

struct ConvertGEToNPUPass : impl::ConvertGEToNPUBase<ConvertGEToNPUPass> {
  using Base::Base;
  void runOnOperation() override {
    // Every soc profile runs on the virtual NPU of the host's cores; a
    // profile only changes the op-info (which dtypes ops may run in).
    std::vector<std::string> socs = ge::precision::getBuiltinSocNames();
    if (!llvm::is_contained(socs, soc)) {
      getOperation().emitError()
          << "unknown soc '" << soc << "', expected one of "
          << llvm::join(socs, ", ");
      return signalPassFailure();
    }
    static const std::vector<std::string> kModes = {
        "high_precision", "high_performance", "high_precision_for_all",
        "high_performance_for_all"};
    if (!implMode.empty() && !llvm::is_contained(kModes, implMode)) {
      getOperation().emitError()
          << "unknown op_select_implmode '" << implMode << "', expected one of "
          << llvm::join(kModes, ", ");
      return signalPassFailure();
    }
    ImplModes modes{implMode, {implModeOpTypes.begin(), implModeOpTypes.end()}};
    k::SocInfo info = k::SocInfo::host(cores);
    if (aoeMode != 0 && aoeMode != 2) {
      getOperation().emitError()
          << "aoe_mode " << aoeMode
          << " is not supported: geflow tunes operators (aoe_mode 2)";
      return signalPassFailure();
    }
    if (aoeMode == 2 && opBankPath.empty()) {
      getOperation().emitError()
          << "aoe_mode=2 needs a directory for the tuned op bank "
             "(op_bank_path)";
      return signalPassFailure();
    }
    conversion::OpTuner tuner({soc,
                               aoeMode,
                               opBankPath,
                               {tuneOpsName.begin(), tuneOpsName.end()},
                               {tuneOpsType.begin(), tuneOpsType.end()},
                               aoeTimeLimit},
                              info);
    if (std::string error = tuner.open(); !error.empty()) {
      getOperation().emitError() << error;
      return signalPassFailure();
    }
    SmallVector<func::FuncOp> funcs(getOperation().getOps<func::FuncOp>());
    for (func::FuncOp f : funcs) {
      if (failed(FuncLowering(f, info, prepack, modes,
                              tuner.active() ? &tuner : nullptr)
                     .run()))
        return signalPassFailure();
      f.erase();
    }
    if (std::string error = tuner.finish(); !error.empty()) {
      getOperation().emitError() << error;
      return signalPassFailure();
    }
    if (tuner.skipped())
      getOperation().emitWarning()
          << "aoe_mode: the time limit (aoe_time_limit=" << aoeTimeLimit
          << " s) ran out; " << tuner.skipped()
          << " kernel(s) keep their default tiling (compile again with "
             "aoe_mode=2 to tune them)";
  }
};

} // namespace
} // namespace geflow
