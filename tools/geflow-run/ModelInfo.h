//===- ModelInfo.h - What a compiled model holds, without running --------===//
//
// geflow-run --info (ATC --mode=1, trtexec --dumpLayerInfo): the signature,
// gears and ranges, the soc and GE options it was compiled with, kernels per
// gear, arena, weights and streams, as text or JSON.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TOOLS_GEFLOW_RUN_MODELINFO_H
#define GEFLOW_TOOLS_GEFLOW_RUN_MODELINFO_H

#include "geflow/runtime/Model.h"

#include <string>

namespace geflow::run {

std::string modelInfoText(const rt::Model &model);
std::string modelInfoJson(const rt::Model &model);

} // namespace geflow::run

#endif // GEFLOW_TOOLS_GEFLOW_RUN_MODELINFO_H
