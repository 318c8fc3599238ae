//===- DebugAttachment.cpp - Run-time debug options to a profiler/dumper --===//
#include "geflow/Compiler/DebugAttachment.h"

namespace geflow {

DebugAttachment DebugAttachment::create(const DebugConfig &config,
                                        const std::string &profileDir) {
  DebugAttachment debug;
  if (config.profile || !profileDir.empty()) {
    rt::ProfileOptions options =
        config.profile ? *config.profile : rt::ProfileOptions{};
    if (!profileDir.empty())
      options.output = profileDir;
    debug.profiler_ = std::make_shared<rt::Profiler>(options);
  }
  if (config.dump)
    debug.dumper_ = std::make_shared<rt::Dumper>(*config.dump);
  return debug;
}

rt::StatusOr<DebugAttachment>
DebugAttachment::fromOptions(const Options &options, bool readEnvironment) {
  std::string error;
  std::optional<DebugConfig> config =
      parseDebugConfig(options, error, readEnvironment);
  if (!config)
    return rt::invalidArgument(error);
  return create(*config);
}

void DebugAttachment::redirectProfile(const std::string &dir) {
  if (!profiler_)
    return;
  rt::ProfileOptions options = profiler_->options();
  options.output = dir;
  profiler_ = std::make_shared<rt::Profiler>(options);
}

void DebugAttachment::attach(rt::Model &model) const {
  if (profiler_)
    model.setProfiler(profiler_);
  if (dumper_)
    model.setDumper(dumper_);
}

void DebugAttachment::hostSpan(const char *name, uint64_t startNs,
                               uint64_t endNs) const {
  if (profiler_)
    profiler_->addHostSpan(name, startNs, endNs);
}

namespace {

std::string overflowReport(const rt::Dumper &dumper) {
  std::vector<rt::OverflowRecord> all = dumper.overflows();
  rt::OverflowRecord first;
  if (!dumper.firstOverflow(&first))
    return "overflow check (" + dumper.options().overflowMode +
           "): no op produced Inf/NaN\n";
  std::string log =
      "overflow check (" + dumper.options().overflowMode +
      "): " + std::to_string(all.size()) +
      " op(s) produced Inf/NaN from finite inputs; the first in execution "
      "order: " +
      first.opType + " '" + first.opName + "' (task " +
      std::to_string(first.taskId) + ", run " + std::to_string(first.step) +
      ", output " + std::to_string(first.output) + ": " +
      std::to_string(first.infCount) + " Inf, " +
      std::to_string(first.nanCount) + " NaN)\n";
  if (!first.precision.empty())
    log += "  its precision decision: " + first.precision + "\n";
  if (first.coveredOps.size() > 1) {
    std::string ops;
    for (const std::string &op : first.coveredOps)
      ops += (ops.empty() ? "" : ", ") + op;
    log += "  the fused kernel computes: " + ops + "\n";
  }
  if (!first.files.empty())
    log += "  its tensors: " + first.files + ".*\n";
  return log;
}

} // namespace

rt::Status DebugAttachment::finish(std::string *log) const {
  if (profiler_) {
    const std::string &dir = profiler_->options().output;
    GEFLOW_RETURN_IF_ERROR(profiler_->write(dir));
    *log += "profile of " + std::to_string(profiler_->runs().size()) +
            " run(s) written to " + dir +
            " (trace.json, op_summary.csv, op_statistic.csv)\n";
  }
  if (dumper_) {
    GEFLOW_RETURN_IF_ERROR(dumper_->error());
    if (!dumper_->root().empty() && dumper_->filesWritten() > 0)
      *log += "dumped " + std::to_string(dumper_->filesWritten()) +
              " file(s) under " + dumper_->root() + "\n";
    if (dumper_->options().overflow)
      *log += overflowReport(*dumper_);
  }
  return rt::Status::OK();
}

} // namespace geflow
