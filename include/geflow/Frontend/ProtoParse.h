//===- ProtoParse.h - Model files parsed as protobuf messages ---*- C++ -*-===//
//
// ONNX ModelProto and GE IR ModelDef files are single protobuf messages of up
// to 2 GiB. One parse for both: protobuf's own size limit lifted, its stderr
// complaints silenced (the caller's error says what failed), and the whole
// input required to be one message.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_FRONTEND_PROTOPARSE_H
#define GEFLOW_FRONTEND_PROTOPARSE_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace google::protobuf {
class MessageLite;
} // namespace google::protobuf

namespace geflow::frontend {

enum class ProtoParseResult { Ok, TooLarge, Malformed };

/// Parses `bytes` into `message`. On Malformed, `detail` is set when
/// protobuf threw (its what()), else left empty.
ProtoParseResult parseProtoMessage(llvm::StringRef bytes,
                                   google::protobuf::MessageLite &message,
                                   std::string &detail);

} // namespace geflow::frontend

#endif // GEFLOW_FRONTEND_PROTOPARSE_H
