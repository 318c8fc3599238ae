//===- ServeStatus.cpp - Request outcomes of geflow-serve -----------------===//
#include "ServeStatus.h"

namespace geflow::serve {

int httpStatus(Code code) {
  switch (code) {
  case Code::kOk:
    return 200;
  case Code::kInvalidArgument:
    return 400;
  case Code::kNotFound:
    return 404;
  case Code::kPayloadTooLarge:
    return 413;
  case Code::kResourceExhausted:
    return 429;
  case Code::kDeadlineExceeded:
    return 504;
  case Code::kUnavailable:
    return 503;
  case Code::kInternal:
    return 500;
  }
  return 500;
}

const char *codeName(Code code) {
  switch (code) {
  case Code::kOk:
    return "OK";
  case Code::kInvalidArgument:
    return "INVALID_ARGUMENT";
  case Code::kNotFound:
    return "NOT_FOUND";
  case Code::kPayloadTooLarge:
  case Code::kResourceExhausted:
    return "RESOURCE_EXHAUSTED";
  case Code::kDeadlineExceeded:
    return "DEADLINE_EXCEEDED";
  case Code::kUnavailable:
    return "UNAVAILABLE";
  case Code::kInternal:
    return "INTERNAL";
  }
  return "UNKNOWN";
}

} // namespace geflow::serve
