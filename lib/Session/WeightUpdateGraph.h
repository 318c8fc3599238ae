//===- WeightUpdateGraph.h - Running a Session's weight-update graph -*- C++
//-*-===//
//
// Private to GeflowSession. A weight-update graph (GE 5.5) assigns its inputs
// (or constants, or other variables) to variables of the Session's other
// graphs with ge.Assign / ge.AssignAdd / ge.AssignSub; running it updates
// those graphs' weights in place (rt::Model::updateWeights), with no
// compile: the graph is evaluated on the host.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_SESSION_WEIGHTUPDATEGRAPH_H
#define GEFLOW_LIB_SESSION_WEIGHTUPDATEGRAPH_H

#include "geflow/Tensor.h"
#include "geflow/runtime/Model.h"

#include "mlir/IR/BuiltinOps.h"

#include <memory>
#include <string>
#include <vector>

namespace geflow {

/// True when the graph's function assigns variables (has ge.Assign,
/// ge.AssignAdd or ge.AssignSub ops).
bool isWeightUpdateGraph(mlir::ModuleOp module);

/// The inputs (or outputs) of a weight-update graph as its function
/// declares them: an update graph is never compiled, so its signature comes
/// from the graph (names from `ge.name`, else input<i> / output<i>).
std::vector<rt::TensorInfo> weightUpdateGraphSignature(mlir::ModuleOp module,
                                                       bool inputs);

/// A built graph of the Session whose variables an update graph may assign.
struct UpdateTarget {
  std::string name; // "graph 1"
  std::shared_ptr<rt::Model> model;
};

/// Evaluates the weight-update graph `module` on `inputs` and applies its
/// assignments to every target holding the variable (each target updated
/// in one updateWeights call). Every problem (an unsupported op, an input or
/// an assignment whose variable no target has or whose type differs) is
/// reported in one error before anything changes. The outputs are the
/// graph's return values (an Assign's result is the variable's new value).
rt::StatusOr<std::vector<Tensor>>
runWeightUpdateGraph(mlir::ModuleOp module, const std::string &graphName,
                     const std::vector<Tensor> &inputs,
                     const std::vector<UpdateTarget> &targets);

} // namespace geflow

#endif
