//===- HostCpus.h - The host's CPUs and memory, for device splits -*- C++
//-*-===//
//
// What a device split is checked against: the CPUs this process may run on
// and the host's physical memory. Pinning a thread to a CPU lives here too,
// so the CorePool does not deal with the OS's CPU sets.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_SRC_HOSTCPUS_H
#define GEFLOW_RUNTIME_SRC_HOSTCPUS_H

#include "geflow/runtime/Status.h"

#include <cstdint>
#include <vector>

namespace geflow::rt::detail {

/// Bytes of physical memory (4 GiB when the OS does not say).
uint64_t hostMemoryBytes();

/// Checks a device's CPU list: every CPU available to the process, none
/// listed twice. `device` names the device in the error.
Status checkDeviceCpus(int32_t device, const std::vector<int32_t> &cpus);

/// Pins the calling thread to `cpu`; false when the OS refuses (the thread
/// then runs wherever the OS puts it).
bool pinCurrentThread(int32_t cpu);

/// The CPU the calling thread runs on now, or -1 when the OS does not say.
int32_t currentCpu();

} // namespace geflow::rt::detail

#endif // GEFLOW_RUNTIME_SRC_HOSTCPUS_H
