//===- AirTypes.cpp - GE IR dtypes, shapes and layouts <-> MLIR types -----===//
#include "AirTypes.h"

#include "ge_ir.pb.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;

namespace geflow::frontend::air {

namespace {
enum class Elem {
  F32,
  F16,
  BF16,
  I8,
  U8,
  I16,
  U16,
  I32,
  U32,
  I64,
  U64,
  Bool,
  F64,
  String,
  Undefined
};
struct DTypeRow {
  Elem elem;
  const char *name;
  int proto; // TensorDescriptor.dtype
  int cpp;   // ge::DataType (attributes of kind dt)
};
} // namespace

// The air-format.md table; geflow runs the first eight.
static constexpr DTypeRow kDTypes[] = {
    {Elem::F32, "float32", 1, 0},
    {Elem::F16, "float16", 2, 1},
    {Elem::BF16, "bfloat16", 27, 27},
    {Elem::I8, "int8", 3, 2},
    {Elem::U8, "uint8", 4, 4},
    {Elem::I32, "int32", 7, 3},
    {Elem::I64, "int64", 8, 9},
    {Elem::Bool, "bool", 11, 12},
    {Elem::I16, "int16", 5, 6},
    {Elem::U16, "uint16", 6, 7},
    {Elem::U32, "uint32", 9, 8},
    {Elem::U64, "uint64", 10, 10},
    {Elem::F64, "double", 12, 11},
    {Elem::String, "string", 13, 13},
    {Elem::Undefined, "undefined", 0, 28},
};

static Type toMlir(MLIRContext *ctx, Elem elem) {
  Builder b(ctx);
  switch (elem) {
  case Elem::F32:
    return b.getF32Type();
  case Elem::F16:
    return b.getF16Type();
  case Elem::BF16:
    return b.getBF16Type();
  case Elem::I8:
    return b.getIntegerType(8);
  case Elem::U8:
    return b.getIntegerType(8, /*isSigned=*/false);
  case Elem::I32:
    return b.getIntegerType(32);
  case Elem::I64:
    return b.getIntegerType(64);
  case Elem::Bool:
    return b.getI1Type();
  default:
    return {};
  }
}

static FailureOr<Type> lookup(MLIRContext *ctx, int64_t dtype, bool cpp,
                              std::string &error) {
  const char *numbering = cpp ? "ge::DataType" : "proto DataType";
  for (const DTypeRow &row : kDTypes) {
    if ((cpp ? row.cpp : row.proto) != dtype)
      continue;
    if (Type type = toMlir(ctx, row.elem))
      return type;
    error = std::string("dtype ") + row.name + " (" + numbering + " " +
            std::to_string(dtype) +
            ") is not supported (geflow runs float32, float16, bfloat16, "
            "int8, uint8, int32, int64 and bool)";
    return failure();
  }
  error = "unknown dtype " + std::to_string(dtype) + " (" + numbering + ")";
  return failure();
}

FailureOr<Type> typeFromProtoDType(MLIRContext *ctx, int64_t dtype,
                                   std::string &error) {
  return lookup(ctx, dtype, /*cpp=*/false, error);
}

FailureOr<Type> typeFromCppDType(MLIRContext *ctx, int64_t dtype,
                                 std::string &error) {
  return lookup(ctx, dtype, /*cpp=*/true, error);
}

static const DTypeRow *rowOf(Type type) {
  for (const DTypeRow &row : kDTypes)
    if (Type t = toMlir(type.getContext(), row.elem); t && t == type)
      return &row;
  return nullptr;
}

std::optional<int> protoDTypeOf(Type type) {
  if (const DTypeRow *row = rowOf(type))
    return row->proto;
  return std::nullopt;
}

std::optional<int> cppDTypeOf(Type type) {
  if (const DTypeRow *row = rowOf(type))
    return row->cpp;
  return std::nullopt;
}

int64_t elementBytes(Type elementType) {
  return std::max<int64_t>(1, (elementType.getIntOrFloatBitWidth() + 7) / 8);
}

FailureOr<RankedTensorType>
typeFromDesc(MLIRContext *ctx, const ::ge::proto::TensorDescriptor &desc,
             std::string &error) {
  FailureOr<Type> elem = typeFromProtoDType(ctx, desc.dtype(), error);
  if (failed(elem))
    return failure();
  StringRef layout = desc.layout();
  if (!layout.empty() && layout != "ND" && layout != "NCHW" &&
      layout != "NHWC" && layout != "RESERVED") {
    error = ("layout '" + layout +
             "' is not supported (geflow reads ND, NCHW and NHWC tensors; "
             "formats are chosen by the compiler)")
                .str();
    return failure();
  }
  SmallVector<int64_t> dims;
  for (int64_t d : desc.shape().dim()) {
    if (d == -2) {
      error = "unknown rank (dims [-2]) is not supported";
      return failure();
    }
    if (d < -1) {
      error = "dim " + std::to_string(d) + " is not a size";
      return failure();
    }
    dims.push_back(d == -1 ? ShapedType::kDynamic : d);
  }
  return RankedTensorType::get(dims, *elem);
}

LogicalResult fillDesc(Type type, StringRef name,
                       ::ge::proto::TensorDescriptor &desc,
                       std::string &error) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked) {
    error = "has no ranked tensor type";
    return failure();
  }
  std::optional<int> dtype = protoDTypeOf(ranked.getElementType());
  if (!dtype) {
    error = "has an element type GE IR cannot hold";
    return failure();
  }
  desc.set_name(name.str());
  desc.set_dtype(static_cast<::ge::proto::DataType>(*dtype));
  for (int64_t d : ranked.getShape())
    desc.mutable_shape()->add_dim(ShapedType::isDynamic(d) ? -1 : d);
  desc.set_layout("ND");
  return success();
}

} // namespace geflow::frontend::air
