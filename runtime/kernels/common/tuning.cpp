//===- tuning.cpp - Tiling hints: parsing and printing --------------------===//
#include "geflow/kernels/Tuning.h"

namespace geflow::kernels {

namespace {
const char *const kFieldNames[] = {"kc",     "mc",      "nc",
                                   "blocks", "variant", "rows"};
} // namespace

std::string TilingHint::str() const {
  std::string s;
  std::vector<int64_t> ints = toInts();
  for (size_t i = 0; i < ints.size(); ++i)
    if (ints[i])
      s += (s.empty() ? "" : " ") + std::string(kFieldNames[i]) + "=" +
           std::to_string(ints[i]);
  return s.empty() ? "default" : s;
}

Status tilingHintFromInts(const std::vector<int64_t> &ints, TilingHint *hint) {
  constexpr size_t kFields = sizeof(kFieldNames) / sizeof(kFieldNames[0]);
  if (ints.size() != kFields)
    return rt::invalidArgument("a tiling hint has " + std::to_string(kFields) +
                               " values (kc, mc, nc, blocks, variant, rows), "
                               "got " +
                               std::to_string(ints.size()));
  for (size_t i = 0; i < kFields; ++i)
    if (ints[i] < 0 || ints[i] > kMaxTilingHintValue)
      return rt::invalidArgument(std::string("tiling hint field '") +
                                 kFieldNames[i] + "' is " +
                                 std::to_string(ints[i]) + ", outside [0, " +
                                 std::to_string(kMaxTilingHintValue) + "]");
  *hint = {ints[0], ints[1], ints[2], ints[3], ints[4], ints[5]};
  return Status::OK();
}

TilingHint tilingHintOf(const AttrMap &attrs) {
  TilingHint hint;
  if (!attrs.has(kTilingHintAttr) ||
      !tilingHintFromInts(attrs.getInts(kTilingHintAttr), &hint).ok())
    return {};
  return hint;
}

} // namespace geflow::kernels
