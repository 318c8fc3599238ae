//===- KernelRules.cpp - The rule table and shared helpers ----------------===//
#include "KernelRules.h"

namespace geflow::conversion {

const RuleTable &getKernelRules() {
  static const RuleTable rules = [] {
    RuleTable r;
    addElementwiseRules(r);
    addNNRules(r);
    addShapeRules(r);
    addIndexRules(r);
    return r;
  }();
  return rules;
}

std::vector<int64_t> spatialHW(llvm::ArrayRef<int64_t> four,
                               llvm::StringRef dataFormat) {
  if (dataFormat == "NHWC")
    return {four[1], four[2]};
  return {four[2], four[3]};
}

} // namespace geflow::conversion
