//===- ServerCore.cpp - What both protocol front ends share ---------------===//
#include "ServerCore.h"

namespace geflow::serve {

Result<ServerCore::Ticket> ServerCore::admit() {
  int64_t now = ++inflight_;
  Ticket ticket(this);
  if (limits.maxInflight > 0 && now > limits.maxInflight)
    return Status(Code::kResourceExhausted,
                  "too many requests in flight (the limit is " +
                      std::to_string(limits.maxInflight) + ")");
  if (onRequest_)
    onRequest_();
  return ticket;
}

Result<std::optional<int64_t>>
ServerCore::parseVersion(const std::string &text) {
  if (text.empty())
    return std::optional<int64_t>();
  if (text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos)
    return invalidArgument("version '" + text +
                           "' is not a version number (1, 2, ...)");
  return std::optional<int64_t>(std::stoll(text));
}

} // namespace geflow::serve
