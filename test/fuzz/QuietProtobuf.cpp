//===- QuietProtobuf.cpp - No protobuf log lines while fuzzing ------------===//
//
// Mutated inputs make protobuf log a line per invalid UTF-8 string it parses;
// at thousands of inputs a second that drowns the fuzzer's own output (the
// parse result is what the targets look at).
//
//===----------------------------------------------------------------------===//
#include <google/protobuf/stubs/logging.h>

static const bool quietProtobuf = [] {
  google::protobuf::SetLogHandler(nullptr);
  return true;
}();
