//===- ProfileFormat.h - Shared helpers of the profile writers ------------===//
#ifndef GEFLOW_RUNTIME_EXECUTOR_PROFILEFORMAT_H
#define GEFLOW_RUNTIME_EXECUTOR_PROFILEFORMAT_H

#include "geflow/runtime/Profiler.h"

#include <functional>
#include <string>
#include <vector>

namespace geflow::rt::profile {

/// When `info`'s task ran in `span` (kernels: first block start to last
/// block end); start 0 when it did not run.
void taskBounds(const TaskInfo &info, const TaskSpan &span, uint64_t *start,
                uint64_t *end);
/// Kernels, copies and host ops: the tasks op_summary.csv lists.
bool isComputeTask(const TaskInfo &info);
std::string
joinTensors(const std::vector<TaskTensor> &tensors,
            const std::function<std::string(const TaskTensor &)> &f);
/// "1,3,224,224".
std::string shapeText(const std::vector<int64_t> &shape);

} // namespace geflow::rt::profile

#endif // GEFLOW_RUNTIME_EXECUTOR_PROFILEFORMAT_H
