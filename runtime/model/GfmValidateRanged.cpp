//===- GfmValidateRanged.cpp - Checking a shape-ranged program ------------===//
//
// A shape-ranged program runs at any point of its range with the plan made
// for the upper bounds, its kernels re-tiled from the dim expressions. The
// executor trusts those expressions as it trusts buffer offsets, so a file
// whose expressions could make a kernel touch more than its buffer, or more
// than the caller's tensor, is refused here.
//
//===----------------------------------------------------------------------===//
#include "GfmValidateRanged.h"

#include "geflow/runtime/Types.h"

#include "proto/gfm.pb.h"

#include <set>
#include <utility>

namespace geflow::rt {
namespace {

constexpr int kMaxSymbols = 16;
constexpr int kMaxExponent = 8;

/// coeff * prod(symbol^exponent) of a whole tensor: its element count.
struct Monomial {
  int64_t coeff = 1;
  std::vector<int32_t> exps;
  bool operator==(const Monomial &o) const {
    return coeff == o.coeff && exps == o.exps;
  }
};

class RangedChecker {
public:
  RangedChecker(const gfm::Program &p,
                const std::function<Status(int, const std::string &)> &fail)
      : p_(p), fail_(fail) {}

  Status run();

private:
  template <typename Proto>
  Status checkExprs(const Proto &t, const std::string &what);
  template <typename Proto> Monomial elements(const Proto &t) const;
  Status checkSlot(const gfm::Buffer &b, const gfm::TensorDesc &d,
                   const std::string &what);
  Status error(const std::string &what) const { return fail_(task_, what); }

  const gfm::Program &p_;
  const std::function<Status(int, const std::string &)> &fail_;
  int task_ = -1;
};

template <typename Proto>
Status RangedChecker::checkExprs(const Proto &t, const std::string &what) {
  if (t.dim_exprs_size() != t.shape_size())
    return error(what + " has " + std::to_string(t.dim_exprs_size()) +
                 " dim expressions for rank " + std::to_string(t.shape_size()));
  for (int d = 0; d < t.shape_size(); ++d) {
    const gfm::DimExpr &e = t.dim_exprs(d);
    std::string where = what + " dim " + std::to_string(d) + ": ";
    if (e.exponents_size() != p_.symbols_size())
      return error(where + std::to_string(e.exponents_size()) +
                   " exponents for " + std::to_string(p_.symbols_size()) +
                   " symbols");
    if (e.coeff() < 0)
      return error(where + "negative coefficient");
    // At the upper bounds the expression must give the planned dim; with
    // non-negative exponents it is smaller everywhere else in the range.
    int64_t value = e.coeff();
    for (int k = 0; k < e.exponents_size(); ++k) {
      if (e.exponents(k) < 0 || e.exponents(k) > kMaxExponent)
        return error(where + "exponent " + std::to_string(e.exponents(k)));
      for (int32_t n = 0; n < e.exponents(k); ++n) {
        int64_t max = p_.symbols(k).max();
        if (value > 0 && max > INT64_MAX / value)
          return error(where + "overflows");
        value *= max;
      }
    }
    if (value != t.shape(d))
      return error(where + "gives " + std::to_string(value) +
                   " at the upper bounds, not " + std::to_string(t.shape(d)));
  }
  return Status::OK();
}

template <typename Proto>
Monomial RangedChecker::elements(const Proto &t) const {
  Monomial m;
  m.exps.assign(p_.symbols_size(), 0);
  for (const gfm::DimExpr &e : t.dim_exprs()) {
    m.coeff *= e.coeff(); // bounded: every dim was checked against its shape
    for (int k = 0; k < e.exponents_size(); ++k)
      m.exps[k] += e.exponents(k);
  }
  return m;
}

Status RangedChecker::checkSlot(const gfm::Buffer &b, const gfm::TensorDesc &d,
                                const std::string &what) {
  if (b.region() != gfm::INPUT && b.region() != gfm::OUTPUT)
    return Status::OK();
  const auto &sigs = b.region() == gfm::INPUT ? p_.inputs() : p_.outputs();
  if (b.slot() >= static_cast<uint32_t>(sigs.size()))
    return Status::OK(); // reported by the buffer checks
  const gfm::TensorSig &sig = sigs.Get(static_cast<int>(b.slot()));
  bool formatted = d.format() == gfm::NC1HWC0 || d.format() == gfm::FRACTAL_Z ||
                   d.format() == gfm::FRACTAL_NZ;
  bool same = b.offset() == 0 && d.dtype() == sig.dtype() &&
              d.format() == sig.format() && elements(d) == elements(sig);
  // Formats with a padded physical shape follow the slot dim by dim.
  for (int i = 0; same && formatted && i < d.dim_exprs_size(); ++i)
    same = i < sig.dim_exprs_size() && d.dim_exprs(i).SerializeAsString() ==
                                           sig.dim_exprs(i).SerializeAsString();
  if (!same)
    return error(what + " is bound to " +
                 (b.region() == gfm::INPUT ? "input" : "output") + " '" +
                 sig.name() +
                 "' but does not follow its shape across the range");
  return Status::OK();
}

Status RangedChecker::run() {
  if (p_.symbols_size() > kMaxSymbols)
    return error(std::to_string(p_.symbols_size()) +
                 " shape symbols (at most " + std::to_string(kMaxSymbols) +
                 ")");
  std::set<std::pair<uint32_t, uint32_t>> seen;
  for (int k = 0; k < p_.symbols_size(); ++k) {
    const gfm::ShapeSymbol &s = p_.symbols(k);
    std::string what = "shape symbol " + std::to_string(k) + ": ";
    if (s.input() >= static_cast<uint32_t>(p_.inputs_size()) ||
        s.dim() >= static_cast<uint32_t>(p_.inputs(s.input()).shape_size()))
      return error(what + "input " + std::to_string(s.input()) + " dim " +
                   std::to_string(s.dim()) + " does not exist");
    if (!seen.insert({s.input(), s.dim()}).second)
      return error(what + "names an input dim twice");
    if (s.min() < 1 || s.min() > s.max() ||
        s.max() != p_.inputs(s.input()).shape(s.dim()))
      return error(what + "range " + std::to_string(s.min()) + "~" +
                   std::to_string(s.max()) +
                   " does not end at the planned dim " +
                   std::to_string(p_.inputs(s.input()).shape(s.dim())));
  }
  for (int i = 0; i < p_.inputs_size(); ++i)
    GEFLOW_RETURN_IF_ERROR(
        checkExprs(p_.inputs(i), "input '" + p_.inputs(i).name() + "'"));
  for (int i = 0; i < p_.outputs_size(); ++i)
    GEFLOW_RETURN_IF_ERROR(
        checkExprs(p_.outputs(i), "output '" + p_.outputs(i).name() + "'"));
  // A symbol's own dim is the symbol itself (the run's shape gives it).
  for (int k = 0; k < p_.symbols_size(); ++k) {
    const gfm::ShapeSymbol &s = p_.symbols(k);
    const gfm::DimExpr &e = p_.inputs(s.input()).dim_exprs(s.dim());
    for (int j = 0; j < e.exponents_size(); ++j)
      if (e.coeff() != 1 || e.exponents(j) != (j == k ? 1 : 0))
        return error("input '" + p_.inputs(s.input()).name() + "' dim " +
                     std::to_string(s.dim()) + " is not shape symbol " +
                     std::to_string(k));
  }

  for (task_ = 0; task_ < p_.tasks_size(); ++task_) {
    const gfm::Task &t = p_.tasks(task_);
    if (t.has_kernel()) {
      const gfm::KernelTask &k = t.kernel();
      if (k.input_descs_size() != k.inputs_size() ||
          k.output_descs_size() != k.outputs_size())
        return error(
            "needs one tensor descriptor per buffer in a shape-ranged program");
      for (int i = 0; i < k.inputs_size(); ++i) {
        std::string what = "input " + std::to_string(i);
        GEFLOW_RETURN_IF_ERROR(checkExprs(k.input_descs(i), what));
        GEFLOW_RETURN_IF_ERROR(checkSlot(k.inputs(i), k.input_descs(i), what));
      }
      for (int i = 0; i < k.outputs_size(); ++i) {
        std::string what = "output " + std::to_string(i);
        GEFLOW_RETURN_IF_ERROR(checkExprs(k.output_descs(i), what));
        GEFLOW_RETURN_IF_ERROR(
            checkSlot(k.outputs(i), k.output_descs(i), what));
      }
    } else if (t.has_memcpy()) {
      const gfm::MemcpyTask &m = t.memcpy();
      if (!m.has_desc())
        return error(
            "a copy in a shape-ranged program needs its tensor descriptor");
      GEFLOW_RETURN_IF_ERROR(checkExprs(m.desc(), "the copied tensor"));
      if (storageBytes(static_cast<DType>(m.desc().dtype()),
                       static_cast<Format>(m.desc().format()),
                       {m.desc().shape().begin(), m.desc().shape().end()}) !=
          m.dst().size())
        return error("the copied tensor's size differs from the copy's");
      GEFLOW_RETURN_IF_ERROR(checkSlot(m.src(), m.desc(), "the copy's source"));
      GEFLOW_RETURN_IF_ERROR(
          checkSlot(m.dst(), m.desc(), "the copy's destination"));
    } else if (t.has_host_call()) {
      return error("host calls cannot run in a shape-ranged program");
    } else if (t.has_collective()) {
      return error("collectives cannot run in a shape-ranged program");
    }
  }
  return Status::OK();
}

} // namespace

Status checkRangedProgram(
    const gfm::Program &program,
    const std::function<Status(int, const std::string &)> &fail) {
  return RangedChecker(program, fail).run();
}

} // namespace geflow::rt
