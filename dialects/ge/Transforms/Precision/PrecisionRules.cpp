//===- PrecisionRules.cpp - Which dtypes an op runs in, and why -----------===//
#include "dialects/ge/Transforms/Precision/PrecisionRules.h"

#include "llvm/ADT/StringExtras.h"

using namespace llvm;

namespace geflow::ge::precision {

using rt::DType;

namespace {

unsigned width(DType t) { return t == DType::F32 ? 32 : 16; }

/// Messages say float32 where op-info files say float.
std::string name(DType t) { return std::string(rt::dtypeName(t)); }

/// The first float entry of `types`, if any.
std::optional<DType> firstFloat(ArrayRef<DType> types) {
  for (DType t : types)
    if (rt::isFloat(t))
      return t;
  return std::nullopt;
}

/// The column in which the first float operand is `in` and the first float
/// result is `out` (nullopt: any) and every non-float operand and result
/// keeps its dtype. Other float slots prefer `in` / `out` (BatchNorm
/// parameters may stay float under a float16 x, for example).
std::optional<Choice> findColumn(const OpFacts &op, std::optional<DType> in,
                                 std::optional<DType> out) {
  std::optional<Choice> best;
  unsigned bestScore = ~0u;
  for (size_t c = 0, e = op.info->numColumns(); c < e; ++c) {
    Choice choice;
    choice.column = c;
    unsigned score = 0;
    bool ok = true;
    auto match = [&](ArrayRef<DType> actual, ArrayRef<unsigned> slots,
                     bool isInput, std::optional<DType> want,
                     SmallVectorImpl<DType> &chosen) {
      bool first = true;
      for (auto [i, t] : llvm::enumerate(actual)) {
        DType d = op.info->dtype(isInput, slots[i], c);
        chosen.push_back(d);
        if (!rt::isFloat(t)) {
          ok &= d == t;
          continue;
        }
        ok &= rt::isFloat(d);
        if (want && d != *want) {
          if (first)
            ok = false;
          else
            ++score;
        }
        first = false;
      }
    };
    match(op.operands, op.binding.operandSlot, true, in, choice.operands);
    match(op.results, op.binding.resultSlot, false, out, choice.results);
    if (ok && score < bestScore) {
      bestScore = score;
      best = std::move(choice);
    }
  }
  return best;
}

std::optional<Choice> uniform(const OpFacts &op, DType t) {
  return findColumn(op, t, t);
}

std::optional<Choice> with(std::optional<Choice> choice, const Twine &reason) {
  if (choice)
    choice->reason = reason.str();
  return choice;
}

/// "float16, float" of the float columns the op supports (for errors).
std::string supported(const OpFacts &op) {
  SmallVector<std::string> names;
  for (DType t : {DType::F32, DType::F16, DType::BF16})
    if (uniform(op, t))
      names.push_back(name(t));
  if (findColumn(op, DType::F16, DType::F32))
    names.push_back("float16 in / float32 out");
  return names.empty() ? "none of float32, float16, bfloat16"
                       : join(names, ", ");
}

/// The ops' supported dtypes appended to an error.
std::string noImplementation(const OpFacts &op, const RuleContext &ctx,
                             const Twine &what) {
  return ctx.modeName + ": " + op.label + " " + what.str() + " on soc " +
         ctx.soc + " (its op-info supports " + supported(op) + ")";
}

std::string listLabel(const RuleContext &ctx) {
  std::string list = listName(ctx.list).str();
  list[list.find('-')] = ' ';
  return ctx.listEdited ? list + " (modify_mixlist)" : list;
}

std::optional<Choice> decideMixed(const OpFacts &op, const RuleContext &ctx,
                                  std::string &error) {
  DType low = reducedDType(ctx.mode), o = op.origin;
  std::string lowName = name(low);
  if (o != DType::F32) {
    // Only float ops are candidates for reduction.
    if (auto c = uniform(op, o))
      return with(c, "mixed precision reduces only float32 ops");
    if (auto c = uniform(op, DType::F32))
      return with(c, "no " + name(o) + " implementation");
    error = noImplementation(
        op, ctx, "has no " + name(o) + " or float32 implementation");
    return std::nullopt;
  }
  std::string list = listLabel(ctx);
  switch (ctx.list) {
  case ReduceFlag::White:
    if (auto c = uniform(op, low))
      return with(c, list);
    if (auto c = uniform(op, DType::F32))
      return with(c, list + ", but no " + lowName + " implementation");
    break;
  case ReduceFlag::Black:
    if (auto c = uniform(op, DType::F32))
      return with(c, list);
    error = noImplementation(
                op, ctx,
                "is on the black list, which keeps float32, but has no "
                "float32 implementation") +
            "; take " + op.info->type +
            " off the black list with modify_mixlist";
    return std::nullopt;
  case ReduceFlag::Gray: {
    std::string follows = list + ", follows " + ctx.gray.producer;
    DType first = ctx.gray.reduced ? low : DType::F32;
    DType second = ctx.gray.reduced ? DType::F32 : low;
    if (auto c = uniform(op, first))
      return with(c, follows);
    if (auto c = uniform(op, second))
      return with(c, follows + ", but no " + name(first) + " implementation");
    break;
  }
  }
  error = noImplementation(op, ctx,
                           "has no " + lowName + " or float32 implementation");
  return std::nullopt;
}

} // namespace

DType Choice::computeDType() const {
  if (auto r = firstFloat(results))
    return *r;
  return firstFloat(operands).value_or(DType::F32);
}

std::string Choice::verdict(DType origin) const {
  DType in = firstFloat(operands).value_or(computeDType()),
        out = computeDType();
  auto s = [](DType t) { return std::string(rt::dtypeShortName(t)); };
  if (in != out && firstFloat(operands) && firstFloat(results))
    return s(in) + " in, " + s(out) + " out";
  if (out == origin)
    return "kept " + s(out);
  if (width(out) < width(origin))
    return "reduced to " + s(out);
  if (width(out) > width(origin))
    return "raised to " + s(out);
  return "converted to " + s(out);
}

std::optional<Choice> decideByMode(const OpFacts &op, const RuleContext &ctx,
                                   std::string &error) {
  DType o = op.origin;
  const std::string &mode = ctx.modeName;
  switch (ctx.mode) {
  case Mode::MustKeepOriginDtype:
    if (auto c = uniform(op, o))
      return with(c, mode);
    // GE: an fp16 op without an fp16 kernel runs in fp32; an fp32 op is
    // never reduced under this mode.
    if (o != DType::F32)
      if (auto c = uniform(op, DType::F32))
        return with(c, mode + ", no " + name(o) + " implementation");
    error = noImplementation(op, ctx,
                             "is " + name(o) + " but has no " + name(o) +
                                 " implementation") +
            "; must_keep_origin_dtype never lowers precision, choose a mode "
            "that may "
            "(allow_fp32_to_fp16, force_fp16 or a mixed mode)";
    return std::nullopt;

  case Mode::ForceFp16:
    if (auto c = uniform(op, DType::F16))
      return with(c, mode);
    if (auto c = uniform(op, o))
      return with(c, mode + ", but no float16 implementation");
    if (auto c = uniform(op, DType::F32))
      return with(c, mode + ", but no float16 implementation");
    error = noImplementation(
        op, ctx, "has no float16 or " + name(o) + " implementation");
    return std::nullopt;

  case Mode::CubeFp16InFp32Out:
    if (op.info->isCube()) {
      if (auto c = findColumn(op, DType::F16, DType::F32))
        return with(c, mode + ", cube op");
      if (auto c = uniform(op, DType::F32))
        return with(c, mode + ", cube op without float16-in/float32-out");
      if (auto c = uniform(op, DType::F16))
        return with(c, mode + ", cube op with float16 only");
      error = noImplementation(
          op, ctx,
          "has no float16-in/float32-out, float32 or float16 implementation");
      return std::nullopt;
    }
    if (auto c = uniform(op, DType::F32))
      return with(c, mode + ", vector op");
    if (auto c = uniform(op, o))
      return with(c, mode + ", vector op without float32");
    if (auto c = uniform(op, DType::F16))
      return with(c, mode + ", vector op without float32");
    error = noImplementation(
        op, ctx, "has no float32, " + name(o) + " or float16 implementation");
    return std::nullopt;

  case Mode::AllowFp32ToFp16:
  case Mode::AllowFp32ToBf16: {
    DType low = reducedDType(ctx.mode);
    if (op.info->isCube()) {
      // Only float32 Cube ops are lowered; others keep their dtype.
      if (o == DType::F32)
        if (auto c = uniform(op, low))
          return with(c, mode + ", cube op");
      if (auto c = uniform(op, o))
        return with(c, mode + (o == DType::F32
                                   ? ", cube op without " + name(low)
                                   : ", cube op, only float32 is lowered"));
      if (auto c = uniform(op, DType::F32))
        return with(c, mode + ", cube op without " + name(o));
      error = noImplementation(op, ctx,
                               "has no " + name(low) + " or " + name(o) +
                                   " implementation");
      return std::nullopt;
    }
    if (auto c = uniform(op, o))
      return with(c, mode + ", vector op keeps its dtype");
    if (o == DType::F32) {
      if (auto c = uniform(op, low))
        return with(c, mode + ", vector op without float32");
      if (auto c = uniform(op, DType::F16))
        return with(c, mode + ", vector op without float32 or " + name(low));
    } else if (auto c = uniform(op, DType::F32)) {
      return with(c, mode + ", vector op without " + name(o));
    }
    error =
        noImplementation(op, ctx, "has no implementation this mode may choose");
    return std::nullopt;
  }

  case Mode::MixedFp16:
  case Mode::MixedBf16:
    return decideMixed(op, ctx, error);
  }
  error = "unknown precision mode";
  return std::nullopt;
}

std::optional<Choice> decideKeep(const OpFacts &op, const RuleContext &ctx,
                                 StringRef why, std::string &error) {
  if (auto c = uniform(op, op.origin))
    return with(c, why);
  error = why.str() + " keeps " + op.label + " in " + name(op.origin) +
          ", but soc " + ctx.soc + " has no " + name(op.origin) +
          " implementation of " + op.info->type + " (its op-info supports " +
          supported(op) + ")";
  return std::nullopt;
}

std::optional<Choice> decideCustom(const OpFacts &op, const RuleContext &ctx,
                                   const CustomDtypes &custom, bool byType,
                                   std::string &error) {
  std::string where = "customize_dtypes (" + custom.where + ")";
  auto checkCount = [&](const std::optional<std::vector<DType>> &list,
                        size_t count, const char *what) {
    if (!list || list->size() == count)
      return true;
    error = where + " gives " + std::to_string(list->size()) + " " + what +
            " dtype(s), but " + op.label + " has " + std::to_string(count);
    return false;
  };
  if (!checkCount(custom.inputs, op.operands.size(), "input") ||
      !checkCount(custom.outputs, op.results.size(), "output"))
    return std::nullopt;
  // The column holding every given dtype; for a list left out, the one
  // nearest to the given dtypes (same as the first given float).
  std::optional<Choice> best;
  unsigned bestScore = ~0u;
  std::optional<DType> hint =
      custom.inputs ? firstFloat(*custom.inputs) : firstFloat(*custom.outputs);
  for (size_t c = 0, e = op.info->numColumns(); c < e; ++c) {
    Choice choice;
    choice.column = c;
    bool ok = true;
    unsigned score = 0;
    auto match = [&](const std::optional<std::vector<DType>> &given,
                     ArrayRef<DType> actual, ArrayRef<unsigned> slots,
                     bool isInput, SmallVectorImpl<DType> &out) {
      for (auto [i, t] : llvm::enumerate(actual)) {
        DType d = op.info->dtype(isInput, slots[i], c);
        out.push_back(d);
        if (given)
          ok &= d == (*given)[i];
        else if (!rt::isFloat(t))
          ok &= d == t;
        else
          score += !hint || d != *hint;
      }
    };
    match(custom.inputs, op.operands, op.binding.operandSlot, true,
          choice.operands);
    match(custom.outputs, op.results, op.binding.resultSlot, false,
          choice.results);
    if (ok && score < bestScore) {
      bestScore = score;
      best = std::move(choice);
    }
  }
  if (best) {
    best->reason = where + (byType ? ", by op type" : ", by name");
    return best;
  }
  auto list = [](const std::optional<std::vector<DType>> &l) {
    if (!l)
      return std::string("any");
    SmallVector<std::string> names;
    for (DType t : *l)
      names.push_back(name(t));
    return "(" + join(names, ", ") + ")";
  };
  error = where + ": soc " + ctx.soc + " has no implementation of " + op.label +
          " with inputs " + list(custom.inputs) + " and outputs " +
          list(custom.outputs) + " (its op-info supports " + supported(op) +
          ")";
  return std::nullopt;
}

} // namespace geflow::ge::precision
