//===- OpVersions.h - ai.onnx op versions of opsets 18 to 21 ----*- C++ -*-===//
//
// The ONNX library geflow builds with (Debian's 1.12) knows the operator
// definitions up to opset 17. For opsets 18 to 21 this table says which ops
// got a new version (ONNX's operator_sets.h and changelog). Translators see
// the model's opset through NodeContext::getOpset() and follow the
// attribute/input changes; versions that only add element types read like
// the previous one (a type ge lacks is reported where it appears).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_FRONTEND_ONNX_OPVERSIONS_H
#define GEFLOW_LIB_FRONTEND_ONNX_OPVERSIONS_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace geflow::frontend::onnximp {

/// The newest opset whose definitions the ONNX library knows.
constexpr int64_t kLibraryMaxOpset = 17;

/// The version of `opType` (ai.onnx) in force at `opset`, that is the
/// since_version of its definition; nullopt when the op does not exist
/// there.
std::optional<int64_t> getOpVersion(llvm::StringRef opType, int64_t opset);

/// The versions of `opType` geflow imports: those in force at opsets 7 to
/// 21 ("1, 11, 13, 18" for Pad), "none" for an op of none of them.
std::string describeVersions(llvm::StringRef opType);

} // namespace geflow::frontend::onnximp

#endif
