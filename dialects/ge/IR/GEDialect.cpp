//===- GEDialect.cpp - The ge dialect, its attributes and format helpers --===//
#include "dialects/ge/IR/GEDialect.h"
#include "dialects/ge/IR/GEOps.h"

#include "geflow/runtime/Types.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace geflow::ge;

#include "dialects/ge/IR/GEDialect.cpp.inc"
#include "dialects/ge/IR/GEEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/ge/IR/GEAttrs.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/ge/IR/GETypes.cpp.inc"

void GEDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "dialects/ge/IR/GETypes.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/ge/IR/GEAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/ge/IR/GEOps.cpp.inc"
      >();
}

Operation *GEDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstOp::create(builder, loc, type, elements);
}

ArrayRef<StringRef> geflow::ge::getPrecisionModes() {
  static const StringRef modes[] = {"force_fp16",
                                    "force_fp32",
                                    "cube_fp16in_fp32out",
                                    "allow_fp32_to_fp16",
                                    "must_keep_origin_dtype",
                                    "allow_mix_precision",
                                    "allow_mix_precision_fp16",
                                    "allow_mix_precision_bf16",
                                    "allow_fp32_to_bf16"};
  return modes;
}

// ge.precision_config = {soc = "host", precision_mode_v2 = "mixed_float16",
//   modify_mixlist = "path", keep_dtype = "path", customize_dtypes = "path",
//   keep_tensors_dtypes = ["name", ...]}
static LogicalResult verifyPrecisionConfig(Operation *op, NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  auto dict = dyn_cast<DictionaryAttr>(attr.getValue());
  if (!dict || !isa<func::FuncOp, ModuleOp>(op))
    return op->emitError()
           << "'" << name
           << "' must be a dictionary on a graph (func.func) or module";
  static const StringRef kStrings[] = {"soc", "precision_mode_v2",
                                       "modify_mixlist", "keep_dtype",
                                       "customize_dtypes"};
  static const StringRef kV2[] = {"fp16", "origin", "cube_fp16in_fp32out",
                                  "mixed_float16", "mixed_bfloat16"};
  for (NamedAttribute entry : dict) {
    StringRef key = entry.getName().getValue();
    if (key == "keep_tensors_dtypes") {
      auto list = dyn_cast<ArrayAttr>(entry.getValue());
      if (!list ||
          !llvm::all_of(list, [](Attribute a) { return isa<StringAttr>(a); }))
        return op->emitError() << "'" << name
                               << "' entry 'keep_tensors_dtypes' must be an "
                                  "array of strings";
      continue;
    }
    if (!llvm::is_contained(kStrings, key))
      return op->emitError()
             << "'" << name << "' has unknown entry '" << key << "', expected "
             << llvm::join(ArrayRef<StringRef>(kStrings), ", ")
             << " or keep_tensors_dtypes";
    auto value = dyn_cast<StringAttr>(entry.getValue());
    if (!value)
      return op->emitError()
             << "'" << name << "' entry '" << key << "' must be a string";
    if (key == "precision_mode_v2" &&
        !llvm::is_contained(kV2, value.getValue()))
      return op->emitError()
             << "'" << name << "' entry 'precision_mode_v2' is '"
             << value.getValue() << "', expected one of: "
             << llvm::join(ArrayRef<StringRef>(kV2), ", ");
  }
  return success();
}

// ge.composite_io = {inputs = [{name = "x", kind = "sequence", present =
//   true, holds_sequence = false, dtype = f32, tensors = ["x[0]"]}],
//   outputs = [...]}
static LogicalResult verifyCompositeIO(Operation *op, NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  auto dict = dyn_cast<DictionaryAttr>(attr.getValue());
  if (!dict || !isa<ModuleOp>(op))
    return op->emitError() << "'" << name
                           << "' must be a dictionary on the module";
  for (NamedAttribute side : dict) {
    auto list = dyn_cast<ArrayAttr>(side.getValue());
    if (!list || (side.getName() != "inputs" && side.getName() != "outputs"))
      return op->emitError()
             << "'" << name << "' holds the arrays 'inputs' and 'outputs'";
    for (Attribute a : list) {
      auto entry = dyn_cast<DictionaryAttr>(a);
      auto kind = entry ? entry.getAs<StringAttr>("kind") : nullptr;
      auto tensors = entry ? entry.getAs<ArrayAttr>("tensors") : nullptr;
      if (!entry || !entry.getAs<StringAttr>("name") || !kind ||
          (kind.getValue() != "sequence" && kind.getValue() != "optional") ||
          !entry.getAs<BoolAttr>("present") ||
          !entry.getAs<BoolAttr>("holds_sequence") ||
          !entry.getAs<TypeAttr>("dtype") || !tensors ||
          !llvm::all_of(tensors,
                        [](Attribute t) { return isa<StringAttr>(t); }))
        return op->emitError()
               << "'" << name
               << "' entries are {name, kind = \"sequence\" or \"optional\", "
                  "present, holds_sequence, dtype, tensors = [names]}";
    }
  }
  return success();
}

LogicalResult GEDialect::verifyOperationAttribute(Operation *op,
                                                  NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == kPrecisionModeAttr) {
    auto mode = dyn_cast<StringAttr>(attr.getValue());
    if (!mode)
      return op->emitError() << "'" << name << "' must be a string";
    if (!llvm::is_contained(getPrecisionModes(), mode.getValue()))
      return op->emitError()
             << "'" << name << "' is '" << mode.getValue()
             << "', expected one of: " << llvm::join(getPrecisionModes(), ", ");
    return success();
  }
  if (name == kPrecisionConfigAttr)
    return verifyPrecisionConfig(op, attr);
  if (name == kPrecisionAttr) {
    if (!isa<StringAttr>(attr.getValue()))
      return op->emitError() << "'" << name << "' must be a string";
    return success();
  }
  if (name == kGearsAttr) {
    // One array of dims per gear: [[1, 3, 224, 224], [8, 3, 224, 224]].
    auto gears = dyn_cast<ArrayAttr>(attr.getValue());
    if (!gears)
      return op->emitError() << "'" << name << "' must be an array of gears";
    for (Attribute gear : gears)
      if (!isa<DenseI64ArrayAttr>(gear))
        return op->emitError()
               << "'" << name << "' entries must be array<i64> dim lists";
    return success();
  }
  if (name == "ge.subgraphs") {
    // The compiled subgraphs of ge.ControlCall ops (lib/Compiler/
    // ControlFlow.cpp): each a .gfm's bytes.
    auto list = dyn_cast<ArrayAttr>(attr.getValue());
    if (!list || !isa<ModuleOp>(op) ||
        !llvm::all_of(list, [](Attribute a) { return isa<StringAttr>(a); }))
      return op->emitError()
             << "'" << name << "' must be an array of strings on the module";
    return success();
  }
  if (name == "ge.control_depth") {
    // How deep in control flow a subgraph module is.
    if (!isa<IntegerAttr>(attr.getValue()) || !isa<ModuleOp>(op))
      return op->emitError()
             << "'" << name << "' must be an integer on the module";
    return success();
  }
  if (name == "ge.model_dir") {
    if (!isa<StringAttr>(attr.getValue()) || !isa<ModuleOp>(op))
      return op->emitError()
             << "'" << name << "' must be a string on the module";
    return success();
  }
  if (name == kGearAttr) {
    if (!isa<DenseI64ArrayAttr>(attr.getValue()))
      return op->emitError()
             << "'" << name << "' must be an array<i64> of gear dims";
    return success();
  }
  if (name == kGearIndexAttr) {
    if (!isa<IntegerAttr>(attr.getValue()))
      return op->emitError() << "'" << name << "' must be an integer";
    return success();
  }
  if (name == kFusedActivationAttr) {
    static const StringRef kActivations[] = {
        "relu", "relu6",     "sigmoid",   "tanh",
        "gelu", "gelu_tanh", "hardswish", "leaky_relu"};
    auto act = dyn_cast<StringAttr>(attr.getValue());
    if (!act || !llvm::is_contained(kActivations, act.getValue()))
      return op->emitError()
             << "'" << name << "' must be one of "
             << llvm::join(ArrayRef<StringRef>(kActivations), ", ");
    if (!isa<Conv2DOp, MatMulV2Op, BatchMatMulV2Op>(op))
      return op->emitError()
             << "'" << name
             << "' only applies to Conv2D, MatMulV2 and BatchMatMulV2";
    return success();
  }
  if (name == "ge.op_type") {
    // The GE op type a lowered task came from (profiles, dumps).
    if (!isa<StringAttr>(attr.getValue()))
      return op->emitError() << "'" << name << "' must be a string";
    return success();
  }
  if (name == kEngineAttr) {
    auto engine = dyn_cast<StringAttr>(attr.getValue());
    if (!engine || engine.getValue() != "host")
      return op->emitError() << "'" << name
                             << "' must be \"host\" (ops without it run on "
                                "the device)";
    return success();
  }
  if (name == kEngineReasonAttr) {
    if (!isa<StringAttr>(attr.getValue()))
      return op->emitError() << "'" << name << "' must be a string";
    return success();
  }
  if (name == kFusedAlphaAttr) {
    if (!isa<FloatAttr>(attr.getValue()))
      return op->emitError() << "'" << name << "' must be a float";
    return success();
  }
  if (name == kCompositeIOAttr)
    return verifyCompositeIO(op, attr);
  return op->emitError() << "unknown ge attribute '" << name << "'";
}

//===----------------------------------------------------------------------===//
// Format helpers
//===----------------------------------------------------------------------===//

Format geflow::ge::getFormat(Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked)
    return Format::ND;
  if (auto f = dyn_cast_or_null<FormatAttr>(ranked.getEncoding()))
    return f.getValue();
  return Format::ND;
}

RankedTensorType geflow::ge::withFormat(RankedTensorType type, Format format) {
  Attribute encoding = format == Format::ND
                           ? Attribute()
                           : FormatAttr::get(type.getContext(), format);
  return RankedTensorType::get(type.getShape(), type.getElementType(),
                               encoding);
}

FailureOr<SmallVector<int64_t>>
geflow::ge::getPhysicalShape(RankedTensorType type) {
  if (!type.hasStaticShape())
    return failure();
  // ge::Format and rt::Format share their numbering (checked below).
  auto physical = geflow::rt::physicalShape(
      static_cast<geflow::rt::Format>(getFormat(type)),
      std::vector<int64_t>(type.getShape().begin(), type.getShape().end()));
  if (!physical)
    return failure();
  return SmallVector<int64_t>(physical->begin(), physical->end());
}

static_assert(static_cast<int>(Format::NC1HWC0) ==
                      static_cast<int>(geflow::rt::Format::NC1HWC0) &&
                  static_cast<int>(Format::FRACTAL_NZ) ==
                      static_cast<int>(geflow::rt::Format::FRACTAL_NZ),
              "ge::Format and rt::Format must number formats alike");
