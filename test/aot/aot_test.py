"""Generated model libraries (geflow-compile --emit=lib / staticlib) end to end.

For the demo CNN (batch gears 1,2,4) and a small transformer encoder
(sequence gears 16,32):
  * the library embeds exactly the .gfm a plain compile writes; its task
    programs are C code (--lib-program=code, the default), and a library
    built with --lib-program=interpreter runs the same gears to the same
    bits;
  * a plain C program (aot_c_test.c, `cc ... -I. -L. -l<name>`) built against
    lib<name>.so, and against lib<name>.a, runs it, and its outputs equal
    the .gfm's (run by geflow-run) bit for bit; its bad calls (NULL data,
    wrong shape or dtype, ...) return an error code and a message;
  * a C++ program (aot_cpp_test) dlopens both libraries into one process and
    checks every gear, sync and async, against the .gfm bit for bit;
  * nm/ldd/readelf: the libraries export exactly the functions their header
    declares and use no LLVM/MLIR symbol or library; with the static runtime
    (default) they do not need libgeflow_runtime.so, with --lib-runtime=shared
    they do; a code library needs no protobuf (an interpreting one does);
  * libcnn.a and libbert.a link into one C program (aot_two_static.c),
    without protobuf, and both run to the .gfm's bits;
  * a missing output directory is created; a program code cannot express
    (external weights) falls back to the interpreter with a note;
  * with external_weight, the weights resolve beside the library wherever
    it is moved (a relative --output), and a missing one is a clear error;
  * a missing C compiler is a clear error;
  * docs/aot.md's C program builds with its build line against the demo CNN's
    library and prints what the page shows, which the .gfm's output gives.

Usage: aot_test.py BUILD_BIN_DIR   (keep it to a few compiler runs: each
library costs a C compile and a link)
"""
import ctypes
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "models"))
import geflow_models  # noqa: E402

BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/bin")
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def geflow_compile(*args, env=None, cwd=None):
    return subprocess.run([os.path.join(BIN, "geflow-compile"), "--quiet", *args],
                          capture_output=True, text=True, env=env, cwd=cwd)


def compile_ok(*args, cwd=None):
    r = geflow_compile(*args, cwd=cwd)
    if r.returncode != 0:
        print(r.stderr)
    check(r.returncode == 0, "geflow-compile " + " ".join(args[1:]))
    return r


def gfm_output(gfm, input_name, x, outdir, output):
    os.makedirs(outdir, exist_ok=True)
    np.save(os.path.join(outdir, "in.npy"), x)
    subprocess.run([os.path.join(BIN, "geflow-run"), "--model=" + gfm,
                    f"--input={input_name}={os.path.join(outdir, 'in.npy')}",
                    "--output-dir=" + outdir], check=True, stdout=subprocess.DEVNULL)
    return np.load(os.path.join(outdir, output + ".npy"))


def c_program(tmp, name, lib_dir, extra, label):
    exe = os.path.join(tmp, f"c_{label}")
    cmd = ["cc", "-std=c99", "-Wall", "-Werror", f"-DLIB={name}",
           os.path.join(HERE, "aot_c_test.c"), f"-I{lib_dir}", f"-L{lib_dir}", f"-l{name}",
           "-o", exe, *extra]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        print(" ".join(cmd) + "\n" + r.stderr)
    check(r.returncode == 0, f"{label}: cc test.c -I. -L. -l{name} builds")
    return exe


def c_run(exe, x, tmp, label):
    inp, out = os.path.join(tmp, label + ".in"), os.path.join(tmp, label + ".out")
    x.tofile(inp)
    r = subprocess.run([exe, inp, out, *map(str, x.shape)], capture_output=True, text=True)
    print(r.stdout, end="")
    check(r.returncode == 0, f"{label}: the C program's checks pass")
    return np.fromfile(out, np.float32) if os.path.exists(out) else None


def declared_functions(header):
    with open(header) as f:
        text = f.read()
    return set(re.findall(r"\b(\w+)\((?:void|[^()]*)\);", text))


def symbol_checks(lib, header, shared_runtime, protobuf=False):
    name = os.path.basename(lib)
    exported = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True,
                              text=True, check=True).stdout
    exported = {line.split()[-1] for line in exported.splitlines() if line.strip()}
    declared = declared_functions(header)
    check(exported == declared and len(declared) >= 15,
          f"{name}: exports exactly the {len(declared)} functions its header declares"
          + ("" if exported == declared else f" (extra {sorted(exported - declared)[:5]},"
                                              f" missing {sorted(declared - exported)[:5]})"))
    symbols = subprocess.run(["nm", "-C", lib], capture_output=True, text=True).stdout
    symbols += subprocess.run(["nm", "-D", "-C", lib], capture_output=True, text=True).stdout
    bad = [s for s in symbols.splitlines() if re.search(r"\b(llvm|mlir)::", s)]
    check(not bad, f"{name}: no LLVM/MLIR symbols {bad[:3]}")
    ldd = subprocess.run(["ldd", lib], capture_output=True, text=True, check=True).stdout
    deps = [line.split()[0] for line in ldd.splitlines() if line.strip()]
    check(not [d for d in deps if re.search(r"llvm|mlir|clang", d, re.I)],
          f"{name}: no LLVM/MLIR libraries ({' '.join(deps)})")
    needed = subprocess.run(["readelf", "-d", lib], capture_output=True, text=True,
                            check=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", needed)
    if not shared_runtime:
        uses_protobuf = any("protobuf" in d for d in deps + needed)
        check(uses_protobuf == protobuf,
              f"{name}: {'needs' if protobuf else 'no'} protobuf (ldd, readelf -d NEEDED: "
              f"{' '.join(needed)})")
    uses_runtime = any("libgeflow_runtime" in d for d in deps)
    check(uses_runtime == shared_runtime,
          f"{name}: {'needs' if shared_runtime else 'does not need'} libgeflow_runtime.so")


def embedded_executable(lib, name, gfm):
    handle = ctypes.CDLL(lib, mode=os.RTLD_LOCAL)
    fn = getattr(handle, name + "_executable")
    fn.restype = ctypes.c_void_p
    fn.argtypes = [ctypes.POINTER(ctypes.c_size_t)]
    size = ctypes.c_size_t()
    address = fn(ctypes.byref(size))
    with open(gfm, "rb") as f:
        want = f.read()
    check(address % 4096 == 0 and ctypes.string_at(address, size.value) == want,
          f"lib{name}.so embeds the .gfm ({size.value} bytes) 4096-byte aligned")


def docs_example(tmp):
    """docs/aot.md's C program, built and run as the page says."""
    with open(os.path.join(HERE, "..", "..", "docs", "aot.md")) as f:
        text = f.read()
    program = [b for b in re.findall(r"^```c\n(.*?)^```", text, flags=re.S | re.M)
               if "int main" in b]
    shown = re.search(r"^\./app\n```\n\n```text\n(.*?)^```", text, flags=re.S | re.M)
    check(len(program) == 1 and shown is not None, "docs/aot.md has the C program and its output")
    if not program or not shown:
        return
    lines = len(program[0].strip().splitlines())
    check(lines <= 26, f"docs/aot.md's C program is short ({lines} lines)")
    d = os.path.join(tmp, "doc")
    os.makedirs(d)
    onnx.save(geflow_models.MODELS["resnet_small"](), os.path.join(d, "small_cnn.onnx"))
    compile_ok("--model=" + os.path.join(d, "small_cnn.onnx"),
               "--output=" + os.path.join(d, "small_cnn"), "--emit=lib")
    compile_ok("--model=" + os.path.join(d, "small_cnn.onnx"),
               "--output=" + os.path.join(d, "small_cnn"))
    with open(os.path.join(d, "app.c"), "w") as f:
        f.write(program[0])
    build = re.search(r"^(cc app\.c .*)$", text, flags=re.M).group(1)
    r = subprocess.run(build, shell=True, cwd=d, capture_output=True, text=True)
    check(r.returncode == 0, f"docs/aot.md's build line works: {build} {r.stderr}")
    r = subprocess.run(["./app"], cwd=d, capture_output=True, text=True)
    check(r.returncode == 0 and r.stdout == shown.group(1),
          f"docs/aot.md's program prints what the page shows: {r.stdout!r}")
    x = (np.arange(3 * 32 * 32) % 7).astype(np.float32) / np.float32(7)
    logits = gfm_output(os.path.join(d, "small_cnn.gfm"), "image", x.reshape(1, 3, 32, 32),
                        os.path.join(d, "ref"), "logits").ravel()
    best = int(np.argmax(logits))
    check(shown.group(1) == f"class {best}, logit {logits[best]:.4f}\n",
          "the page's output is the .gfm's for the same input")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        cnn = geflow_models.resnet(image=32, blocks=(1, 1, 1), base=8, bottleneck=False,
                                   classes=10, batch_dim="N")
        bert = geflow_models.transformer(seq=32, hidden=64, heads=4, layers=2, ffn=128,
                                         seq_dim="S")
        onnx.save(cnn, os.path.join(tmp, "cnn.onnx"))
        onnx.save(bert, os.path.join(tmp, "bert.onnx"))
        cnn_flags = ["--input_shape=image:-1,3,32,32", "--dynamic_batch_size=1,2,4"]
        bert_flags = ["--input_shape=hidden:1,-1,64", "--dynamic_dims=16;32"]
        lib_dir = os.path.join(tmp, "lib")
        static_dir = os.path.join(tmp, "static", "made")  # created by geflow-compile
        interp_dir = os.path.join(tmp, "interp")
        os.makedirs(lib_dir)
        for name, flags in (("cnn", cnn_flags), ("bert", bert_flags)):
            compile_ok("--model=" + os.path.join(tmp, name + ".onnx"),
                       "--output=" + os.path.join(lib_dir, name), *flags)
        compile_ok("--model=" + os.path.join(tmp, "cnn.onnx"),
                   "--output=" + os.path.join(lib_dir, "cnn"), "--emit=lib", *cnn_flags)
        compile_ok("--model=" + os.path.join(tmp, "bert.onnx"),
                   "--output=" + os.path.join(lib_dir, "bert"), "--emit=lib",
                   "--lib-runtime=shared", *bert_flags)
        for name, flags in (("cnn", cnn_flags), ("bert", bert_flags)):
            compile_ok("--model=" + os.path.join(tmp, name + ".onnx"),
                       "--output=" + os.path.join(static_dir, name), "--emit=staticlib",
                       *flags)
        check(sorted(os.listdir(static_dir)) == ["bert.h", "cnn.h", "libbert.a", "libcnn.a"],
              "--emit=staticlib writes lib<name>.a and <name>.h only, into a directory "
              "it creates")
        compile_ok("--model=" + os.path.join(tmp, "cnn.onnx"),
                   "--output=" + os.path.join(interp_dir, "cnn"), "--emit=lib",
                   "--lib-program=interpreter", *cnn_flags)
        with open(os.path.join(lib_dir, "cnn.h")) as f:
            header = f.read()
        check("cc app.c -I. -L. -lcnn -Wl,-rpath,'$ORIGIN'" in header,
              "cnn.h gives the build line")
        r = geflow_compile("--model=" + os.path.join(tmp, "cnn.onnx"),
                           "--output=" + os.path.join(tmp, "bad", "cnn"), "--emit=lib",
                           "--lib-program=jit", *cnn_flags)
        check(r.returncode != 0 and "--lib-program=jit is not one of code, interpreter"
              in r.stderr, "a bad --lib-program is a clear error")
        embedded_executable(os.path.join(lib_dir, "libcnn.so"), "cnn",
                            os.path.join(lib_dir, "cnn.gfm"))

        symbol_checks(os.path.join(lib_dir, "libcnn.so"), os.path.join(lib_dir, "cnn.h"),
                      shared_runtime=False)
        symbol_checks(os.path.join(lib_dir, "libbert.so"), os.path.join(lib_dir, "bert.h"),
                      shared_runtime=True)
        symbol_checks(os.path.join(interp_dir, "libcnn.so"), os.path.join(interp_dir, "cnn.h"),
                      shared_runtime=False, protobuf=True)

        # The plain C program, against the shared and the static library.
        rng = np.random.default_rng(5)
        x_cnn = rng.standard_normal((2, 3, 32, 32)).astype(np.float32)  # gear 1
        x_bert = rng.standard_normal((1, 16, 64)).astype(np.float32)  # gear 0
        want_cnn = gfm_output(os.path.join(lib_dir, "cnn.gfm"), "image", x_cnn,
                              os.path.join(tmp, "ref_cnn"), "logits")
        want_bert = gfm_output(os.path.join(lib_dir, "bert.gfm"), "hidden", x_bert,
                               os.path.join(tmp, "ref_bert"), "encoded")
        rpath = ["-Wl,-rpath," + lib_dir]
        exe = c_program(tmp, "cnn", lib_dir, rpath, "cnn")
        got = c_run(exe, x_cnn, tmp, "cnn")
        check(got is not None and np.array_equal(got, want_cnn.ravel()),
              "C program on libcnn.so (batch-2 gear): equals the .gfm bit for bit")
        exe = c_program(tmp, "bert", lib_dir, rpath, "bert")
        got = c_run(exe, x_bert, tmp, "bert")
        check(got is not None and np.array_equal(got, want_bert.ravel()),
              "C program on libbert.so (shared runtime, seq-16 gear): equals the .gfm")
        exe = c_program(tmp, "cnn", static_dir, ["-lstdc++", "-lm", "-pthread"], "cnn_static")
        got = c_run(exe, x_cnn, tmp, "cnn_static")
        check(got is not None and np.array_equal(got, want_cnn.ravel()),
              "C program linked with libcnn.a (no protobuf): equals the .gfm bit for bit")

        # Two static libraries, each with the runtime's objects, in one program.
        exe = os.path.join(tmp, "two_static")
        cmd = ["cc", "-std=c99", "-Wall", "-Werror", os.path.join(HERE, "aot_two_static.c"),
               f"-I{static_dir}", f"-L{static_dir}", "-lcnn", "-lbert", "-lstdc++", "-lm",
               "-pthread", "-o", exe]
        r = subprocess.run(cmd, capture_output=True, text=True)
        check(r.returncode == 0, "cc two.c -lcnn -lbert: two static libraries link into one "
              "program " + r.stderr[-2000:])
        files = [os.path.join(tmp, f) for f in ("two_cnn.in", "two_cnn.out", "two_bert.in",
                                                  "two_bert.out")]
        x_cnn.tofile(files[0])
        x_bert.tofile(files[2])
        r = subprocess.run([exe, *files], capture_output=True, text=True, timeout=60)
        print(r.stdout + r.stderr, end="")
        check(r.returncode == 0 and
              np.array_equal(np.fromfile(files[1], np.float32), want_cnn.ravel()) and
              np.array_equal(np.fromfile(files[3], np.float32), want_bert.ravel()),
              "libcnn.a + libbert.a in one program: both equal their .gfm bit for bit")

        # Both libraries in one process, every gear, against the .gfm.
        r = subprocess.run([os.path.join(BIN, "geflow_aot_cpp_test"), lib_dir, "cnn", "bert"],
                           capture_output=True, text=True, timeout=120)
        print(r.stdout + r.stderr, end="")
        check(r.returncode == 0, "C++ program: two libraries in one process, every gear")
        os.symlink(os.path.join(lib_dir, "cnn.gfm"), os.path.join(interp_dir, "cnn.gfm"))
        r = subprocess.run([os.path.join(BIN, "geflow_aot_cpp_test"), interp_dir, "cnn"],
                           capture_output=True, text=True, timeout=120)
        print(r.stdout + r.stderr, end="")
        check(r.returncode == 0, "C++ program: --lib-program=interpreter, every gear")

        # A program on 4 streams with events: the code runs its tasks in order.
        streams_dir = os.path.join(tmp, "streams")
        os.makedirs(streams_dir)
        summary = os.path.join(tmp, "streams.json")
        for extra in (["--summary-json=" + summary], ["--emit=lib"]):
            compile_ok("--model=" + os.path.join(tmp, "bert.onnx"),
                       "--output=" + os.path.join(streams_dir, "bert"),
                       "--stream_max_parallel_num=4", *bert_flags, *extra)
        with open(summary) as f:
            summary = json.load(f)
        check(summary["streams"] > 1 and summary["events"] > 0,
              f"the transformer on {summary['streams']} streams with {summary['events']} events")
        r = subprocess.run([os.path.join(BIN, "geflow_aot_cpp_test"), streams_dir, "bert"],
                           capture_output=True, text=True, timeout=120)
        print(r.stdout + r.stderr, end="")
        check(r.returncode == 0, "C++ program: a multi-stream program as code, every gear")

        docs_example(tmp)

        # external_weight: weight/ beside the library, found after a move.
        os.makedirs(os.path.join(tmp, "ext"))
        for extra in ([], ["--emit=lib"]):
            r = compile_ok("--model=cnn.onnx", "--output=ext/cnn", "--external_weight=true",
                           *cnn_flags, *extra, cwd=tmp)
        check("the task program is interpreted, not emitted as code: its weights are "
              "external files" in r.stderr, "external weights: falls back to the interpreter "
              "with a note")
        moved = os.path.join(tmp, "ext_moved")
        os.rename(os.path.join(tmp, "ext"), moved)
        check(len(os.listdir(os.path.join(moved, "weight"))) > 0, "external weight files written")
        r = subprocess.run([os.path.join(BIN, "geflow_aot_cpp_test"), moved, "cnn"],
                           capture_output=True, text=True, timeout=120)
        check(r.returncode == 0, "external weights resolve beside the moved library")
        for f in os.listdir(os.path.join(moved, "weight")):
            os.remove(os.path.join(moved, "weight", f))
        r = subprocess.run([os.path.join(BIN, "geflow_aot_cpp_test"), moved, "cnn"],
                           capture_output=True, text=True, timeout=120)
        check(r.returncode != 0 and "cnn_create" in r.stdout and "external weight file" in r.stdout,
              "a missing external weight file is a clear error of cnn_create")

        # A missing compiler is a clear error and leaves nothing behind.
        env = dict(os.environ, CC="/nonexistent/cc")
        out = os.path.join(tmp, "nocc", "cnn")
        os.makedirs(os.path.dirname(out))
        r = geflow_compile("--model=" + os.path.join(tmp, "cnn.onnx"), "--output=" + out,
                           "--emit=lib", *cnn_flags, env=env)
        check(r.returncode != 0 and "/nonexistent/cc" in r.stderr and "C compiler" in r.stderr
              and os.listdir(os.path.dirname(out)) == [],
              "a missing C compiler is a clear error, nothing written: "
              + r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "(no message)")
    print(f"{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
