//===- OpVersions.cpp - ai.onnx op versions of opsets 18 to 21 ------------===//
#include "OpVersions.h"
#include "ModelLoader.h"

#include "llvm/ADT/STLExtras.h"

#include "onnx/defs/schema.h"

namespace geflow::frontend::onnximp {
namespace {

struct NewVersion {
  llvm::StringLiteral opType;
  int64_t version;
};

// Every ai.onnx op version introduced by opsets 18 to 21.
constexpr NewVersion kNewVersions[] = {
    // Opset 18: Reduce* axes become an input; Split num_outputs; Pad axes;
    // Resize antialias/axes/keep_aspect_ratio_policy; Scatter* max/min.
    {"BitwiseAnd", 18},
    {"BitwiseNot", 18},
    {"BitwiseOr", 18},
    {"BitwiseXor", 18},
    {"CenterCropPad", 18},
    {"Col2Im", 18},
    {"GroupNormalization", 18},
    {"LpPool", 18},
    {"Mish", 18},
    {"OptionalGetElement", 18},
    {"OptionalHasElement", 18},
    {"Pad", 18},
    {"ReduceL1", 18},
    {"ReduceL2", 18},
    {"ReduceLogSum", 18},
    {"ReduceLogSumExp", 18},
    {"ReduceMax", 18},
    {"ReduceMean", 18},
    {"ReduceMin", 18},
    {"ReduceProd", 18},
    {"ReduceSumSquare", 18},
    {"Resize", 18},
    {"ScatterElements", 18},
    {"ScatterND", 18},
    {"Split", 18},
    // Opset 19: float8 types (Cast saturate); AveragePool dilations; Pad
    // wrap mode; Resize half_pixel_symmetric; Equal on strings.
    {"AveragePool", 19},
    {"Cast", 19},
    {"CastLike", 19},
    {"Constant", 19},
    {"DeformConv", 19},
    {"DequantizeLinear", 19},
    {"Equal", 19},
    {"Identity", 19},
    {"If", 19},
    {"Loop", 19},
    {"Pad", 19},
    {"QuantizeLinear", 19},
    {"Reshape", 19},
    {"Resize", 19},
    {"Scan", 19},
    {"Shape", 19},
    {"Size", 19},
    // Opset 20: Gelu; GridSample n-D with renamed modes; ReduceMax/Min on
    // bool; float8 for ConstantOfShape/IsInf/IsNaN.
    {"AffineGrid", 20},
    {"ConstantOfShape", 20},
    {"DFT", 20},
    {"Gelu", 20},
    {"GridSample", 20},
    {"ImageDecoder", 20},
    {"IsInf", 20},
    {"IsNaN", 20},
    {"ReduceMax", 20},
    {"ReduceMin", 20},
    {"RegexFullMatch", 20},
    {"StringConcat", 20},
    {"StringSplit", 20},
    // Opset 21: int4/uint4 (and float8) types; blocked quantization;
    // GroupNormalization's per-channel scale and bias.
    {"Cast", 21},
    {"CastLike", 21},
    {"Constant", 21},
    {"ConstantOfShape", 21},
    {"DequantizeLinear", 21},
    {"Flatten", 21},
    {"GroupNormalization", 21},
    {"Identity", 21},
    {"If", 21},
    {"Loop", 21},
    {"Pad", 21},
    {"QLinearMatMul", 21},
    {"QuantizeLinear", 21},
    {"Reshape", 21},
    {"Scan", 21},
    {"Shape", 21},
    {"Size", 21},
    {"Squeeze", 21},
    {"Transpose", 21},
    {"Unsqueeze", 21},
};

std::optional<int64_t> getLibraryVersion(llvm::StringRef opType,
                                         int64_t opset) {
  const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(
      opType.str(), std::min(opset, kLibraryMaxOpset), "");
  if (!schema)
    return std::nullopt;
  return schema->since_version();
}

} // namespace

std::optional<int64_t> getOpVersion(llvm::StringRef opType, int64_t opset) {
  std::optional<int64_t> newest;
  if (opset > kLibraryMaxOpset)
    for (const NewVersion &entry : kNewVersions)
      if (entry.opType == opType && entry.version <= opset)
        newest = std::max(newest.value_or(0), entry.version);
  return newest ? newest : getLibraryVersion(opType, opset);
}

std::string describeVersions(llvm::StringRef opType) {
  llvm::SmallVector<int64_t> versions;
  for (int64_t opset = kMinOpset; opset <= kMaxOpset; ++opset) {
    std::optional<int64_t> version = getOpVersion(opType, opset);
    if (version && !llvm::is_contained(versions, *version))
      versions.push_back(*version);
  }
  std::string text;
  for (int64_t version : versions)
    text += (text.empty() ? "" : ", ") + std::to_string(version);
  return text.empty() ? "none" : text;
}

} // namespace geflow::frontend::onnximp
