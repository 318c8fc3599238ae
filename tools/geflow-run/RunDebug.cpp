//===- RunDebug.cpp - geflow-run's profiling, dump and overflow set-up ----===//
#include "RunDebug.h"

namespace geflow::run {

rt::StatusOr<RunDebug> RunDebug::create(const DebugConfig &config,
                                        const std::string &profileDir) {
  RunDebug debug;
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

void RunDebug::attach(rt::Model &model) {
  if (profiler_)
    model.setProfiler(profiler_);
  if (dumper_)
    model.setDumper(dumper_);
}

void RunDebug::hostSpan(const char *name, uint64_t startNs, uint64_t endNs) {
  if (profiler_)
    profiler_->addHostSpan(name, startNs, endNs);
}

rt::Status RunDebug::finish(std::string *log) {
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
    if (dumper_->options().overflow) {
      std::vector<rt::OverflowRecord> all = dumper_->overflows();
      rt::OverflowRecord first;
      if (!dumper_->firstOverflow(&first)) {
        *log += "overflow check: no op produced Inf/NaN\n";
      } else {
        *log += "overflow check: " + std::to_string(all.size()) +
                " op(s) produced Inf/NaN from finite inputs; the first in "
                "execution order: " +
                first.opType + " '" + first.opName + "' (task " +
                std::to_string(first.taskId) + ", run " +
                std::to_string(first.step) + ", output " +
                std::to_string(first.output) + ": " +
                std::to_string(first.infCount) + " Inf, " +
                std::to_string(first.nanCount) + " NaN)\n";
        if (!first.precision.empty())
          *log += "  its precision decision: " + first.precision + "\n";
        if (first.coveredOps.size() > 1) {
          std::string ops;
          for (const std::string &op : first.coveredOps)
            ops += (ops.empty() ? "" : ", ") + op;
          *log += "  the fused kernel computes: " + ops + "\n";
        }
        if (!first.files.empty())
          *log += "  its tensors: " + first.files + ".*\n";
      }
    }
  }
  return rt::Status::OK();
}

} // namespace geflow::run
