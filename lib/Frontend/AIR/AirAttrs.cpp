//===- AirAttrs.cpp - GE IR AttrDef <-> MLIR attributes -------------------===//
#include "AirAttrs.h"
#include "AirTypes.h"

#include "dialects/ge/IR/GEOps.h"

#include "ge_ir.pb.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <cstring>

using namespace mlir;
using ListValue = ::ge::proto::AttrDef::ListValue;

namespace geflow::frontend::air {

static bool isFormatAttr(StringRef name) {
  return name == "src_format" || name == "dst_format";
}

FailureOr<Attribute> importAttr(MLIRContext *ctx, StringRef name,
                                const ::ge::proto::AttrDef &attr,
                                std::string &error) {
  Builder b(ctx);
  switch (attr.value_case()) {
  case ::ge::proto::AttrDef::kI:
    return Attribute(b.getI64IntegerAttr(attr.i()));
  case ::ge::proto::AttrDef::kF:
    return Attribute(b.getF32FloatAttr(attr.f()));
  case ::ge::proto::AttrDef::kB:
    return Attribute(b.getBoolAttr(attr.b()));
  case ::ge::proto::AttrDef::kS:
    if (isFormatAttr(name)) {
      std::optional<ge::Format> format = ge::symbolizeFormat(attr.s());
      if (!format) {
        error = "format '" + attr.s() + "' is not one geflow knows";
        return failure();
      }
      return Attribute(ge::FormatAttr::get(ctx, *format));
    }
    return Attribute(b.getStringAttr(attr.s()));
  case ::ge::proto::AttrDef::kDt: {
    FailureOr<Type> type = typeFromCppDType(ctx, attr.dt(), error);
    if (failed(type))
      return failure();
    return Attribute(TypeAttr::get(*type));
  }
  case ::ge::proto::AttrDef::kList: {
    const ListValue &list = attr.list();
    bool intsOk = list.val_type() == ListValue::VT_LIST_INT ||
                  list.val_type() == ListValue::VT_LIST_NONE;
    if (intsOk && list.s_size() + list.f_size() + list.b_size() +
                          list.bt_size() + list.td_size() + list.t_size() +
                          list.g_size() + list.na_size() + list.dt_size() ==
                      0)
      return Attribute(b.getDenseI64ArrayAttr(
          SmallVector<int64_t>(list.i().begin(), list.i().end())));
    error = "is a list of a kind the ge dialect has no attribute for "
            "(val_type " +
            std::to_string(list.val_type()) + ")";
    return failure();
  }
  case ::ge::proto::AttrDef::kListListInt: {
    // GE writes some int matrices (PadV3D paddings) this way; flattened.
    SmallVector<int64_t> flat;
    for (const auto &row : attr.list_list_int().list_list_i())
      flat.append(row.list_i().begin(), row.list_i().end());
    return Attribute(b.getDenseI64ArrayAttr(flat));
  }
  case ::ge::proto::AttrDef::VALUE_NOT_SET:
    error = "has no value";
    return failure();
  default:
    error = "holds a value kind (bytes, tensor, graph, named attrs, float "
            "matrix) the ge dialect has no attribute for";
    return failure();
  }
}

LogicalResult exportAttr(Attribute attr, ::ge::proto::AttrDef &out,
                         std::string &error) {
  if (auto ints = dyn_cast<DenseI64ArrayAttr>(attr)) {
    ListValue *list = out.mutable_list();
    for (int64_t v : ints.asArrayRef())
      list->add_i(v);
    list->set_val_type(ListValue::VT_LIST_INT);
    return success();
  }
  if (auto flag = dyn_cast<BoolAttr>(attr))
    return out.set_b(flag.getValue()), success();
  if (auto integer = dyn_cast<IntegerAttr>(attr))
    return out.set_i(integer.getInt()), success();
  if (auto real = dyn_cast<FloatAttr>(attr))
    return out.set_f(static_cast<float>(real.getValueAsDouble())), success();
  if (auto text = dyn_cast<StringAttr>(attr))
    return out.set_s(text.getValue().str()), success();
  if (auto format = dyn_cast<ge::FormatAttr>(attr))
    return out.set_s(ge::stringifyFormat(format.getValue()).str()), success();
  if (auto type = dyn_cast<TypeAttr>(attr)) {
    std::optional<int> dt = cppDTypeOf(type.getValue());
    if (!dt) {
      error = "names a type GE has no dtype for";
      return failure();
    }
    return out.set_dt(*dt), success();
  }
  error = "has no GE IR form";
  return failure();
}

FailureOr<WireTensor> readTensor(MLIRContext *ctx,
                                 const ::ge::proto::TensorDef &tensor,
                                 std::string &error) {
  FailureOr<RankedTensorType> type = typeFromDesc(ctx, tensor.desc(), error);
  if (failed(type))
    return failure();
  if (!type->hasStaticShape()) {
    error = "a constant's shape has unknown dims";
    return failure();
  }
  uint64_t need = static_cast<uint64_t>(type->getNumElements()) *
                  elementBytes(type->getElementType());
  if (tensor.data().size() != need) {
    std::string t;
    llvm::raw_string_ostream os(t);
    os << *type;
    error = "holds " + std::to_string(tensor.data().size()) +
            " bytes of data but its descriptor " + t + " needs " +
            std::to_string(need);
    return failure();
  }
  return WireTensor{*type, tensor.data()};
}

FailureOr<SmallVector<int64_t>> tensorInts(const WireTensor &t,
                                           std::string &error) {
  Type elem = t.type.getElementType();
  SmallVector<int64_t> values;
  int64_t n = t.type.getNumElements();
  if (elem.isInteger(64)) {
    for (int64_t i = 0; i < n; ++i) {
      int64_t v;
      std::memcpy(&v, t.bytes.data() + 8 * i, 8);
      values.push_back(v);
    }
  } else if (elem.isInteger(32)) {
    for (int64_t i = 0; i < n; ++i) {
      int32_t v;
      std::memcpy(&v, t.bytes.data() + 4 * i, 4);
      values.push_back(v);
    }
  } else {
    error = "is not an int32 or int64 tensor";
    return failure();
  }
  return values;
}

FailureOr<double> tensorScalar(const WireTensor &t, std::string &error) {
  if (t.type.getNumElements() != 1) {
    error = "is not a one-element tensor";
    return failure();
  }
  if (t.type.getElementType().isF32()) {
    float v;
    std::memcpy(&v, t.bytes.data(), 4);
    return static_cast<double>(v);
  }
  FailureOr<SmallVector<int64_t>> ints = tensorInts(t, error);
  if (failed(ints)) {
    error = "is not a float32 or integer scalar";
    return failure();
  }
  return static_cast<double>((*ints)[0]);
}

LogicalResult writeTensor(RankedTensorType type, ArrayRef<uint8_t> bytes,
                          StringRef name, ::ge::proto::TensorDef &out,
                          std::string &error) {
  if (failed(fillDesc(type, name, *out.mutable_desc(), error)))
    return failure();
  out.set_data(bytes.data(), bytes.size());
  return success();
}

} // namespace geflow::frontend::air
