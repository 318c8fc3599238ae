//===- OpInfo.cpp - The per-soc op-info library ---------------------------===//
#include "geflow/SocInfo/OpInfo.h"
#include "geflow/SocInfo/PrecisionMode.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <memory>
#include <mutex>

using namespace llvm;

namespace geflow::ge::precision {

namespace {
struct EmbeddedFile {
  const char *soc;
  const char *name;
  const char *text;
};
} // namespace

// kEmbeddedSocFiles: every file of socs/<soc>/, generated at build time by
// cmake/EmbedSocs.cmake.
#include "SocData.inc"

StringRef listName(ReduceFlag flag) {
  switch (flag) {
  case ReduceFlag::Gray:
    return "gray-list";
  case ReduceFlag::White:
    return "white-list";
  case ReduceFlag::Black:
    return "black-list";
  }
  return "gray-list";
}

size_t OpInfo::numColumns() const {
  if (!inputs.empty())
    return inputs.front().dtypes.size();
  return outputs.empty() ? 0 : outputs.front().dtypes.size();
}

std::string OpInfo::describeColumn(size_t column) const {
  auto names = [&](const std::vector<OpSlot> &slots) {
    SmallVector<StringRef> out;
    for (const OpSlot &s : slots)
      out.push_back(geDTypeName(s.dtypes[column]));
    return join(out, ", ");
  };
  return "(" + names(inputs) + " -> " + names(outputs) + ")";
}

const OpInfo *SocProfile::lookup(StringRef type) const {
  auto it = ops.find(type);
  return it == ops.end() ? nullptr : &it->second;
}

std::vector<std::string> SocProfile::opTypes() const {
  std::vector<std::string> out;
  for (const auto &entry : ops)
    out.push_back(entry.getKey().str());
  llvm::sort(out);
  return out;
}

namespace {

/// Parses one op type's entry; errors point at the op type's key.
class OpEntryParser {
public:
  OpEntryParser(const ConfigText &file, StringRef type, std::string &error)
      : file_(file), type_(type), error_(error) {}

  std::optional<OpInfo> parse(const json::Object &entry) {
    OpInfo info;
    info.type = type_.str();
    for (const char *kind : {"input", "output"}) {
      std::vector<OpSlot> &slots =
          StringRef(kind) == "input" ? info.inputs : info.outputs;
      for (unsigned i = 0;; ++i) {
        std::string key = kind + std::to_string(i);
        const json::Value *slot = entry.get(key);
        if (!slot)
          break;
        auto parsed = parseSlot(key, *slot);
        if (!parsed)
          return std::nullopt;
        slots.push_back(std::move(*parsed));
      }
    }
    for (const auto &kv : entry) {
      StringRef key = kv.first;
      auto numbered = [&](StringRef prefix, size_t count) {
        unsigned index;
        return key.consume_front(prefix) && !key.getAsInteger(10, index) &&
               index >= count;
      };
      if (numbered("input", info.inputs.size()) ||
          numbered("output", info.outputs.size()))
        return fail("'" + kv.first.str() +
                    "' does not follow the slots before it (" +
                    kv.first.str().substr(
                        0, kv.first.str().find_first_of("0123456789")) +
                    " slots are numbered from 0 without gaps)");
    }
    if (info.outputs.empty())
      return fail("has no output0");
    size_t columns = info.numColumns();
    for (auto [kind, slots] :
         {std::pair{"input", &info.inputs}, {"output", &info.outputs}})
      for (auto [i, s] : llvm::enumerate(*slots))
        if (s.dtypes.size() != columns)
          return fail(std::string(kind) + std::to_string(i) + " lists " +
                      std::to_string(s.dtypes.size()) + " dtypes but " +
                      (info.inputs.empty() ? "output0" : "input0") + " lists " +
                      std::to_string(columns) +
                      " (each list has one entry per supported combination)");
    if (const json::Value *reduce = entry.get("precision_reduce")) {
      const json::Object *obj = reduce->getAsObject();
      std::optional<StringRef> flag =
          obj ? obj->getString("flag") : std::nullopt;
      if (!flag || (*flag != "true" && *flag != "false"))
        return fail("precision_reduce must be {\"flag\": \"true\"} or "
                    "{\"flag\": \"false\"}");
      info.reduce = *flag == "true" ? ReduceFlag::White : ReduceFlag::Black;
    }
    if (const json::Value *op = entry.get("op")) {
      const json::Object *obj = op->getAsObject();
      std::optional<StringRef> pattern =
          obj ? obj->getString("pattern") : std::nullopt;
      if (!pattern)
        return fail("op must be {\"pattern\": \"...\"}");
      info.pattern = pattern->str();
    }
    return info;
  }

private:
  std::nullopt_t fail(const Twine &message) {
    error_ = file_.atText("\"" + type_.str() + "\"",
                          "op '" + type_.str() + "': " + message.str());
    return std::nullopt;
  }

  std::optional<OpSlot> parseSlot(StringRef key, const json::Value &value) {
    const json::Object *obj = value.getAsObject();
    if (!obj)
      return fail(key + " must be an object with name, dtype and paramType");
    OpSlot slot;
    std::optional<StringRef> name = obj->getString("name");
    std::optional<StringRef> dtype = obj->getString("dtype");
    if (!name || !dtype)
      return fail(key + " needs string fields \"name\" and \"dtype\"");
    slot.name = name->str();
    StringRef param = obj->getString("paramType").value_or("required");
    if (param == "required")
      slot.param = ParamType::Required;
    else if (param == "optional")
      slot.param = ParamType::Optional;
    else if (param == "dynamic")
      slot.param = ParamType::Dynamic;
    else
      return fail(key + " has paramType '" + param +
                  "', expected required, optional or dynamic");
    SmallVector<StringRef> names;
    dtype->split(names, ',');
    for (StringRef n : names) {
      auto t = parseGEDType(n.trim());
      if (!t)
        return fail(key + " lists unknown dtype '" + n.trim() +
                    "' (known: float, float16, bfloat16, int8, uint8, int32, "
                    "int64, bool)");
      slot.dtypes.push_back(*t);
    }
    return slot;
  }

  const ConfigText &file_;
  StringRef type_;
  std::string &error_;
};

} // namespace

std::optional<SocProfile> parseSocProfile(StringRef soc,
                                          const ConfigText &opsInfo,
                                          const ConfigText &platform,
                                          std::string &error) {
  SocProfile profile;
  profile.name = soc.str();
  auto platformJson = parseJson(platform, error);
  if (!platformJson)
    return std::nullopt;
  const json::Object *p = platformJson->getAsObject();
  std::optional<StringRef> version =
      p ? p->getString("soc_version") : std::nullopt;
  std::optional<StringRef> mode =
      p ? p->getString("default_precision_mode") : std::nullopt;
  if (!version || !mode) {
    error = platform.path + ": expected an object with \"soc_version\" and "
                            "\"default_precision_mode\"";
    return std::nullopt;
  }
  if (*version != soc) {
    error = platform.atText("\"soc_version\"",
                            "soc_version is '" + version->str() +
                                "' in the profile of soc '" + soc.str() + "'");
    return std::nullopt;
  }
  if (!parseMode(*mode)) {
    error = platform.atText("\"default_precision_mode\"",
                            "default_precision_mode '" + mode->str() +
                                "' is not a precision_mode value");
    return std::nullopt;
  }
  profile.defaultMode = mode->str();
  profile.description = p->getString("description").value_or("").str();

  auto ops = parseJson(opsInfo, error);
  if (!ops)
    return std::nullopt;
  const json::Object *root = ops->getAsObject();
  if (!root) {
    error = opsInfo.at(0, "expected a JSON object of op types");
    return std::nullopt;
  }
  for (const auto &kv : *root) {
    StringRef type = kv.first;
    const json::Object *entry = kv.second.getAsObject();
    if (!entry) {
      error = opsInfo.atText("\"" + type.str() + "\"",
                             "op '" + type.str() + "': expected an object");
      return std::nullopt;
    }
    auto info = OpEntryParser(opsInfo, type, error).parse(*entry);
    if (!info)
      return std::nullopt;
    profile.ops[type] = std::move(*info);
  }
  return profile;
}

std::vector<std::string> getBuiltinSocNames() {
  std::vector<std::string> names;
  for (const EmbeddedFile &f : kEmbeddedSocFiles)
    if (!llvm::is_contained(names, f.soc))
      names.push_back(f.soc);
  return names;
}

const SocProfile *getSocProfile(StringRef soc, std::string &error) {
  static std::mutex mutex;
  static StringMap<std::unique_ptr<SocProfile>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = cache.find(soc); it != cache.end())
    return it->second.get();
  const EmbeddedFile *opsInfo = nullptr, *platform = nullptr;
  std::string opsName = "aic-" + soc.str() + "-ops-info.json";
  for (const EmbeddedFile &f : kEmbeddedSocFiles) {
    if (soc != f.soc)
      continue;
    if (opsName == f.name)
      opsInfo = &f;
    else if (StringRef(f.name) == "platform.json")
      platform = &f;
  }
  if (!opsInfo || !platform) {
    error = "unknown soc '" + soc.str() +
            "' (profiles: " + join(getBuiltinSocNames(), ", ") + ")";
    return nullptr;
  }
  auto text = [&](const EmbeddedFile *f) {
    return ConfigText{"socs/" + soc.str() + "/" + f->name, f->text};
  };
  auto profile = parseSocProfile(soc, text(opsInfo), text(platform), error);
  if (!profile)
    return nullptr;
  auto &slot = cache[soc];
  slot = std::make_unique<SocProfile>(std::move(*profile));
  return slot.get();
}

std::optional<SlotBinding> bindSlots(const OpInfo &info, unsigned numOperands,
                                     unsigned numResults, std::string &error) {
  SlotBinding binding;
  auto bind = [&](const std::vector<OpSlot> &slots, unsigned count,
                  SmallVector<unsigned> &out, const char *what) {
    unsigned pos = 0;
    bool missing = false; // a required slot without an operand
    for (auto [i, slot] : llvm::enumerate(slots)) {
      unsigned requiredAfter = 0;
      for (const OpSlot &later : ArrayRef(slots).drop_front(i + 1))
        requiredAfter += later.param == ParamType::Required;
      unsigned left = count - std::min(pos, count);
      unsigned take = 1;
      if (slot.param == ParamType::Dynamic)
        take = left > requiredAfter ? left - requiredAfter : 0;
      else if (slot.param == ParamType::Optional)
        take = left > requiredAfter ? 1 : 0;
      else if (left == 0)
        missing = true;
      if (missing)
        break;
      for (unsigned k = 0; k < take; ++k)
        out.push_back(i);
      pos += take;
    }
    if (missing || out.size() != count) {
      error = "op-info of " + info.type + " describes " +
              std::to_string(slots.size()) + " " + what +
              " slot(s), which cannot take " + std::to_string(count) + " " +
              what + "(s)";
      return false;
    }
    return true;
  };
  if (!bind(info.inputs, numOperands, binding.operandSlot, "input") ||
      !bind(info.outputs, numResults, binding.resultSlot, "output"))
    return std::nullopt;
  return binding;
}

} // namespace geflow::ge::precision
