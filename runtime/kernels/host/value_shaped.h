//===- value_shaped.h - Helpers of host kernels with value-given shapes ---===//
//
// Ops whose output shape follows from input values (Slice with runtime
// starts, NonZero, Unique, NonMaxSuppression, ...: GE's "third-class" ops)
// run on the host CPU engine. geflow's programs have static shapes, so the
// compiler fixes each output's shape at import (ONNX shape inference or
// the model's declaration) and the kernel checks at run time that the
// values give exactly that shape: a different one is an error naming both,
// never a write past the planned buffer.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_HOST_VALUE_SHAPED_H
#define GEFLOW_KERNELS_HOST_VALUE_SHAPED_H

#include "kernels/host/host_kernels.h"

#include <cstdint>
#include <string>
#include <vector>

namespace geflow::kernels::host {

rt::Status invalid(const std::string &message);
rt::Status unsupported(const std::string &message);

int64_t numElements(const std::vector<int64_t> &shape);
std::string shapeText(const std::vector<int64_t> &shape);
bool isPlainFormat(rt::Format f);
bool isIndexType(rt::DType t);

/// Fails unless every descriptor has a plain (ND/NCHW/NHWC) layout.
rt::Status requirePlain(const char *op, const std::vector<TensorDesc> &descs);
/// Fails unless `desc` is an i32/i64 tensor of at most rank 1 (`what`
/// names it).
rt::Status requireIndexVector(const char *op, const TensorDesc &desc,
                              const char *what);

/// The values of an i32/i64 tensor.
std::vector<int64_t> readIndices(const void *data, const TensorDesc &desc);

/// OK when output `index` of the program has `shape`; else the error that
/// the values gave a shape the program was not compiled for.
rt::Status checkOutputShape(const char *op, size_t index,
                            const TensorDesc &planned,
                            const std::vector<int64_t> &shape);

/// Row-major strides of `shape` (in elements).
std::vector<int64_t> stridesOf(const std::vector<int64_t> &shape);

/// Element `i` of a float or integer tensor as a double (f16/bf16/f32 and
/// every integer dtype).
double loadAsDouble(rt::DType t, const void *data, int64_t i);
/// Three-way comparison (-1, 0, 1) of elements `a` and `b` of one tensor,
/// exact for every dtype: 64-bit integers compare as integers, since a
/// double cannot tell apart values beyond 2^53. NaN is above every number
/// and equal to NaN, so sorts keep a strict weak order.
int compareElements(rt::DType t, const void *data, int64_t a, int64_t b);
/// Stores `v` rounded to `t` at element `i`.
void storeFromDouble(rt::DType t, void *data, int64_t i, double v);

} // namespace geflow::kernels::host

#endif
