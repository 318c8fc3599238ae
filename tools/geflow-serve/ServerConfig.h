//===- ServerConfig.h - TF Serving's configuration files --------*- C++ -*-===//
//
// --model_config_file (a ModelServerConfig) and --batching_parameters_file
// (BatchingParameters), both protobuf text format with TF Serving's field
// names (proto/model_server_config.proto). Errors name the file, line and
// column, or the field whose value is out of range.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SERVE_SERVERCONFIG_H
#define GEFLOW_SERVE_SERVERCONFIG_H

#include "Batcher.h"
#include "ModelRepository.h"

#include <string>
#include <vector>

namespace geflow::serve {

Result<std::vector<ModelSource>> readModelConfigFile(const std::string &path);

/// Starts from `defaults` (enabled stays as given).
Result<BatchingOptions> readBatchingParametersFile(const std::string &path,
                                                   BatchingOptions defaults);

} // namespace geflow::serve

#endif // GEFLOW_SERVE_SERVERCONFIG_H
