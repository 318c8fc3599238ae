//===- quant.h - 8-bit operands of the integer host kernels -----*- C++ -*-===//
//
// QuantConv2D and QuantBatchMatMul read int8/uint8 operands and their zero
// points (offsets) as int32 and accumulate in int64; the int32 result wraps
// exactly as int32 accumulation would (ONNX ConvInteger / MatMulInteger).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_HOST_QUANT_H
#define GEFLOW_KERNELS_HOST_QUANT_H

#include "kernels/host/value_shaped.h"

#include <cstdint>
#include <string>
#include <vector>

namespace geflow::kernels::host {

inline bool isQuantType(rt::DType t) {
  return t == rt::DType::I8 || t == rt::DType::U8;
}

/// Element `i` of an int8 or uint8 tensor.
inline int32_t loadQuant(rt::DType t, const void *data, int64_t i) {
  return t == rt::DType::I8 ? static_cast<const int8_t *>(data)[i]
                            : static_cast<const uint8_t *>(data)[i];
}

/// The low 32 bits of an int64 accumulator, as int32 arithmetic wraps.
inline int32_t wrapToInt32(int64_t acc) {
  return static_cast<int32_t>(static_cast<uint32_t>(acc));
}

/// Fails unless `offset` (a zero point) has `operand`'s dtype and holds one
/// element or, 1-D, `perDim` elements (`perWhat` says what they are per).
inline rt::Status checkOffset(const char *op, const char *name,
                              const TensorDesc &offset,
                              const TensorDesc &operand, int64_t perDim,
                              const char *perWhat) {
  if (offset.dtype != operand.dtype)
    return invalid(std::string(op) + ": " + name + " must have the dtype of " +
                   "the operand it shifts");
  int64_t count = numElements(offset.shape);
  if (count == 1 && offset.shape.size() <= 1)
    return rt::Status::OK();
  if (offset.shape.size() == 1 && count == perDim && perWhat)
    return rt::Status::OK();
  return invalid(std::string(op) + ": " + name + " of shape " +
                 shapeText(offset.shape) + " must hold one element" +
                 (perWhat ? std::string(" or one per ") + perWhat + " (" +
                                std::to_string(perDim) + ")"
                          : std::string()));
}

} // namespace geflow::kernels::host

#endif
