//===- JsonTensor.h - Tensors as nested JSON lists --------------*- C++ -*-===//
//
// What TF Serving's and KServe's JSON formats share: a request body parsed
// with LLVM's JSON parser after a bracket-depth check (InputLimits.h), the
// shape of a nested list, its leaves stored as a dtype, and tensors written
// back as nested lists. Pure functions: bytes in, tensors or a message out.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SERVE_JSONTENSOR_H
#define GEFLOW_SERVE_JSONTENSOR_H

#include "Tensor.h"

#include "geflow/runtime/JsonText.h"

#include "llvm/Support/JSON.h"

#include <string>
#include <string_view>

namespace geflow::serve {

/// Parses a request body; the error names the byte where it went wrong.
Result<llvm::json::Value> parseJsonBody(std::string_view body);

/// The shape of a nested JSON list (a number is rank 0), read along its
/// first elements; storeLeaves checks that the others agree.
std::vector<int64_t> nestedShape(const llvm::json::Value &value);

/// Stores the leaves of `value` (row-major) as `dtype` into `data`, from
/// element `*index` on; `*index` advances past them. Leaves must be numbers
/// (or booleans); with `shape`, the nesting must match it exactly. The
/// error names the first bad leaf or list.
Status storeLeaves(const llvm::json::Value &value, rt::DType dtype,
                   uint8_t *data, int64_t capacity, int64_t *index,
                   const std::string &where,
                   const std::vector<int64_t> *shape = nullptr);

/// The number of leaves (non-list values) of a nested list.
int64_t countLeaves(const llvm::json::Value &value);

/// A tensor from a nested list of `dtype` (shape taken from the list).
Result<Tensor> tensorFromNested(const llvm::json::Value &value, rt::DType dtype,
                                const std::string &where);

/// Appends `data` (of `shape`, from dim `dim` on) as nested JSON lists.
void appendNestedJson(std::string &out, rt::DType dtype,
                      const std::vector<int64_t> &shape, const uint8_t *data,
                      size_t dim = 0);
/// Appends the elements of `data` as one flat JSON list.
void appendFlatJson(std::string &out, rt::DType dtype, int64_t count,
                    const uint8_t *data);

/// `text` as a JSON string literal (the runtime's, shared with profiles).
using rt::jsonQuote;

/// {"error": "<message>"}: the error body of both REST protocols.
std::string errorJson(const std::string &message);

} // namespace geflow::serve

#endif // GEFLOW_SERVE_JSONTENSOR_H
