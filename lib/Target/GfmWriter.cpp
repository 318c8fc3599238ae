//===- GfmWriter.cpp - Serialize npu programs into a .gfm executable ------===//
//
// One gfm::Program per npu.program (gear): signatures, tasks and the
// buffers they read and write; weights are laid out by WeightLayout.
//
//===----------------------------------------------------------------------===//
#include "geflow/Target/GfmWriter.h"
#include "WeightLayout.h"

#include "dialects/ge/IR/GEDialect.h"
#include "dialects/ge/IR/GEUtils.h"
#include "dialects/npu/IR/NPUOps.h"
#include "geflow/runtime/Gfm.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace geflow::npu;
using geflow::target::toBuffer;
using geflow::target::WeightLayout;

namespace geflow {
namespace {

gfm::DType toDType(Type t) {
  // gfm::DType numbers dtypes exactly as rt::DType does.
  return static_cast<gfm::DType>(
      geflow::ge::getRuntimeDType(t).value_or(rt::DType::F32));
}

gfm::TensorSig toSig(Type type, const std::string &name) {
  auto t = cast<RankedTensorType>(type);
  gfm::TensorSig sig;
  sig.set_name(name);
  sig.set_dtype(toDType(t.getElementType()));
  sig.set_format(static_cast<gfm::Format>(geflow::ge::getFormat(t)));
  for (int64_t d : t.getShape())
    sig.add_shape(ShapedType::isDynamic(d) ? -1 : d);
  return sig;
}

/// Fills `out` from a shape-ranged value's dim expressions (an array of
/// [coeff, exponents...] per dim; null for static programs).
template <typename Proto> void addDimExprs(Proto &out, Attribute exprs) {
  auto dims = dyn_cast_or_null<ArrayAttr>(exprs);
  if (!dims)
    return;
  for (Attribute dim : dims) {
    ArrayRef<int64_t> e = cast<DenseI64ArrayAttr>(dim).asArrayRef();
    gfm::DimExpr *expr = out.add_dim_exprs();
    expr->set_coeff(e[0]);
    for (int64_t x : e.drop_front())
      expr->add_exponents(static_cast<int32_t>(x));
  }
}

/// The dim expressions of operand/result `index` of `op`, or null.
Attribute exprsOf(Operation *op, unsigned index) {
  auto all = op->getAttrOfType<ArrayAttr>("npu.dim_exprs");
  return all && index < all.size() ? all[index] : Attribute();
}

gfm::TensorDesc toDesc(Value v, Attribute exprs = nullptr) {
  auto t = cast<RankedTensorType>(v.getType());
  gfm::TensorDesc d;
  d.set_dtype(toDType(t.getElementType()));
  d.set_format(static_cast<gfm::Format>(geflow::ge::getFormat(t)));
  for (int64_t s : t.getShape())
    d.add_shape(s);
  d.set_is_const(isa_and_nonnull<WeightOp>(v.getDefiningOp()));
  addDimExprs(d, exprs);
  return d;
}

gfm::AttrValue toAttrValue(Attribute a) {
  gfm::AttrValue v;
  if (auto i = dyn_cast<IntegerAttr>(a))
    v.set_i(i.getValue().getSExtValue());
  else if (auto b = dyn_cast<BoolAttr>(a))
    v.set_i(b.getValue());
  else if (auto f = dyn_cast<FloatAttr>(a))
    v.set_f(f.getValueAsDouble());
  else if (auto s = dyn_cast<StringAttr>(a))
    v.set_s(s.str());
  else if (auto ints = dyn_cast<DenseI64ArrayAttr>(a))
    for (int64_t x : ints.asArrayRef())
      v.mutable_ints()->add_values(x);
  else if (auto floats = dyn_cast<DenseF64ArrayAttr>(a))
    for (double x : floats.asArrayRef())
      v.mutable_floats()->add_values(x);
  else if (auto strings = dyn_cast<ArrayAttr>(a)) {
    auto *out = v.mutable_strings();
    for (Attribute x : strings)
      if (auto str = dyn_cast<StringAttr>(x))
        out->add_values(str.str());
  }
  return v;
}

// A name for diagnostics and profiles: the op's location name if any.
std::string taskName(Operation *op) {
  Location loc = op->getLoc();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    if (!fused.getLocations().empty())
      loc = fused.getLocations().front();
  if (auto named = dyn_cast<NameLoc>(loc))
    return named.getName().str();
  if (auto k = dyn_cast<KernelOp>(op))
    return k.getKernel().str();
  return op->getName().getStringRef().str();
}

/// The executable's table of updatable weights (ge.Variable): each
/// variable's type and the stored forms derived from it.
class VariableTable {
public:
  explicit VariableTable(gfm::Model &model) : model_(model) {}
  /// The variables recorded by convert-ge-to-npu, with their unpacked forms.
  LogicalResult build(ModuleOp module, const WeightLayout &weights);
  /// A packed form, read by input `input` of task `task` of gear `gear`.
  LogicalResult addPacked(WeightOp w, const gfm::Buffer &buffer, uint32_t gear,
                          uint32_t task, uint32_t input);
  /// Checks every variable has its own value among its stored forms.
  LogicalResult finish(ModuleOp module);

private:
  gfm::Variable *find(StringRef name);
  gfm::Model &model_;
  llvm::StringMap<int> index_;
};

gfm::Variable *VariableTable::find(StringRef name) {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : model_.mutable_variables(it->second);
}

LogicalResult VariableTable::build(ModuleOp module,
                                   const WeightLayout &weights) {
  auto vars = module->getAttrOfType<DictionaryAttr>("npu.variables");
  if (!vars)
    return success();
  for (NamedAttribute a : vars) {
    auto type = cast<RankedTensorType>(cast<TypeAttr>(a.getValue()).getValue());
    index_[a.getName()] = model_.variables_size();
    gfm::Variable *v = model_.add_variables();
    v->set_name(a.getName().str());
    v->set_dtype(toDType(type.getElementType()));
    for (int64_t d : type.getShape())
      v->add_shape(d);
  }
  WalkResult walked = module.walk([&](WeightOp w) {
    if (!w.getSource() || w.getPacked())
      return WalkResult::advance();
    gfm::Variable *v = find(*w.getSource());
    if (!v || !w.getPlacement() || !w.getValue()) {
      w.emitOpError("weight of variable '")
          << *w.getSource() << "' is not a placed, listed variable weight";
      return WalkResult::interrupt();
    }
    gfm::Buffer b = weights.buffer(*w.getPlacement());
    for (const gfm::StoredWeight &s : v->stored())
      if (s.buffer().region() == b.region() && s.buffer().slot() == b.slot() &&
          s.buffer().offset() == b.offset())
        return WalkResult::advance(); // shared by gears
    gfm::StoredWeight *s = v->add_stored();
    *s->mutable_buffer() = b;
    s->set_dtype(toDType(getElementTypeOrSelf(w.getType())));
    if (s->dtype() == v->dtype())
      v->set_value(v->stored_size() - 1);
    return WalkResult::advance();
  });
  return failure(walked.wasInterrupted());
}

LogicalResult VariableTable::addPacked(WeightOp w, const gfm::Buffer &buffer,
                                       uint32_t gear, uint32_t task,
                                       uint32_t input) {
  gfm::Variable *v = find(*w.getSource());
  if (!v)
    return w.emitOpError("packed weight of unknown variable '")
           << *w.getSource() << "'";
  gfm::StoredWeight *s = v->add_stored();
  *s->mutable_buffer() = buffer;
  s->set_dtype(toDType(getElementTypeOrSelf(w.getType())));
  s->set_packed(true);
  s->set_gear(gear);
  s->set_task(task);
  s->set_input(input);
  return success();
}

LogicalResult VariableTable::finish(ModuleOp module) {
  for (const gfm::Variable &v : model_.variables()) {
    bool own = static_cast<int>(v.value()) < v.stored_size() &&
               !v.stored(v.value()).packed() &&
               v.stored(v.value()).dtype() == v.dtype();
    if (!own)
      return module.emitError("variable '")
             << v.name() << "' has no stored value of its own";
  }
  return success();
}

// What profiles and dumps show of the GE ops behind a task: the type the
// lowering recorded, the node names of every op fused into it, the
// precision decision.
void addOpInfo(Operation &op, gfm::Task *task) {
  if (auto type = op.getAttrOfType<StringAttr>("ge.op_type"))
    task->set_op_type(type.str());
  else if (auto m = dyn_cast<MemcpyOp>(op))
    // GE's node type for copies between host and device memory.
    task->set_op_type(m.getDirection() ? "MemcpyAsync" : "MemCopy");
  else if (auto h = dyn_cast<HostCallOp>(op))
    task->set_op_type(h.getCallee().str());
  else if (auto c = dyn_cast<CollectiveOp>(op))
    task->set_op_type(c.getKind().str());
  else if (auto c = dyn_cast<ControlOp>(op))
    task->set_op_type(c.getKind().str());
  if (auto precision = op.getAttrOfType<StringAttr>("ge.precision"))
    task->set_precision(precision.str());
  llvm::SmallVector<std::string> names;
  op.getLoc()->walk([&](Location l) {
    if (auto named = dyn_cast<NameLoc>(l))
      if (!llvm::is_contained(names, named.getName().str()))
        names.push_back(named.getName().str());
    return WalkResult::advance();
  });
  for (const std::string &n : names)
    task->add_covered_ops(n);
}

class ProgramWriter {
public:
  ProgramWriter(ProgramOp program, const WeightLayout &weights,
                VariableTable &variables, uint32_t gear)
      : program_(program), weights_(weights), variables_(variables),
        gear_(gear) {}
  LogicalResult write(gfm::Program *out);

private:
  FailureOr<gfm::Buffer> resolve(Value v);
  LogicalResult addTask(Operation &op, gfm::Program *out);
  LogicalResult addCollective(CollectiveOp op, gfm::CollectiveTask *ct);
  LogicalResult addControl(ControlOp op, gfm::ControlTask *ct);
  ProgramOp program_;
  const WeightLayout &weights_;
  VariableTable &variables_;
  uint32_t gear_;
};

FailureOr<gfm::Buffer> ProgramWriter::resolve(Value v) {
  uint64_t bytes = getStorageBytes(v.getType()).value_or(0);
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    gfm::Buffer b;
    b.set_region(gfm::INPUT);
    b.set_slot(arg.getArgNumber());
    b.set_size(bytes);
    return b;
  }
  Operation *def = v.getDefiningOp();
  if (auto alias = dyn_cast<AliasOp>(def)) {
    auto src = resolve(alias.getSource());
    if (succeeded(src))
      src->set_size(bytes);
    return src;
  }
  if (auto w = dyn_cast<WeightOp>(def)) {
    if (w.getFilePath())
      return def->emitOpError("external weights are not serialized yet");
    if (!w.getPlacement())
      return def->emitOpError(
          "weight has no placement (run npu-layout-weights)");
    return weights_.buffer(*w.getPlacement());
  }
  if (auto k = dyn_cast<KernelOp>(def)) {
    if (k.getElided()) {
      auto first = resolve(k.getInputs().front());
      if (succeeded(first))
        first->set_size(bytes);
      return first;
    }
    if (!k.getOutputs())
      return def->emitOpError("result has no buffer (run npu-plan-memory)");
    return toBuffer(cast<BufferAttr>(
        (*k.getOutputs())[cast<OpResult>(v).getResultNumber()]));
  }
  if (auto m = dyn_cast<MemcpyOp>(def)) {
    if (!m.getPlacement())
      return def->emitOpError("result has no buffer (run npu-plan-memory)");
    return toBuffer(*m.getPlacement());
  }
  if (auto h = dyn_cast<HostCallOp>(def)) {
    if (!h.getOutputs())
      return def->emitOpError("result has no buffer (run npu-plan-memory)");
    return toBuffer(cast<BufferAttr>(
        (*h.getOutputs())[cast<OpResult>(v).getResultNumber()]));
  }
  if (auto c = dyn_cast<CollectiveOp>(def)) {
    if (!c.getOutputs())
      return def->emitOpError("result has no buffer (run npu-plan-memory)");
    return toBuffer(cast<BufferAttr>(
        (*c.getOutputs())[cast<OpResult>(v).getResultNumber()]));
  }
  if (auto c = dyn_cast<ControlOp>(def)) {
    if (!c.getOutputs())
      return def->emitOpError("result has no buffer (run npu-plan-memory)");
    return toBuffer(cast<BufferAttr>(
        (*c.getOutputs())[cast<OpResult>(v).getResultNumber()]));
  }
  return def->emitOpError("produces a value the executable cannot place");
}

LogicalResult ProgramWriter::addTask(Operation &op, gfm::Program *out) {
  auto stream = getTaskStream(&op);
  if (!stream)
    return success(); // weights, aliases, elided kernels, return
  gfm::Task *task = out->add_tasks();
  task->set_stream(*stream);
  task->set_name(taskName(&op));
  addOpInfo(op, task);
  if (auto k = dyn_cast<KernelOp>(op)) {
    gfm::KernelTask *kt = task->mutable_kernel();
    kt->set_kernel(k.getKernel().str());
    Value first =
        k.getInputs().empty() ? k.getResult(0) : k.getInputs().front();
    kt->set_dtype(toDType(getElementTypeOrSelf(first.getType())));
    kt->set_block_dim(k.getBlockDim());
    kt->set_tiling(k.getTiling().getData().str());
    kt->set_workspace_size(k.getTiling().getWorkspace());
    for (Value in : k.getInputs()) {
      auto b = resolve(in);
      if (failed(b))
        return failure();
      auto w = in.getDefiningOp<WeightOp>();
      if (w && w.getSource() && w.getPacked() &&
          failed(variables_.addPacked(w, *b, gear_, out->tasks_size() - 1,
                                      kt->inputs_size())))
        return failure();
      *kt->add_inputs() = *b;
      *kt->add_input_descs() = toDesc(in, exprsOf(k, kt->input_descs_size()));
    }
    for (Value r : k.getResults()) {
      auto b = resolve(r);
      if (failed(b))
        return failure();
      *kt->add_outputs() = *b;
      *kt->add_output_descs() =
          toDesc(r, exprsOf(k, k.getInputs().size() + kt->output_descs_size()));
    }
    if (auto ws = k.getWorkspace())
      *kt->mutable_workspace() = toBuffer(*ws);
    else if (k.getTiling().getWorkspace())
      return k.emitOpError("needs a workspace but none is planned");
    for (NamedAttribute a : k.getKernelAttrs())
      (*kt->mutable_attrs())[a.getName().str()] = toAttrValue(a.getValue());
    return success();
  }
  if (auto m = dyn_cast<MemcpyOp>(op)) {
    auto src = resolve(m.getSource()), dst = resolve(m.getResult());
    if (failed(src) || failed(dst))
      return failure();
    *task->mutable_memcpy()->mutable_src() = *src;
    *task->mutable_memcpy()->mutable_dst() = *dst;
    if (exprsOf(m, 1))
      *task->mutable_memcpy()->mutable_desc() =
          toDesc(m.getResult(), exprsOf(m, 1));
    return success();
  }
  if (auto r = dyn_cast<EventRecordOp>(op)) {
    task->mutable_record()->set_event(r.getEvent());
    return success();
  }
  if (auto w = dyn_cast<EventWaitOp>(op)) {
    task->mutable_wait()->set_event(w.getEvent());
    return success();
  }
  if (auto c = dyn_cast<CollectiveOp>(op))
    return addCollective(c, task->mutable_collective());
  if (auto c = dyn_cast<ControlOp>(op))
    return addControl(c, task->mutable_control());
  auto h = cast<HostCallOp>(op);
  gfm::HostCallTask *ht = task->mutable_host_call();
  ht->set_callee(h.getCallee().str());
  for (Value in : h.getInputs()) {
    auto b = resolve(in);
    if (failed(b))
      return failure();
    *ht->add_inputs() = *b;
    *ht->add_input_descs() = toDesc(in, exprsOf(h, ht->input_descs_size()));
  }
  for (Value r : h.getResults()) {
    auto b = resolve(r);
    if (failed(b))
      return failure();
    *ht->add_outputs() = *b;
    *ht->add_output_descs() =
        toDesc(r, exprsOf(h, h.getInputs().size() + ht->output_descs_size()));
  }
  for (NamedAttribute a : h.getCallAttrs())
    (*ht->mutable_attrs())[a.getName().str()] = toAttrValue(a.getValue());
  return success();
}

LogicalResult ProgramWriter::addCollective(CollectiveOp op,
                                           gfm::CollectiveTask *ct) {
  ct->set_kind(op.getKind().str());
  ct->set_group(op.getGroup().str());
  for (Value in : op.getInputs()) {
    auto b = resolve(in);
    if (failed(b))
      return failure();
    *ct->add_inputs() = *b;
    *ct->add_input_descs() = toDesc(in, nullptr);
  }
  for (Value r : op.getResults()) {
    auto b = resolve(r);
    if (failed(b))
      return failure();
    *ct->add_outputs() = *b;
    *ct->add_output_descs() = toDesc(r, nullptr);
  }
  DictionaryAttr attrs = op.getCommAttrs();
  if (auto r = attrs.getAs<StringAttr>("reduction"))
    ct->set_reduction(r.str());
  auto intAttr = [&](StringRef name) -> int64_t {
    auto i = attrs.getAs<IntegerAttr>(name);
    return i ? i.getInt() : 0;
  };
  ct->set_rank_size(intAttr("rank_size"));
  ct->set_root_rank(intAttr("root_rank"));
  ct->set_peer_rank(intAttr("peer_rank"));
  ct->set_sr_tag(intAttr("sr_tag"));
  return success();
}

LogicalResult ProgramWriter::addControl(ControlOp op, gfm::ControlTask *ct) {
  ct->set_kind(op.getKind().str());
  for (int64_t s : op.getSubgraphs())
    ct->add_subgraphs(static_cast<uint32_t>(s));
  ct->set_num_carried(static_cast<uint32_t>(op.getNumCarried()));
  for (Value in : op.getInputs()) {
    auto b = resolve(in);
    if (failed(b))
      return failure();
    *ct->add_inputs() = *b;
    *ct->add_input_descs() = toDesc(in, nullptr);
  }
  for (Value r : op.getResults()) {
    auto b = resolve(r);
    if (failed(b))
      return failure();
    *ct->add_outputs() = *b;
    *ct->add_output_descs() = toDesc(r, nullptr);
  }
  return success();
}

/// The ONNX sequence and optional graph inputs and outputs the importer
/// recorded (ge.composite_io), each naming the program tensors it is passed
/// as.
LogicalResult writeCompositeSigs(ModuleOp module, gfm::Model &model) {
  auto io = module->getAttrOfType<DictionaryAttr>(
      geflow::ge::GEDialect::kCompositeIOAttr);
  if (!io)
    return success();
  for (bool outputs : {false, true}) {
    auto list = io.getAs<ArrayAttr>(outputs ? "outputs" : "inputs");
    if (!list)
      continue;
    for (Attribute a : list) {
      auto entry = cast<DictionaryAttr>(a);
      gfm::CompositeSig *sig = outputs ? model.add_composite_outputs()
                                       : model.add_composite_inputs();
      sig->set_name(entry.getAs<StringAttr>("name").str());
      sig->set_kind(entry.getAs<StringAttr>("kind").getValue() == "optional"
                        ? gfm::CompositeSig::OPTIONAL
                        : gfm::CompositeSig::SEQUENCE);
      sig->set_present(entry.getAs<BoolAttr>("present").getValue());
      sig->set_holds_sequence(
          entry.getAs<BoolAttr>("holds_sequence").getValue());
      sig->set_dtype(toDType(entry.getAs<TypeAttr>("dtype").getValue()));
      for (Attribute t : entry.getAs<ArrayAttr>("tensors"))
        sig->add_tensors(cast<StringAttr>(t).str());
    }
  }
  return success();
}

std::string argName(ProgramOp program, unsigned i, bool result) {
  DictionaryAttr attrs =
      result ? program.getResultAttrDict(i) : program.getArgAttrDict(i);
  if (attrs)
    if (auto name = attrs.getAs<StringAttr>("ge.name"))
      return name.str();
  return (result ? "output" : "input") + std::to_string(i);
}

LogicalResult ProgramWriter::write(gfm::Program *out) {
  for (auto [i, t] : llvm::enumerate(program_.getArgumentTypes())) {
    if (!cast<ShapedType>(t).hasStaticShape())
      return program_.emitOpError()
             << "input " << i << " has dynamic shape " << t;
    *out->add_inputs() = toSig(t, argName(program_, i, false));
    if (auto exprs = program_->getAttrOfType<ArrayAttr>("npu.input_dim_exprs"))
      addDimExprs(*out->mutable_inputs(i), exprs[i]);
  }
  for (auto [i, t] : llvm::enumerate(program_.getResultTypes())) {
    *out->add_outputs() = toSig(t, argName(program_, i, true));
    if (auto exprs = program_->getAttrOfType<ArrayAttr>("npu.output_dim_exprs"))
      addDimExprs(*out->mutable_outputs(i), exprs[i]);
  }
  out->set_arena_size(program_.getArenaSize());
  out->set_host_arena_size(program_.getHostArenaSize());
  if (auto host = program_.getHostStreams())
    for (int64_t s : *host)
      out->add_host_streams(static_cast<uint32_t>(s));
  out->set_num_streams(program_.getNumStreams());
  out->set_num_events(program_.getNumEvents());
  if (auto symbols = program_->getAttrOfType<ArrayAttr>("npu.symbols"))
    for (Attribute a : symbols) {
      ArrayRef<int64_t> s = cast<DenseI64ArrayAttr>(a).asArrayRef();
      gfm::ShapeSymbol *sym = out->add_symbols();
      sym->set_input(s[0]);
      sym->set_dim(s[1]);
      sym->set_min(s[2]);
      sym->set_max(s[3]);
    }
  for (Operation &op : program_.getBody().front())
    if (failed(addTask(op, out)))
      return failure();
  return success();
}

} // namespace

FailureOr<std::vector<uint8_t>> serializeGfm(ModuleOp module,
                                             const GfmWriteOptions &options) {
  gfm::Model model;
  model.set_name(options.modelName);
  model.set_producer("geflow 0.1.0");
  model.set_soc(options.soc);
  for (const auto &[k, v] : options.options)
    (*model.mutable_options())[k] = v;
  uint64_t weightsSize = 0;
  SmallVector<ProgramOp> programs(module.getOps<ProgramOp>());
  if (programs.empty())
    return module.emitError("no npu.program to serialize");
  for (ProgramOp p : programs)
    weightsSize = std::max<uint64_t>(weightsSize, p.getWeightsSize());
  WeightLayout weights;
  if (failed(weights.build(module, weightsSize, options, model)))
    return failure();
  VariableTable variables(model);
  if (failed(variables.build(module, weights)))
    return failure();
  for (auto [g, p] : llvm::enumerate(programs))
    if (failed(
            ProgramWriter(p, weights, variables, g).write(model.add_gears())))
      return failure();
  if (failed(variables.finish(module)))
    return failure();
  if (failed(writeCompositeSigs(module, model)))
    return failure();
  // The model signature: dims that differ across gears are -1.
  auto mergeSig = [&](auto getSigs, auto *out) {
    const auto &firstSigs = getSigs(model.gears(0));
    for (int i = 0; i < firstSigs.size(); ++i) {
      gfm::TensorSig sig = firstSigs.Get(i);
      for (const gfm::Program &g : model.gears())
        for (int d = 0; d < sig.shape_size(); ++d) {
          const gfm::TensorSig &other = getSigs(g).Get(i);
          bool ranged = d < other.dim_exprs_size() &&
                        llvm::any_of(
                            other.dim_exprs(d).exponents(),
                            [](int32_t e) { return e != 0; });
          if (other.shape(d) != sig.shape(d) || ranged)
            sig.set_shape(d, -1);
        }
      sig.clear_dim_exprs();
      *out->Add() = sig;
    }
  };
  mergeSig([](const gfm::Program &g) -> const auto & { return g.inputs(); },
           model.mutable_inputs());
  mergeSig([](const gfm::Program &g) -> const auto & { return g.outputs(); },
           model.mutable_outputs());
  // Compiled subgraphs of control flow (compileModule puts them there).
  if (auto subgraphs = module->getAttrOfType<ArrayAttr>("ge.subgraphs"))
    for (Attribute a : subgraphs)
      model.add_subgraphs(cast<StringAttr>(a).str());
  const std::vector<uint8_t> &blob = weights.blob();
  model.set_weights_size(blob.size());
  return rt::encodeGfm(model, blob.data(), blob.size());
}

LogicalResult writeGfmFile(ModuleOp module, const std::string &path,
                           const GfmWriteOptions &options) {
  auto bytes = serializeGfm(module, options);
  if (failed(bytes))
    return failure();
  rt::Status st = rt::writeFileAtomically(path, bytes->data(), bytes->size());
  if (!st.ok())
    return module.emitError(st.message());
  return success();
}

} // namespace geflow
