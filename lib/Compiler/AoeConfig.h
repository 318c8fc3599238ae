//===- AoeConfig.h - GE's aoe_config_file -----------------------*- C++ -*-===//
#ifndef GEFLOW_LIB_COMPILER_AOECONFIG_H
#define GEFLOW_LIB_COMPILER_AOECONFIG_H

#include <string>
#include <vector>

namespace geflow {

/// Reads an AOE tuning config file:
///   {"tune_ops_name": ["layer1/conv1"], "tune_ops_type": ["Conv2D"],
///    "tune_optimization_level": "O2"}
/// into the op names and op types to tune (an op is tuned when either list
/// names it). "feature" selects subgraph tuning features (aoe_mode 1),
/// which geflow does not run: an error. Returns "" or an error naming the
/// file and the key at fault.
std::string readAoeConfigFile(const std::string &path,
                              std::vector<std::string> &opNames,
                              std::vector<std::string> &opTypes);

} // namespace geflow

#endif
