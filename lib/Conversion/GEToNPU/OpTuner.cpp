//===- OpTuner.cpp - Operator tuning (aoe_mode=2) and the op bank ---------===//
#include "OpTuner.h"

#include "geflow/runtime/Types.h"

#include <algorithm>
#include <limits>

namespace geflow::conversion {

namespace k = geflow::kernels;

namespace {

/// Seconds of repeated launches per candidate, over kRounds rounds (at
/// least 3 launches a round).
constexpr double kSecondsPerCandidate = 0.045;
constexpr int kRounds = 3;
/// A hint must beat the default tiling by this much to be kept (below it,
/// the difference is timing noise).
constexpr double kMinGain = 0.02;

k::TilingContext withHint(const k::TilingContext &ctx,
                          const k::TilingHint &hint) {
  k::TilingContext hinted = ctx;
  if (!hint.empty())
    hinted.attrs.set(k::kTilingHintAttr, hint.toInts());
  return hinted;
}

/// `a` with the fields `b` sets and `a` leaves to the kernel.
k::TilingHint merge(k::TilingHint a, const k::TilingHint &b) {
  for (auto field :
       {&k::TilingHint::kc, &k::TilingHint::mc, &k::TilingHint::nc,
        &k::TilingHint::blocks, &k::TilingHint::variant, &k::TilingHint::rows})
    if (!(a.*field))
      a.*field = b.*field;
  return a;
}

} // namespace

OpTuner::OpTuner(OpTunerConfig config, const k::SocInfo &info)
    : config_(std::move(config)), info_(info),
      deadline_(std::chrono::steady_clock::now() +
                std::chrono::seconds(config_.timeLimitSeconds)) {}

OpTuner::~OpTuner() = default;

std::string OpTuner::open() {
  if (!active())
    return "";
  file_ = OpBank::fileIn(config_.bankDir);
  return bank_.load(file_);
}

bool OpTuner::selected(const std::string &opName,
                       const std::string &opType) const {
  if (config_.opNames.empty() && config_.opTypes.empty())
    return true;
  return std::find(config_.opNames.begin(), config_.opNames.end(), opName) !=
             config_.opNames.end() ||
         std::find(config_.opTypes.begin(), config_.opTypes.end(), opType) !=
             config_.opTypes.end();
}

bool OpTuner::outOfTime() const {
  return std::chrono::steady_clock::now() >= deadline_;
}

rt::Status OpTuner::tileChecked(const k::KernelDef &def,
                                const k::TilingContext &ctx,
                                const k::TilingHint &hint,
                                k::TilingResult *tiling) const {
  const k::TilingContext hinted = withHint(ctx, hint);
  GEFLOW_RETURN_IF_ERROR(def.tiling(hinted, tiling));
  if (!def.checkTiling)
    return rt::Status::OK();
  // The kernel's own check, as a loader runs it on a stored tiling: the
  // bound buffers are the descriptors' (a packed input is sized by the
  // pack function from this very tiling).
  k::TilingCheck check;
  check.ctx = &hinted;
  check.fresh = tiling;
  check.blockDim = tiling->blockDim;
  check.tiling = tiling->tilingData.data();
  check.tilingSize = tiling->tilingData.size();
  for (size_t i = 0; i < ctx.inputs.size(); ++i) {
    const k::TensorDesc &d = ctx.inputs[i];
    bool packed =
        std::find(tiling->packedInputs.begin(), tiling->packedInputs.end(),
                  uint32_t(i)) != tiling->packedInputs.end();
    check.inputBytes.push_back(
        packed ? std::numeric_limits<uint64_t>::max()
               : rt::storageBytes(d.dtype, d.format, d.shape));
  }
  for (const k::TensorDesc &d : ctx.outputs)
    check.outputBytes.push_back(rt::storageBytes(d.dtype, d.format, d.shape));
  check.workspaceBytes = tiling->workspaceSize;
  return def.checkTiling(check);
}

std::optional<OpBankEntry> OpTuner::tune(const k::KernelDef &def,
                                         const k::TilingContext &ctx,
                                         std::string *error) {
  const std::vector<k::TensorDesc> &first =
      ctx.inputs.empty() ? ctx.outputs : ctx.inputs;
  k::KernelFn fn = first.empty() ? nullptr
                                 : k::KernelRegistry::global().select(
                                       def.name, first[0].dtype, info_.isa);
  if (!fn)
    return OpBankEntry{}; // nothing this machine runs: keep the default
  if (!timer_)
    timer_ = std::make_unique<KernelTimer>(info_.aiCoreCount);
  k::TilingResult base;
  if (rt::Status st = def.tiling(ctx, &base); !st.ok()) {
    *error = st.message();
    return std::nullopt;
  }
  struct Candidate {
    k::TilingHint hint;
    k::TilingResult tiling;
    double us = std::numeric_limits<double>::infinity();
  };
  std::vector<Candidate> candidates;
  auto add = [&](const k::TilingHint &hint) {
    for (const Candidate &c : candidates)
      if (c.hint == hint)
        return;
    // A hint the kernel cannot tile, or whose tiling its check rejects, is
    // not a candidate.
    Candidate c{hint, {}};
    if (tileChecked(def, ctx, hint, &c.tiling).ok())
      candidates.push_back(std::move(c));
  };
  // Rounds over the candidates (the fastest launch of each counts): a load
  // burst from other processes then slows every candidate, not one.
  auto timeRounds = [&](const std::vector<size_t> &which) -> bool {
    for (int round = 0; round < kRounds; ++round)
      for (size_t i : which) {
        if (outOfTime())
          return false;
        Candidate &c = candidates[i];
        double us = 0;
        if (timer_
                ->time(def, fn, withHint(ctx, c.hint), c.tiling,
                       kSecondsPerCandidate / kRounds, &us)
                .ok())
          c.us = std::min(c.us, us);
      }
    return true;
  };
  for (const k::TilingHint &hint : def.tuneCandidates(ctx, base))
    add(hint);
  if (candidates.empty() || !candidates.front().hint.empty())
    return OpBankEntry{}; // the default does not tile: leave it alone
  std::vector<size_t> all(candidates.size());
  for (size_t i = 0; i < all.size(); ++i)
    all[i] = i;
  if (!timeRounds(all))
    return std::nullopt;
  // Knobs that each helped, together.
  const double dflt = candidates.front().us;
  std::vector<const Candidate *> better;
  for (const Candidate &c : candidates)
    if (c.us < dflt * (1 - kMinGain))
      better.push_back(&c);
  std::sort(
      better.begin(), better.end(),
      [](const Candidate *a, const Candidate *b) { return a->us < b->us; });
  if (better.size() > 1) {
    k::TilingHint combined;
    for (const Candidate *c : better)
      combined = merge(combined, c->hint);
    size_t before = candidates.size();
    add(combined);
    if (candidates.size() > before && !timeRounds({before}))
      return std::nullopt;
  }
  size_t best = 0;
  for (size_t i = 1; i < candidates.size(); ++i)
    if (candidates[i].us < candidates[best].us)
      best = i;
  // The winner against the default once more, side by side, so a lucky
  // launch (or an unlucky one of the default) does not decide alone.
  if (best != 0 && !timeRounds({0, best}))
    return std::nullopt;
  OpBankEntry entry;
  entry.defaultUs = candidates.front().us;
  entry.tunedUs = entry.defaultUs;
  if (candidates[best].us < entry.defaultUs * (1 - kMinGain)) {
    entry.hint = candidates[best].hint;
    entry.tunedUs = candidates[best].us;
  }
  return entry;
}
std::string OpTuner::hintFor(const k::KernelDef &def,
                             const k::TilingContext &ctx,
                             const std::string &opName,
                             const std::string &opType, k::TilingHint *hint) {
  *hint = {};
  if (!active() || !def.tuneCandidates)
    return "";
  const OpBankKey key = OpBankKey::of(config_.soc, info_, def.name, ctx);
  const OpBankEntry *entry = bank_.find(key);
  if (!entry && config_.mode == 2 && selected(opName, opType)) {
    std::string error;
    std::optional<OpBankEntry> tuned = tune(def, ctx, &error);
    if (!error.empty())
      return "aoe_mode: cannot tune kernel '" + def.name + "' of " + opName +
             ": " + error;
    if (!tuned) {
      ++skipped_;
      return "";
    }
    ++tuned_;
    bank_.set(key, *tuned);
    entry = bank_.find(key);
  }
  if (!entry || entry->hint.empty())
    return "";
  k::TilingResult tiling;
  if (rt::Status st = tileChecked(def, ctx, entry->hint, &tiling); !st.ok())
    return "op bank '" + file_ + "' entry " +
           (entry->index >= 0 ? std::to_string(entry->index) : "(new)") +
           " (kernel '" + def.name + "', tiling " + entry->hint.str() +
           ") gives a tiling its check rejects for " + opName + ": " +
           st.message();
  *hint = entry->hint;
  return "";
}

std::string OpTuner::finish() {
  if (!tuned_)
    return "";
  return bank_.save(file_);
}

} // namespace geflow::conversion
