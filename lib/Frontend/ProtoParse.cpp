//===- ProtoParse.cpp - Model files parsed as protobuf messages -----------===//
#include "geflow/Frontend/ProtoParse.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/message_lite.h>
#include <google/protobuf/stubs/logging.h>

#include <limits>

namespace geflow::frontend {

ProtoParseResult parseProtoMessage(llvm::StringRef bytes,
                                   google::protobuf::MessageLite &message,
                                   std::string &detail) {
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
    return ProtoParseResult::TooLarge;
  try {
    google::protobuf::LogSilencer silence;
    google::protobuf::io::CodedInputStream stream(
        reinterpret_cast<const uint8_t *>(bytes.data()),
        static_cast<int>(bytes.size()));
    stream.SetTotalBytesLimit(std::numeric_limits<int>::max());
    if (!message.ParseFromCodedStream(&stream) ||
        !stream.ConsumedEntireMessage())
      return ProtoParseResult::Malformed;
  } catch (const std::exception &e) {
    detail = e.what();
    return ProtoParseResult::Malformed;
  }
  return ProtoParseResult::Ok;
}

} // namespace geflow::frontend
