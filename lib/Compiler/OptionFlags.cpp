//===- OptionFlags.cpp - GE options as command-line flags -----------------===//
#include "geflow/Compiler/OptionFlags.h"

#include "geflow/Compiler/Options.h"

namespace geflow {

using namespace llvm;

OptionFlags::OptionFlags(cl::OptionCategory &category, bool graphScopeOnly)
    : extra_("option", cl::desc("Any GE option as NAME=VALUE (repeatable)"),
             cl::value_desc("NAME=VALUE"), cl::cat(category)) {
  // cl::opt keeps a reference to its name: the registry's strings live as
  // long as the process.
  for (const OptionSpec &spec : OptionsRegistry::get().specs()) {
    if (graphScopeOnly &&
        (spec.scope != OptionScope::Graph || StringRef(spec.name).starts_with("ge.")))
      continue;
    std::vector<const std::string *> names = {&spec.name};
    for (const std::string &alias : spec.aliases)
      names.push_back(&alias);
    for (const std::string *name : names)
      flags_.push_back(std::make_unique<cl::opt<std::string>>(
          StringRef(*name), cl::desc(spec.help), cl::value_desc("value"), cl::cat(category)));
  }
}

bool OptionFlags::collect(std::map<std::string, std::string> *raw, std::string *error) const {
  auto add = [&](const std::string &name, const std::string &value) {
    const OptionSpec *spec = OptionsRegistry::get().find(name);
    std::string key = spec ? spec->name : name;
    if (raw->count(key)) {
      *error = "GE option '" + key + "' is given more than once";
      return false;
    }
    (*raw)[key] = value;
    return true;
  };
  for (const auto &flag : flags_)
    if (flag->getNumOccurrences() && !add(flag->ArgStr.str(), *flag))
      return false;
  for (const std::string &o : extra_) {
    size_t eq = o.find('=');
    if (eq == std::string::npos || eq == 0) {
      *error = "--option expects NAME=VALUE, got '" + o + "'";
      return false;
    }
    if (!add(o.substr(0, eq), o.substr(eq + 1)))
      return false;
  }
  return true;
}

} // namespace geflow
