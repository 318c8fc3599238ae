//===- ImportErrors.cpp - Every problem of one import, reported once ------===//
#include "ImportErrors.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace geflow::frontend::onnximp {

// A huge model with one unsupported op used 500 times should still give a
// readable error.
static constexpr size_t kMaxNamesPerOp = 8;
static constexpr size_t kMaxLines = 40;

void ImportErrors::unsupportedOp(StringRef opType, StringRef nodeName) {
  for (auto [i, entry] : llvm::enumerate(unsupportedOps)) {
    if (entry.first == opType) {
      entry.second.push_back(nodeName.str());
      order.push_back(static_cast<int>(i));
      return;
    }
  }
  order.push_back(static_cast<int>(unsupportedOps.size()));
  unsupportedOps.push_back({opType.str(), {nodeName.str()}});
}

void ImportErrors::unsupported(StringRef what, const Twine &reason) {
  unsupportedUses.push_back((what + ": " + reason).str());
  order.push_back(kUse);
}

void ImportErrors::failed(StringRef what, const Twine &reason) {
  failures.push_back((what + ": " + reason).str());
  order.push_back(kFailure);
}

void ImportErrors::truncate(size_t mark) {
  while (order.size() > mark) {
    int where = order.pop_back_val();
    if (where == kUse) {
      unsupportedUses.pop_back();
    } else if (where == kFailure) {
      failures.pop_back();
    } else {
      unsupportedOps[where].second.pop_back();
      if (unsupportedOps[where].second.empty())
        unsupportedOps.erase(unsupportedOps.begin() + where);
    }
  }
}

static void printLines(llvm::raw_ostream &os, StringRef prefix,
                       ArrayRef<std::string> lines, size_t &budget) {
  for (const std::string &line : lines) {
    if (budget == 0) {
      os << "\n  ... and more";
      return;
    }
    --budget;
    os << "\n  " << prefix << line;
  }
}

LogicalResult ImportErrors::report(Location loc, StringRef modelName) const {
  std::string message;
  llvm::raw_string_ostream os(message);
  os << "cannot import ONNX model '" << modelName << "'";
  if (!unsupportedOps.empty()) {
    os << "\n  unsupported operators:";
    bool first = true;
    for (const auto &[opType, nodes] : unsupportedOps) {
      os << (first ? " " : ", ") << opType << " (node"
         << (nodes.size() > 1 ? "s" : "") << " ";
      first = false;
      for (size_t i = 0; i < nodes.size() && i < kMaxNamesPerOp; ++i)
        os << (i ? ", " : "") << "'" << nodes[i] << "'";
      if (nodes.size() > kMaxNamesPerOp)
        os << " and " << nodes.size() - kMaxNamesPerOp << " more";
      os << ")";
    }
  }
  size_t budget = kMaxLines;
  printLines(os, "unsupported: ", unsupportedUses, budget);
  printLines(os, "failed: ", failures, budget);
  return emitError(loc) << message;
}

} // namespace geflow::frontend::onnximp
