//===- ShapeRange.cpp - Shape-ranged compiles (input_shape_range) ---------===//
#include "ShapeRange.h"

#include "dialects/npu/IR/NPUOps.h"
#include "geflow/Compiler/ShapeOptions.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;

namespace geflow {

namespace {

struct Symbol {
  unsigned input, dim;
  int64_t min, max, prime;
};

// Large primes no static dim of a real model is a multiple of.
constexpr int64_t kProbePrimes[] = {10007, 10009, 10037, 10039, 10061, 10067,
                                    10069, 10079, 10091, 10093, 10099, 10103};

/// Reads the range option against the graph's inputs.
FailureOr<std::vector<Symbol>>
parseSymbols(func::FuncOp func, const std::vector<NamedShapeRange> &ranges) {
  std::vector<Symbol> symbols;
  for (const NamedShapeRange &r : ranges) {
    auto it = llvm::find_if(
        llvm::seq<unsigned>(0, func.getNumArguments()), [&](unsigned i) {
          auto name = func.getArgAttrOfType<StringAttr>(i, "ge.name");
          return name && name.getValue() == r.name;
        });
    if (it == llvm::seq<unsigned>(0, func.getNumArguments()).end())
      return func.emitError() << "input_shape_range names '" << r.name
                              << "', which is not an input of the graph",
             failure();
    unsigned i = *it;
    auto type = cast<RankedTensorType>(func.getArgumentTypes()[i]);
    if (static_cast<int64_t>(r.dims.size()) != type.getRank())
      return func.emitError()
                 << "input_shape_range gives '" << r.name << "' rank "
                 << r.dims.size() << " but the graph declares rank "
                 << type.getRank(),
             failure();
    for (auto [d, range] : llvm::enumerate(r.dims)) {
      auto [lo, hi] = range;
      int64_t declared = type.getDimSize(d);
      if (lo == hi) {
        if (!ShapedType::isDynamic(declared) && declared != lo)
          return func.emitError()
                     << "input_shape_range fixes dim " << d << " of '" << r.name
                     << "' to " << lo << " but the graph declares " << declared,
                 failure();
        continue;
      }
      if (!ShapedType::isDynamic(declared))
        return func.emitError()
                   << "input_shape_range makes dim " << d << " of '" << r.name
                   << "' ranged but the graph declares it as " << declared
                   << "; declare it dynamic (?) in the graph",
               failure();
      if (hi < 0)
        return func.emitError()
                   << "input_shape_range: dim " << d << " of '" << r.name
                   << "' needs an upper bound (min~max) to size the memory "
                      "plan",
               failure();
      if (symbols.size() == std::size(kProbePrimes))
        return func.emitError() << "input_shape_range has more than "
                                << std::size(kProbePrimes) << " ranged dims",
               failure();
      symbols.push_back({i, static_cast<unsigned>(d), std::max<int64_t>(lo, 1),
                         hi, kProbePrimes[symbols.size()]});
    }
  }
  if (symbols.empty())
    return func.emitError("input_shape_range has no ranged (min~max) dim"),
           failure();
  return symbols;
}

/// Fixes every argument dim: symbols to `value(symbol)`, other unknown dims
/// must not remain.
LogicalResult fixInputs(func::FuncOp func, const std::vector<Symbol> &symbols,
                        llvm::function_ref<int64_t(const Symbol &)> value) {
  SmallVector<Type> inputs;
  for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
    auto type = cast<RankedTensorType>(arg.getType());
    SmallVector<int64_t> shape(type.getShape());
    for (const Symbol &s : symbols)
      if (s.input == i)
        shape[s.dim] = value(s);
    auto fixed =
        RankedTensorType::get(shape, type.getElementType(), type.getEncoding());
    arg.setType(fixed);
    inputs.push_back(fixed);
  }
  func.setFunctionType(
      FunctionType::get(func.getContext(), inputs, func.getResultTypes()));
  return success();
}

/// [coeff, e_0, ..., e_n-1] of a dim, or failure when it is no monomial.
FailureOr<SmallVector<int64_t>> dimExpr(int64_t upper, int64_t probe,
                                        const std::vector<Symbol> &symbols) {
  SmallVector<int64_t> expr(symbols.size() + 1, 0);
  int64_t c = probe;
  for (auto [k, s] : llvm::enumerate(symbols))
    while (c % s.prime == 0) {
      c /= s.prime;
      ++expr[k + 1];
    }
  expr[0] = c;
  int64_t atUpper = c;
  for (auto [k, s] : llvm::enumerate(symbols))
    for (int64_t e = 0; e < expr[k + 1]; ++e)
      atUpper *= s.max;
  if (atUpper != upper)
    return failure();
  return expr;
}

/// The dim expressions of every dim of `values` (upper vs probe), as an
/// attribute: one array per value, one [coeff, exponents...] per dim.
FailureOr<ArrayAttr> exprsOf(Operation *anchor, ValueRange upper,
                             ValueRange probe,
                             const std::vector<Symbol> &symbols) {
  Builder b(anchor->getContext());
  SmallVector<Attribute> perValue;
  for (auto [u, p] : llvm::zip(upper, probe)) {
    auto ut = cast<RankedTensorType>(u.getType()),
         pt = cast<RankedTensorType>(p.getType());
    if (ut.getRank() != pt.getRank())
      return anchor->emitError(
                 "shape range: ranks differ between the upper-bound and "
                 "probe compiles"),
             failure();
    SmallVector<Attribute> dims;
    for (int64_t d = 0; d < ut.getRank(); ++d) {
      auto expr = dimExpr(ut.getDimSize(d), pt.getDimSize(d), symbols);
      if (failed(expr))
        return anchor->emitError()
                   << "input_shape_range: dim " << d << " of " << ut
                   << " is not a product of the ranged input dims, so it "
                      "cannot be recomputed at run time; compile gears "
                      "(dynamic_dims) instead",
               failure();
      dims.push_back(b.getDenseI64ArrayAttr(*expr));
    }
    perValue.push_back(b.getArrayAttr(dims));
  }
  return b.getArrayAttr(perValue);
}

/// A kernel whose name or attributes depend on a ranged dim (a slice end,
/// a kernel variant picked by size) cannot be re-run at other shapes.
LogicalResult checkSameAttrs(Operation &upper, Operation &probe) {
  auto differ = [&](StringRef what) {
    return upper.emitError()
           << "input_shape_range: the " << what << " of this op depends on "
           << "a ranged input dim, so one program cannot serve the whole "
              "range; compile gears (dynamic_dims) instead";
  };
  if (auto k = dyn_cast<npu::KernelOp>(upper)) {
    auto pk = cast<npu::KernelOp>(probe);
    if (k.getKernel() != pk.getKernel())
      return differ("kernel choice");
    if (k.getKernelAttrs() != pk.getKernelAttrs())
      return differ("kernel attributes");
  }
  return success();
}

LogicalResult annotate(npu::ProgramOp upper, npu::ProgramOp probe,
                       const std::vector<Symbol> &symbols) {
  Builder b(upper.getContext());
  SmallVector<Attribute> symbolAttrs;
  for (const Symbol &s : symbols)
    symbolAttrs.push_back(
        b.getDenseI64ArrayAttr({s.input, s.dim, s.min, s.max}));
  upper->setAttr("npu.symbols", b.getArrayAttr(symbolAttrs));
  auto args =
      exprsOf(upper, upper.getArguments(), probe.getArguments(), symbols);
  if (failed(args))
    return failure();
  upper->setAttr("npu.input_dim_exprs", *args);
  auto upperRet = upper.getBody().front().getTerminator();
  auto probeRet = probe.getBody().front().getTerminator();
  auto results =
      exprsOf(upper, upperRet->getOperands(), probeRet->getOperands(), symbols);
  if (failed(results))
    return failure();
  upper->setAttr("npu.output_dim_exprs", *results);

  auto &upperOps = upper.getBody().front().getOperations();
  auto &probeOps = probe.getBody().front().getOperations();
  if (upperOps.size() != probeOps.size())
    return upper.emitError(
        "shape range: the programs compiled for the upper bounds and "
        "for the probe shapes differ");
  for (auto [u, p] : llvm::zip(upperOps, probeOps)) {
    if (u.getName() != p.getName() ||
        u.getNumOperands() != p.getNumOperands() ||
        u.getNumResults() != p.getNumResults())
      return u.emitError(
          "shape range: the programs compiled for the upper bounds and for "
          "the probe shapes differ here");
    if (isa<npu::HostCallOp>(u))
      return u.emitError(
          "input_shape_range: host calls cannot run in a shape-ranged program");
    if (isa<npu::ControlOp>(u))
      return u.emitError("input_shape_range: control flow (If, While) cannot "
                         "run in a shape-ranged program; use gears "
                         "(dynamic_dims)");
    if (isa<npu::CollectiveOp>(u))
      return u.emitError("input_shape_range: collectives cannot run in a "
                         "shape-ranged program; use gears (dynamic_dims)");
    if (!isa<npu::KernelOp, npu::MemcpyOp>(u))
      continue;
    if (failed(checkSameAttrs(u, p)))
      return failure();
    SmallVector<Value> uv(u.getOperands()), pv(p.getOperands());
    uv.append(u.result_begin(), u.result_end());
    pv.append(p.result_begin(), p.result_end());
    auto exprs = exprsOf(&u, uv, pv, symbols);
    if (failed(exprs))
      return failure();
    u.setAttr("npu.dim_exprs", *exprs);
  }
  return success();
}

} // namespace

LogicalResult runRangedPipeline(ModuleOp module,
                                const std::vector<NamedShapeRange> &ranges,
                                PipelineConfig config,
                                const PassManagerHook &hook) {
  auto funcs = module.getOps<func::FuncOp>();
  if (std::distance(funcs.begin(), funcs.end()) != 1)
    return module.emitError(
        "input_shape_range needs a model with exactly one graph");
  if (!config.gears.kind.empty())
    return module.emitError() << "input_shape_range and " << config.gears.kind
                              << " cannot be used together";
  func::FuncOp func = *funcs.begin();
  auto symbols = parseSymbols(func, ranges);
  if (failed(symbols))
    return failure();

  OwningOpRef<ModuleOp> probe = module.clone();
  func::FuncOp probeFunc = *probe->getOps<func::FuncOp>().begin();
  (void)fixInputs(func, *symbols, [](const Symbol &s) { return s.max; });
  (void)fixInputs(probeFunc, *symbols, [](const Symbol &s) { return s.prime; });

  // Gears were rejected above; gear_padding is checked on the executable.
  config.gears = GearConfig();
  config.prepackWeights = false;
  config.elideConcat = false;
  for (ModuleOp m : {module, *probe}) {
    PassManager pm(module.getContext());
    if (hook && m == module && failed(hook(pm)))
      return failure();
    buildCompilePipeline(pm, config);
    if (failed(pm.run(m)))
      return failure();
  }
  auto upperProgram = *module.getOps<npu::ProgramOp>().begin();
  auto probeProgram = *probe->getOps<npu::ProgramOp>().begin();
  return annotate(upperProgram, probeProgram, *symbols);
}

} // namespace geflow
