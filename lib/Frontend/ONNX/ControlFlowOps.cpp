//===- ControlFlowOps.cpp - If, Loop, Scan --------------------------------===//
//
// Control flow whose course is known at compile time is compiled away while
// the model is imported; the rest becomes ge.If / ge.While with the
// subgraphs imported into their regions (outer-scope names resolve in the
// enclosing graphs), which the compiler compiles as graphs of their own and
// the executor runs (docs/onnx-frontend.md, "Control flow"):
//
// - If: a constant condition imports the branch it picks; a run-time one
//   imports both branches into a ge.If, and only the chosen one runs.
// - Loop: a constant trip count of at most kMaxUnrolledIterations (and at
//   most kMaxUnrolledNodes imported body nodes) is unrolled, each iteration
//   importing the body with its iteration number as a constant, so inputs
//   ge takes as attributes (a Slice's starts computed from the counter)
//   fold; unrolling also stops where the condition becomes a constant
//   false. A trip count or condition known only at run time, or a constant
//   trip count above the threshold, makes a ge.While over (iteration
//   number, condition, carried values...); its scan outputs need the length
//   ONNX declares, which the executor checks against the iterations run.
// - Scan: unrolled over the static scan axis (opset 8's batch axis too).
//
// Unrolling never runs away: a loop that does not end at compile time goes
// to ge.While instead.
//
//===----------------------------------------------------------------------===//
#include "OpTranslators.h"
#include "SequenceValues.h"
#include "TranslatorUtils.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

#include <numeric>

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

constexpr int64_t kMaxUnrolledIterations = 4096;
constexpr int64_t kMaxUnrolledNodes = int64_t(1) << 18;

std::string typeString(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

/// The value of a one-element constant boolean; nullopt when computed at
/// run time.
std::optional<bool> getConstantBool(Value value) {
  Attribute attr;
  if (!value || !matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense || dense.getNumElements() != 1 ||
      !dense.getElementType().isInteger(1))
    return std::nullopt;
  return *dense.getValues<bool>().begin();
}

Value boolConstant(NodeContext &n, bool value) {
  auto type = RankedTensorType::get({}, n.getBuilder().getI1Type());
  return n.constant(DenseElementsAttr::get(type, value));
}

/// A one-element condition or count as a rank-0 tensor.
Value toScalar(NodeContext &n, Value value, StringRef what) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape() || type.getNumElements() != 1) {
    (void)n.fail(what + " must have one element, not " +
                 typeString(value.getType()));
    return {};
  }
  if (type.getRank() == 0)
    return value;
  return n.create<SqueezeOp>(value, ArrayRef<int64_t>{});
}

Value logicalAnd(NodeContext &n, Value a, Value b) {
  if (!a || !b)
    return {};
  if (a == b)
    return a;
  return n.create<SelectOp>(a, b, boolConstant(n, false));
}

/// active && index < tripCount.
Value andBelow(NodeContext &n, Value active, int64_t index, Value tripCount) {
  Value below = n.create<LessOp>(
      n.constantScalar(n.getBuilder().getI64Type(), index), tripCount);
  return logicalAnd(n, active, below);
}

/// x[..., index, ...] along `axis` (that dim removed).
Value takeAlong(NodeContext &n, Value x, int64_t axis, int64_t index) {
  ArrayRef<int64_t> shape = *getShape(x);
  SmallVector<int64_t> offsets(shape.size(), 0), sizes(shape);
  for (int64_t &size : sizes)
    if (ShapedType::isDynamic(size))
      size = -1; // to the end of the dim
  offsets[axis] = index;
  sizes[axis] = 1;
  Value slice = n.create<SliceOp>(x, offsets, sizes);
  return slice ? n.create<SqueezeOp>(slice, ArrayRef<int64_t>{axis}) : Value();
}

/// The values stacked along a new dim `axis` (ONNX scan outputs).
Value stack(NodeContext &n, ArrayRef<Value> values, int64_t axis) {
  SmallVector<Value> expanded;
  for (Value v : values) {
    Value e = n.create<ExpandDimsOp>(v, ArrayRef<int64_t>{axis});
    if (!e)
      return {};
    expanded.push_back(e);
  }
  if (expanded.size() == 1)
    return expanded.front();
  return n.create<ConcatV2Op>(expanded, axis);
}

LogicalResult checkBudget(NodeContext &n, int64_t iterations,
                          const NodeContext::Subgraph &body) {
  if (iterations > kMaxUnrolledIterations)
    return n.unsupported("runs " + Twine(iterations) +
                         " iterations; geflow unrolls control flow at "
                         "compile time, at most " +
                         Twine(kMaxUnrolledIterations) + " iterations");
  if (iterations * std::max<int64_t>(body.numNodes, 1) > kMaxUnrolledNodes)
    return n.unsupported("unrolling " + Twine(iterations) +
                         " iterations of the " + Twine(body.numNodes) +
                         "-node body '" + body.name + "' exceeds " +
                         Twine(kMaxUnrolledNodes) + " imported nodes");
  return success();
}

//===----------------------------------------------------------------------===//
// Regions of ge.If and ge.While
//===----------------------------------------------------------------------===//

/// A block not yet in a region (deleted with its ops on failure).
struct BlockDeleter {
  void operator()(Block *block) const {
    block->dropAllReferences();
    delete block;
  }
};
using OwnedBlock = std::unique_ptr<Block, BlockDeleter>;

/// A block with arguments of `argTypes` whose ops `build` creates (given
/// the arguments); it ends in a ge.Yield of what `build` returns.
template <typename Build>
std::optional<OwnedBlock> buildRegion(NodeContext &n, TypeRange argTypes,
                                      Build build) {
  OwnedBlock block(new Block());
  for (Type t : argTypes)
    block->addArgument(t, n.getLoc());
  OpBuilder &b = n.getBuilder();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(block.get());
  SmallVector<Value> args(block->getArguments());
  std::optional<SmallVector<Value>> yields = build(args);
  if (!yields || llvm::is_contained(*yields, Value()) || n.hasFailed())
    return std::nullopt;
  YieldOp::create(b, n.getLoc(), ValueRange(*yields));
  return block;
}

TypeRange yieldedTypes(Block &block) {
  return block.getTerminator()->getOperandTypes();
}

bool isStatic(Type type) {
  auto shaped = dyn_cast<RankedTensorType>(type);
  return shaped && shaped.hasStaticShape();
}

//===----------------------------------------------------------------------===//
// If
//===----------------------------------------------------------------------===//

/// A run-time If whose outputs include sequences or optionals: both branches
/// inlined, each output selected by the condition.
LogicalResult selectBranches(NodeContext &n, Value cond,
                             const NodeContext::Subgraph &thenBranch,
                             const NodeContext::Subgraph &elseBranch) {
  auto thenOuts = n.inlineGraph(thenBranch, {});
  if (!thenOuts)
    return failure();
  auto elseOuts = n.inlineGraph(elseBranch, {});
  if (!elseOuts)
    return failure();
  for (unsigned i = 0; i < n.getNumOutputs(); ++i) {
    Value a = (*thenOuts)[i], b = (*elseOuts)[i];
    Value out = isComposite(a.getType()) ? selectComposite(n, cond, a, b)
                                         : n.create<SelectOp>(cond, a, b);
    if (!out)
      return failure();
    n.setOutput(i, out);
  }
  return success();
}

LogicalResult translateIf(NodeContext &n) {
  Value cond = n.getRequiredInput(0);
  std::optional<NodeContext::Subgraph> thenBranch =
      n.getGraphAttr("then_branch");
  std::optional<NodeContext::Subgraph> elseBranch =
      n.getGraphAttr("else_branch");
  if (!cond || !thenBranch || !elseBranch)
    return failure();
  for (const NodeContext::Subgraph *branch : {&*thenBranch, &*elseBranch})
    if (branch->numInputs != 0)
      return n.fail("branch '" + branch->name + "' declares " +
                    Twine(branch->numInputs) +
                    " inputs; If branches take none (they read outer values)");
  if (thenBranch->numOutputs != n.getNumOutputs() ||
      elseBranch->numOutputs != n.getNumOutputs())
    return n.fail("then_branch gives " + Twine(thenBranch->numOutputs) +
                  " outputs and else_branch " + Twine(elseBranch->numOutputs) +
                  ", but the node has " + Twine(n.getNumOutputs()));
  cond = toScalar(n, cond, "the condition");
  if (!cond)
    return failure();

  if (std::optional<bool> known = getConstantBool(cond)) {
    auto outs = n.inlineGraph(*known ? *thenBranch : *elseBranch, {});
    if (!outs)
      return failure();
    for (auto [i, v] : llvm::enumerate(*outs))
      n.setOutput(i, v);
    return success();
  }
  // Known at run time only: only the branch the condition picks runs.
  auto importBranch = [&](const NodeContext::Subgraph &branch) {
    return buildRegion(
        n, {}, [&](ArrayRef<Value>) { return n.inlineGraph(branch, {}); });
  };
  std::optional<OwnedBlock> thenBlock = importBranch(*thenBranch);
  if (!thenBlock)
    return failure();
  std::optional<OwnedBlock> elseBlock = importBranch(*elseBranch);
  if (!elseBlock)
    return failure();
  TypeRange thenTypes = yieldedTypes(**thenBlock);
  TypeRange elseTypes = yieldedTypes(**elseBlock);
  for (unsigned i = 0; i < n.getNumOutputs(); ++i)
    if (thenTypes[i] != elseTypes[i])
      return n.unsupported(
          "output " + Twine(i) + ": the branches give " +
          typeString(thenTypes[i]) + " and " + typeString(elseTypes[i]) +
          "; geflow's If needs both branches to give equal types");
  // Sequences and optionals are static element lists that exist only while
  // importing, so no region can yield them: such an If computes both
  // branches and selects each element.
  if (llvm::any_of(thenTypes, [](Type t) { return isComposite(t); }))
    return selectBranches(n, cond, *thenBranch, *elseBranch);
  OperationState state(n.getLoc(), IfOp::getOperationName());
  state.addOperands(cond);
  state.addTypes(thenTypes);
  state.addRegion()->push_back(thenBlock->release());
  state.addRegion()->push_back(elseBlock->release());
  auto results = n.createRegionOp(state);
  if (!results)
    return failure();
  for (auto [i, v] : llvm::enumerate(*results))
    n.setOutput(i, v);
  return success();
}

//===----------------------------------------------------------------------===//
// Loop
//===----------------------------------------------------------------------===//

/// A Loop whose end is known only at run time (or too long to unroll) as a
/// ge.While over (iteration number, condition, carried values...). The
/// cond region checks the condition and the trip count; the body region is
/// the Loop's body, counting the iteration.
LogicalResult translateLoopAsWhile(NodeContext &n,
                                   const NodeContext::Subgraph &body,
                                   ArrayRef<Value> carried, Value tripCount,
                                   int64_t constantTrips, Value cond,
                                   unsigned numScans, int64_t scanLength) {
  Type i64 = n.getBuilder().getI64Type();
  if (numScans > 0 && scanLength < 0) {
    std::string why = constantTrips >= 0
                          ? "it runs more iterations than geflow unrolls (" +
                                std::to_string(kMaxUnrolledIterations) + ")"
                          : std::string("its end is known only at run time");
    return n.unsupported(why +
                         " and its scan outputs have no declared length; "
                         "geflow runs such a Loop as a While, whose scan "
                         "outputs need the static length ONNX declares for "
                         "them");
  }
  for (auto [j, v] : llvm::enumerate(carried))
    if (!isStatic(v.getType()))
      return n.unsupported("loop-carried value " + Twine(j) + " has type " +
                           typeString(v.getType()) +
                           "; geflow's While needs static shapes");
  SmallVector<Value> inits{n.constantScalar(i64, 0),
                           cond ? cond : boolConstant(n, true)};
  inits.append(carried.begin(), carried.end());
  if (llvm::is_contained(inits, Value()))
    return failure();
  SmallVector<Type> types(ValueRange(inits).getTypes());

  std::optional<OwnedBlock> condBlock = buildRegion(
      n, types, [&](ArrayRef<Value> args) -> std::optional<SmallVector<Value>> {
        Value c = args[1];
        if (tripCount)
          c = logicalAnd(n, c, n.create<LessOp>(args[0], tripCount));
        if (!c)
          return std::nullopt;
        return SmallVector<Value>{c};
      });
  if (!condBlock)
    return failure();
  SmallVector<Type> scanTypes;
  std::optional<OwnedBlock> bodyBlock = buildRegion(
      n, types, [&](ArrayRef<Value> args) -> std::optional<SmallVector<Value>> {
        auto outs = n.inlineGraph(body, args);
        if (!outs)
          return std::nullopt;
        Value next = n.create<AddOp>(args[0], n.constantScalar(i64, 1));
        Value c = toScalar(n, (*outs)[0], "the body's condition output");
        if (!next || !c)
          return std::nullopt;
        SmallVector<Value> yields{next, c};
        for (unsigned j = 0; j < carried.size(); ++j) {
          Value v = (*outs)[1 + j];
          if (v.getType() != carried[j].getType()) {
            (void)n.unsupported(
                "loop-carried value " + Twine(j) + " enters as " +
                typeString(carried[j].getType()) + " and the body gives " +
                typeString(v.getType()) +
                "; geflow's While keeps each carried value's static shape "
                "across iterations");
            return std::nullopt;
          }
          yields.push_back(v);
        }
        for (unsigned k = 0; k < numScans; ++k) {
          Value v = (*outs)[1 + carried.size() + k];
          if (!isStatic(v.getType())) {
            (void)n.unsupported("scan output " + Twine(k) + " has type " +
                                typeString(v.getType()) +
                                " per iteration; geflow's While needs "
                                "static shapes");
            return std::nullopt;
          }
          scanTypes.push_back(v.getType());
          yields.push_back(v);
        }
        return yields;
      });
  if (!bodyBlock)
    return failure();

  SmallVector<Type> resultTypes(types);
  for (Type t : scanTypes) {
    auto each = cast<RankedTensorType>(t);
    SmallVector<int64_t> shape{scanLength};
    shape.append(each.getShape().begin(), each.getShape().end());
    resultTypes.push_back(RankedTensorType::get(shape, each.getElementType()));
  }
  OperationState state(n.getLoc(), WhileOp::getOperationName());
  state.addOperands(inits);
  state.addTypes(resultTypes);
  state.addRegion()->push_back(condBlock->release());
  state.addRegion()->push_back(bodyBlock->release());
  auto results = n.createRegionOp(state);
  if (!results)
    return failure();
  for (unsigned j = 0; j < carried.size(); ++j)
    n.setOutput(j, (*results)[2 + j]);
  for (unsigned k = 0; k < numScans; ++k)
    n.setOutput(carried.size() + k, (*results)[2 + carried.size() + k]);
  return success();
}

LogicalResult translateLoop(NodeContext &n) {
  std::optional<NodeContext::Subgraph> body = n.getGraphAttr("body");
  if (!body)
    return failure();
  if (n.getNumInputs() < 2)
    return n.fail("a Loop has the inputs M and cond (each may be empty) "
                  "before its loop-carried values");
  unsigned numCarried = n.getNumInputs() - 2;
  if (body->numInputs != 2 + numCarried)
    return n.fail("body '" + body->name + "' takes " + Twine(body->numInputs) +
                  " inputs, but a Loop with " + Twine(numCarried) +
                  " loop-carried value(s) passes " + Twine(2 + numCarried) +
                  " (iteration number, condition, carried values)");
  if (body->numOutputs < 1 + numCarried)
    return n.fail("body '" + body->name + "' gives " + Twine(body->numOutputs) +
                  " outputs, fewer than the " + Twine(1 + numCarried) +
                  " a Loop with that many carried values needs (condition, "
                  "carried values, then scan outputs)");
  unsigned numScans = body->numOutputs - 1 - numCarried;
  if (n.getNumOutputs() != numCarried + numScans)
    return n.fail("the node has " + Twine(n.getNumOutputs()) +
                  " outputs, but its body gives " + Twine(numCarried) +
                  " carried value(s) and " + Twine(numScans) +
                  " scan output(s)");

  SmallVector<Value> carried;
  for (unsigned j = 0; j < numCarried; ++j) {
    Value v = n.getRequiredInput(2 + j);
    if (!v)
      return failure();
    carried.push_back(v);
  }

  // The trip count: a constant, or a run-time value each iteration checks.
  // -1 stands for "not known at compile time" below.
  Value tripCount = n.getInput(0);
  int64_t constantTrips = -1;
  if (tripCount) {
    tripCount = toScalar(n, tripCount, "the trip count M");
    if (!tripCount)
      return failure();
    if (std::optional<SmallVector<int64_t>> m = n.getConstantInts(0))
      constantTrips = std::max<int64_t>(m->front(), 0);
  }
  bool runtimeTrips = tripCount && constantTrips < 0;
  bool tooLong =
      constantTrips > kMaxUnrolledIterations ||
      constantTrips * std::max<int64_t>(body->numNodes, 1) > kMaxUnrolledNodes;
  Value condInput = n.getInput(1);
  if (condInput) {
    condInput = toScalar(n, condInput, "the condition");
    if (!condInput)
      return failure();
  }
  // Without a constant trip count, a condition computed at run time ends
  // the loop at run time too.
  bool runtimeCond =
      condInput && !getConstantBool(condInput) && constantTrips < 0;
  // The length ONNX declares for the scan outputs.
  int64_t scanLength = -1;
  for (unsigned k = 0; k < numScans; ++k) {
    auto shape = n.getKnownOutputShape(numCarried + k);
    if (!shape || shape->empty()) {
      scanLength = -1;
      break;
    }
    if (k > 0 && scanLength != shape->front())
      return n.fail("its scan outputs are declared with different lengths (" +
                    Twine(scanLength) + " and " + Twine(shape->front()) + ")");
    scanLength = shape->front();
  }
  if (runtimeTrips || runtimeCond || tooLong) {
    size_t mark = n.problemMark();
    if (succeeded(translateLoopAsWhile(
            n, *body, carried,
            constantTrips >= 0
                ? n.constantScalar(n.getBuilder().getI64Type(), constantTrips)
                : tripCount,
            constantTrips, condInput, numScans, scanLength)))
      return success();
    // A body that needs its iteration number as a constant (a Slice at
    // [i, i + 1) whose output shape ONNX does not know) can still run
    // unrolled to the declared scan length, masked.
    if (tooLong || scanLength < 0 || scanLength > kMaxUnrolledIterations)
      return failure();
    n.dropProblemsSince(mark);
  }
  if (scanLength >= 0 && failed(checkBudget(n, scanLength, *body)))
    return failure();

  Type i64 = n.getBuilder().getI64Type();
  Value active = boolConstant(n, true);
  if (Value cond = n.getInput(1)) {
    active = toScalar(n, cond, "the condition");
    if (!active)
      return failure();
  }
  if (runtimeTrips)
    active = andBelow(n, active, 0, tripCount);

  SmallVector<SmallVector<Value>> scans(numScans);
  int64_t iterations = 0;
  bool masked = false;
  for (;; ++iterations) {
    if (!active)
      return failure();
    std::optional<bool> known = getConstantBool(active);
    if (known && !*known)
      break; // the condition became false
    if (iterations == constantTrips)
      break;
    // A run-time end: the scan outputs' declared length bounds the loop.
    if (!known || runtimeTrips) {
      if (constantTrips < 0 && scanLength < 0)
        return n.unsupported(
            "its end is known only at run time (trip count or condition "
            "computed from inputs); geflow unrolls loops at compile time and "
            "needs a constant trip count, or scan outputs whose length ONNX "
            "knows");
      masked = true;
    }
    if (masked && constantTrips < 0 && iterations == scanLength)
      break;
    if (failed(checkBudget(n, iterations + 1, *body)))
      return failure();

    SmallVector<Value> args{n.constantScalar(i64, iterations), active};
    args.append(carried);
    auto outs = n.inlineGraph(*body, args);
    if (!outs)
      return failure();
    Value condOut = toScalar(n, (*outs)[0], "the body's condition output");
    if (!condOut)
      return failure();
    for (unsigned j = 0; j < numCarried; ++j) {
      Value next = (*outs)[1 + j];
      if (masked) {
        if (next.getType() != carried[j].getType())
          return n.unsupported(
              "loop-carried value " + Twine(j) + " changes from " +
              typeString(carried[j].getType()) + " to " +
              typeString(next.getType()) +
              " in a loop whose end is known only at run time");
        next = isComposite(next.getType())
                   ? selectComposite(n, active, next, carried[j])
                   : n.create<SelectOp>(active, next, carried[j]);
        if (!next)
          return failure();
      }
      carried[j] = next;
    }
    for (unsigned k = 0; k < numScans; ++k)
      scans[k].push_back((*outs)[1 + numCarried + k]);
    active = masked ? logicalAnd(n, active, condOut) : condOut;
    if (runtimeTrips)
      active = andBelow(n, active, iterations + 1, tripCount);
  }

  for (unsigned j = 0; j < numCarried; ++j)
    n.setOutput(j, carried[j]);
  for (unsigned k = 0; k < numScans; ++k) {
    if (iterations == 0)
      return n.unsupported("scan output " + Twine(k) +
                           " of a Loop that runs no iteration (its element "
                           "shape is unknown)");
    if (scanLength >= 0 && scanLength != iterations)
      return n.fail("it runs " + Twine(iterations) +
                    " iterations, but its scan outputs are declared with " +
                    Twine(scanLength));
    Value out = stack(n, scans[k], 0);
    if (!out)
      return failure();
    n.setOutput(numCarried + k, out);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Scan
//===----------------------------------------------------------------------===//

struct ScanSpec {
  SmallVector<int64_t> inputAxes, inputDirections;
  SmallVector<int64_t> outputAxes, outputDirections;
};

/// Scan-9 semantics: the states and the scan inputs in, the final states
/// and the stacked scan outputs out.
std::optional<SmallVector<Value>>
unrollScan(NodeContext &n, const NodeContext::Subgraph &body,
           ArrayRef<Value> states, ArrayRef<Value> scanInputs,
           const ScanSpec &spec, unsigned numScanOutputs) {
  int64_t length = -1;
  SmallVector<int64_t> axes;
  for (auto [j, x] : llvm::enumerate(scanInputs)) {
    std::optional<ArrayRef<int64_t>> shape = getShape(x);
    if (!shape || ShapedType::isDynamicShape(*shape)) {
      (void)n.unsupported("scan input " + Twine(j) +
                          " needs a static shape (geflow unrolls Scan over "
                          "its scan axis)");
      return std::nullopt;
    }
    auto axis =
        n.normalizeAxis(spec.inputAxes[j], shape->size(), "scan_input_axes");
    if (!axis)
      return std::nullopt;
    axes.push_back(*axis);
    int64_t dim = (*shape)[*axis];
    if (length >= 0 && length != dim) {
      (void)n.fail("its scan inputs have different lengths along their scan "
                   "axes (" +
                   Twine(length) + " and " + Twine(dim) + ")");
      return std::nullopt;
    }
    length = dim;
  }
  if (length <= 0) {
    (void)n.unsupported("a Scan without iterations (no scan input, or one of "
                        "length 0)");
    return std::nullopt;
  }
  if (failed(checkBudget(n, length, body)))
    return std::nullopt;

  SmallVector<Value> current(states);
  SmallVector<SmallVector<Value>> scans(numScanOutputs);
  for (int64_t t = 0; t < length; ++t) {
    SmallVector<Value> args(current);
    for (auto [j, x] : llvm::enumerate(scanInputs)) {
      int64_t index = spec.inputDirections[j] ? length - 1 - t : t;
      Value element = takeAlong(n, x, axes[j], index);
      if (!element)
        return std::nullopt;
      args.push_back(element);
    }
    auto outs = n.inlineGraph(body, args);
    if (!outs)
      return std::nullopt;
    for (unsigned s = 0; s < current.size(); ++s)
      current[s] = (*outs)[s];
    for (unsigned k = 0; k < numScanOutputs; ++k)
      scans[k].push_back((*outs)[current.size() + k]);
  }
  SmallVector<Value> results(current);
  for (unsigned k = 0; k < numScanOutputs; ++k) {
    SmallVector<Value> &elements = scans[k];
    auto rank = getRank(elements.front());
    if (!rank) {
      (void)n.unsupported("scan output " + Twine(k) + " needs a known rank");
      return std::nullopt;
    }
    auto axis =
        n.normalizeAxis(spec.outputAxes[k], *rank + 1, "scan_output_axes");
    if (!axis)
      return std::nullopt;
    if (spec.outputDirections[k])
      std::reverse(elements.begin(), elements.end());
    Value out = stack(n, elements, *axis);
    if (!out)
      return std::nullopt;
    results.push_back(out);
  }
  return results;
}

/// An attribute with one entry per scan input or output (default zeros).
std::optional<SmallVector<int64_t>> perScanAttr(NodeContext &n, StringRef name,
                                                unsigned count) {
  if (!n.hasAttr(name))
    return SmallVector<int64_t>(count, 0);
  SmallVector<int64_t> values = n.getInts(name);
  if (values.size() != count) {
    (void)n.fail("attribute '" + name + "' has " + Twine(values.size()) +
                 " entries for " + Twine(count) + " scan values");
    return std::nullopt;
  }
  return values;
}

LogicalResult translateScan(NodeContext &n) {
  std::optional<NodeContext::Subgraph> body = n.getGraphAttr("body");
  if (!body)
    return failure();
  int64_t numScanInputs = n.getInt("num_scan_inputs", -1);
  bool batched = n.getOpset() < 9; // Scan-8: batch axis 0, sequence_lens
  unsigned first = batched ? 1 : 0;
  if (numScanInputs <= 0 ||
      first + numScanInputs > static_cast<int64_t>(n.getNumInputs()))
    return n.fail("num_scan_inputs must be between 1 and the number of "
                  "inputs");
  if (batched && n.getInput(0))
    return n.unsupported("the sequence_lens input (Scan-8) is not supported");
  unsigned numStates = n.getNumInputs() - first - numScanInputs;
  if (body->numInputs != numStates + numScanInputs)
    return n.fail("body '" + body->name + "' takes " + Twine(body->numInputs) +
                  " inputs, but the Scan passes " + Twine(numStates) +
                  " state(s) and " + Twine(numScanInputs) +
                  " scan input element(s)");
  if (body->numOutputs != n.getNumOutputs() || body->numOutputs < numStates)
    return n.fail("body '" + body->name + "' gives " + Twine(body->numOutputs) +
                  " outputs, but the node has " + Twine(n.getNumOutputs()) +
                  " (" + Twine(numStates) + " states, then scan outputs)");
  unsigned numScanOutputs = body->numOutputs - numStates;

  SmallVector<Value> states, scanInputs;
  for (unsigned i = first; i < n.getNumInputs(); ++i) {
    Value v = n.getRequiredInput(i);
    if (!v)
      return failure();
    (i < first + numStates ? states : scanInputs).push_back(v);
  }

  ScanSpec spec;
  auto inputDirections = perScanAttr(
      n, batched ? "directions" : "scan_input_directions", numScanInputs);
  if (!inputDirections)
    return failure();
  spec.inputDirections = *inputDirections;
  if (batched) {
    spec.inputAxes.assign(numScanInputs, 0);
    spec.outputAxes.assign(numScanOutputs, 0);
    spec.outputDirections.assign(numScanOutputs, 0);
  } else {
    auto inputAxes = perScanAttr(n, "scan_input_axes", numScanInputs);
    auto outputAxes = perScanAttr(n, "scan_output_axes", numScanOutputs);
    auto outputDirections =
        perScanAttr(n, "scan_output_directions", numScanOutputs);
    if (!inputAxes || !outputAxes || !outputDirections)
      return failure();
    spec.inputAxes = *inputAxes;
    spec.outputAxes = *outputAxes;
    spec.outputDirections = *outputDirections;
  }

  if (!batched) {
    auto results =
        unrollScan(n, *body, states, scanInputs, spec, numScanOutputs);
    if (!results)
      return failure();
    for (auto [i, v] : llvm::enumerate(*results))
      n.setOutput(i, v);
    return success();
  }

  // Scan-8: every state and scan input has the batch as dim 0; each batch
  // entry is scanned on its own and the results stacked back.
  int64_t batch = -1;
  SmallVector<Value> all(states);
  all.append(scanInputs);
  for (Value v : all) {
    std::optional<ArrayRef<int64_t>> shape = getShape(v);
    if (!shape || shape->empty() || ShapedType::isDynamic(shape->front()))
      return n.unsupported("Scan-8 needs inputs with a static batch dim");
    if (batch >= 0 && batch != shape->front())
      return n.fail("its inputs have different batch sizes");
    batch = shape->front();
  }
  if (batch < 0)
    return n.unsupported("Scan-8 without inputs");
  if (failed(checkBudget(n, batch, *body)))
    return failure();
  SmallVector<SmallVector<Value>> perBatch(n.getNumOutputs());
  for (int64_t b = 0; b < batch; ++b) {
    SmallVector<Value> bStates, bInputs;
    for (Value v : states)
      bStates.push_back(takeAlong(n, v, 0, b));
    for (Value v : scanInputs)
      bInputs.push_back(takeAlong(n, v, 0, b));
    if (llvm::is_contained(bStates, Value()) ||
        llvm::is_contained(bInputs, Value()))
      return failure();
    auto results = unrollScan(n, *body, bStates, bInputs, spec, numScanOutputs);
    if (!results)
      return failure();
    for (auto [i, v] : llvm::enumerate(*results))
      perBatch[i].push_back(v);
  }
  for (auto [i, values] : llvm::enumerate(perBatch)) {
    Value out = stack(n, values, 0);
    if (!out)
      return failure();
    n.setOutput(i, out);
  }
  return success();
}

const OpTranslator kControlFlowTranslators[] = {
    {"If", translateIf},
    {"Loop", translateLoop},
    {"Scan", translateScan},
};

} // namespace

ArrayRef<OpTranslator> getControlFlowTranslators() {
  return kControlFlowTranslators;
}

} // namespace geflow::frontend::onnximp
