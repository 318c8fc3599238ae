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
  return debug;
}

void RunDebug::attach(rt::Model &model) {
  if (profiler_)
    model.setProfiler(profiler_);
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
  return rt::Status::OK();
}

} // namespace geflow::run
