//===- AirOpForms.cpp - GE op types on the wire <-> ge dialect ops --------===//
#include "AirOpForms.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/ADT/STLExtras.h"

#include <set>
#include <string>

using namespace mlir;

namespace geflow::frontend::air {

namespace {
struct Row {
  OpForm form;
  /// The form export writes for form.dialectOp.
  bool exported;
};
} // namespace

static const std::vector<Row> &table() {
  using K = ConstKind;
  static const std::vector<Row> rows = [] {
    std::vector<Row> r;
    auto add = [&](OpForm f, bool exported = false) {
      r.push_back({std::move(f), exported});
    };
    // Axes / perm / shape-like inputs held as attributes by the dialect.
    add({"TransposeD", "Transpose"}, true);
    add({"Transpose", "Transpose", {{1, "perm", K::Ints}}});
    // String literals: the table keeps StringRefs for the whole program.
    for (auto [red, redD] :
         {std::pair<StringRef, StringRef>{"ReduceSum", "ReduceSumD"},
          {"ReduceMean", "ReduceMeanD"},
          {"ReduceMax", "ReduceMaxD"},
          {"ReduceProd", "ReduceProdD"}}) {
      add({redD, red}, true);
      add({red, red, {{1, "axes", K::Ints}}});
    }
    add({"ConcatV2D", "ConcatV2", {}, {}, 0, Special::ConcatDimLast}, true);
    add({"ConcatV2", "ConcatV2", {{-1, "concat_dim", K::Int}}});
    add({"ConcatD", "ConcatV2"});
    add({"Concat", "ConcatV2", {{0, "concat_dim", K::Int}}});
    add({"SplitVD", "Split", {}, {}, 0, Special::SplitCount}, true);
    add({"SplitV",
         "Split",
         {{1, "size_splits", K::Ints}, {2, "split_dim", K::Int}}});
    add({"StridedSliceD", "StridedSlice", {}, {}, 0, Special::SliceMasks},
        true);
    add({"StridedSlice",
         "StridedSlice",
         {{1, "begin", K::Ints}, {2, "end", K::Ints}, {3, "strides", K::Ints}},
         {},
         0,
         Special::SliceMasks});
    add({"SliceD", "Slice"}, true);
    add({"Slice", "Slice", {{1, "offsets", K::Ints}, {2, "size", K::Ints}}});
    add({"PadV3",
         "Pad",
         {{1, "paddings", K::Flat}, {2, "constant_value", K::Float}}},
        true);
    add({"Pad", "Pad", {{1, "paddings", K::Flat}}});
    add({"Unsqueeze", "ExpandDims"}, true);
    add({"ExpandDims", "ExpandDims", {{1, "axes", K::Ints}}});
    add({"TileD", "Tile"}, true);
    add({"Tile", "Tile", {{1, "multiples", K::Ints}}});
    add({"BroadcastToD", "BroadcastTo"}, true);
    add({"BroadcastTo", "BroadcastTo", {{1, "shape", K::Ints}}});
    add({"GatherV2", "GatherV2", {{2, "axis", K::Int}}}, true);
    add({"GatherV2D", "GatherV2"});
    add({"SoftmaxV2", "Softmax"}, true);
    add({"LogSoftmaxV2", "LogSoftmax"}, true);
    add({"MaxPoolV3", "MaxPool", {}, {}, 0, Special::PoolPadding}, true);
    add({"MaxPool", "MaxPool", {}, {}, 0, Special::PoolPadding});
    add({"AvgPoolV2", "AvgPool", {}, {}, 0, Special::PoolPadding}, true);
    add({"AvgPool", "AvgPool", {}, {}, 0, Special::PoolPadding});
    add({"GlobalAveragePool", "GlobalAvgPool"}, true);
    add({"ClipByValue",
         "Clip",
         {{1, "clip_value_min", K::Float}, {2, "clip_value_max", K::Float}}},
        true);
    add({"SelectV2", "Select"}, true);
    add({"Conv2DTransposeD", "Conv2DTranspose"}, true);
    // Conv2DTranspose(input_size, x, filter, bias, offset_w).
    add({"Conv2DTranspose", "Conv2DTranspose", {{0, "", K::Ints}}});
    add({"Resize", "Resize", {{3, "sizes", K::Ints}}}, true);
    add({"ArgMaxV2", "ArgMaxD", {{1, "dimension", K::Int}}});
    add({"ArgMin", "ArgMinD", {{1, "dimension", K::Int}}});
    add({"ScatterElements", "ScatterElements", {}, {{"axis", "dim"}}}, true);
    add({"MatMul", "MatMulV2"});
    add({"BatchMatMul", "BatchMatMulV2"});
    add({"LayerNorm", "LayerNorm", {}, {}, 2}, true);
    add({"BatchNorm", "BatchNorm", {}, {}, 4}, true);
    return r;
  }();
  return rows;
}

bool isInternalOp(StringRef dialectOp) {
  // FusedElementwise/Yield exist only after fusion; Variable/Assign are the
  // weight-update ops, not part of this frontend.
  return dialectOp == "FusedElementwise" || dialectOp == "Yield" ||
         dialectOp == "Variable" || dialectOp == "Assign" ||
         dialectOp == "Const" || dialectOp == "FileConstant";
}

std::optional<OpForm> lookupWireForm(MLIRContext *ctx, StringRef type) {
  for (const Row &row : table())
    if (row.form.wireType == type)
      return row.form;
  if (isInternalOp(type))
    return std::nullopt;
  if (!RegisteredOperationName::lookup(("ge." + type).str(), ctx))
    return std::nullopt;
  // A same-named op whose GE form differs has a table row, so reaching here
  // with a name the table maps away (ge.Transpose as GE "Transpose") cannot
  // happen; the rows above take precedence.
  OpForm form;
  form.wireType = type;
  form.dialectOp = type;
  return form;
}

OpForm lookupExportForm(StringRef dialectOp) {
  for (const Row &row : table())
    if (row.exported && row.form.dialectOp == dialectOp)
      return row.form;
  OpForm form;
  form.wireType = dialectOp;
  form.dialectOp = dialectOp;
  return form;
}

SmallVector<std::string> getSupportedAirOpTypes(MLIRContext *ctx) {
  std::set<std::string> names = {"Data", "Const", "Constant", "FileConstant",
                                 "NetOutput"};
  for (const Row &row : table())
    names.insert(row.form.wireType.str());
  for (RegisteredOperationName op : ctx->getRegisteredOperations()) {
    StringRef name = op.getStringRef();
    if (!name.consume_front("ge.") || isInternalOp(name))
      continue;
    names.insert(name.str());
  }
  return SmallVector<std::string>(names.begin(), names.end());
}

} // namespace geflow::frontend::air
