//===- ShapeRange.h - Shape-ranged compiles (input_shape_range) -*- C++ -*-===//
//
// GE's input_shape_range ("data:[1~8,3,224,224]") compiles one program that
// runs for every shape in the range: it is planned and tiled for the upper
// bounds (so the arena holds the largest shapes) and re-tiled at run time by
// the same tiling functions for the actual shapes.
//
// The run time needs each tensor dim as a function of the ranged input dims
// (the symbols). They are found by compiling the graph twice, once at the
// upper bounds and once with a distinct large prime per symbol (the probe):
// a dim of the probe that factors as c * prod(p_k ^ e_k), and whose value at
// the upper bounds is c * prod(max_k ^ e_k), is that monomial. Batch and
// sequence dims flowing through convolutions, matmuls, reshapes and
// transposes are such monomials; a dim that is not (a convolution's output
// over a ranged spatial dim) is an error suggesting gears instead.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_COMPILER_SHAPERANGE_H
#define GEFLOW_LIB_COMPILER_SHAPERANGE_H

#include "geflow/Compiler/Compile.h"
#include "geflow/Compiler/Pipeline.h"

namespace geflow {

/// Runs the compile pipeline for the range's upper bounds on `module` (in
/// place) and annotates its npu program with the symbols and every
/// tensor's dim expressions (`npu.symbols`, `npu.dim_exprs`, ...), which the
/// .gfm writer serializes.
mlir::LogicalResult
runRangedPipeline(mlir::ModuleOp module,
                  const std::vector<NamedShapeRange> &ranges,
                  PipelineConfig config, const PassManagerHook &hook);

} // namespace geflow

#endif
