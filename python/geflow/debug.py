"""Profiling from Python (GE 5.3): Executable.profile and the profiling options.

    rows = exe.profile({"x": x}, runs=10, output="prof")   # also writes prof/trace.json
    for r in sorted(rows, key=lambda r: -r["duration_us"])[:5]:
        print(r["op_name"], r["op_type"], r["duration_us"])

Compiling with options {"profiling_mode": "true", "profiling_options":
'{"output": "prof"}'} (or PROFILING_MODE/PROFILING_OPTIONS in the
environment) records every run of the executable; exe.profiler holds the
record and is written to its output directory at exit (or by
exe.profiler.write()). See docs/debugging.md.
"""
import atexit

from . import _geflow
from .errors import InvalidArgumentError

__all__ = ["ProfileRows", "profile", "apply_run_options", "load"]

# Profilers that the options attached, written when the interpreter exits.
_pending = []


class ProfileRows(list):
    """op_summary rows (dicts, in start order) of a profile; ``statistic``
    holds the op_statistic rows and ``profiler`` the geflow.Profiler."""

    def __init__(self, profiler):
        super().__init__(profiler.op_summary())
        self.profiler = profiler
        self.statistic = profiler.op_statistic()

    def trace_json(self):
        """The Chrome trace / Perfetto JSON text."""
        return self.profiler.trace_json()


def profile(self, inputs, runs=1, output=None):
    """Runs the executable ``runs`` times with a profiler attached and returns
    the op summary as :class:`ProfileRows` (one dict per task run: op_name,
    op_type, task_type, stream, start_us, duration_us, block_dim, shapes,
    dtypes, formats, flops, bytes, gflops, gbps, covered_ops). With
    ``output`` the trace.json, op_summary.csv and op_statistic.csv files are
    written there. Do not run the executable from other threads meanwhile."""
    if not isinstance(runs, int) or runs < 1:
        raise InvalidArgumentError(f"profile: runs must be a positive integer, got {runs!r}")
    profiler = _geflow.Profiler(output or "")
    previous = _geflow._set_profiler(self, profiler)
    try:
        for _ in range(runs):
            self.run(inputs)
    finally:
        _geflow._set_profiler(self, previous)
    if output:
        profiler.write(output)
    return ProfileRows(profiler)


def apply_run_options(exe, options):
    """Attaches what the run-time options (profiling_mode, enable_dump,
    enable_dump_debug, ...) ask for."""
    profiler = _geflow._apply_run_options(exe, options or {})
    if profiler is not None:
        _pending.append(profiler)
    return exe


@atexit.register
def _write_pending():
    for profiler in _pending:
        if profiler.runs():
            try:
                profiler.write()
            except Exception:  # noqa: BLE001 - at exit, report and go on
                import sys
                print(f"geflow: cannot write the profile to {profiler.output}", file=sys.stderr)


def load(path, options=None, device_id=0):
    """geflow.load with run-time options (profiling_mode, enable_dump, ...)."""
    exe = _geflow.load(path, device_id=device_id)
    return apply_run_options(exe, options)
