//===- KernelDecode.h - .gfm kernel operands for the kernels --*- C++ -*-===//
//-*-===//
//
// A kernel task's tensor descriptions and attributes decoded from the .gfm
// into the kernel library's types. The planner and the weight updater both
// build tiling contexts from them, and those must be the compiler's bit for
// bit, so there is one decoding.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_EXECUTOR_KERNELDECODE_H
#define GEFLOW_RUNTIME_EXECUTOR_KERNELDECODE_H

#include "geflow/kernels/Registry.h"

#include "proto/gfm.pb.h"

namespace geflow::rt::exec {

kernels::TensorDesc toKernelDesc(const gfm::TensorDesc &desc);

kernels::AttrMap
toKernelAttrs(const google::protobuf::Map<std::string, gfm::AttrValue> &attrs);

} // namespace geflow::rt::exec

#endif // GEFLOW_RUNTIME_EXECUTOR_KERNELDECODE_H
