//===- DtypeOverrides.cpp - customize_dtypes and keep_dtype files ---------===//
#include "dialects/ge/Transforms/Precision/DtypeOverrides.h"
#include "geflow/SocInfo/PrecisionMode.h"

using namespace llvm;

namespace geflow::ge::precision {

namespace {

/// Calls `fn(line, offset of the line)` for every line that is neither
/// blank nor a '#' comment, with surrounding blanks trimmed.
template <typename Fn> bool forEachLine(const ConfigText &file, Fn fn) {
  StringRef text = file.text;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == StringRef::npos)
      end = text.size();
    StringRef raw = text.slice(start, end);
    StringRef line = raw.trim();
    if (!line.empty() && !line.starts_with("#") &&
        !fn(line, start + (line.data() - raw.data())))
      return false;
    start = end + 1;
  }
  return true;
}

std::string lineOf(const ConfigText &file, size_t offset) {
  std::string at = file.at(offset, "");
  // "path:line:col: " -> "path:line"
  return at.substr(0, at.rfind(':', at.rfind(':') - 1));
}

/// Checks `type` against the profile; sets `error` at `offset` when unknown.
bool checkType(const ConfigText &file, const SocProfile &profile,
               StringRef type, size_t offset, std::string &error) {
  if (profile.lookup(type))
    return true;
  error = file.at(offset, "unknown op type '" + type.str() + "'" +
                              didYouMean(type, profile.opTypes()) +
                              "; the op-info of soc " + profile.name +
                              " has no such op type");
  return false;
}

} // namespace

std::optional<CustomizeDtypes> parseCustomizeDtypes(const ConfigText &file,
                                                    const SocProfile &profile,
                                                    std::string &error) {
  CustomizeDtypes result;
  bool ok = forEachLine(file, [&](StringRef line, size_t offset) {
    auto fail = [&](StringRef at, const Twine &message) {
      error = file.at(offset + (at.data() - line.data()), message.str());
      return false;
    };
    size_t sep = line.find("::");
    if (sep == StringRef::npos)
      return fail(line, "expected 'OpName::InputDtype:...,OutputDtype:...' or "
                        "'OpType::TypeName:InputDtype:...,OutputDtype:...'");
    StringRef name = line.take_front(sep).trim(),
              spec = line.drop_front(sep + 2);
    bool byType = name == "OpType";
    if (byType) {
      size_t colon = spec.find(':');
      if (colon == StringRef::npos)
        return fail(spec, "expected 'OpType::TypeName:InputDtype:...'");
      name = spec.take_front(colon).trim();
      if (!checkType(file, profile, name, offset + (name.data() - line.data()),
                     error))
        return false;
      spec = spec.drop_front(colon + 1);
    }
    if (name.empty())
      return fail(line, "the op name before '::' is empty");
    CustomDtypes entry;
    entry.where = lineOf(file, offset);
    std::vector<rt::DType> *list = nullptr;
    SmallVector<StringRef> tokens;
    spec.split(tokens, ',');
    for (StringRef token : tokens) {
      token = token.trim();
      if (token.empty())
        continue;
      for (auto [key, target] : {std::pair{"InputDtype:", &entry.inputs},
                                 std::pair{"OutputDtype:", &entry.outputs}}) {
        if (!token.starts_with(key))
          continue;
        if (*target)
          return fail(token,
                      "'" + StringRef(key).drop_back() + "' appears twice");
        target->emplace();
        list = &**target;
        token = token.drop_front(StringRef(key).size()).trim();
      }
      if (!list)
        return fail(token, "expected InputDtype: or OutputDtype: before '" +
                               token + "'");
      if (token.empty())
        continue;
      auto dtype = parseGEDType(token);
      if (!dtype)
        return fail(
            token,
            "unknown dtype '" + token +
                "' (known: float, float16, bfloat16, int8, uint8, int32, "
                "int64, bool)");
      list->push_back(*dtype);
    }
    if (!entry.inputs && !entry.outputs)
      return fail(spec.empty() ? line : spec,
                  "expected InputDtype: and/or OutputDtype:");
    auto &map = byType ? result.byType : result.byName;
    if (auto it = map.find(name); it != map.end())
      return fail(line, std::string(byType ? "op type" : "op") + " '" +
                            name.str() + "' is customized twice (first at " +
                            it->second.where + ")");
    map[name] = std::move(entry);
    return true;
  });
  if (!ok)
    return std::nullopt;
  return result;
}

std::optional<KeepDtype> parseKeepDtype(const ConfigText &file,
                                        const SocProfile &profile,
                                        std::string &error) {
  KeepDtype result;
  bool ok = forEachLine(file, [&](StringRef line, size_t offset) {
    if (line.consume_front("OpType::")) {
      StringRef type = line.trim();
      if (!checkType(file, profile, type, offset + 8, error))
        return false;
      result.types[type] = lineOf(file, offset);
    } else {
      result.names[line] = lineOf(file, offset);
    }
    return true;
  });
  if (!ok)
    return std::nullopt;
  return result;
}

} // namespace geflow::ge::precision
