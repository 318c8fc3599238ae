//===- ProtoMutator.cpp - Structure-aware mutation of protobuf messages ---===//
#include "ProtoMutator.h"

#include <google/protobuf/descriptor.h>

#include <cstring>
#include <limits>

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

namespace geflow::fuzz {

// Deep enough for a subgraph inside an attribute of a node of a graph.
static constexpr int kMaxDepth = 12;

void ProtoMutator::collect(Message &message, std::vector<Site> &sites,
                           int depth) {
  const Reflection *reflection = message.GetReflection();
  const auto *descriptor = message.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor *field = descriptor->field(i);
    sites.push_back({&message, field});
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
        depth >= kMaxDepth)
      continue;
    if (field->is_repeated()) {
      for (int j = 0, e = reflection->FieldSize(message, field); j < e; ++j)
        collect(*reflection->MutableRepeatedMessage(&message, field, j), sites,
                depth + 1);
    } else if (reflection->HasField(message, field)) {
      collect(*reflection->MutableMessage(&message, field), sites, depth + 1);
    }
  }
}

int64_t ProtoMutator::interestingInt() {
  static const int64_t values[] = {0,
                                   1,
                                   -1,
                                   2,
                                   3,
                                   4,
                                   7,
                                   8,
                                   16,
                                   17,
                                   64,
                                   255,
                                   256,
                                   1 << 16,
                                   (1 << 16) + 1,
                                   std::numeric_limits<int32_t>::max(),
                                   std::numeric_limits<int32_t>::min(),
                                   std::numeric_limits<int64_t>::max(),
                                   std::numeric_limits<int64_t>::min(),
                                   int64_t(1) << 32,
                                   int64_t(1) << 40,
                                   -2,
                                   -4};
  if (rng_() % 4 == 0)
    return int64_t(rng_() % 64) - 8;
  return values[pick(std::size(values))];
}

std::string ProtoMutator::mutateString(const std::string &value) {
  if (!words_.empty() && rng_() % 2 == 0)
    return words_[pick(words_.size())];
  std::string out = value;
  size_t maxSize = value.size() * 2 + 16;
  out.resize(maxSize);
  out.resize(LLVMFuzzerMutate(reinterpret_cast<uint8_t *>(out.data()),
                              value.size(), maxSize));
  return out;
}

void ProtoMutator::mutateField(const Site &site) {
  Message &m = *site.message;
  const FieldDescriptor *f = site.field;
  const Reflection *r = m.GetReflection();
  if (f->is_repeated()) {
    int size = r->FieldSize(m, f);
    unsigned action = rng_() % 4;
    if (size > 0 && action == 0) { // drop the last element (or swap first)
      int i = int(pick(size));
      r->SwapElements(&m, f, i, size - 1);
      r->RemoveLast(&m, f);
      return;
    }
    if (size > 1 && action == 1) {
      r->SwapElements(&m, f, int(pick(size)), int(pick(size)));
      return;
    }
    if (action == 2 || size == 0) { // add an element (a copy, or new)
      switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        r->AddInt32(&m, f, int32_t(interestingInt()));
        return;
      case FieldDescriptor::CPPTYPE_INT64:
        r->AddInt64(&m, f, interestingInt());
        return;
      case FieldDescriptor::CPPTYPE_UINT32:
        r->AddUInt32(&m, f, uint32_t(interestingInt()));
        return;
      case FieldDescriptor::CPPTYPE_UINT64:
        r->AddUInt64(&m, f, uint64_t(interestingInt()));
        return;
      case FieldDescriptor::CPPTYPE_FLOAT:
        r->AddFloat(&m, f, float(interestingInt()));
        return;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        r->AddDouble(&m, f, double(interestingInt()));
        return;
      case FieldDescriptor::CPPTYPE_BOOL:
        r->AddBool(&m, f, rng_() % 2);
        return;
      case FieldDescriptor::CPPTYPE_ENUM: {
        const auto *e = f->enum_type();
        r->AddEnum(&m, f, e->value(int(pick(e->value_count()))));
        return;
      }
      case FieldDescriptor::CPPTYPE_STRING:
        r->AddString(&m, f,
                     size ? r->GetRepeatedString(m, f, int(pick(size)))
                          : mutateString(""));
        return;
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        Message *added = r->AddMessage(&m, f);
        if (size)
          added->CopyFrom(r->GetRepeatedMessage(m, f, int(pick(size))));
        return;
      }
      }
    }
    // Change one element in place.
    int i = int(pick(size));
    switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      r->SetRepeatedInt32(&m, f, i, int32_t(interestingInt()));
      return;
    case FieldDescriptor::CPPTYPE_INT64:
      r->SetRepeatedInt64(&m, f, i, interestingInt());
      return;
    case FieldDescriptor::CPPTYPE_UINT32:
      r->SetRepeatedUInt32(&m, f, i, uint32_t(interestingInt()));
      return;
    case FieldDescriptor::CPPTYPE_UINT64:
      r->SetRepeatedUInt64(&m, f, i, uint64_t(interestingInt()));
      return;
    case FieldDescriptor::CPPTYPE_FLOAT:
      r->SetRepeatedFloat(&m, f, i, float(interestingInt()) * 0.5f);
      return;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      r->SetRepeatedDouble(&m, f, i, double(interestingInt()) * 0.5);
      return;
    case FieldDescriptor::CPPTYPE_BOOL:
      r->SetRepeatedBool(&m, f, i, !r->GetRepeatedBool(m, f, i));
      return;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto *e = f->enum_type();
      r->SetRepeatedEnum(&m, f, i, e->value(int(pick(e->value_count()))));
      return;
    }
    case FieldDescriptor::CPPTYPE_STRING:
      r->SetRepeatedString(&m, f, i,
                           mutateString(r->GetRepeatedString(m, f, i)));
      return;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      r->MutableRepeatedMessage(&m, f, i)->Clear();
      return;
    }
    return;
  }
  switch (f->cpp_type()) {
  case FieldDescriptor::CPPTYPE_INT32:
    r->SetInt32(&m, f, int32_t(interestingInt()));
    return;
  case FieldDescriptor::CPPTYPE_INT64:
    r->SetInt64(&m, f, interestingInt());
    return;
  case FieldDescriptor::CPPTYPE_UINT32:
    r->SetUInt32(&m, f, uint32_t(interestingInt()));
    return;
  case FieldDescriptor::CPPTYPE_UINT64:
    r->SetUInt64(&m, f, uint64_t(interestingInt()));
    return;
  case FieldDescriptor::CPPTYPE_FLOAT:
    r->SetFloat(&m, f, float(interestingInt()) * 0.5f);
    return;
  case FieldDescriptor::CPPTYPE_DOUBLE:
    r->SetDouble(&m, f, double(interestingInt()) * 0.5);
    return;
  case FieldDescriptor::CPPTYPE_BOOL:
    r->SetBool(&m, f, !r->GetBool(m, f));
    return;
  case FieldDescriptor::CPPTYPE_ENUM: {
    const auto *e = f->enum_type();
    r->SetEnum(&m, f, e->value(int(pick(e->value_count()))));
    return;
  }
  case FieldDescriptor::CPPTYPE_STRING:
    r->SetString(&m, f, mutateString(r->GetString(m, f)));
    return;
  case FieldDescriptor::CPPTYPE_MESSAGE:
    if (r->HasField(m, f) && rng_() % 2)
      r->ClearField(&m, f);
    else
      r->MutableMessage(&m, f);
    return;
  }
}

void ProtoMutator::mutate(Message &message) {
  std::vector<Site> sites;
  collect(message, sites, 0);
  if (!sites.empty())
    mutateField(sites[pick(sites.size())]);
}

size_t mutateSerialized(Message &scratch, uint8_t *data, size_t size,
                        size_t maxSize, unsigned seed,
                        const std::vector<std::string> &words, size_t prefix) {
  if (size < prefix || seed % 8 == 0 ||
      !scratch.ParseFromArray(data + prefix, int(size - prefix)))
    return LLVMFuzzerMutate(data, size, maxSize);
  ProtoMutator mutator(seed, words);
  for (unsigned i = 0, n = 1 + seed % 3; i < n; ++i)
    mutator.mutate(scratch);
  std::string out = scratch.SerializeAsString();
  if (out.size() + prefix > maxSize)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::memcpy(data + prefix, out.data(), out.size());
  return out.size() + prefix;
}

} // namespace geflow::fuzz
