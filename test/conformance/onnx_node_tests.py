#!/usr/bin/python3
"""Compiles and runs every ONNX backend node test with geflow.

Walks the node tests of Debian's libonnx-testdata. Each model is compiled
once with `geflow-compile --framework=onnx --mix_compile_mode=true` (ops without
a device kernel run on the host CPU engine) into a .gfm; then every
`test_data_set_*` is run with `geflow-run` (inputs `input_*.pb`, converted to
.npy) and each output is compared with `output_*.pb`. Sequence and optional
values (SequenceProto / OptionalProto files) are static in geflow: a model
with such inputs is compiled per data set with `--input_sequence_shape` (and
`--input_shape` for its tensor inputs) giving that data set's contents, and
they are passed and read back in geflow-run's layout (a sequence is a
directory of 0.npy, 1.npy, ...; an optional tensor its .npy; an optional
holding none `none` as input, `<name>.none` as output). Models run in parallel
(--jobs), every subprocess under a per-test time limit. Each test ends up as:

  passed   every data set's outputs match (dtype, shape and values)
  skipped  compilation reported only unsupported features, each named: an
           operator, attribute, element type or input form the importer does
           not handle, or a ge op no kernel implements; or a run failed only
           with such a named unsupported case (one decided by input values)
  failed   wrong values, a wrong shape or dtype, a runtime error, or any
           other error message
  crashed  a signal, an LLVM fatal error, an assertion or a timeout (also
           counted as failed)

Values are compared as |got - expected| <= atol + rtol * |expected| with the
tolerances of TOLERANCES below (NaN must meet NaN, infinities must be equal);
integers and booleans must be exact.

Prints counts per category (the ONNX operator the test is named after) and
ends with the line `N passed, N failed, N skipped`. Exits non-zero when any
test crashed or timed out, and, with --expected FILE (one test name per line,
`#` comments), when a listed test does not pass; tests that pass but are not
listed are reported so the list can be updated (--write-expected rewrites
it), without failing.
"""
import argparse
import collections
import concurrent.futures
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

DEFAULT_DATA = "/usr/share/libonnx-testdata/data/node"

# (rtol, atol) per expected dtype. float32 allows for reassociated sums and
# libm-free transcendental approximations (a few ulp); float16 and bfloat16
# results are computed in float32 and rounded once more at the end, so they
# get a few ulp of their own epsilon (2^-11, 2^-8). Every other dtype is exact.
TOLERANCES = {
    np.dtype(np.float32): (1e-4, 1e-5),
    np.dtype(np.float16): (4e-3, 1e-3),
    np.dtype(np.float64): (1e-7, 1e-9),
}
BFLOAT16_TOLERANCE = (1 / 64, 1e-3)
# Tests whose expected outputs were typed in to 4 decimals (RoiAlign's:
# 0.4664 for 0.466421): an absolute 1e-4, the data's own precision. ONNX's
# backend runner checks them at rtol 1e-3.
ROUNDED_EXPECTED_TOLERANCE = {
    "test_roialign_aligned_false": (0.0, 1e-4),
    "test_roialign_aligned_true": (0.0, 1e-4),
}

# ONNX 1.12's generator computed the window functions' expected outputs with
# pi = 3.1415 (onnx/onnx#5316; ONNX 1.15 regenerated them with np.pi): they
# are up to 7.4e-5 away from the windows the operator spec (and the
# *_expanded function bodies, whose Tau is 2 pi in float32) defines. For
# these tests the expected output is recomputed from the spec formula in
# float64 with the true pi, then compared with the usual tolerances.
WINDOW_COEFFICIENTS = {
    "hann": (0.5, -0.5, 0.0),
    "hamming": (25 / 46, -21 / 46, 0.0),
    "blackman": (0.42, -0.5, 0.08),
}
WINDOW_TEST = re.compile(
    r"^test_(hann|hamming|blackman)window(_symmetric)?(_expanded)?$")


def spec_window(test, size):
    """The spec's window of `size` points for a window-function test."""
    m = WINDOW_TEST.match(test)
    a0, a1, a2 = WINDOW_COEFFICIENTS[m.group(1)]
    n = np.arange(int(size), dtype=np.float64)
    period = int(size) - 1 if m.group(2) else int(size)
    phase = 2 * np.pi * n / period
    return (a0 + a1 * np.cos(phase) + a2 * np.cos(2 * phase)).astype(np.float32)


CRASH_MARKERS = ("LLVM ERROR", "Stack dump", "Assertion", "terminate called",
                 "Segmentation fault", "PLEASE submit a bug report")


def onnx_op_names():
    """ONNX operator names, longest first, to name a test's category."""
    try:
        from onnx import defs
        names = {s.name for s in defs.get_all_schemas_with_history()}
    except ImportError:  # categories degrade to the test name's first word
        names = set()
    return sorted(names, key=len, reverse=True)


# Test name prefixes that abbreviate their operator.
CATEGORY_ALIASES = {
    "nllloss": "NegativeLogLikelihoodLoss", "sce": "SoftmaxCrossEntropyLoss",
    "tril": "Trilu", "triu": "Trilu", "batchnorm": "BatchNormalization",
    "mvn": "MeanVarianceNormalization", "logsoftmax": "LogSoftmax",
}


def category_of(test, ops):
    """The operator a test is named after: the longest op name the test name
    starts with, else the longest one it contains (test_basic_conv_...)."""
    first = test[len("test_"):].split("_")[0]
    if first in CATEGORY_ALIASES:
        return CATEGORY_ALIASES[first]
    key = test[len("test_"):].replace("_", "").lower()
    for op in ops:
        if key.startswith(op.lower()):
            return op
    for op in ops:
        if len(op) > 2 and op.lower() in key:
            return op
    return test[len("test_"):].split("_")[0]


def problem_lines(stderr):
    """The lines of a geflow error message, without the tool's prefix."""
    lines = []
    for line in stderr.splitlines():
        line = re.sub(r"^geflow-(compile|run): error: ", "", line.strip())
        if line:
            lines.append(line)
    return lines


# A feature geflow names as unsupported: an ONNX operator, attribute, type or
# input form at import; a ge op with no kernel, or none for its dtype, at
# lowering. Continuation lines list the op types and their nodes.
NAMED_UNSUPPORTED = (
    r"^unsupported",
    r"kernel '[^']+' has no \w+ implementation$",
    r"^no kernel for \d+ op type",
    r"^[A-Za-z0-9_.]+ \((nodes? )?'?[^)]*\)$",
    # A host kernel refusing a case the input values decide (a run).
    r"callback task '[^']+' on stream \d+ failed: unsupported: ",
)
HEADERS = (r"^cannot import ONNX model", r"^cannot compile", r"^note:")



def classify_compile_error(stderr):
    """'skipped' when every reported problem is a named unsupported feature."""
    problems = [l for l in problem_lines(stderr)
                if not any(re.search(h, l) for h in HEADERS)]
    if problems and all(any(re.search(p, l) for p in NAMED_UNSUPPORTED)
                        for l in problems):
        return "skipped"
    return "failed"


def first_problem(stderr):
    lines = [l for l in problem_lines(stderr)
             if not any(re.search(h, l) for h in HEADERS)]
    if not lines:
        lines = problem_lines(stderr)
    if not lines:
        return "(no message)"
    # "unsupported operators:" names them on the next line.
    if lines[0].endswith(":") and len(lines) > 1:
        return lines[0] + " " + lines[1]
    return lines[0]


def is_crash(proc):
    return (proc.returncode < 0 or proc.returncode >= 128
            or any(m in proc.stderr for m in CRASH_MARKERS))


def load_tensor(path):
    """(name, array) of a TensorProto file. bfloat16 comes back as its raw
    uint16 bits, as geflow's .npy files hold it (some data sets also store
    bfloat16 data as UINT16)."""
    import onnx
    from onnx import numpy_helper
    tensor = onnx.load_tensor(path)
    array = numpy_helper.to_array(tensor)
    if tensor.data_type == onnx.TensorProto.BFLOAT16 and array.dtype != np.uint16:
        array = (array.astype(np.float32).view(np.uint32) >> 16).astype(np.uint16)
    return tensor.name, array


def tensor_array(tensor):
    """A TensorProto as geflow's .npy holds it (bfloat16 as uint16 bits)."""
    import onnx
    from onnx import numpy_helper
    array = numpy_helper.to_array(tensor)
    if tensor.data_type == onnx.TensorProto.BFLOAT16 and array.dtype != np.uint16:
        array = (array.astype(np.float32).view(np.uint32) >> 16).astype(np.uint16)
    return array


class Sequence(list):
    """A SequenceProto's tensors."""


class NoValue:
    """An OptionalProto holding none."""

    def __eq__(self, other):
        return isinstance(other, NoValue)


def value_kind(type_proto):
    """'tensor', 'sequence' or 'optional' of a ValueInfo's TypeProto."""
    which = type_proto.WhichOneof("value")
    return {"sequence_type": "sequence", "optional_type": "optional"}.get(
        which, "tensor")


def load_value(path, kind):
    """(name, value) of an input_N.pb / output_N.pb: an array, a Sequence of
    arrays, or for an optional its value or NoValue()."""
    import onnx
    with open(path, "rb") as f:
        data = f.read()
    if kind == "tensor":
        return load_tensor(path)

    def from_sequence(seq):
        if seq.elem_type != onnx.SequenceProto.TENSOR and seq.tensor_values:
            raise ValueError("a sequence of non-tensor values")
        return Sequence(tensor_array(t) for t in seq.tensor_values)

    if kind == "sequence":
        seq = onnx.SequenceProto()
        seq.ParseFromString(data)
        return seq.name, from_sequence(seq)
    opt = onnx.OptionalProto()
    opt.ParseFromString(data)
    if opt.elem_type == onnx.OptionalProto.TENSOR:
        return opt.name, tensor_array(opt.tensor_value)
    if opt.elem_type == onnx.OptionalProto.SEQUENCE:
        return opt.name, from_sequence(opt.sequence_value)
    if opt.elem_type == onnx.OptionalProto.UNDEFINED:
        return opt.name, NoValue()
    raise ValueError(f"an optional of element type {opt.elem_type}")


def to_npy_array(array):
    """An array geflow-run reads: STRING tensors (object arrays of str or
    bytes) become NumPy unicode 'U' (or bytes 'S') arrays."""
    if array.dtype != object:
        return array
    items = array.ravel().tolist()
    if all(isinstance(x, str) for x in items):
        return np.array(items, dtype=str).reshape(array.shape)
    if all(isinstance(x, bytes) for x in items):
        return np.array(items, dtype=bytes).reshape(array.shape)
    raise ValueError("a STRING tensor mixes str and bytes elements")


def model_io(model_path):
    """([(input name, kind)] without initializers, [(output name, is
    bfloat16, kind)]); kind is value_kind's."""
    import onnx
    model = onnx.load(model_path, load_external_data=False)
    inits = {i.name for i in model.graph.initializer}
    inputs = [(i.name, value_kind(i.type)) for i in model.graph.input
              if i.name not in inits]
    bf16 = onnx.TensorProto.BFLOAT16
    outputs = [(o.name, o.type.tensor_type.elem_type == bf16,
                value_kind(o.type)) for o in model.graph.output]
    return inputs, outputs


def shape_text(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def static_compile_flags(values):
    """geflow-compile flags giving the contents of sequence and optional
    inputs (and the shapes of tensor inputs) of one data set: {name: value}."""
    seqs, shapes = [], []
    for name, value in values.items():
        if isinstance(value, NoValue):
            seqs.append(f"{name}:none")
        elif isinstance(value, Sequence):
            seqs.append(f"{name}:" + ",".join(shape_text(a.shape) for a in value))
        elif name in values.composite_tensors:
            seqs.append(f"{name}:{shape_text(value.shape)}")
        else:
            shapes.append(f"{name}:" + ",".join(str(d) for d in value.shape))
    flags = []
    if seqs:
        flags.append("--input_sequence_shape=" + ";".join(seqs))
    if shapes:
        flags.append("--input_shape=" + ";".join(shapes))
    return flags


class DataSetValues(dict):
    """A data set's input values by name; composite_tensors names the
    optional inputs that hold a tensor."""

    def __init__(self):
        super().__init__()
        self.composite_tensors = set()


def output_file_name(name):
    """geflow-run's file name for an output (run::outputFileName)."""
    out = re.sub(r"[^A-Za-z0-9_.\-]", "_", name or "output")
    return "_" if out in (".", "..") else out


def bf16_to_f32(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def compare(name, got, expected, is_bf16, tolerance=None):
    """None when `got` matches `expected`, else what differs; `tolerance`
    (rtol, atol) replaces the dtype's."""
    if expected.dtype == object and got.dtype.kind in "US":
        got = got.astype(object)  # geflow-run writes strings as 'U' / 'S'
    if got.shape != expected.shape:
        return (f"output '{name}': shape {list(got.shape)}, expected "
                f"{list(expected.shape)}")
    if got.dtype != expected.dtype:
        return f"output '{name}': dtype {got.dtype}, expected {expected.dtype}"
    if tolerance is not None and got.dtype.kind == "f":
        rtol, atol = tolerance
    elif is_bf16:
        got, expected = bf16_to_f32(got), bf16_to_f32(expected)
        rtol, atol = BFLOAT16_TOLERANCE
    elif got.dtype in TOLERANCES:
        rtol, atol = TOLERANCES[got.dtype]
    else:
        if got.dtype.kind in "biuU" or got.dtype == object:
            bad = got != expected
            if not np.any(bad):
                return None
            i = np.argwhere(bad)[0]
            return (f"output '{name}': {int(np.sum(bad))} of {got.size} "
                    f"values differ, first at {list(i)}: "
                    f"{got[tuple(i)]!r} vs expected {expected[tuple(i)]!r}")
        rtol, atol = (0.0, 0.0)
    g = got.astype(np.float64)
    e = expected.astype(np.float64)
    with np.errstate(invalid="ignore"):
        nan_mismatch = np.isnan(g) != np.isnan(e)
        inf = np.isinf(e) | np.isinf(g)
        close = np.abs(g - e) <= atol + rtol * np.abs(e)
        bad = nan_mismatch | (inf & (g != e)) | (
            ~inf & ~np.isnan(e) & ~np.isnan(g) & ~close)
    if not np.any(bad):
        return None
    i = tuple(np.argwhere(bad)[0])
    with np.errstate(invalid="ignore"):
        err = np.nanmax(np.where(bad & ~inf, np.abs(g - e), 0.0))
    return (f"output '{name}': {int(np.sum(bad))} of {got.size} values "
            f"beyond rtol {rtol:g} atol {atol:g} (max abs error {err:.3g}), "
            f"first at {list(i)}: {g[i]!r} vs expected {e[i]!r}")


def compare_value(name, out_dir, want, is_bf16, tolerance=None):
    """None when the output `name` geflow-run wrote matches `want`;
    `tolerance` (rtol, atol) replaces the dtype's."""
    base = os.path.join(out_dir, output_file_name(name))
    if isinstance(want, NoValue):
        if os.path.exists(base + ".none"):
            return None
        return f"output '{name}': holds a value, expected none"
    if isinstance(want, Sequence):
        if not os.path.isdir(base):
            return f"geflow-run wrote no sequence output '{name}'"
        count = len(os.listdir(base))
        if count != len(want):
            return (f"output '{name}': a sequence of {count} tensor(s), "
                    f"expected {len(want)}")
        for i, w in enumerate(want):
            problem = compare(f"{name}[{i}]",
                              np.load(os.path.join(base, f"{i}.npy")), w,
                              is_bf16, tolerance)
            if problem:
                return problem
        return None
    if not os.path.exists(base + ".npy"):
        return f"geflow-run wrote no output '{name}'"
    return compare(name, np.load(base + ".npy"), want, is_bf16, tolerance)


def data_set_files(data_set):
    in_files = sorted(glob.glob(os.path.join(data_set, "input_*.pb")),
                      key=lambda p: int(re.findall(r"\d+", p)[-1]))
    out_files = sorted(glob.glob(os.path.join(data_set, "output_*.pb")),
                       key=lambda p: int(re.findall(r"\d+", p)[-1]))
    return in_files, out_files


def load_inputs(data_set, inputs):
    """The data set's input values (DataSetValues)."""
    values = DataSetValues()
    kinds = dict(inputs)
    names = [n for n, _ in inputs]
    for i, path in enumerate(data_set_files(data_set)[0]):
        # Data sets name their values, or rely on the input order; the
        # kind comes from the model.
        kind = kinds.get(names[i]) if i < len(names) else "tensor"
        tname, value = load_value(path, kind)
        iname = tname if tname in kinds else names[i]
        if kinds[iname] != kind:
            tname, value = load_value(path, kinds[iname])
        values[iname] = value
        if kinds[iname] == "optional" and isinstance(value, np.ndarray):
            values.composite_tensors.add(iname)
    return values


def run_data_set(test, data_set, gfm, inputs, outputs, args, workdir):
    """None when the data set passes, else (status, reason)."""
    name = os.path.basename(data_set)
    in_files, out_files = data_set_files(data_set)
    if len(in_files) > len(inputs) or len(out_files) != len(outputs):
        return "failed", (f"{name}: {len(in_files)} inputs / {len(out_files)} "
                          f"outputs, the model has {len(inputs)} / "
                          f"{len(outputs)}")
    cmd = [args.geflow_run, f"--model={gfm}"]
    try:
        for i, (iname, value) in enumerate(load_inputs(data_set, inputs).items()):
            if isinstance(value, NoValue):
                cmd.append(f"--input={iname}=none")
                continue
            if isinstance(value, Sequence):
                path = os.path.join(workdir, f"{name}_in{i}")
                os.makedirs(path)
                for k, array in enumerate(value):
                    np.save(os.path.join(path, f"{k}.npy"),
                            to_npy_array(array), allow_pickle=False)
            else:
                path = os.path.join(workdir, f"{name}_in{i}.npy")
                np.save(path, to_npy_array(value), allow_pickle=False)
            cmd.append(f"--input={iname}={path}")
        expected = [load_value(p, kind)
                    for p, (_, _, kind) in zip(out_files, outputs)]
        if WINDOW_TEST.match(test):
            size = load_tensor(in_files[0])[1]
            expected = [(expected[0][0], spec_window(test, size))]
    except Exception as e:  # maps, unreadable data
        return "skipped", f"unsupported: test data {name}: {e}"
    out_dir = os.path.join(workdir, name + "_out")
    cmd.append(f"--output-dir={out_dir}")
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              errors="replace", timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return "crashed", f"{name}: geflow-run timed out after {args.timeout} s"
    except OSError as e:
        return "failed", f"{name}: cannot run geflow-run: {e}"
    if is_crash(proc):
        return "crashed", (f"{name}: geflow-run exit {proc.returncode}: "
                           f"{first_problem(proc.stderr)}")
    if proc.returncode != 0:
        # A run can meet a case geflow names as unsupported only when it
        # sees the values (training-mode Dropout with a run-time ratio).
        return (classify_compile_error(proc.stderr),
                f"{name}: {first_problem(proc.stderr)}")
    for (oname, is_bf16, _), (_, want) in zip(outputs, expected):
        problem = compare_value(oname, out_dir, want, is_bf16,
                                ROUNDED_EXPECTED_TOLERANCE.get(test))
        if problem:
            return "failed", f"{name}: {problem}"
    return None


def compile_model(model, flags, gfm_base, args):
    """(None, gfm path) or ((status, reason), None)."""
    # Mixed compute: ops without a device kernel run on the host CPU
    # engine, as ONNX Runtime's CPU provider would run them.
    cmd = [args.geflow_compile, f"--model={model}", "--framework=onnx",
           "--mix_compile_mode=true", f"--output={gfm_base}"] + flags
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              errors="replace", timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return ("crashed", f"geflow-compile timed out after {args.timeout} s"), None
    except OSError as e:
        return ("failed", f"cannot run geflow-compile: {e}"), None
    if is_crash(proc):
        return ("crashed", (f"geflow-compile exit {proc.returncode}: "
                            f"{first_problem(proc.stderr)}")), None
    gfm = gfm_base + ".gfm"
    if proc.returncode != 0:
        if os.path.exists(gfm):
            return ("failed", "a failed compile left an output file"), None
        return (classify_compile_error(proc.stderr),
                first_problem(proc.stderr)), None
    if not os.path.exists(gfm):
        return ("failed", "geflow-compile exit 0 but no .gfm"), None
    return None, gfm


def run_one(test, args):
    start = time.monotonic()
    test_dir = os.path.join(args.data, test)
    model = os.path.join(test_dir, "model.onnx")
    workdir = tempfile.mkdtemp(prefix=test + "-", dir=args.workdir)
    try:
        try:
            inputs, outputs = model_io(model)
        except Exception as e:
            inputs, outputs = None, None
            io_error = e
        # Sequence and optional inputs are compiled in: once per data set.
        per_data_set = inputs is not None and any(
            kind != "tensor" for _, kind in inputs)
        compiled = {}  # flags -> gfm
        if not per_data_set:
            problem, gfm = compile_model(model, [], os.path.join(workdir, "model"),
                                         args)
            if problem:
                return (test,) + problem
            if inputs is None:
                return test, "failed", f"cannot read the model's inputs: {io_error}"
        data_sets = sorted(glob.glob(os.path.join(test_dir, "test_data_set_*")))
        if not data_sets:
            return test, "failed", "no test_data_set_* directory"
        for data_set in data_sets:
            if time.monotonic() - start > args.timeout:
                return test, "crashed", f"timed out after {args.timeout} s"
            if per_data_set:
                try:
                    flags = static_compile_flags(load_inputs(data_set, inputs))
                except Exception as e:
                    return test, "skipped", f"unsupported: test data: {e}"
                key = "\n".join(flags)
                if key not in compiled:
                    problem, gfm = compile_model(
                        model, flags,
                        os.path.join(workdir, f"model{len(compiled)}"), args)
                    if problem:
                        return (test,) + problem
                    compiled[key] = gfm
                gfm = compiled[key]
            problem = run_data_set(test, data_set, gfm, inputs, outputs, args,
                                   workdir)
            if problem:
                return (test,) + problem
        return test, "passed", ""
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def read_expected(path):
    with open(path) as f:
        return {l.split("#")[0].strip() for l in f} - {""}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    build_bin = os.path.join(here, "..", "..", "build", "bin")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--geflow-compile",
                        default=os.path.join(build_bin, "geflow-compile"))
    parser.add_argument("--geflow-run",
                        default=os.path.join(build_bin, "geflow-run"))
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60,
                        help="seconds per test (compile and all data sets)")
    parser.add_argument("--filter", default="", help="regex on test names")
    parser.add_argument("--expected", help="file of tests that must pass")
    parser.add_argument("--write-expected",
                        help="write the passing tests to this file")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list every failed and skipped test with its reason")
    args = parser.parse_args()

    if not os.path.isdir(args.data):
        print(f"error: no ONNX node tests at {args.data} "
              "(install libonnx-testdata)", file=sys.stderr)
        return 2
    tests = sorted(t for t in os.listdir(args.data)
                   if os.path.isfile(os.path.join(args.data, t, "model.onnx"))
                   and re.search(args.filter, t))
    ops = onnx_op_names()
    results = []
    with tempfile.TemporaryDirectory(prefix="geflow-onnx-node-") as workdir:
        args.workdir = workdir
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = [pool.submit(run_one, t, args) for t in tests]
            for future in concurrent.futures.as_completed(futures):
                results.append(future.result())
    results.sort()

    per_category = collections.defaultdict(collections.Counter)
    totals = collections.Counter()
    failures = collections.Counter()
    skips = collections.Counter()
    for test, status, reason in results:
        per_category[category_of(test, ops)][status] += 1
        totals[status] += 1
        generic = re.sub(r"'[^']*'", "'...'", reason)
        generic = re.sub(r"test_data_set_\d+: ", "", generic)
        generic = re.sub(r"\d[\d.e+-]*", "N", generic)[:110]
        if status in ("failed", "crashed"):
            failures[generic] += 1
        elif status == "skipped":
            skips[re.sub(r"\(nodes? [^)]*\)", "", reason)[:110]] += 1

    print("category: passed failed skipped")
    for cat in sorted(per_category):
        c = per_category[cat]
        print(f"  {cat}: {c['passed']} {c['failed'] + c['crashed']} {c['skipped']}")
    for test, status, reason in results:
        if status == "crashed" or (args.verbose and status != "passed"):
            print(f"{status.upper()} {test}: {reason}")
    for title, counter in (("most common failures", failures),
                           ("most common skips", skips)):
        if counter:
            print(f"{title}:")
            for reason, count in counter.most_common(12):
                print(f"  {count:4d}  {reason}")

    passing = [t for t, s, _ in results if s == "passed"]
    status = 0
    if args.write_expected:
        with open(args.write_expected, "w") as f:
            f.write("# ONNX node tests that pass end to end "
                    "(onnx_node_tests.py --write-expected).\n")
            f.writelines(t + "\n" for t in passing)
    if args.expected:
        expected = read_expected(args.expected)
        ran = {t for t, _, _ in results}
        by_test = {t: (s, r) for t, s, r in results}
        regressions = sorted(t for t in expected & ran
                             if by_test[t][0] != "passed")
        missing = sorted(t for t in expected - ran if not args.filter)
        new = sorted(set(passing) - expected)
        for t in regressions:
            print(f"REGRESSION {t}: {by_test[t][0]}: {by_test[t][1]}")
        for t in missing:
            print(f"REGRESSION {t}: listed as passing but not found")
        if new:
            print(f"{len(new)} passing test(s) not in {args.expected} "
                  "(add them):")
            for t in new:
                print(f"  {t}")
        if regressions or missing:
            print(f"{len(regressions) + len(missing)} expected pass(es) "
                  "regressed")
            status = 1
    if totals["crashed"]:
        print(f"{totals['crashed']} crashed or timed out")
        status = 1
    failed = totals["failed"] + totals["crashed"]
    print(f"{totals['passed']} passed, {failed} failed, {totals['skipped']} skipped")
    return status


if __name__ == "__main__":
    sys.exit(main())
