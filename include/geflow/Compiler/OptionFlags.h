//===- OptionFlags.h - GE options as command-line flags ---------*- C++ -*-===//
//
// The tools take every GE option the way ATC does: one flag per option name
// and alias of the registry (--input_shape=..., --dynamic_inputs_shape_range=...)
// plus a repeatable --option NAME=VALUE. Both spellings meet here, so an
// option given twice or malformed is the same error in every tool.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_COMPILER_OPTIONFLAGS_H
#define GEFLOW_COMPILER_OPTIONFLAGS_H

#include "llvm/Support/CommandLine.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace geflow {

class OptionFlags {
public:
  /// Registers the flags in `category`; `graphScopeOnly` leaves out
  /// session-scope options and the "ge."-prefixed keys (which stay
  /// reachable through --option).
  OptionFlags(llvm::cl::OptionCategory &category, bool graphScopeOnly);

  /// The options given, by canonical name (aliases resolved; values not
  /// yet validated). False with `error` set on a malformed --option or an
  /// option given more than once.
  bool collect(std::map<std::string, std::string> *raw, std::string *error) const;

private:
  std::vector<std::unique_ptr<llvm::cl::opt<std::string>>> flags_;
  llvm::cl::list<std::string> extra_;
};

} // namespace geflow

#endif // GEFLOW_COMPILER_OPTIONFLAGS_H
