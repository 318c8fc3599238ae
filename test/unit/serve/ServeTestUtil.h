//===- ServeTestUtil.h - Signatures and checks of the decoder tests -------===//
#ifndef GEFLOW_TEST_UNIT_SERVE_SERVETESTUTIL_H
#define GEFLOW_TEST_UNIT_SERVE_SERVETESTUTIL_H

#include "tools/geflow-serve/Tensor.h"

#include <gtest/gtest.h>

#include <cstring>

namespace geflow::serve::test {

/// One input x: FP32 [-1,4] (a batch of rows); one output y: FP32 [-1,2].
inline Signature rowsSignature() {
  return {{{"x", rt::DType::F32, {-1, 4}}}, {{"y", rt::DType::F32, {-1, 2}}}};
}

/// Inputs a: FP32 [2,2], b: INT8 [3], m: BOOL [2]; outputs s, t.
inline Signature mixedSignature() {
  return {{{"a", rt::DType::F32, {2, 2}},
           {"b", rt::DType::I8, {3}},
           {"m", rt::DType::Bool, {2}}},
          {{"s", rt::DType::F32, {2, 2}}, {"t", rt::DType::I32, {3}}}};
}

/// The tensor's elements as T.
template <typename T> std::vector<T> values(const Tensor &t) {
  std::vector<T> out(t.data.size() / sizeof(T));
  std::memcpy(out.data(), t.data.data(), t.data.size());
  return out;
}

/// The refusal is INVALID_ARGUMENT and its message holds `part`.
template <typename R>
::testing::AssertionResult refused(const R &result, const std::string &part) {
  if (result.ok())
    return ::testing::AssertionFailure()
           << "accepted; expected '" << part << "'";
  if (result.status().code() != Code::kInvalidArgument)
    return ::testing::AssertionFailure()
           << "code " << codeName(result.status().code()) << ": "
           << result.status().message();
  if (result.status().message().find(part) == std::string::npos)
    return ::testing::AssertionFailure()
           << "message '" << result.status().message() << "' lacks '" << part
           << "'";
  return ::testing::AssertionSuccess();
}

} // namespace geflow::serve::test

#endif // GEFLOW_TEST_UNIT_SERVE_SERVETESTUTIL_H
