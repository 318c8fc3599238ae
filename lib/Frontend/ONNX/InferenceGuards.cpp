//===- InferenceGuards.cpp - Checks run before ONNX's own inference -------===//
#include "InferenceGuards.h"

#include "NodeContext.h"
#include "OpVersions.h"

#include "onnx/defs/schema.h"
#include "onnx/defs/shape_inference.h"
#include "onnx/onnx_pb.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <algorithm>
#include <functional>
#include <mutex>

namespace geflow::frontend::onnximp {

namespace {

/// The attribute that carries a node's description into its guard.
constexpr const char *kNodeTag = "geflow.node";
/// Larger spatial dims than this make the library's SAME padding of the
/// conv and pool ops loop once per stride; no real tensor has them.
constexpr int64_t kMaxSpatialDim = (int64_t(1) << 31) - 1;
/// DepthToSpace divides by blocksize squared: bounded so the square neither
/// overflows to zero nor exceeds any real channel count.
constexpr int64_t kMaxBlockSize = int64_t(1) << 20;

/// ConstantOfShape and Expand without the values of their shape input
/// give the output one dim per value the input is declared to have: a
/// declared [3000000000] builds a shape of 3e9 dims (tens of GB).
constexpr int64_t kMaxShapeInputValues = int64_t(1) << 16;

[[noreturn]] void refuse(onnx::InferenceContext &ctx, const char *opType,
                         const std::string &detail) {
  const onnx::AttributeProto *tag = ctx.getAttribute(kNodeTag);
  std::string node =
      tag ? tag->s() : std::string("a ") + opType + " node (in a function)";
  throw InferenceGuardError(node + ": " + detail);
}

/// The shape of input `i` when its rank is known, else null.
const onnx::TensorShapeProto *shapeOf(onnx::InferenceContext &ctx, size_t i) {
  if (i >= ctx.getNumInputs())
    return nullptr;
  const onnx::TypeProto *type = ctx.getInputType(i);
  if (!type || !type->has_tensor_type() || !type->tensor_type().has_shape())
    return nullptr;
  return &type->tensor_type().shape();
}

const onnx::AttributeProto *attribute(onnx::InferenceContext &ctx,
                                      const char *name) {
  return ctx.getAttribute(name);
}

/// RNN, GRU, LSTM: versions 1 to 6 read dims 0 and 1 of X whatever its rank.
void checkRecurrent(onnx::InferenceContext &ctx, const char *op) {
  if (const onnx::TensorShapeProto *x = shapeOf(ctx, 0))
    if (x->dim_size() != 3)
      refuse(ctx, op,
             "input X has rank " + std::to_string(x->dim_size()) + "; " + op +
                 " takes a rank-3 sequence [seq_length, batch_size, "
                 "input_size]");
}

/// Conv, ConvInteger, QLinearConv, ConvTranspose and the pools: the
/// attributes the library divides by or indexes with, and a kernel taken
/// from a weight whose rank differs from the input's (read past its end).
void checkConvLike(onnx::InferenceContext &ctx, const char *op, int wIndex) {
  for (const char *name : {"strides", "dilations"})
    if (const onnx::AttributeProto *a = attribute(ctx, name))
      for (int64_t v : a->ints())
        if (v < 1)
          refuse(ctx, op,
                 std::string(name) + " holds " + std::to_string(v) +
                     "; each must be at least 1");
  if (const onnx::AttributeProto *group = attribute(ctx, "group"))
    if (group->i() < 1)
      refuse(ctx, op,
             "group is " + std::to_string(group->i()) +
                 "; it must be at least 1");
  const onnx::TensorShapeProto *x = shapeOf(ctx, 0);
  if (!x || x->dim_size() < 2)
    return;
  for (int d = 2; d < x->dim_size(); ++d)
    if (x->dim(d).has_dim_value() && x->dim(d).dim_value() > kMaxSpatialDim)
      refuse(ctx, op,
             "input X dim " + std::to_string(d) + " is " +
                 std::to_string(x->dim(d).dim_value()) + ", more than " +
                 std::to_string(kMaxSpatialDim));
  if (wIndex < 0)
    return;
  const onnx::TensorShapeProto *w = shapeOf(ctx, wIndex);
  if (!w)
    return;
  bool kernelGiven = attribute(ctx, "kernel_shape") != nullptr;
  if (w->dim_size() < 2 || (!kernelGiven && w->dim_size() != x->dim_size()))
    refuse(ctx, op,
           "the weight has rank " + std::to_string(w->dim_size()) +
               " but input X has rank " + std::to_string(x->dim_size()) +
               "; the weight is [channels, channels, kernel...] with one "
               "kernel dim per spatial dim of X");
}

/// SpaceToDepth and DepthToSpace divide by the block size (squared).
void checkBlockSize(onnx::InferenceContext &ctx, const char *op) {
  if (const onnx::AttributeProto *b = attribute(ctx, "blocksize"))
    if (b->i() < 1 || b->i() > kMaxBlockSize)
      refuse(ctx, op,
             "blocksize is " + std::to_string(b->i()) + "; it must be 1 to " +
                 std::to_string(kMaxBlockSize));
}

/// ConstantOfShape (shape input 0) and Expand (shape input 1).
void checkShapeInput(onnx::InferenceContext &ctx, const char *op,
                     size_t index) {
  const onnx::TensorShapeProto *shape = shapeOf(ctx, index);
  if (shape && shape->dim_size() == 1 && shape->dim(0).has_dim_value() &&
      shape->dim(0).dim_value() > kMaxShapeInputValues)
    refuse(ctx, op,
           "its shape input has " + std::to_string(shape->dim(0).dim_value()) +
               " values, a tensor of that many dims (at most " +
               std::to_string(kMaxShapeInputValues) + " are inferred)");
}

/// GatherND copies the data dims from index `last + batch_dims` of the
/// indices' last dim; a negative one reads before the shape.
void checkGatherND(onnx::InferenceContext &ctx, const char *op) {
  int64_t batchDims = 0;
  if (const onnx::AttributeProto *b = attribute(ctx, "batch_dims"))
    batchDims = b->i();
  if (batchDims < 0)
    refuse(ctx, op,
           "batch_dims is " + std::to_string(batchDims) +
               "; it must be at least 0");
  const onnx::TensorShapeProto *indices = shapeOf(ctx, 1);
  if (indices && indices->dim_size() > 0) {
    const auto &last = indices->dim(indices->dim_size() - 1);
    if (last.has_dim_value() && last.dim_value() < 1)
      refuse(ctx, op,
             "the indices' last dim is " + std::to_string(last.dim_value()) +
                 "; it must be at least 1");
  }
}

/// LayerNormalization copies the dims before its axis (default -1) and
/// reads the one at it, without checking the axis against the rank.
void checkLayerNormalization(onnx::InferenceContext &ctx, const char *op) {
  const onnx::TensorShapeProto *x = shapeOf(ctx, 0);
  if (!x)
    return;
  int64_t axis = -1;
  if (const onnx::AttributeProto *a = attribute(ctx, "axis"))
    axis = a->i();
  int64_t rank = x->dim_size();
  if (axis < -rank || axis >= rank)
    refuse(ctx, op,
           "axis " + std::to_string(axis) + " is outside input X of rank " +
               std::to_string(rank));
}

/// The library's shape helpers read tensor_type() of any input type: of a
/// sparse tensor or a sequence (which they count as having a shape) that is
/// an empty shape, whose dims they then index. geflow imports tensors only.
void checkTensorInputs(onnx::InferenceContext &ctx, const char *op) {
  for (size_t i = 0; i < ctx.getNumInputs(); ++i) {
    const onnx::TypeProto *type = ctx.getInputType(i);
    if (!type || type->value_case() == onnx::TypeProto::VALUE_NOT_SET ||
        type->value_case() == onnx::TypeProto::kTensorType)
      continue;
    const char *kind = type->has_sparse_tensor_type() ? "a sparse tensor"
                       : type->has_sequence_type()    ? "a sequence"
                       : type->has_map_type()         ? "a map"
                       : type->has_optional_type()    ? "an optional"
                                                      : "not a tensor";
    refuse(ctx, op,
           "input " + std::to_string(i) + " is " + kind +
               "; geflow imports dense tensors");
  }
}

struct GuardedOp {
  const char *op;
  std::function<void(onnx::InferenceContext &, const char *)> check;
};

const std::vector<GuardedOp> &guardedOps() {
  static const std::vector<GuardedOp> ops = [] {
    auto convWeightAt = [](int w) {
      return [w](onnx::InferenceContext &ctx, const char *op) {
        checkConvLike(ctx, op, w);
      };
    };
    std::vector<GuardedOp> list;
    for (const char *op : {"RNN", "GRU", "LSTM"})
      list.push_back({op, checkRecurrent});
    for (const char *op : {"Conv", "ConvInteger", "ConvTranspose"})
      list.push_back({op, convWeightAt(1)});
    list.push_back({"QLinearConv", convWeightAt(3)});
    for (const char *op : {"MaxPool", "AveragePool", "LpPool"})
      list.push_back({op, convWeightAt(-1)});
    for (const char *op : {"SpaceToDepth", "DepthToSpace"})
      list.push_back({op, checkBlockSize});
    list.push_back({"GatherND", checkGatherND});
    list.push_back({"LayerNormalization", checkLayerNormalization});
    list.push_back(
        {"ConstantOfShape", [](onnx::InferenceContext &ctx, const char *op) {
           checkShapeInput(ctx, op, 0);
         }});
    list.push_back({"Expand", [](onnx::InferenceContext &ctx, const char *op) {
                      checkShapeInput(ctx, op, 1);
                    }});
    return list;
  }();
  return ops;
}

bool isGuarded(const onnx::NodeProto &node) {
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return false;
  return llvm::any_of(
      guardedOps(), [&](const GuardedOp &g) { return node.op_type() == g.op; });
}

} // namespace

void installInferenceGuards() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (const GuardedOp &guarded : guardedOps()) {
      llvm::SmallPtrSet<const onnx::OpSchema *, 8> wrapped;
      for (int version = 1; version <= kLibraryMaxOpset; ++version) {
        const onnx::OpSchema *schema =
            onnx::OpSchemaRegistry::Schema(guarded.op, version, "");
        if (!schema || !schema->has_type_and_shape_inference_function() ||
            !wrapped.insert(schema).second)
          continue;
        // The registry hands out const schemas but owns them as mutable
        // objects; replacing the function is what its builder API does.
        auto *mutableSchema = const_cast<onnx::OpSchema *>(schema);
        onnx::InferenceFunction original =
            schema->GetTypeAndShapeInferenceFunction();
        const char *op = guarded.op;
        auto check = guarded.check;
        mutableSchema->TypeAndShapeInferenceFunction(
            [op, check, original](onnx::InferenceContext &ctx) {
              checkTensorInputs(ctx, op);
              check(ctx, op);
              original(ctx);
            });
      }
    }
  });
}

void tagGuardedNodes(onnx::GraphProto &graph) {
  for (onnx::NodeProto &node : *graph.mutable_node())
    if (isGuarded(node)) {
      onnx::AttributeProto *tag = node.add_attribute();
      tag->set_name(kNodeTag);
      tag->set_type(onnx::AttributeProto::STRING);
      tag->set_s(describeNode(node));
    }
}

void untagGuardedNodes(onnx::GraphProto &graph) {
  for (onnx::NodeProto &node : *graph.mutable_node())
    if (isGuarded(node) && node.attribute_size() > 0 &&
        node.attribute(node.attribute_size() - 1).name() == kNodeTag)
      node.mutable_attribute()->RemoveLast();
}

} // namespace geflow::frontend::onnximp
