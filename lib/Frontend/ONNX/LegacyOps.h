//===- LegacyOps.h - ai.onnx op versions older than opset 7 ------*- C++
//-*-===//
//
// Models of opsets 1 to 6 carry op definitions that opset 7 replaced
// (Add-6 with `broadcast`/`axis`, BatchNormalization-6 with `is_test`,
// Reshape-1 with a `shape` attribute, ...). geflow's translators read the
// opset-7 forms; these adapters rewrite a node of an older version into that
// form when the semantics match, and otherwise report the node, its version
// and the attribute whose meaning differs.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_FRONTEND_ONNX_LEGACYOPS_H
#define GEFLOW_LIB_FRONTEND_ONNX_LEGACYOPS_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

namespace onnx {
class NodeProto;
} // namespace onnx

namespace geflow::frontend::onnximp {

class NodeContext;

/// Whether version `version` of `opType` (one older than the definition in
/// force at opset 7) has an adapter to its opset-7 form.
bool hasLegacyAdapter(llvm::StringRef opType, int64_t version);

/// Rewrites `node`, the copy `ctx` reads, and ctx's inputs into the opset-7
/// form of `opType` version `version`. When the old semantics differ, records
/// an unsupported use naming the version and the attribute and fails.
mlir::LogicalResult adaptLegacyNode(NodeContext &ctx, onnx::NodeProto &node,
                                    int64_t version);

} // namespace geflow::frontend::onnximp

#endif
