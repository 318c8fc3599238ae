//===- Passes.h - ge dialect passes -----------------------------*- C++ -*-===//
#ifndef GEFLOW_DIALECTS_GE_TRANSFORMS_PASSES_H
#define GEFLOW_DIALECTS_GE_TRANSFORMS_PASSES_H

#include "dialects/ge/IR/GEOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

#include <optional>
#include <string>
#include <vector>

namespace geflow::ge {

#define GEN_PASS_DECL
#include "dialects/ge/Transforms/Passes.h.inc"

/// One range of GE's in_out_pair: the ops between `inNodes` and `outNodes`.
struct InOutPair {
  std::vector<std::string> inNodes, outNodes;
};

/// Parses in_out_pair text: Python's `str(all_graph_iop)`, a list of
/// `[in_nodes, out_nodes]` pairs of lists of quoted names
/// ("[[['conv1'], ['fc']]]"), or one such pair ("[['conv1'], ['fc']]").
/// Fails with the reason and the column in `error`.
std::optional<std::vector<InOutPair>> parseInOutPairs(llvm::StringRef text,
                                                      std::string &error);

#define GEN_PASS_REGISTRATION
#include "dialects/ge/Transforms/Passes.h.inc"

} // namespace geflow::ge

#endif
