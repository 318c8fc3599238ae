//===- failure_detail.cpp - A kernel's reason for failing -----------------===//
#include "geflow/kernels/Kernel.h"

#include <utility>

namespace geflow::kernels {

namespace {
// A block runs on one AI core thread from call to return, so the detail a
// kernel sets is read by the same thread right after the call.
thread_local std::string failureDetail;
} // namespace

void setFailureDetail(std::string detail) { failureDetail = std::move(detail); }

std::string takeFailureDetail() { return std::exchange(failureDetail, {}); }

int32_t indexOutOfRange(int32_t code, int64_t index, int64_t element,
                        int64_t size, const std::string &where) {
  setFailureDetail(
      "index " + std::to_string(index) + " (element " +
      std::to_string(element) + " of the indices) is out of range [" +
      std::to_string(-size) + ", " + std::to_string(size) + ") " + where);
  return code;
}

} // namespace geflow::kernels
