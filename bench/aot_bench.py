"""Generated model libraries (--emit=lib) against the .gfm executor.

For a tiny model (one Relu on float32[1,16]) and ResNet-18 (224x224, basic
blocks [2,2,2,2]) compiles a .gfm and lib<name>.so twice: with the task
program as code (--lib-program=code, the default) and interpreting the
embedded .gfm (--lib-program=interpreter). For each library, one run of
geflow_bench_aot times load (dlopen + create vs Model::load) and per-run
latency of NAME_run vs Model::run (median and mean, alternating blocks, in
one process), and the sizes of the libraries and the .gfm are printed.

Usage: aot_bench.py --bin BUILD/bin [--runs N] [--cores N]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import onnx
from onnx import TensorProto, helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test",
                                "models"))
import geflow_models  # noqa: E402


def tiny():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "tiny", [x], [y])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    return m


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default="build/bin")
    parser.add_argument("--runs", type=int, default=0, help="runs per model (default: by size)")
    parser.add_argument("--cores", type=int, default=0, help="AI cores (0: host cores)")
    args = parser.parse_args()
    models = [("tiny", tiny(), 2000),
              ("resnet18", geflow_models.resnet(image=224, blocks=(2, 2, 2, 2), base=64,
                                                bottleneck=False, classes=1000), 100)]
    print(f"{'model':9} {'library':12} {'.gfm':>8} {'lib.so':>8} {'dlopen':>8} "
          f"{'create':>9} {'load gfm':>9} {'1st create':>10} {'run lib':>10} {'run gfm':>10} "
          f"{'lib-gfm':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, model, runs in models:
            path = os.path.join(tmp, name + ".onnx")
            onnx.save(model, path)
            out = os.path.join(tmp, name)
            compile_args = [os.path.join(args.bin, "geflow-compile"), "--model=" + path,
                            "--quiet"]
            subprocess.run([*compile_args, "--output=" + out], check=True)
            for program in ("code", "interpreter"):
                lib_dir = os.path.join(tmp, program)
                subprocess.run([*compile_args, "--output=" + os.path.join(lib_dir, name),
                                "--emit=lib", "--lib-program=" + program], check=True)
                lib = os.path.join(lib_dir, "lib" + name + ".so")
                r = subprocess.run([os.path.join(args.bin, "geflow_bench_aot"), "--lib=" + lib,
                                    "--name=" + name, "--gfm=" + out + ".gfm",
                                    f"--runs={args.runs or runs}", f"--cores={args.cores}"],
                                   check=True, capture_output=True, text=True)
                f = json.loads(r.stdout)
                unit, scale = ("us", 1) if f["gfm_run_median_us"] < 1000 else ("ms", 1000)
                print(f"{name:9} {program:12} {os.path.getsize(out + '.gfm') / 1024:6.0f}KB "
                      f"{os.path.getsize(lib) / 1024:6.0f}KB {f['dlopen_us'] / 1000:6.2f}ms "
                      f"{f['lib_load_us'] / 1000:7.2f}ms {f['gfm_load_us'] / 1000:7.2f}ms "
                      f"{f['first_create_us'] / 1000:8.2f}ms "
                      f"{f['lib_run_median_us'] / scale:8.2f}{unit} "
                      f"{f['gfm_run_median_us'] / scale:8.2f}{unit} "
                      f"{(f['lib_run_median_us'] - f['gfm_run_median_us']) / scale:+7.2f}{unit}",
                      flush=True)
    print("run: median of synchronous runs (NAME_run / Model::run on the same inputs); "
          "load: median of 10 create/destroy vs Model::load on an open device; 1st create: "
          "the process's first create, opening the device too")


if __name__ == "__main__":
    main()
