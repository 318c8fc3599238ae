//===- GraphDecisions.cpp - The precision decisions of one graph ----------===//
#include "dialects/ge/Transforms/Precision/GraphDecisions.h"

#include "dialects/ge/IR/GEOps.h"
#include "dialects/ge/IR/GEUtils.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <cctype>

using namespace mlir;

namespace geflow::ge::precision {

constexpr StringLiteral kConfigAttr = GEDialect::kPrecisionConfigAttr;

LogicalResult readGraphConfig(func::FuncOp func, GraphConfig &config,
                              const SocProfile *&profile) {
  DictionaryAttr dict = func->getAttrOfType<DictionaryAttr>(kConfigAttr);
  if (!dict)
    if (auto module = func->getParentOfType<ModuleOp>())
      dict = module->getAttrOfType<DictionaryAttr>(kConfigAttr);
  if (dict) {
    // The dialect verifier has checked the keys and value types.
    auto str = [&](StringRef key) -> std::optional<std::string> {
      if (auto s = dict.getAs<StringAttr>(key))
        return s.str();
      return std::nullopt;
    };
    config.soc = str("soc").value_or("host");
    config.v2Name = str("precision_mode_v2").value_or("");
    config.mixlist = str("modify_mixlist");
    config.keepDtype = str("keep_dtype");
    config.customize = str("customize_dtypes");
    if (auto keep = dict.getAs<ArrayAttr>("keep_tensors_dtypes"))
      for (Attribute a : keep)
        config.keepTensors.push_back(cast<StringAttr>(a).str());
  }
  std::string error;
  profile = getSocProfile(config.soc, error);
  if (!profile)
    return func.emitError() << error;
  if (auto mode =
          func->getAttrOfType<StringAttr>(GEDialect::kPrecisionModeAttr)) {
    config.modeName = mode.str();
  } else {
    config.modeName = profile->defaultMode;
    config.modeIsDefault = true;
  }
  config.mode = *parseMode(config.modeName);
  return success();
}

/// An error in a precision option or its file: it names the option (and the
/// file's line), so neither a location nor a print of the whole graph helps.
static InFlightDiagnostic optionError(func::FuncOp func) {
  return mlir::emitError(UnknownLoc::get(func.getContext()));
}

/// A name from an option or a file, quoted for a message: control
/// characters and bytes that are not UTF-8 are escaped.
static std::string quoted(StringRef name) {
  std::string text;
  llvm::raw_string_ostream os(text);
  bool plain = llvm::json::isUTF8(name) && llvm::none_of(name, [](char c) {
                 return std::iscntrl(static_cast<unsigned char>(c));
               });
  if (plain)
    os << name;
  else
    llvm::printEscapedString(name, os);
  return "'" + text + "'";
}

LogicalResult GraphDecider::loadOverrides() {
  std::string error;
  if (config_.mixlist) {
    if (!isMixed(config_.mode))
      return optionError(func_)
             << "modify_mixlist needs a mixed precision mode (precision_mode "
                "allow_mix_precision, allow_mix_precision_fp16 or "
                "allow_mix_precision_bf16, "
                "or precision_mode_v2 mixed_float16 or mixed_bfloat16); the "
                "mode is '"
             << config_.spelled() << "'";
    auto text = readConfigText(*config_.mixlist, error);
    auto edits = text ? parseMixList(*text, profile_, error) : std::nullopt;
    if (!edits)
      return optionError(func_) << "modify_mixlist: " << error;
    mixEdits_ = std::move(*edits);
  }
  if (config_.customize) {
    auto text = readConfigText(*config_.customize, error);
    customize_ =
        text ? parseCustomizeDtypes(*text, profile_, error) : std::nullopt;
    if (!customize_)
      return optionError(func_) << "customize_dtypes: " << error;
  }
  if (config_.keepDtype) {
    auto text = readConfigText(*config_.keepDtype, error);
    keepDtype_ = text ? parseKeepDtype(*text, profile_, error) : std::nullopt;
    if (!keepDtype_)
      return optionError(func_) << "keep_dtype: " << error;
  }
  for (const std::string &name : config_.keepTensors)
    keepTensors_.insert(name);
  // GE 7.1/7.2: under must_keep_origin_dtype every op keeps its dtype and
  // these options have no effect.
  if (config_.mode == Mode::MustKeepOriginDtype &&
      (customize_ || keepDtype_ || !keepTensors_.empty())) {
    overridesApply_ = false;
    mlir::emitWarning(UnknownLoc::get(func_.getContext()))
        << "customize_dtypes, keep_dtype and keep_tensors_dtypes have no "
           "effect under must_keep_origin_dtype (GE)";
  }
  return success();
}

LogicalResult GraphDecider::checkNames() {
  for (Operation &op : func_.getBody().getOps())
    for (StringRef name : nodeNames(op.getLoc()))
      byName_[name].push_back(&op);
  if (!overridesApply_)
    return success();
  llvm::StringSet<> inputs;
  for (unsigned i = 0; i < func_.getNumArguments(); ++i)
    if (auto name = func_.getArgAttrOfType<StringAttr>(i, "ge.name"))
      inputs.insert(name.getValue());
  std::vector<std::string> known;
  for (const auto &entry : byName_)
    known.push_back(entry.getKey().str());
  auto check = [&](StringRef name, StringRef what) -> LogicalResult {
    if (byName_.count(name) || inputs.count(name))
      return success();
    return optionError(func_)
           << what << " names " << quoted(name) << didYouMean(name, known)
           << ", which is no op of graph '" << func_.getSymName()
           << "'; ops folded by earlier passes (e.g. BatchNorm into Conv2D) "
              "no longer exist";
  };
  // keep_tensors_dtypes takes TensorFlow tensor names too: "op:0".
  llvm::StringSet<> keep;
  for (const auto &entry : keepTensors_) {
    StringRef name = entry.getKey();
    auto [base, index] = name.rsplit(':');
    unsigned out;
    if (!byName_.count(name) && !inputs.count(name) && !index.empty() &&
        !index.getAsInteger(10, out))
      name = base;
    if (failed(check(name, "keep_tensors_dtypes")))
      return failure();
    keep.insert(name);
  }
  keepTensors_ = std::move(keep);
  if (keepDtype_)
    for (const auto &entry : keepDtype_->names)
      if (failed(
              check(entry.getKey(), "keep_dtype (" + entry.getValue() + ")")))
        return failure();
  if (customize_)
    for (const auto &entry : customize_->byName)
      if (failed(check(entry.getKey(),
                       "customize_dtypes (" + entry.getValue().where + ")")))
        return failure();
  return success();
}

GrayProducers GraphDecider::grayProducers(Operation *op) const {
  rt::DType low = reducedDType(config_.mode);
  GrayProducers gray;
  std::optional<Value> firstReduced, firstKept;
  for (Value v : op->getOperands()) {
    auto t = getRuntimeDType(getElementTypeOrSelf(v.getType()));
    if (!t || !rt::isFloat(*t))
      continue;
    // Constants are converted to whatever the op runs in: they do not vote.
    if (matchPattern(v, m_Constant()))
      continue;
    rt::DType now = *t;
    if (Operation *def = v.getDefiningOp())
      if (auto it = decisionOf_.find(def); it != decisionOf_.end())
        now = decisions_[it->second]
                  .choice.results[cast<OpResult>(v).getResultNumber()];
    if (now == low) {
      if (!firstReduced)
        firstReduced = v;
    } else if (!firstKept) {
      firstKept = v;
    }
  }
  gray.reduced = firstReduced && !firstKept;
  if (firstKept)
    gray.producer = valueLabel(*firstKept);
  else if (firstReduced)
    gray.producer = valueLabel(*firstReduced);
  else
    gray.producer = "constants only";
  return gray;
}

LogicalResult GraphDecider::decide(Operation *op, PrecisionStats &stats) {
  if (!isa<GEDialect>(op->getDialect()) || op->getNumRegions() ||
      op->hasTrait<OpTrait::ConstantLike>() ||
      isa<FileConstantOp, VariableOp, CastOp>(op))
    return success();
  OpFacts facts;
  bool hasFloat = false;
  // Ops on host-engine types (f64, i16, u16, u32, u64) keep their dtypes:
  // the host kernels compute in them exactly.
  for (Type t : op->getOperandTypes()) {
    auto d = getRuntimeDType(getElementTypeOrSelf(t));
    if (!d || !rt::isDeviceDType(*d))
      return success();
    facts.operands.push_back(*d);
    hasFloat |= rt::isFloat(*d);
  }
  for (Type t : op->getResultTypes()) {
    auto d = getRuntimeDType(getElementTypeOrSelf(t));
    if (!d || !rt::isDeviceDType(*d))
      return success();
    facts.results.push_back(*d);
    hasFloat |= rt::isFloat(*d);
  }
  if (!hasFloat)
    return success();
  facts.info = profile_.lookup(op->getName().stripDialect());
  facts.label = opLabel(op);
  if (!facts.info) {
    rows_.push_back(
        {op, "unchanged: not in the op-info of soc " + profile_.name});
    return success();
  }
  std::string error;
  auto binding =
      bindSlots(*facts.info, op->getNumOperands(), op->getNumResults(), error);
  if (!binding)
    return op->emitError() << facts.label << ": " << error;
  facts.binding = std::move(*binding);
  auto firstFloat = [](ArrayRef<rt::DType> ts) -> std::optional<rt::DType> {
    for (rt::DType t : ts)
      if (rt::isFloat(t))
        return t;
    return std::nullopt;
  };
  facts.origin =
      firstFloat(facts.results).value_or(*firstFloat(facts.operands));

  RuleContext ctx;
  ctx.mode = config_.mode;
  ctx.modeName = config_.spelled();
  ctx.soc = profile_.name;
  auto edit = mixEdits_.find(facts.info->type);
  ctx.listEdited = edit != mixEdits_.end();
  ctx.list = ctx.listEdited ? edit->second : facts.info->reduce;
  if (isMixed(config_.mode) && ctx.list == ReduceFlag::Gray)
    ctx.gray = grayProducers(op);

  // Precedence: customize_dtypes by name, by type, keep, then the mode.
  SmallVector<StringRef> names = nodeNames(op->getLoc());
  std::optional<Choice> choice;
  if (overridesApply_) {
    const CustomDtypes *custom = nullptr;
    bool byType = false;
    if (customize_) {
      for (StringRef n : names)
        if (auto it = customize_->byName.find(n);
            it != customize_->byName.end() && !custom)
          custom = &it->second;
      if (!custom)
        if (auto it = customize_->byType.find(facts.info->type);
            it != customize_->byType.end())
          custom = &it->second, byType = true;
    }
    auto named = [&](auto &&set) {
      return llvm::any_of(names,
                          [&](StringRef n) { return set.count(n) != 0; });
    };
    if (custom) {
      choice = decideCustom(facts, ctx, *custom, byType, error);
    } else if (named(keepTensors_)) {
      choice = decideKeep(facts, ctx, "keep_tensors_dtypes", error);
    } else if (keepDtype_ && (named(keepDtype_->names) ||
                              keepDtype_->types.count(facts.info->type))) {
      choice = decideKeep(facts, ctx, "keep_dtype", error);
    }
    if (!choice && !error.empty())
      return op->emitError() << error;
  }
  if (!choice)
    choice = decideByMode(facts, ctx, error);
  if (!choice)
    return op->emitError() << error;

  Decision d{op, std::move(*choice), facts.origin, ""};
  std::string verdict = d.choice.verdict(facts.origin);
  d.text = verdict + ": " + d.choice.reason;
  StringRef word =
      StringRef(verdict).take_until([](char c) { return c == ' '; });
  ++stats.verdicts[llvm::is_contained(
                       {"kept", "reduced", "raised", "converted"}, word)
                       ? word.str()
                       : "widened"];
  rows_.push_back({op, d.text});
  decisionOf_[op] = decisions_.size();
  decisions_.push_back(std::move(d));
  return success();
}

void GraphDecider::printTable(const PrecisionStats &stats) const {
  std::vector<std::array<std::string, 3>> rows = {{"op", "type", "decision"}};
  for (const auto &[op, text] : rows_) {
    SmallVector<StringRef> names = nodeNames(op->getLoc());
    rows.push_back({names.empty() ? "<unnamed>" : names.front().str(),
                    op->getName().stripDialect().str(), text});
  }
  size_t w0 = 0, w1 = 0;
  for (const auto &row : rows) {
    w0 = std::max(w0, row[0].size());
    w1 = std::max(w1, row[1].size());
  }
  std::string out;
  llvm::raw_string_ostream os(out);
  func::FuncOp func = func_;
  os << "precision decisions of graph '" << func.getSymName() << "' (soc "
     << profile_.name << ", precision_mode " << config_.modeName;
  if (!config_.v2Name.empty())
    os << " from precision_mode_v2 " << config_.v2Name;
  if (config_.modeIsDefault)
    os << ", the soc's default";
  os << "):\n";
  for (const auto &row : rows)
    os << "  " << llvm::left_justify(row[0], w0) << "  "
       << llvm::left_justify(row[1], w1) << "  " << row[2] << "\n";
  SmallVector<std::string> counts;
  for (const char *word : {"reduced", "kept", "raised", "converted", "widened"})
    if (auto it = stats.verdicts.find(word); it != stats.verdicts.end())
      counts.push_back(std::to_string(it->second) + " " + word);
  os << "  ops: "
     << (counts.empty() ? "none decided" : llvm::join(counts, ", "))
     << "; casts inserted: " << stats.casts
     << ", cast pairs cancelled: " << stats.cancelled
     << ", constants converted: " << stats.constants << "\n";
  llvm::errs() << out;
}

LogicalResult GraphDecider::decideAll(PrecisionStats &stats) {
  if (failed(loadOverrides()) || failed(checkNames()))
    return failure();
  for (Operation &op : func_.getBody().getOps())
    if (failed(decide(&op, stats)))
      return failure();
  return success();
}

const Decision *GraphDecider::lookup(Operation *op) const {
  auto it = decisionOf_.find(op);
  return it == decisionOf_.end() ? nullptr : &decisions_[it->second];
}

} // namespace geflow::ge::precision
