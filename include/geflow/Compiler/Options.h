//===- Options.h - The GE options registry ----------------------*- C++ -*-===//
//
// One registry validates every option a user can pass, whatever the entry
// point (geflow-compile flags, Python `options={...}`, Session/AddGraph
// options). Names are GE's. An unknown name or a bad value is an error that
// lists the allowed values and suggests the nearest known name; nothing is
// ever silently defaulted.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_COMPILER_OPTIONS_H
#define GEFLOW_COMPILER_OPTIONS_H

#include "geflow/runtime/Timeouts.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace geflow {

/// air_weight_threshold's default: TorchAir keeps a ModelDef under
/// protobuf's 2 GiB with 200 MiB to spare.
constexpr int64_t kDefaultAirWeightThreshold = int64_t(2048 - 200) << 20;

/// Where GE accepts an option (informative: every scope validates alike).
enum class OptionScope { Global, Session, Graph };

struct OptionSpec {
  enum class Kind { Enum, Int, Bool, String, Path };
  std::string name;
  std::vector<std::string> aliases; // other spellings GE accepts
  Kind kind = Kind::String;
  std::vector<std::string> allowed;           // Enum values
  int64_t minValue = 0, maxValue = INT64_MAX; // Int range
  std::string defaultValue;                   // "" = unset
  std::string help;
  OptionScope scope = OptionScope::Graph;
  /// Meaningful only for graphs added to a Session (the compile cache, the
  /// run flag): entry points that compile directly reject it.
  bool sessionGraphsOnly = false;
  /// False for options that change how a compiled graph is run or stored,
  /// not what is compiled (device, timeouts, cache keys): the compile cache
  /// leaves them out of its fingerprint.
  bool affectsExecutable = true;
  /// Also applies to an already compiled executable (profiling, dumps,
  /// timeouts, ranks): tools and APIs that load a .gfm accept it.
  bool runTime = false;
  /// Extra syntax check for String options (e.g. input_shape); returns an
  /// error message or "".
  std::function<std::string(const std::string &)> check;
};

/// Validated option values, keyed by canonical name.
class Options {
public:
  /// The value the user gave, or the option's default, or nullopt.
  std::optional<std::string> get(const std::string &name) const;
  bool has(const std::string &name) const { return values_.count(name) != 0; }
  bool getBool(const std::string &name) const;
  int64_t getInt(const std::string &name, int64_t dflt) const;
  const std::map<std::string, std::string> &values() const { return values_; }

private:
  friend class OptionsRegistry;
  std::map<std::string, std::string> values_;
};

class OptionsRegistry {
public:
  static const OptionsRegistry &get();

  const OptionSpec *find(const std::string &nameOrAlias) const;
  const std::vector<OptionSpec> &specs() const { return specs_; }

  /// Validates `raw` and returns canonical values; on error returns nullopt
  /// and sets `error` to one message per problem, newline separated.
  std::optional<Options> parse(const std::map<std::string, std::string> &raw,
                               std::string *error) const;

  /// "" or an error naming each option in `options` that only Session
  /// graphs use, for an entry point (`what`) that compiles directly.
  std::string checkNoSessionGraphOptions(const Options &options,
                                         const std::string &what) const;

  /// Merges `overrides` over `base` (both already validated).
  static Options merge(const Options &base, const Options &overrides);

private:
  OptionsRegistry();
  std::string checkValue(const OptionSpec &spec,
                         const std::string &value) const;
  std::vector<OptionSpec> specs_;
};

/// stream_max_parallel_num ("N" or "Engine:N[,Engine:N]"): the largest
/// count given for the device engines (a bare N, AIcoreEngine, ...) or,
/// with `hostEngine`, for the host CPU engines (DNN_VM_HOST_CPU,
/// DNN_VM_AICPU); 1 when none is given; nullopt when the text is malformed.
std::optional<int64_t> parseStreamParallel(const std::string &value,
                                           bool hostEngine = false);

/// "" when `mode` is an aoe_mode geflow runs (2, operator tuning), else why
/// not (1 and 4 are GE's subgraph and gradient split tuning).
std::string checkAoeMode(const std::string &mode);

/// Whether stream_max_parallel_num's `engine` names a host CPU engine.
bool isHostEngineName(const std::string &engine);

/// ge.exec.logicalDeviceId ("[server:device]", server 0): the device, or
/// nullopt when the text is malformed or names another server.
std::optional<int32_t> parseLogicalDeviceId(const std::string &value);

/// The nearest name in `candidates` to `name` by edit distance, or "" when
/// nothing is close.
std::string suggestNearest(const std::string &name,
                           const std::vector<std::string> &candidates);

/// GE's timeout options (op_execute_timeout in seconds, stream_sync_timeout
/// and event_sync_timeout in milliseconds; -1 or unset: no limit) as the
/// runtime's process-wide settings (set them with rt::setSyncTimeouts), or
/// nullopt when none of them is given.
std::optional<rt::SyncTimeouts> syncTimeoutsOf(const Options &options);

} // namespace geflow

#endif
