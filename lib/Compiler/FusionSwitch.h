//===- FusionSwitch.h - GE's fusion_switch_file -----------------*- C++ -*-===//
#ifndef GEFLOW_LIB_COMPILER_FUSIONSWITCH_H
#define GEFLOW_LIB_COMPILER_FUSIONSWITCH_H

#include "geflow/Compiler/CompileConfig.h"

#include <string>

namespace geflow {

/// Reads a GE fusion switch file into `switches`:
///   {"Switch": {"GraphFusion": {"ALL": "off", "ConvBatchnormFusionPass":
///   "on"},
///               "UBFusion": {"TbeEltwiseFusionPass": "off"}}}
/// "ALL" sets every rule of its section; named rules override it. Returns ""
/// or an error naming the file and what is wrong in it (bad JSON, a section
/// or rule geflow does not have, a value other than "on"/"off").
std::string readFusionSwitchFile(const std::string &path,
                                 FusionSwitches &switches);

} // namespace geflow

#endif
