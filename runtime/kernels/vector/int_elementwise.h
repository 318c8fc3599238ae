//===- int_elementwise.h - Integer binary and comparison kernels ----------===//
//
// int8/uint8/int32/int64 arithmetic (add, sub, mul, div, max, min, pow, mod,
// floor_mod) and comparisons with numpy broadcasting (also of bools), for
// shape arithmetic, index math and integer models that must stay exact (the
// float engine would round above 2^24). Arithmetic wraps on overflow; div
// truncates
// toward zero (C / ONNX Runtime semantics), mod keeps the dividend's sign
// and floor_mod the divisor's; a zero divisor, or 0 to a negative power,
// fails the task.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_VECTOR_INT_ELEMENTWISE_H
#define GEFLOW_KERNELS_VECTOR_INT_ELEMENTWISE_H

#include "geflow/kernels/Elementwise.h"
#include "geflow/kernels/Kernel.h"

#include <string>

namespace geflow::kernels::vec {

bool isIntEwDtype(DType t);

Status tileIntBinary(const std::string &kernel, EwOp op,
                     const TilingContext &ctx, TilingResult *result);

int32_t runIntBinary(const KernelArgs &args, uint32_t blockIdx,
                     uint32_t blockDim);

} // namespace geflow::kernels::vec

#endif // GEFLOW_KERNELS_VECTOR_INT_ELEMENTWISE_H
