//===- regex_full_match.cpp - ONNX RegexFullMatch on the host -------------===//
//
// y[i] = whether all of x[i] matches `pattern`. ONNX specifies RE2 syntax;
// this kernel uses std::regex's ECMAScript grammar, which agrees with RE2
// on literals, classes ([a-z], \d \w \s), anchors, groups, alternation and
// the greedy and lazy repetitions. It differs where RE2 differs from
// ECMAScript: backreferences and lookahead are accepted here (RE2 refuses
// them); RE2's (?P<name>...) and inline flags (?i) are refused here, \pL
// and \C are no Unicode classes; '.' and classes match bytes, not UTF-8
// characters.
// std::regex backtracks: a pathological pattern can take exponential time
// on long strings, unlike RE2. A pattern std::regex cannot compile fails
// the compile (the check), naming the pattern.
//
//===----------------------------------------------------------------------===//
#include "kernels/host/value_shaped.h"

#include "geflow/runtime/Strings.h"

#include <regex>

namespace geflow::kernels::host {

namespace {

constexpr const char *kOp = "RegexFullMatch";
/// Longest pattern accepted: std::regex compiles recursively.
constexpr size_t kMaxPatternBytes = 4096;

rt::Status compile(const std::string &pattern, std::regex *out) {
  if (pattern.size() > kMaxPatternBytes)
    return invalid("RegexFullMatch: the pattern has " +
                   std::to_string(pattern.size()) +
                   " bytes, over the limit "
                   "of " +
                   std::to_string(kMaxPatternBytes));
  try {
    *out = std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error &e) {
    return unsupported("RegexFullMatch: pattern '" + pattern +
                       "' is not a regular expression geflow runs "
                       "(std::regex ECMAScript, a subset of RE2): " +
                       e.what());
  }
  return rt::Status::OK();
}

} // namespace

rt::Status hostCheckRegexFullMatch(const std::vector<TensorDesc> &inputs,
                                   const std::vector<TensorDesc> &outputs,
                                   const AttrMap &attrs) {
  if (inputs.size() != 1 || outputs.size() != 1)
    return invalid("RegexFullMatch takes one input and gives one output");
  if (inputs[0].dtype != rt::DType::String ||
      outputs[0].dtype != rt::DType::Bool)
    return invalid("RegexFullMatch takes strings and gives bools");
  if (inputs[0].shape != outputs[0].shape)
    return invalid("RegexFullMatch's output must have its input's shape");
  std::regex re;
  if (rt::Status st = compile(attrs.getString("pattern", ""), &re); !st.ok())
    return st;
  return requirePlain(kOp, {inputs[0], outputs[0]});
}

rt::Status hostRunRegexFullMatch(const rt::HostCallArgs &args) {
  std::regex re;
  if (rt::Status st = compile(args.attrs->getString("pattern", ""), &re);
      !st.ok())
    return st;
  int64_t n = numElements((*args.inputDescs)[0].shape);
  auto *out = static_cast<uint8_t *>(args.outputs[0]);
  for (int64_t i = 0; i < n; ++i) {
    std::string_view s = rt::stringAt(args.inputs[0], size_t(i));
    try {
      out[i] = std::regex_match(s.begin(), s.end(), re) ? 1 : 0;
    } catch (const std::regex_error &e) {
      // error_complexity / error_stack on pathological input.
      return invalid("RegexFullMatch: element " + std::to_string(i) +
                     " cannot be matched: " + e.what());
    }
  }
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
