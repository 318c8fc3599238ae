//===- ProtoMutator.h - Structure-aware mutation of protobuf messages -----===//
//
// Byte mutation of a serialized protobuf mostly breaks its framing, so the
// parser rejects it and the importer behind it is never reached. This
// mutator edits a parsed message through reflection instead: it picks one
// field anywhere in the message tree and changes it (an integer to an
// interesting value, a string to a dictionary word or a byte-mutated copy,
// an enum to another value, a repeated field loses, duplicates or swaps an
// element, a nested message is cleared or copied), and the caller
// re-serializes. Generic over messages: ONNX's ModelProto uses it, and so
// can any other protobuf input (.air's ModelDef, serving requests).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TEST_FUZZ_PROTOMUTATOR_H
#define GEFLOW_TEST_FUZZ_PROTOMUTATOR_H

#include <google/protobuf/message.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace geflow::fuzz {

class ProtoMutator {
public:
  /// `words`: strings worth trying in string fields (op types, attribute
  /// names, dtype names, ...).
  ProtoMutator(unsigned seed, std::vector<std::string> words)
      : rng_(seed), words_(std::move(words)) {}

  /// Applies one random edit to `message` (somewhere in its tree).
  void mutate(google::protobuf::Message &message);

private:
  struct Site {
    google::protobuf::Message *message;
    const google::protobuf::FieldDescriptor *field;
  };
  void collect(google::protobuf::Message &message, std::vector<Site> &sites,
               int depth);
  void mutateField(const Site &site);
  int64_t interestingInt();
  std::string mutateString(const std::string &value);
  size_t pick(size_t n) { return n ? rng_() % n : 0; }

  std::mt19937_64 rng_;
  std::vector<std::string> words_;
};

/// The body of an LLVMFuzzerCustomMutator whose input is `prefix` bytes
/// followed by one serialized message of `scratch`'s type. One mutation in
/// eight works on the bytes (the prefix and the parser's own edge cases),
/// as does any input that does not parse; the rest parse into `scratch`,
/// apply one to three ProtoMutator edits and re-serialize in place.
size_t mutateSerialized(google::protobuf::Message &scratch, uint8_t *data,
                        size_t size, size_t maxSize, unsigned seed,
                        const std::vector<std::string> &words,
                        size_t prefix = 0);

} // namespace geflow::fuzz

#endif // GEFLOW_TEST_FUZZ_PROTOMUTATOR_H
