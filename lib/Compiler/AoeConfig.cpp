//===- AoeConfig.cpp - GE's aoe_config_file -------------------------------===//
#include "AoeConfig.h"

#include "geflow/Support/InputLimits.h"

#include "llvm/Support/JSON.h"

namespace geflow {

namespace {

/// Reads the string list `key` of `root` into `out`.
std::string readNames(const llvm::json::Object &root, llvm::StringRef key,
                      std::vector<std::string> &out) {
  const llvm::json::Value *v = root.get(key);
  if (!v)
    return "";
  const llvm::json::Array *list = v->getAsArray();
  if (!list)
    return "\"" + key.str() + "\" must be a list of strings";
  for (size_t i = 0; i < list->size(); ++i) {
    std::optional<llvm::StringRef> name = (*list)[i].getAsString();
    if (!name || name->empty())
      return "\"" + key.str() + "\" element " + std::to_string(i) +
             " must be a non-empty string";
    out.push_back(name->str());
  }
  return "";
}

} // namespace

std::string readAoeConfigFile(const std::string &path,
                              std::vector<std::string> &opNames,
                              std::vector<std::string> &opTypes) {
  auto fail = [&](const std::string &why) {
    return "aoe_config_file '" + path + "': " + why;
  };
  std::string error;
  std::optional<llvm::json::Value> json = readJsonFile(path, error);
  if (!json)
    return fail(error);
  const llvm::json::Object *root = json->getAsObject();
  if (!root)
    return fail("expected an object {\"tune_ops_name\": [...], "
                "\"tune_ops_type\": [...]}");
  for (const auto &[key, value] : *root) {
    if (key == "tune_ops_name" || key == "tune_ops_type")
      continue;
    if (key == "tune_optimization_level") {
      std::optional<llvm::StringRef> level = value.getAsString();
      if (!level || (*level != "O1" && *level != "O2"))
        return fail("\"tune_optimization_level\" must be \"O1\" or \"O2\"");
      continue;
    }
    if (key == "feature")
      return fail("\"feature\" (deeper_opat, nonhomo_split) applies to "
                  "subgraph tuning (aoe_mode 1), which geflow does not run");
    return fail("unknown key \"" + key.str() +
                "\" (expected tune_ops_name, tune_ops_type, "
                "tune_optimization_level)");
  }
  if (std::string e = readNames(*root, "tune_ops_name", opNames); !e.empty())
    return fail(e);
  if (std::string e = readNames(*root, "tune_ops_type", opTypes); !e.empty())
    return fail(e);
  if (opNames.empty() && opTypes.empty())
    return fail("names no op: give \"tune_ops_name\" or \"tune_ops_type\"");
  return "";
}

} // namespace geflow
