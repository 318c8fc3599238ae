//===- OptionFlags.h - GE options as command-line flags ---------*- C++ -*-===//
//
// The tools take every GE option the way ATC does: one flag per option name
// and alias of the registry (--input_shape=...,
// --dynamic_inputs_shape_range=...) plus a repeatable --option NAME=VALUE. Both
// spellings meet here, so an option given twice or malformed is the same error
// in every tool.
//
// The flags are grouped in the help as ATC's documentation groups them
// (FlagCategories); each description names the GE option and its values.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_COMPILER_OPTIONFLAGS_H
#define GEFLOW_COMPILER_OPTIONFLAGS_H

#include "llvm/Support/CommandLine.h"

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace geflow {

struct OptionSpec;

/// The help's groups, shared by the tools. A tool shows these categories
/// (and its own) and hides every other registered option, LLVM's included.
struct FlagCategories {
  llvm::cl::OptionCategory input{"Input"};
  llvm::cl::OptionCategory shapes{"Shapes and gears"};
  llvm::cl::OptionCategory precision{"Precision"};
  llvm::cl::OptionCategory fusion{"Fusion and tuning"};
  llvm::cl::OptionCategory output{"Output"};
  llvm::cl::OptionCategory debugging{"Debugging"};

  static FlagCategories &get();
  std::vector<const llvm::cl::OptionCategory *> all() const;
  /// The group of a GE option by its canonical name.
  llvm::cl::OptionCategory &of(const std::string &geName);
};

/// The help text of a GE option: its description, the GE name, the
/// allowed values and the default.
std::string describeOption(const OptionSpec &spec);

class OptionFlags {
public:
  /// Registers the flags in FlagCategories; without `geKeysAsFlags` the
  /// "ge."-prefixed keys of sessions, devices and the compile cache are no
  /// flags (they stay reachable through --option). Every other option the
  /// registry (and docs/compiler.md) lists is a flag in every tool.
  explicit OptionFlags(bool geKeysAsFlags);

  /// The options given, by canonical name (aliases resolved; values not
  /// yet validated). False with `error` set on a malformed --option or an
  /// option given more than once.
  bool collect(std::map<std::string, std::string> *raw,
               std::string *error) const;

private:
  std::deque<std::string> descriptions_; // stable addresses for cl::desc
  std::vector<std::unique_ptr<llvm::cl::opt<std::string>>> flags_;
  llvm::cl::list<std::string> extra_;
};

} // namespace geflow

#endif // GEFLOW_COMPILER_OPTIONFLAGS_H
