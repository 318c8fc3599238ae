//===- MixList.cpp - modify_mixlist: edits of the mixed-precision lists ---===//
#include "dialects/ge/Transforms/Precision/MixList.h"

#include "llvm/ADT/STLExtras.h"

using namespace llvm;

namespace geflow::ge::precision {

namespace {

/// One name of a to-add / to-remove array, with where it was written.
struct Entry {
  std::string type;
  ReduceFlag list;
  size_t offset;
};

const std::vector<std::string> kListKeys = {"black-list", "white-list",
                                            "gray-list"};
const std::vector<std::string> kEditKeys = {"to-add", "to-remove"};

ReduceFlag flagOfKey(StringRef key) {
  return key == "black-list"   ? ReduceFlag::Black
         : key == "white-list" ? ReduceFlag::White
                               : ReduceFlag::Gray;
}

class MixListParser {
public:
  MixListParser(const ConfigText &file, const SocProfile &profile,
                std::string &error)
      : file_(file), profile_(profile), error_(error) {}

  std::optional<MixListEdits> parse() {
    auto json = parseJson(file_, error_);
    if (!json)
      return std::nullopt;
    const json::Object *root = json->getAsObject();
    if (!root)
      return fail(
          0, "expected a JSON object with black-list, white-list or gray-list");
    // Keys in file order, so the first problem in the file is reported.
    std::vector<std::pair<size_t, std::string>> keys;
    for (const auto &kv : *root)
      keys.push_back({keyOffset(kv.first, 0), kv.first.str()});
    llvm::sort(keys);
    for (const auto &[offset, key] : keys) {
      if (!llvm::is_contained(kListKeys, key))
        return fail(offset,
                    "unknown key '" + key + "'" + didYouMean(key, kListKeys) +
                        "; expected black-list, white-list or gray-list");
      if (!parseList(key, *root->get(key), offset))
        return std::nullopt;
    }
    return resolve();
  }

private:
  std::nullopt_t fail(size_t offset, const Twine &message) {
    error_ = file_.at(offset, message.str());
    return std::nullopt;
  }

  /// Offset of the quoted key `key` at or after `from` (the file's start
  /// when it cannot be found, e.g. written with escapes).
  size_t keyOffset(StringRef key, size_t from) const {
    size_t pos = StringRef(file_.text).find(("\"" + key + "\"").str(), from);
    return pos == StringRef::npos ? from : pos;
  }

  bool parseList(StringRef key, const json::Value &value, size_t at) {
    const json::Object *list = value.getAsObject();
    if (!list) {
      fail(at, "'" + key + "' must be an object with to-add and/or to-remove");
      return false;
    }
    std::vector<std::pair<size_t, std::string>> edits;
    for (const auto &kv : *list)
      edits.push_back({keyOffset(kv.first, at), kv.first.str()});
    llvm::sort(edits);
    for (const auto &[offset, edit] : edits) {
      if (!llvm::is_contained(kEditKeys, edit)) {
        fail(offset, "unknown key '" + edit + "' in '" + key + "'" +
                         didYouMean(edit, kEditKeys) +
                         "; expected to-add or to-remove");
        return false;
      }
      const json::Array *names = list->get(edit)->getAsArray();
      if (!names) {
        fail(offset,
             "'" + key + "." + edit + "' must be an array of op type names");
        return false;
      }
      size_t from = offset;
      for (const json::Value &name : *names) {
        std::optional<StringRef> type = name.getAsString();
        if (!type) {
          fail(from, "'" + key + "." + edit +
                         "' must hold only strings (op type names)");
          return false;
        }
        size_t pos = keyOffset(*type, from);
        from = pos + 1;
        if (!profile_.lookup(*type)) {
          fail(pos, "unknown op type '" + *type + "' in " + key + "." + edit +
                        didYouMean(*type, profile_.opTypes()) +
                        "; the op-info of soc " + profile_.name +
                        " has no such op type");
          return false;
        }
        (edit == "to-add" ? adds_ : removes_)
            .push_back({type->str(), flagOfKey(key), pos});
      }
    }
    return true;
  }

  std::optional<MixListEdits> resolve() {
    MixListEdits result;
    for (const Entry &add : adds_) {
      for (const Entry &other : adds_)
        if (other.type == add.type && other.list != add.list)
          return fail(std::max(add.offset, other.offset),
                      "op '" + add.type + "' is added to both " +
                          listName(other.list) + " and " + listName(add.list));
      for (const Entry &remove : removes_)
        if (remove.type == add.type && remove.list == add.list)
          return fail(remove.offset,
                      "op '" + add.type +
                          "' is both added to and removed from " +
                          listName(add.list));
      result[add.type] = add.list;
    }
    for (const Entry &remove : removes_) {
      ReduceFlag current = profile_.lookup(remove.type)->reduce;
      if (current != remove.list)
        return fail(remove.offset,
                    listName(remove.list) + ".to-remove names '" + remove.type +
                        "', which is on the " + listName(current) +
                        ", not the " + listName(remove.list));
      // Removed without being added elsewhere: gray (GE 5.1).
      if (!result.count(remove.type))
        result[remove.type] = ReduceFlag::Gray;
    }
    return result;
  }

  const ConfigText &file_;
  const SocProfile &profile_;
  std::string &error_;
  std::vector<Entry> adds_, removes_;
};

} // namespace

std::optional<MixListEdits> parseMixList(const ConfigText &file,
                                         const SocProfile &profile,
                                         std::string &error) {
  return MixListParser(file, profile, error).parse();
}

} // namespace geflow::ge::precision
