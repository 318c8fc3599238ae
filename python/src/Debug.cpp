//===- Debug.cpp - Profiling (and the other run-time debug options) -------===//
//
// geflow.Profiler wraps the runtime's profiler; _set_profiler attaches one
// to an executable's model; _debug_config parses the run-time GE options
// (profiling_mode, profiling_options and their environment variables).
// python/geflow/debug.py builds Executable.profile() on these.
//
//===----------------------------------------------------------------------===//
#include "Errors.h"
#include "Executable.h"

#include "geflow/Compiler/DebugAttachment.h"
#include "geflow/Compiler/Options.h"
#include "geflow/runtime/Dump.h"
#include "geflow/runtime/Profiler.h"

#include <pybind11/stl.h>

namespace geflow::python {

namespace {

py::dict summaryRow(const rt::OpSummaryRow &r) {
  py::dict d;
  d["model"] = r.model;
  d["run"] = r.run;
  d["task_id"] = r.taskId;
  d["op_name"] = r.opName;
  d["op_type"] = r.opType;
  d["task_type"] = r.taskType;
  d["kernel"] = r.kernel;
  d["stream"] = r.stream;
  d["start_us"] = r.startUs;
  d["duration_us"] = r.durationUs;
  d["block_dim"] = r.blockDim;
  d["input_shapes"] = r.inputShapes;
  d["input_dtypes"] = r.inputDtypes;
  d["input_formats"] = r.inputFormats;
  d["output_shapes"] = r.outputShapes;
  d["output_dtypes"] = r.outputDtypes;
  d["output_formats"] = r.outputFormats;
  d["flops"] = r.flops;
  d["bytes"] = r.bytes;
  d["gflops"] = r.gflops;
  d["gbps"] = r.gbps;
  d["covered_ops"] = r.coveredOps;
  d["padding"] = r.padding;
  return d;
}

py::dict statisticRow(const rt::OpStatisticRow &s) {
  py::dict d;
  d["op_type"] = s.opType;
  d["count"] = s.count;
  d["total_us"] = s.totalUs;
  d["avg_us"] = s.avgUs;
  d["min_us"] = s.minUs;
  d["max_us"] = s.maxUs;
  d["ratio"] = s.ratio;
  return d;
}

py::dict overflowRow(const rt::OverflowRecord &r) {
  py::dict d;
  d["model"] = r.model;
  d["step"] = r.step;
  d["task_id"] = r.taskId;
  d["op_name"] = r.opName;
  d["op_type"] = r.opType;
  d["kernel"] = r.kernel;
  d["covered_ops"] = r.coveredOps;
  d["precision"] = r.precision;
  d["output"] = r.output;
  d["nan_count"] = r.nanCount;
  d["inf_count"] = r.infCount;
  d["files"] = r.files;
  return d;
}

/// Parses the run-time options of `raw` (and the GE environment variables)
/// and attaches what they turn on to `e`; returns the profiler (or None).
std::shared_ptr<rt::Profiler>
applyRunOptions(Executable &e, const std::map<std::string, std::string> &raw) {
  std::string error;
  std::map<std::string, std::string> runTime;
  for (const auto &[k, v] : raw)
    if (isRunTimeOption(k))
      runTime[k] = v;
  std::optional<Options> options =
      OptionsRegistry::get().parse(runTime, &error);
  if (!options)
    throwInvalid(error);
  // Process-wide, as ACL's aclrtSetOpExecuteTimeOut (and a Session's).
  if (std::optional<rt::SyncTimeouts> timeouts = syncTimeoutsOf(*options))
    rt::setSyncTimeouts(*timeouts);
  rt::StatusOr<DebugAttachment> debug = DebugAttachment::fromOptions(*options);
  check(debug.status());
  debug->attach(*e.model);
  return debug->profiler();
}

} // namespace

void bindDebug(py::module_ &m) {
  py::class_<rt::Profiler, std::shared_ptr<rt::Profiler>>(m, "Profiler",
                                                          R"doc(
Records task traces of the runs of the executables it is attached to
(Executable.profile, or the profiling_mode option). op_summary() and
op_statistic() return msprof-style rows; write(dir) writes trace.json
(Perfetto), op_summary.csv and op_statistic.csv.
)doc")
      .def(py::init([](std::string output, bool taskTrace, bool hostTrace) {
             rt::ProfileOptions o;
             o.output = std::move(output);
             o.taskTrace = taskTrace;
             o.hostTrace = hostTrace;
             return std::make_shared<rt::Profiler>(o);
           }),
           py::arg("output") = "", py::arg("task_trace") = true,
           py::arg("runtime_api") = true)
      .def_property_readonly(
          "output", [](const rt::Profiler &p) { return p.options().output; })
      .def("op_summary",
           [](const rt::Profiler &p) {
             py::list rows;
             for (const rt::OpSummaryRow &r : p.opSummary())
               rows.append(summaryRow(r));
             return rows;
           })
      .def("op_statistic",
           [](const rt::Profiler &p) {
             py::list rows;
             for (const rt::OpStatisticRow &s : p.opStatistic())
               rows.append(statisticRow(s));
             return rows;
           })
      .def("trace_json", &rt::Profiler::traceJson)
      .def("runs", [](const rt::Profiler &p) { return p.runs().size(); })
      .def("clear", &rt::Profiler::clear)
      .def(
          "write",
          [](const rt::Profiler &p, const std::string &dir) {
            check(p.write(dir.empty() ? p.options().output : dir));
          },
          py::arg("dir") = "");
  m.def(
      "_set_profiler",
      [](Executable &e, std::shared_ptr<rt::Profiler> profiler) {
        std::shared_ptr<rt::Profiler> previous = e.model->profiler();
        e.model->setProfiler(std::move(profiler));
        return previous;
      },
      py::arg("executable"), py::arg("profiler").none(true));
  m.def(
      "_get_profiler", [](const Executable &e) { return e.model->profiler(); },
      py::arg("executable"));
  m.def("_apply_run_options", &applyRunOptions, py::arg("executable"),
        py::arg("options"));
  py::class_<rt::Dumper, std::shared_ptr<rt::Dumper>>(m, "Dumper", R"doc(
The data dump and overflow detection attached to an executable by the
enable_dump / enable_dump_debug / enable_exception_dump options
(Executable.dumper). overflows() lists the ops whose float outputs gained
Inf/NaN from finite inputs, first_overflow() the first in execution order.
)doc")
      .def_property_readonly("root", &rt::Dumper::root,
                             "{dump_path}/{time}: where the files go.")
      .def_property_readonly("files_written", &rt::Dumper::filesWritten)
      .def("overflows",
           [](const rt::Dumper &d) {
             py::list rows;
             for (const rt::OverflowRecord &r : d.overflows())
               rows.append(overflowRow(r));
             return rows;
           })
      .def("first_overflow",
           [](const rt::Dumper &d) -> py::object {
             rt::OverflowRecord r;
             if (!d.firstOverflow(&r))
               return py::none();
             return overflowRow(r);
           })
      .def(
          "check", [](const rt::Dumper &d) { check(d.error()); },
          "Raises the first error writing dump files, if any.");
  m.def(
      "_get_dumper", [](const Executable &e) { return e.model->dumper(); },
      py::arg("executable"));
}

} // namespace geflow::python
