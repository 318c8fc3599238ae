//===- AirOpImport.cpp - One GE op -> one ge dialect op -------------------===//
//
// Generic: the wire op's data inputs become operands, its attributes the
// op's attributes (by GE name), the inputs its form holds as attributes are
// read from their Const producers. Result types are what the op infers,
// checked against (and refined by) the output descriptors. The op verifier
// has the last word; its message becomes the node's error.
//
//===----------------------------------------------------------------------===//
#include "AirAttrs.h"
#include "AirGraphImporter.h"
#include "AirTypes.h"

#include "dialects/ge/IR/GEOps.h"

#include "ge_ir.pb.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace geflow::frontend::air {

/// Wire attributes with no dialect counterpart whose only accepted value is
/// the one the dialect implies; any other value is refused.
static std::optional<std::string>
checkImpliedAttr(StringRef name, const ::ge::proto::AttrDef &a) {
  using Case = ::ge::proto::AttrDef;
  if (name == "offset_x" && a.value_case() == Case::kI && a.i() != 0)
    return "offset_x " + std::to_string(a.i()) +
           " (quantized convolution) is not supported";
  if (name == "global_pooling" && a.value_case() == Case::kB && a.b())
    return std::string("global_pooling = true is not supported; use "
                       "GlobalAveragePool or explicit ksize");
  if (name == "paddings_contiguous" && a.value_case() == Case::kB && !a.b())
    return std::string("paddings_contiguous = false is not supported");
  if (name == "batch_dims" && a.value_case() == Case::kI && a.i() != 0)
    return "batch_dims " + std::to_string(a.i()) + " is not supported";
  if ((name == "ellipsis_mask" || name == "new_axis_mask" ||
       name == "shrink_axis_mask") &&
      a.value_case() == Case::kI && a.i() != 0)
    return name.str() + " is not supported";
  return std::nullopt;
}

/// Attributes GE writes that the dialect implies or derives.
static bool isImpliedAttr(StringRef name) {
  return llvm::is_contained(
      {"offset_x", "global_pooling", "paddings_contiguous", "batch_dims", "N",
       "num_split", "padding", "padding_mode", "input_size", "begin_mask",
       "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask", "T",
       "fusion_id"},
      name);
}

/// Wire attributes the dialect does not model that are kept on the op (as
/// discardable attributes, written back by the exporter): TorchAir's
/// `nn_module_stack` on any op, and HcomAllReduce's `ranklist` and a
/// `fusion_id` other than GE's default -1, which the collective's runtime
/// reads.
static bool isKeptNodeAttr(StringRef dialectOp, StringRef name,
                           const ::ge::proto::AttrDef &a) {
  using Case = ::ge::proto::AttrDef;
  if (name == "nn_module_stack")
    return a.value_case() == Case::kS;
  if (dialectOp != "HcomAllReduce")
    return false;
  if (name == "ranklist")
    return a.value_case() == Case::kList;
  return name == "fusion_id" && a.value_case() == Case::kI && a.i() != -1;
}

const ::ge::proto::OpDef *AirGraphImporter::constProducer(const WireInput &in,
                                                          std::string &error) {
  const ::ge::proto::OpDef *src = nodes.lookup(in.source);
  if (!src || (src->type() != "Const" && src->type() != "Constant") ||
      in.index != 0) {
    error = "must come from a Const op (geflow keeps it as an attribute)";
    return nullptr;
  }
  auto it = src->attr().find("value");
  if (it == src->attr().end() ||
      it->second.value_case() != ::ge::proto::AttrDef::kT) {
    error = "comes from Const '" + src->name() + "', which has no value";
    return nullptr;
  }
  return src;
}

static SmallVector<int64_t> attrInts(const NamedAttrList &attrs,
                                     StringRef name) {
  if (auto a = dyn_cast_or_null<DenseI64ArrayAttr>(attrs.get(name)))
    return SmallVector<int64_t>(a.asArrayRef());
  return {};
}

static std::string stringAttr(const ::ge::proto::OpDef &op, StringRef name) {
  auto it = op.attr().find(name.str());
  return it == op.attr().end() ? "" : it->second.s();
}

/// MaxPool/AvgPool: GE's `padding` (SAME/VALID) or MaxPoolV3/AvgPoolV2's
/// `padding_mode` (CALCULATED uses pads) resolved into explicit pads.
static LogicalResult resolvePoolPadding(const ::ge::proto::OpDef &op, Value x,
                                        NamedAttrList &attrs,
                                        std::string &error) {
  std::string mode = stringAttr(op, "padding_mode");
  if (mode.empty())
    mode = stringAttr(op, "padding");
  if (mode.empty() || mode == "CALCULATED")
    return success();
  if (mode == "VALID") {
    attrs.set("pads",
              Builder(x.getContext()).getDenseI64ArrayAttr({0, 0, 0, 0}));
    return success();
  }
  if (mode != "SAME") {
    error = "padding '" + mode + "' is not SAME, VALID or CALCULATED";
    return failure();
  }
  auto type = dyn_cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> ksize = attrInts(attrs, "ksize"),
                       strides = attrInts(attrs, "strides");
  bool nhwc = stringAttr(op, "data_format") == "NHWC";
  if (!type || type.getRank() != 4 || ksize.size() != 4 ||
      (strides.size() != 4 && !strides.empty())) {
    error = "SAME padding needs a 4-D input and 4-entry ksize/strides";
    return failure();
  }
  if (strides.empty())
    strides.assign(4, 1);
  SmallVector<int64_t> pads;
  for (int spatial : {nhwc ? 1 : 2, nhwc ? 2 : 3}) {
    int64_t in = type.getDimSize(spatial);
    if (ShapedType::isDynamic(in)) {
      error = "SAME padding needs static spatial dims";
      return failure();
    }
    int64_t s = strides[spatial], k = ksize[spatial];
    int64_t out = (in + s - 1) / s;
    int64_t total = std::max<int64_t>((out - 1) * s + k - in, 0);
    pads.push_back(total / 2);
    pads.push_back(total - total / 2);
  }
  attrs.set("pads", Builder(x.getContext()).getDenseI64ArrayAttr(pads));
  return success();
}

/// StridedSlice: begin/end masks and negative indices resolved into the
/// clamped per-dim indices the dialect holds.
static LogicalResult resolveSliceMasks(const ::ge::proto::OpDef &op, Value x,
                                       NamedAttrList &attrs,
                                       std::string &error) {
  auto type = dyn_cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> begin = attrInts(attrs, "begin"),
                       end = attrInts(attrs, "end"),
                       strides = attrInts(attrs, "strides");
  auto mask = [&](StringRef name) -> int64_t {
    auto it = op.attr().find(name.str());
    return it == op.attr().end() ? 0 : it->second.i();
  };
  int64_t beginMask = mask("begin_mask"), endMask = mask("end_mask");
  if (!type || !type.hasStaticShape()) {
    error = "needs an input of static shape";
    return failure();
  }
  int64_t rank = type.getRank();
  if (static_cast<int64_t>(begin.size()) > rank || begin.size() != end.size() ||
      (!strides.empty() && strides.size() != begin.size())) {
    error = "begin, end and strides must have one entry per sliced dim";
    return failure();
  }
  if (strides.empty())
    strides.assign(begin.size(), 1);
  for (int64_t d = begin.size(); d < rank; ++d) {
    begin.push_back(0);
    end.push_back(type.getDimSize(d));
    strides.push_back(1);
  }
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = type.getDimSize(d), s = strides[d];
    if (s == 0) {
      error = "a stride is 0";
      return failure();
    }
    auto clampIndex = [&](int64_t v, bool isEnd) {
      if (v < 0)
        v += dim;
      if (s > 0)
        return std::clamp<int64_t>(v, 0, dim);
      return std::clamp<int64_t>(v, -1, isEnd ? dim - 1 : dim - 1);
    };
    begin[d] = (beginMask >> d) & 1 ? (s > 0 ? 0 : dim - 1)
                                    : clampIndex(begin[d], false);
    end[d] = (endMask >> d) & 1 ? (s > 0 ? dim : -1) : clampIndex(end[d], true);
  }
  Builder b(x.getContext());
  attrs.set("begin", b.getDenseI64ArrayAttr(begin));
  attrs.set("end", b.getDenseI64ArrayAttr(end));
  attrs.set("strides", b.getDenseI64ArrayAttr(strides));
  return success();
}

void AirGraphImporter::importOp(const ::ge::proto::OpDef &op,
                                const OpForm &form) {
  std::string opName = ("ge." + form.dialectOp).str();
  auto registered = RegisteredOperationName::lookup(opName, ctx);
  if (!registered) {
    problems.unsupportedOp(op.type(), op.name());
    poisoned.insert(&op);
    return;
  }
  // Data inputs, in order (control edges only order the graph).
  SmallVector<const WireInput *> data;
  for (const WireInput &in : edges[&op])
    if (!in.control())
      data.push_back(&in);

  NamedAttrList attrs;
  std::string error;
  SmallVector<bool> consumed(data.size(), false);
  for (const InputAttr &ia : form.inputAttrs) {
    int64_t index =
        ia.wireIndex < 0 ? static_cast<int64_t>(data.size()) - 1 : ia.wireIndex;
    if (index < 0 || index >= static_cast<int64_t>(data.size()) ||
        data[index]->absent()) {
      // Optional attributes (Clip bounds, Resize sizes) may be left out.
      if (ia.attr == "clip_value_min" || ia.attr == "clip_value_max" ||
          ia.attr == "sizes")
        continue;
      return fail(op, "needs input " + std::to_string(index) + " (" +
                          (ia.attr.empty() ? "input_size" : ia.attr) + ")");
    }
    consumed[index] = true;
    const ::ge::proto::OpDef *src = constProducer(*data[index], error);
    if (!src)
      return fail(op, "input " + std::to_string(index) + " (" + ia.attr + ") " +
                          error);
    FailureOr<WireTensor> t =
        readTensor(ctx, src->attr().at("value").t(), error);
    if (failed(t))
      return fail(op, "input " + std::to_string(index) + " (Const '" +
                          src->name() + "') " + error);
    if (ia.attr.empty())
      continue;
    Builder b(ctx);
    if (ia.kind == ConstKind::Float) {
      FailureOr<double> v = tensorScalar(*t, error);
      if (failed(v))
        return fail(op, ia.attr + " " + error);
      attrs.set(ia.attr, b.getF32FloatAttr(*v));
      continue;
    }
    FailureOr<SmallVector<int64_t>> ints = tensorInts(*t, error);
    if (failed(ints))
      return fail(op, ia.attr + " " + error);
    if (ia.kind == ConstKind::Int) {
      if (ints->size() != 1)
        return fail(op, ia.attr + " must hold one value");
      attrs.set(ia.attr, b.getI64IntegerAttr((*ints)[0]));
    } else {
      if (ia.kind == ConstKind::Ints && t->type.getRank() > 1)
        return fail(op, ia.attr + " must be 0-D or 1-D");
      attrs.set(ia.attr, b.getDenseI64ArrayAttr(*ints));
    }
  }

  // Operands: the remaining data inputs; absent ones only at the end,
  // except for Resize, whose optional operands are sized by segments.
  SmallVector<Value> operands;
  SmallVector<int32_t> segments;
  bool seenAbsent = false;
  for (auto [i, in] : llvm::enumerate(data)) {
    if (consumed[i])
      continue;
    if (in->absent()) {
      seenAbsent = true;
      segments.push_back(0);
      continue;
    }
    if (seenAbsent && form.dialectOp != "Resize")
      return fail(op, "input " + std::to_string(i) +
                          " follows an absent optional input; geflow does not "
                          "model that input");
    Value v = lookup(op, *in);
    if (!v)
      return;
    operands.push_back(v);
    segments.push_back(1);
  }
  if (form.dialectOp == "Resize") {
    segments.resize(3, 0);
    if (segments[0] != 1)
      return fail(op, "needs input 0 (x)");
    attrs.set("operandSegmentSizes",
              Builder(ctx).getDenseI32ArrayAttr(segments));
  }
  if (form.dialectOp == "Conv2D") {
    // GE's Conv2D(x, filter, bias, offset_w): the quantization offset has
    // no kernel, and the dialect's fourth operand (the fused residual) is
    // the compiler's own.
    if (segments.size() > 3)
      return fail(op, "input 3 (offset_w, quantized convolution) is not "
                      "supported");
    segments.resize(4, 0);
    attrs.set("operandSegmentSizes",
              Builder(ctx).getDenseI32ArrayAttr(segments));
  }

  // Attributes, by GE name.
  ArrayRef<StringAttr> known = registered->getAttributeNames();
  SmallVector<std::string> keys;
  for (const auto &entry : op.attr())
    keys.push_back(entry.first);
  llvm::sort(keys);
  for (const std::string &key : keys) {
    const ::ge::proto::AttrDef &a = op.attr().at(key);
    if (StringRef(key).starts_with("_"))
      continue; // GE-private attributes (scopes, original names, ...)
    if (std::optional<std::string> refused = checkImpliedAttr(key, a))
      return fail(op, *refused);
    StringRef name = key;
    for (const AttrRename &r : form.renames)
      if (r.wire == name)
        name = r.dialect;
    bool modeled =
        llvm::any_of(known, [&](StringAttr k) { return k.getValue() == name; });
    if (!modeled && isKeptNodeAttr(form.dialectOp, name, a)) {
      FailureOr<Attribute> value = importAttr(ctx, name, a, error);
      if (failed(value))
        return fail(op, "attribute '" + key + "' " + error);
      attrs.set(name, *value); // a discardable attribute, exported back
      continue;
    }
    if (!modeled) {
      if (!isImpliedAttr(name))
        ignoredAttrs.insert((op.type() + "." + key));
      continue;
    }
    FailureOr<Attribute> value = importAttr(ctx, name, a, error);
    if (failed(value))
      return fail(op, "attribute '" + key + "' " + error);
    attrs.set(name, *value);
  }
  if (form.special == Special::PoolPadding && !operands.empty() &&
      failed(resolvePoolPadding(op, operands[0], attrs, error)))
    return fail(op, error);
  if (form.special == Special::SliceMasks && !operands.empty() &&
      failed(resolveSliceMasks(op, operands[0], attrs, error)))
    return fail(op, error);

  // Results: one per output descriptor the dialect models.
  // Signed: fewer descriptors than the extra outputs (BatchNorm's four) is
  // one result, not 2^32 of them.
  int64_t numResults = std::max<int64_t>(1, int64_t(op.output_desc_size()) -
                                                int64_t(form.extraOutputs));
  if (form.dialectOp == "Split")
    numResults = std::max<size_t>(1, attrInts(attrs, "size_splits").size());
  // GE's HcomSend has no output (it is kept for its side effect).
  if (form.dialectOp == "HcomSend")
    numResults = 0;
  SmallVector<Type> resultTypes;
  for (int64_t i = 0; i < numResults; ++i) {
    if (i < op.output_desc_size()) {
      FailureOr<RankedTensorType> t =
          typeFromDesc(ctx, op.output_desc(i), error);
      if (failed(t))
        return fail(op, "output " + std::to_string(i) + ": " + error);
      resultTypes.push_back(*t);
    } else {
      resultTypes.push_back(UnrankedTensorType::get(builder.getF32Type()));
    }
  }

  // Build, infer, verify; diagnostics become the node's error.
  std::string diag;
  ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Error)
      diag += (diag.empty() ? "" : "; ") + d.str();
    return success();
  });
  // An attribute of the wrong kind would be dropped into a null property
  // that inference then dereferences: refuse it here.
  if (failed(registered->verifyInherentAttrs(
          attrs, [&] { return emitError(locOf(op)); })))
    return fail(op, diag.empty() ? "has an attribute of the wrong kind" : diag);
  OperationState state(locOf(op), *registered);
  state.addOperands(operands);
  state.addAttributes(attrs);
  state.addTypes(resultTypes);
  Operation *created = builder.create(state);
  // Inference reads operands and attributes unchecked: verify them first (the
  // ODS count and attribute traits run before the inferred-type check, whose
  // failure here only means the descriptors still have to be merged).
  if (failed(verify(created, /*verifyRecursively=*/false)) &&
      diag.find("inferred type") == std::string::npos) {
    created->erase();
    return fail(op, diag.empty() ? "does not verify" : diag);
  }
  diag.clear();
  if (auto infer = dyn_cast<InferTypeOpInterface>(created)) {
    SmallVector<Type> inferred;
    if (failed(infer.inferReturnTypes(
            ctx, created->getLoc(), created->getOperands(),
            created->getRawDictionaryAttrs(), created->getPropertiesStorage(),
            created->getRegions(), inferred)) ||
        inferred.size() != resultTypes.size()) {
      created->erase();
      return fail(op, diag.empty() ? "its operands and attributes do not "
                                     "give result types"
                                   : diag);
    }
    for (auto [result, have] : llvm::zip(created->getResults(), inferred)) {
      FailureOr<Type> merged = mergeWithDesc(result.getType(), have);
      if (failed(merged)) {
        std::string text;
        llvm::raw_string_ostream os(text);
        os << "output " << result.getResultNumber() << ": its descriptor says "
           << result.getType() << " but the op computes " << have;
        created->erase();
        return fail(op, text);
      }
      result.setType(*merged);
    }
  }
  if (failed(verify(created, /*verifyRecursively=*/false))) {
    created->erase();
    return fail(op, diag.empty() ? "does not verify" : diag);
  }
  for (OpResult r : created->getResults())
    values[op.name() + ":" + std::to_string(r.getResultNumber())] = r;
}

FailureOr<Type> mergeWithDesc(Type desc, Type inferred) {
  auto d = dyn_cast<RankedTensorType>(desc);
  auto i = dyn_cast<RankedTensorType>(inferred);
  if (!d)
    return inferred;
  if (!i)
    return desc;
  Type elem = i.getElementType();
  if (d.getElementType() != elem) {
    // A Cube op may accumulate f16/bf16 operands into an f32 result.
    if (!(d.getElementType().isF32() && (elem.isF16() || elem.isBF16())))
      return failure();
    elem = d.getElementType();
  }
  if (d.getRank() != i.getRank())
    return failure();
  SmallVector<int64_t> dims;
  for (auto [a, b] : llvm::zip(d.getShape(), i.getShape())) {
    if (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b)
      return failure();
    dims.push_back(ShapedType::isDynamic(b) ? a : b);
  }
  return Type(RankedTensorType::get(dims, elem, i.getEncoding()));
}

} // namespace geflow::frontend::air
