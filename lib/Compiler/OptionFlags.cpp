//===- OptionFlags.cpp - GE options as command-line flags -----------------===//
#include "geflow/Compiler/OptionFlags.h"

#include "geflow/Compiler/Options.h"

#include <deque>
#include <map>

namespace geflow {

using namespace llvm;

FlagCategories &FlagCategories::get() {
  static FlagCategories categories;
  return categories;
}

std::vector<const cl::OptionCategory *> FlagCategories::all() const {
  return {&input, &shapes, &precision, &fusion, &output, &debugging};
}

cl::OptionCategory &FlagCategories::of(const std::string &geName) {
  static const std::map<std::string, cl::OptionCategory FlagCategories::*>
      groups = {
          {"input_shape", &FlagCategories::shapes},
          {"input_sequence_shape", &FlagCategories::shapes},
          {"dynamic_dims", &FlagCategories::shapes},
          {"dynamic_batch_size", &FlagCategories::shapes},
          {"dynamic_image_size", &FlagCategories::shapes},
          {"dynamic_node_type", &FlagCategories::shapes},
          {"input_shape_range", &FlagCategories::shapes},
          {"gear_padding", &FlagCategories::shapes},
          {"precision_mode", &FlagCategories::precision},
          {"precision_mode_v2", &FlagCategories::precision},
          {"modify_mixlist", &FlagCategories::precision},
          {"keep_dtype", &FlagCategories::precision},
          {"keep_tensors_dtypes", &FlagCategories::precision},
          {"customize_dtypes", &FlagCategories::precision},
          {"op_select_implmode", &FlagCategories::precision},
          {"optypelist_for_implmode", &FlagCategories::precision},
          {"fusion_switch_file", &FlagCategories::fusion},
          {"format_selection", &FlagCategories::fusion},
          {"enable_small_channel", &FlagCategories::fusion},
          {"aoe_mode", &FlagCategories::fusion},
          {"aoe_config_file", &FlagCategories::fusion},
          {"op_bank_path", &FlagCategories::fusion},
          {"aoe_time_limit", &FlagCategories::fusion},
          {"external_weight", &FlagCategories::output},
          {"air_weight_threshold", &FlagCategories::output},
          {"stream_max_parallel_num", &FlagCategories::output},
          {"updatable_weights", &FlagCategories::output},
          {"frozen_variable", &FlagCategories::output},
          {"variable_memory_max_size", &FlagCategories::output},
          {"mix_compile_mode", &FlagCategories::output},
          {"in_out_pair", &FlagCategories::output},
          {"in_out_pair_flag", &FlagCategories::output},
          {"print_precision_decisions", &FlagCategories::debugging},
      };
  auto it = groups.find(geName);
  // Options without a group (the target, the session's) are about what
  // runs the model: the input side.
  return it == groups.end() ? input : this->*(it->second);
}

std::string describeOption(const OptionSpec &spec) {
  std::string text = spec.help + " [GE: " + spec.name;
  for (const std::string &alias : spec.aliases)
    text += ", " + alias;
  switch (spec.kind) {
  case OptionSpec::Kind::Enum: {
    text += "; values: ";
    for (size_t i = 0; i < spec.allowed.size(); ++i)
      text += (i ? "|" : "") + spec.allowed[i];
    break;
  }
  case OptionSpec::Kind::Bool:
    text += "; values: true|false";
    break;
  case OptionSpec::Kind::Int:
    text += "; values: " + std::to_string(spec.minValue) + ".." +
            (spec.maxValue == INT64_MAX ? std::string("")
                                        : std::to_string(spec.maxValue));
    break;
  case OptionSpec::Kind::Path:
    text += "; a file path";
    break;
  case OptionSpec::Kind::String:
    break;
  }
  if (!spec.defaultValue.empty())
    text += "; default: " + spec.defaultValue;
  return text + "]";
}

OptionFlags::OptionFlags(bool geKeysAsFlags)
    : extra_("option", cl::desc("Any GE option as NAME=VALUE (repeatable)"),
             cl::value_desc("NAME=VALUE"),
             cl::cat(FlagCategories::get().input)) {
  FlagCategories &groups = FlagCategories::get();
  // cl::opt keeps a reference to its name: the registry's strings live as
  // long as the process.
  for (const OptionSpec &spec : OptionsRegistry::get().specs()) {
    if (!geKeysAsFlags && StringRef(spec.name).starts_with("ge."))
      continue;
    cl::OptionCategory &group = groups.of(spec.name);
    // cl::desc keeps a reference too: the texts live in this object.
    const std::string &text = descriptions_.emplace_back(describeOption(spec));
    flags_.push_back(std::make_unique<cl::opt<std::string>>(
        StringRef(spec.name), cl::desc(text), cl::value_desc("value"),
        cl::cat(group)));
    // Aliases work (and are suggested) but the help names each option once.
    for (const std::string &alias : spec.aliases)
      flags_.push_back(std::make_unique<cl::opt<std::string>>(
          StringRef(alias),
          cl::desc(descriptions_.emplace_back("Alias of --" + spec.name)),
          cl::value_desc("value"), cl::cat(group), cl::Hidden));
  }
}

bool OptionFlags::collect(std::map<std::string, std::string> *raw,
                          std::string *error) const {
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
