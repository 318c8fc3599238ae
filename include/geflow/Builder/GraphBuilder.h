//===- GraphBuilder.h - Build ge graphs op by op ----------------*- C++ -*-===//
//
// For users without an ONNX file (and behind Python's geflow.Graph): a
// graph is built by declaring inputs, applying ops and marking outputs.
//
//   GraphBuilder b("block");
//   Value x = b.data("x", {1, 3, 32, 32}, DType::F32).value();
//   Value w = b.constant(DType::F32, {8, 3, 3, 3}, weights.data()).value();
//   Conv2DAttrs conv;
//   conv.pads = {1, 1, 1, 1};
//   Value y = b.conv2d(x, w, Value(), conv).value();
//   y = b.unary(UnaryKind::Relu, y).value();
//   b.output(y, "y");
//   session.AddGraph(1, b.graph());
//
// Every op is created through the ge op's type inference (the same rules
// the verifier and the ONNX frontend use), so a shape error is reported
// when the op is added, as an error naming the op, its location and the
// rule: `loc("conv1"): 'ge.Conv2D' op x and filter must be 4-D, got ranks
// 3 and 4`. A failed op leaves the graph unchanged.
//
// Attribute names and conventions are GE's: 4-entry strides/dilations/ksize
// in data_format order, pads [top, bottom, left, right].
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_BUILDER_GRAPHBUILDER_H
#define GEFLOW_BUILDER_GRAPHBUILDER_H

#include "geflow/Session.h"

#include "mlir/IR/Value.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace geflow {

using mlir::Value;

/// Where an op comes from. `name` becomes the op's NameLoc (its node name
/// in profiles, dumps and messages; empty: "<OpType>_<n>"); `file`/`line`,
/// when set, locate the call that created it (Python passes the caller's
/// line, so compile errors point at the user's code).
struct OpLoc {
  std::string name;
  std::string file;
  unsigned line = 0;
};

enum class UnaryKind {
  Relu,
  Relu6,
  Sigmoid,
  Tanh,
  Exp,
  Log,
  Sqrt,
  Rsqrt,
  Reciprocal,
  Neg,
  Abs,
  Erf,
  HardSwish,
  Identity,
};
enum class BinaryKind {
  Add,
  Sub,
  Mul,
  Div,
  Maximum,
  Minimum,
  Pow,
  Equal,
  Less,
  Greater,
};
enum class ReduceKind { Sum, Mean, Max };

struct Conv2DAttrs {
  std::vector<int64_t> strides = {1, 1, 1, 1};
  std::vector<int64_t> pads = {0, 0, 0, 0};
  std::vector<int64_t> dilations = {1, 1, 1, 1};
  int64_t groups = 1;
  std::string dataFormat = "NCHW";
};

struct PoolAttrs {
  std::vector<int64_t> ksize;
  std::vector<int64_t> strides = {1, 1, 1, 1};
  std::vector<int64_t> pads = {0, 0, 0, 0};
  std::vector<int64_t> dilations = {1, 1, 1, 1}; // max pooling only
  bool ceilMode = false;
  bool exclusive = true; // average pooling: padding not counted
  std::string dataFormat = "NCHW";
};

class GraphBuilder {
public:
  /// An empty graph `name` (also the graph function's name).
  explicit GraphBuilder(const std::string &name);
  ~GraphBuilder();
  GraphBuilder(const GraphBuilder &) = delete;
  GraphBuilder &operator=(const GraphBuilder &) = delete;

  /// The graph built so far (a valid graph at every point); what
  /// Session::AddGraph and compileModule take.
  const Graph &graph() const { return graph_; }
  /// The graph printed as MLIR.
  std::string str() const { return graph_.str(); }

  //===--------------------------------------------------------------------===//
  // Inputs, constants, outputs
  //===--------------------------------------------------------------------===//

  /// A graph input (GE Data) of `shape` (-1: unknown dim). Names are unique.
  rt::StatusOr<Value> data(const std::string &name,
                           const std::vector<int64_t> &shape, DType dtype,
                           const OpLoc &loc = {});
  /// A constant (GE Const) from row-major bytes of `shape` and `dtype` (bool:
  /// one byte per element); large constants are stored as resource blobs.
  rt::StatusOr<Value> constant(DType dtype, const std::vector<int64_t> &shape,
                               const void *data, const OpLoc &loc = {});
  /// A variable (GE Variable) named `name` of `shape` and `dtype`: an
  /// updatable weight whose initial value is `data` (row-major bytes; null:
  /// none, set by weight update or an assignment first). Never folded.
  rt::StatusOr<Value> variable(const std::string &name, DType dtype,
                               const std::vector<int64_t> &shape,
                               const void *data, const OpLoc &loc = {});
  /// Stores `value` into variable `name` (GE Assign), or adds it to / takes
  /// it from the variable's value (AssignAdd / AssignSub); returns the
  /// stored value. A graph with assignments is a weight-update graph: a
  /// Session runs it by updating the graphs that hold the variables
  /// (docs/weight-update.md).
  enum class AssignKind { Assign, AssignAdd, AssignSub };
  rt::StatusOr<Value> assign(AssignKind kind, const std::string &name,
                             Value value, const OpLoc &loc = {});
  /// Marks `value` as the next graph output, named `name` (unique).
  Status output(Value value, const std::string &name);

  std::vector<std::string> inputNames() const;
  std::vector<std::string> outputNames() const;

  //===--------------------------------------------------------------------===//
  // Ops (a null Value for an optional operand means "absent")
  //===--------------------------------------------------------------------===//

  rt::StatusOr<Value> unary(UnaryKind kind, Value x, const OpLoc &loc = {});
  rt::StatusOr<Value> binary(BinaryKind kind, Value x1, Value x2,
                             const OpLoc &loc = {});
  /// `approximate`: "none" (erf) or "tanh".
  rt::StatusOr<Value> gelu(Value x, const std::string &approximate,
                           const OpLoc &loc = {});
  rt::StatusOr<Value> leakyRelu(Value x, float negativeSlope,
                                const OpLoc &loc = {});
  rt::StatusOr<Value> clip(Value x, std::optional<float> min,
                           std::optional<float> max, const OpLoc &loc = {});
  rt::StatusOr<Value> cast(Value x, DType dtype, const OpLoc &loc = {});
  /// condition ? x1 : x2 (broadcasting).
  rt::StatusOr<Value> select(Value condition, Value x1, Value x2,
                             const OpLoc &loc = {});

  rt::StatusOr<Value> conv2d(Value x, Value filter, Value bias,
                             const Conv2DAttrs &attrs, const OpLoc &loc = {});
  /// MatMulV2 (2-D): op(x1) * op(x2) + bias.
  rt::StatusOr<Value> matmul(Value x1, Value x2, Value bias, bool transposeX1,
                             bool transposeX2, const OpLoc &loc = {});
  /// BatchMatMulV2 (rank >= 2, broadcast batch dims).
  rt::StatusOr<Value> batchMatmul(Value x1, Value x2, Value bias, bool adjX1,
                                  bool adjX2, const OpLoc &loc = {});
  rt::StatusOr<Value> biasAdd(Value x, Value bias,
                              const std::string &dataFormat,
                              const OpLoc &loc = {});
  rt::StatusOr<Value> softmax(Value x, const std::vector<int64_t> &axes,
                              bool log = false, const OpLoc &loc = {});
  rt::StatusOr<Value> layerNorm(Value x, Value gamma, Value beta,
                                int64_t beginNormAxis, int64_t beginParamsAxis,
                                float epsilon, const OpLoc &loc = {});
  rt::StatusOr<Value> batchNorm(Value x, Value scale, Value offset, Value mean,
                                Value variance, float epsilon,
                                const std::string &dataFormat,
                                const OpLoc &loc = {});
  rt::StatusOr<Value> maxPool(Value x, const PoolAttrs &attrs,
                              const OpLoc &loc = {});
  rt::StatusOr<Value> avgPool(Value x, const PoolAttrs &attrs,
                              const OpLoc &loc = {});
  rt::StatusOr<Value> globalAvgPool(Value x, const std::string &dataFormat,
                                    const OpLoc &loc = {});

  /// Reshape to `shape` (one -1 inferred; 0 copies the input dim).
  rt::StatusOr<Value> reshape(Value x, const std::vector<int64_t> &shape,
                              const OpLoc &loc = {});
  rt::StatusOr<Value> transpose(Value x, const std::vector<int64_t> &perm,
                                const OpLoc &loc = {});
  rt::StatusOr<Value> concat(const std::vector<Value> &xs, int64_t axis,
                             const OpLoc &loc = {});
  rt::StatusOr<std::vector<Value>> split(Value x, int64_t axis,
                                         const std::vector<int64_t> &sizes,
                                         const OpLoc &loc = {});
  /// `size` elements from `offsets` per dim (-1: to the end).
  rt::StatusOr<Value> slice(Value x, const std::vector<int64_t> &offsets,
                            const std::vector<int64_t> &size,
                            const OpLoc &loc = {});
  /// One clamped begin/end/stride per dim (GE StridedSliceD with masks
  /// resolved).
  rt::StatusOr<Value> stridedSlice(Value x, const std::vector<int64_t> &begin,
                                   const std::vector<int64_t> &end,
                                   const std::vector<int64_t> &strides,
                                   const OpLoc &loc = {});
  rt::StatusOr<Value> gather(Value x, Value indices, int64_t axis,
                             const OpLoc &loc = {});
  /// `paddings`: before/after per dim; `mode`: constant, reflect or edge.
  rt::StatusOr<Value> pad(Value x, const std::vector<int64_t> &paddings,
                          const std::string &mode, float value,
                          const OpLoc &loc = {});
  rt::StatusOr<Value> reduce(ReduceKind kind, Value x,
                             const std::vector<int64_t> &axes, bool keepDims,
                             const OpLoc &loc = {});
  rt::StatusOr<Value> expandDims(Value x, const std::vector<int64_t> &axes,
                                 const OpLoc &loc = {});
  rt::StatusOr<Value> squeeze(Value x, const std::vector<int64_t> &axes,
                              const OpLoc &loc = {});
  rt::StatusOr<Value> tile(Value x, const std::vector<int64_t> &multiples,
                           const OpLoc &loc = {});
  rt::StatusOr<Value> broadcastTo(Value x, const std::vector<int64_t> &shape,
                                  const OpLoc &loc = {});

  /// GE HcomAllReduce of `x` over the ranks of `group` (`reduction`: sum,
  /// prod, max or min; `fusion` as GE's). `rankList`, when not empty, is
  /// written as GE's `ranklist` attribute: the group's ranks as the
  /// exporting framework numbers them (TorchAir writes it).
  rt::StatusOr<Value> hcomAllReduce(Value x, const std::string &reduction,
                                    const std::string &group, int64_t fusion,
                                    const std::vector<int64_t> &rankList,
                                    const OpLoc &loc = {});

  //===--------------------------------------------------------------------===//
  // Node attributes
  //===--------------------------------------------------------------------===//

  /// String attributes every op created from now on carries as node
  /// attributes (TorchAir's attr_scope: `nn_module_stack` for GE's backend
  /// splitting); the .air exporter writes them. Names must not be an op's
  /// own attribute names. Empty: none.
  void
  setScopeAttrs(const std::vector<std::pair<std::string, std::string>> &attrs);

  //===--------------------------------------------------------------------===//
  // Collectives (GE Hcom*, docs/distributed.md); `group` is a communication
  // group ("hccl_world_group": every rank)
  //===--------------------------------------------------------------------===//

  // hcomAllReduce: above, with the .air attributes.
  /// Every rank's x concatenated along dim 0 (rankSize ranks).
  rt::StatusOr<Value> hcomAllGather(Value x, int64_t rankSize,
                                    const std::string &group,
                                    const OpLoc &loc = {});
  /// The reduction over the ranks, split along dim 0: this rank's slice.
  rt::StatusOr<Value> hcomReduceScatter(Value x, int64_t rankSize,
                                        const std::string &reduction,
                                        const std::string &group,
                                        const OpLoc &loc = {});
  /// Rank rootRank's xs on every rank.
  rt::StatusOr<std::vector<Value>> hcomBroadcast(const std::vector<Value> &xs,
                                                 int64_t rootRank,
                                                 const std::string &group,
                                                 const OpLoc &loc = {});
  /// Sends x to rank destRank (no result; kept for its side effect).
  Status hcomSend(Value x, int64_t destRank, int64_t srTag,
                  const std::string &group, const OpLoc &loc = {});
  /// Receives a tensor of `shape` and `dtype` from rank srcRank.
  rt::StatusOr<Value> hcomReceive(const std::vector<int64_t> &shape,
                                  DType dtype, int64_t srcRank, int64_t srTag,
                                  const std::string &group,
                                  const OpLoc &loc = {});

  //===--------------------------------------------------------------------===//
  // Values
  //===--------------------------------------------------------------------===//

  /// Whether `v` is a value of this graph (values of another graph, or of an
  /// op that failed, are rejected by every op).
  bool owns(Value v) const;
  /// Shape (-1: unknown dim) and dtype of a value of this graph.
  static std::vector<int64_t> shapeOf(Value v);
  static DType dtypeOf(Value v);

  struct Impl;

private:
  Graph graph_;
  std::unique_ptr<Impl> impl_;
};

} // namespace geflow

#endif // GEFLOW_BUILDER_GRAPHBUILDER_H
