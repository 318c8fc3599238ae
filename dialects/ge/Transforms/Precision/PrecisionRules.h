//===- PrecisionRules.h - Which dtypes an op runs in, and why -----*- C++
//-*-===//
//
// The decision for one op, independent of the IR: given what the op-info
// library says the op supports, the op's dtypes in the original graph and
// the precision mode (plus, for gray ops under mixed precision, whether
// their producers were reduced), pick a supported column and say why.
// docs/precision.md has the decision table these functions implement.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_DIALECTS_GE_TRANSFORMS_PRECISION_PRECISIONRULES_H
#define GEFLOW_DIALECTS_GE_TRANSFORMS_PRECISION_PRECISIONRULES_H

#include "dialects/ge/Transforms/Precision/DtypeOverrides.h"
#include "geflow/SocInfo/PrecisionMode.h"

namespace geflow::ge::precision {

/// One op of the graph as the rules see it.
struct OpFacts {
  const OpInfo *info = nullptr;
  SlotBinding binding;
  /// Element dtypes of the operands and results in the original graph.
  llvm::SmallVector<rt::DType> operands, results;
  /// The dtype the op computes in: its first float result's (or, without
  /// float results, its first float operand's).
  rt::DType origin = rt::DType::F32;
  /// "Conv2D 'conv_1'" for messages.
  std::string label;
};

/// The dtype of every operand and result, and the reason.
struct Choice {
  size_t column = 0;
  llvm::SmallVector<rt::DType> operands, results;
  std::string reason;
  /// "kept f32", "reduced to f16", "raised to f32", "f16 in, f32 out".
  std::string verdict(rt::DType origin) const;
  /// The dtype of the first float result (or operand): what consumers see.
  rt::DType computeDType() const;
};

/// Gray ops under mixed precision follow their producers.
struct GrayProducers {
  bool reduced = false; // every non-constant producer was reduced
  std::string producer; // "Conv2D 'conv_1'" / "input 'x'" (the one named)
};

struct RuleContext {
  Mode mode;
  std::string modeName; // as the user spelled it, for messages
  std::string soc;
  ReduceFlag list = ReduceFlag::Gray; // the op type's list after modify_mixlist
  bool listEdited = false;            // modify_mixlist moved the op type
  GrayProducers gray;
};

/// The mode's choice for `op`, or nullopt with `error` set.
std::optional<Choice> decideByMode(const OpFacts &op, const RuleContext &ctx,
                                   std::string &error);

/// The op keeps its original dtypes (keep_tensors_dtypes / keep_dtype);
/// `why` names the option.
std::optional<Choice> decideKeep(const OpFacts &op, const RuleContext &ctx,
                                 llvm::StringRef why, std::string &error);

/// The dtypes customize_dtypes gives (`byType`: the entry names the type).
std::optional<Choice> decideCustom(const OpFacts &op, const RuleContext &ctx,
                                   const CustomDtypes &custom, bool byType,
                                   std::string &error);

} // namespace geflow::ge::precision

#endif
