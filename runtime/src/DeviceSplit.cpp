//===- DeviceSplit.cpp - Splitting the host's CPUs between devices --------===//
//
// GEFLOW_DEVICE_COUNT / GEFLOW_DEVICE_CORES (docs/distributed.md#devices)
// and the host facts they are checked against.
//
//===----------------------------------------------------------------------===//

#include "HostCpus.h"

#include "geflow/runtime/Device.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <pthread.h>
#include <sched.h>
#include <set>
#include <unistd.h>

namespace geflow::rt {

namespace detail {

uint64_t hostMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0)
    return uint64_t(1) << 32;
  return uint64_t(pages) * uint64_t(pageSize);
}

Status checkDeviceCpus(int32_t device, const std::vector<int32_t> &cpus) {
  if (cpus.empty())
    return Status::OK();
  std::vector<int32_t> available = availableCpus();
  std::set<int32_t> seen;
  for (int32_t cpu : cpus) {
    if (!std::binary_search(available.begin(), available.end(), cpu))
      return invalidArgument("device " + std::to_string(device) +
                             ": host CPU " + std::to_string(cpu) +
                             " is not available to this process (available: " +
                             formatCpuList(available) + ")");
    if (!seen.insert(cpu).second)
      return invalidArgument("device " + std::to_string(device) +
                             ": host CPU " + std::to_string(cpu) +
                             " is listed twice");
  }
  return Status::OK();
}

bool pinCurrentThread(int32_t cpu) {
  if (cpu < 0 || cpu >= CPU_SETSIZE)
    return false;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
}

int32_t currentCpu() { return sched_getcpu(); }

} // namespace detail

std::vector<int32_t> availableCpus() {
  std::vector<int32_t> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    for (int32_t cpu = 0; cpu < CPU_SETSIZE; ++cpu)
      if (CPU_ISSET(cpu, &set))
        cpus.push_back(cpu);
  }
  if (cpus.empty()) { // the OS does not say: every configured CPU
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    for (int32_t cpu = 0; cpu < std::max<long>(n, 1); ++cpu)
      cpus.push_back(cpu);
  }
  return cpus;
}

std::string formatCpuList(const std::vector<int32_t> &cpus) {
  std::string out;
  for (size_t i = 0; i < cpus.size();) {
    size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1)
      ++j;
    out += (out.empty() ? "" : "+") + std::to_string(cpus[i]);
    if (j > i)
      out += "-" + std::to_string(cpus[j]);
    i = j + 1;
  }
  return out;
}

namespace {

/// A non-negative decimal CPU number, or -1.
int32_t parseCpu(const std::string &text) {
  if (text.empty() || text.size() > 6 ||
      !std::all_of(text.begin(), text.end(),
                   [](char c) { return c >= '0' && c <= '9'; }))
    return -1;
  return std::atoi(text.c_str());
}

std::vector<std::string> splitOn(const std::string &text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos)
      return parts;
    start = end + 1;
  }
}

/// One device's "a-b+c" list.
Status parseDeviceCpus(const std::string &text, const std::string &where,
                       std::vector<int32_t> *cpus) {
  for (const std::string &range : splitOn(text, '+')) {
    size_t dash = range.find('-');
    int32_t first = parseCpu(range.substr(0, dash));
    int32_t last =
        dash == std::string::npos ? first : parseCpu(range.substr(dash + 1));
    if (first < 0 || last < 0 || last < first || last >= CPU_SETSIZE)
      return invalidArgument(
          where +
          ": expected CPU numbers or ranges such as \"0-3\" or "
          "\"0+2\" (ascending, below " +
          std::to_string(CPU_SETSIZE) + "), got \"" + range + "\"");
    for (int32_t cpu = first; cpu <= last; ++cpu)
      cpus->push_back(cpu);
  }
  return Status::OK();
}

} // namespace

StatusOr<std::vector<DeviceOptions>> planDeviceSplit(int32_t count,
                                                     const std::string &cores,
                                                     const std::string &what) {
  constexpr int32_t kMaxSplit = 64;
  if (count < 0 || count > kMaxSplit)
    return invalidArgument(what + ": the device count must be in [1, " +
                           std::to_string(kMaxSplit) + "], got " +
                           std::to_string(count));
  std::vector<DeviceOptions> devices;
  if (!cores.empty()) {
    std::vector<std::string> lists = splitOn(cores, ',');
    if (count > 0 && count != static_cast<int32_t>(lists.size()))
      return invalidArgument(
          what + " \"" + cores + "\" lists " + std::to_string(lists.size()) +
          " device(s), but the device count is " + std::to_string(count));
    if (static_cast<int32_t>(lists.size()) > kMaxSplit)
      return invalidArgument(what + ": more than " + std::to_string(kMaxSplit) +
                             " devices");
    std::set<int32_t> owned;
    for (size_t d = 0; d < lists.size(); ++d) {
      std::string where =
          what + " \"" + cores + "\", device " + std::to_string(d);
      DeviceOptions options;
      GEFLOW_RETURN_IF_ERROR(parseDeviceCpus(lists[d], where, &options.cpus));
      for (int32_t cpu : options.cpus)
        if (!owned.insert(cpu).second)
          return invalidArgument(where + ": host CPU " + std::to_string(cpu) +
                                 " already belongs to another device; a "
                                 "device's CPUs are its own");
      Status st =
          detail::checkDeviceCpus(static_cast<int32_t>(d), options.cpus);
      if (!st.ok())
        return invalidArgument(what + " \"" + cores + "\": " + st.message());
      devices.push_back(std::move(options));
    }
  } else {
    int32_t n = count > 0 ? count : 1;
    std::vector<int32_t> available = availableCpus();
    if (n > static_cast<int32_t>(available.size()))
      return invalidArgument(what + ": " + std::to_string(n) +
                             " devices need at least " + std::to_string(n) +
                             " host CPUs, but this process may use " +
                             std::to_string(available.size()) + " (" +
                             formatCpuList(available) + ")");
    size_t next = 0;
    for (int32_t d = 0; d < n; ++d) {
      size_t take = available.size() / n + (size_t(d) < available.size() % n);
      DeviceOptions options;
      options.cpus.assign(available.begin() + next,
                          available.begin() + next + take);
      next += take;
      devices.push_back(std::move(options));
    }
  }
  uint64_t memory = detail::hostMemoryBytes() / devices.size();
  for (DeviceOptions &options : devices)
    options.memoryLimit = memory;
  return devices;
}

} // namespace geflow::rt
