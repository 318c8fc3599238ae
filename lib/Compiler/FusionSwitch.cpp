//===- FusionSwitch.cpp - GE's fusion_switch_file -------------------------===//
#include "FusionSwitch.h"
#include "geflow/Support/InputLimits.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

namespace geflow {

namespace {
struct Rule {
  const char *section;
  const char *name;
  bool FusionSwitches::*flag;
};
} // namespace

// geflow's fusion rules under GE-style names; docs/fusion.md describes each.
static const Rule kRules[] = {
    {"GraphFusion", "ConvBatchnormFusionPass", &FusionSwitches::convBatchnorm},
    {"GraphFusion", "ConvBiasAddFusionPass", &FusionSwitches::convBiasAdd},
    {"GraphFusion", "MatMulBiasAddFusionPass", &FusionSwitches::matmulBiasAdd},
    {"GraphFusion", "GeluFusionPass", &FusionSwitches::gelu},
    {"UBFusion", "TbeConvElemwiseFusionPass", &FusionSwitches::convElemwise},
    {"UBFusion", "TbeMatmulElemwiseFusionPass",
     &FusionSwitches::matmulElemwise},
    {"UBFusion", "TbeEltwiseFusionPass", &FusionSwitches::eltwise},
};

static std::string rulesOf(llvm::StringRef section) {
  std::string out;
  for (const Rule &r : kRules)
    if (section == r.section)
      out += (out.empty() ? "" : ", ") + std::string(r.name);
  return out;
}

std::vector<std::string> FusionSwitches::disabled() const {
  std::vector<std::string> out;
  for (const Rule &r : kRules)
    if (!(this->*r.flag))
      out.push_back(r.name);
  return out;
}

static std::string readSection(llvm::StringRef section,
                               const llvm::json::Object &rules,
                               FusionSwitches &switches) {
  auto value = [&](llvm::StringRef rule, const llvm::json::Value &v,
                   bool &on) -> std::string {
    std::optional<llvm::StringRef> s = v.getAsString();
    if (!s || (*s != "on" && *s != "off"))
      return section.str() + "." + rule.str() + ": expected \"on\" or \"off\"";
    on = *s == "on";
    return "";
  };
  // "ALL" first, so named rules override it whatever the key order.
  if (const llvm::json::Value *all = rules.get("ALL")) {
    bool on;
    if (std::string e = value("ALL", *all, on); !e.empty())
      return e;
    for (const Rule &r : kRules)
      if (section == r.section)
        switches.*r.flag = on;
  }
  for (const auto &[key, v] : rules) {
    if (key == "ALL")
      continue;
    const Rule *rule = nullptr;
    for (const Rule &r : kRules)
      if (section == r.section && key == r.name)
        rule = &r;
    if (!rule)
      return "geflow has no " + section.str() + " rule '" + key.str() +
             "' (its " + section.str() + " rules: " + rulesOf(section) + ")";
    if (std::string e = value(key, v, switches.*rule->flag); !e.empty())
      return e;
  }
  return "";
}

std::string readFusionSwitchFile(const std::string &path,
                                 FusionSwitches &switches) {
  auto fail = [&](const std::string &why) {
    return "fusion_switch_file '" + path + "': " + why;
  };
  std::string error;
  std::optional<llvm::json::Value> json = readJsonFile(path, error);
  if (!json)
    return fail(error);
  const llvm::json::Object *root = json->getAsObject();
  const llvm::json::Object *top = root ? root->getObject("Switch") : nullptr;
  if (!top)
    return fail("expected an object {\"Switch\": {\"GraphFusion\": {...}, "
                "\"UBFusion\": {...}}}");
  for (const auto &[section, rules] : *top) {
    if (section != "GraphFusion" && section != "UBFusion")
      return fail("unknown section '" + section.str() +
                  "' under \"Switch\" (expected GraphFusion or UBFusion)");
    const llvm::json::Object *object = rules.getAsObject();
    if (!object)
      return fail(section.str() +
                  ": expected an object of rule names to \"on\"/\"off\"");
    if (std::string e = readSection(section, *object, switches); !e.empty())
      return fail(e);
  }
  return "";
}

} // namespace geflow
