//===- Dumper.cpp - Dump options and the record of a dump session ---------===//
#include "geflow/runtime/Dump.h"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace geflow::rt {

bool DumpOptions::wantsStep(uint64_t step) const {
  if (steps.empty())
    return true;
  return std::any_of(steps.begin(), steps.end(), [&](const Range &r) {
    return step >= r.first && step <= r.last;
  });
}

bool DumpOptions::wantsOp(const std::string &name,
                          const std::vector<std::string> &covered) const {
  if (layers.empty())
    return true;
  for (const std::string &layer : layers)
    if (layer == name ||
        std::find(covered.begin(), covered.end(), layer) != covered.end())
      return true;
  return false;
}

StatusOr<std::vector<DumpOptions::Range>>
parseDumpStep(const std::string &text) {
  std::vector<DumpOptions::Range> out;
  size_t start = 0;
  auto number = [](const std::string &s, uint64_t *v) {
    if (s.empty() || s.size() > 18 ||
        !std::all_of(s.begin(), s.end(), ::isdigit))
      return false;
    *v = std::stoull(s);
    return true;
  };
  while (true) {
    size_t bar = text.find('|', start);
    std::string part = text.substr(
        start, bar == std::string::npos ? std::string::npos : bar - start);
    // GE allows spaces around the parts.
    part.erase(std::remove(part.begin(), part.end(), ' '), part.end());
    DumpOptions::Range r;
    size_t dash = part.find('-');
    bool ok = dash == std::string::npos
                  ? number(part, &r.first) && (r.last = r.first, true)
                  : number(part.substr(0, dash), &r.first) &&
                        number(part.substr(dash + 1), &r.last) &&
                        r.first <= r.last;
    if (!ok)
      return invalidArgument(
          "'" + part +
          "' is not a step or a range of steps: expected steps and "
          "ranges separated by '|', such as \"0|5|10-20\"");
    out.push_back(r);
    if (bar == std::string::npos)
      break;
    start = bar + 1;
  }
  if (out.size() > 100)
    return invalidArgument("more than 100 steps and ranges (GE's limit)");
  return out;
}

std::string dumpFileName(const std::string &name) {
  std::string out = name;
  for (char &c : out)
    if (c == '.' || c == '/' || c == '\\' || c == ' ')
      c = '_';
  return out;
}

Dumper::Dumper(DumpOptions options) : options_(std::move(options)) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
  if (!options_.path.empty())
    root_ = options_.path + "/" + stamp;
}

void Dumper::addOverflow(OverflowRecord record) {
  std::lock_guard<std::mutex> lock(mu_);
  overflows_.push_back(std::move(record));
}

std::vector<OverflowRecord> Dumper::overflows() const {
  std::lock_guard<std::mutex> lock(mu_);
  return overflows_;
}

bool Dumper::firstOverflow(OverflowRecord *out) const {
  std::lock_guard<std::mutex> lock(mu_);
  const OverflowRecord *first = nullptr;
  for (const OverflowRecord &r : overflows_)
    if (!first || r.step < first->step ||
        (r.step == first->step && r.taskId < first->taskId))
      first = &r;
  if (first)
    *out = *first;
  return first != nullptr;
}

void Dumper::noteError(const Status &status) {
  std::lock_guard<std::mutex> lock(mu_);
  if (error_.ok())
    error_ = status;
}

Status Dumper::error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

} // namespace geflow::rt
