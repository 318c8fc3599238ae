"""Compiles the small ResNet with and without OP_NO_REUSE_MEM and compares
the arenas (from the npu stage) and the outputs of one run each."""
import os
import re
import subprocess
import sys

import numpy as np

tmp, compile_tool, run_tool = sys.argv[1:4]
model = os.path.join(tmp, "rs.onnx")


def arena(env):
    text = subprocess.run([compile_tool, f"--model={model}", "--emit=mlir",
                           "--mlir-stage=npu", "--output=-"], env=env,
                          check=True, capture_output=True, text=True).stdout
    return int(re.search(r"arena_size = (\d+)", text).group(1))


def outputs(env, name):
    subprocess.run([compile_tool, f"--model={model}",
                    f"--output={tmp}/{name}"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    x = np.random.default_rng(5).standard_normal((1, 3, 32, 32)).astype(np.float32)
    np.save(f"{tmp}/x.npy", x)
    out = f"{tmp}/{name}_out"
    subprocess.run([run_tool, f"--model={tmp}/{name}.gfm", f"--input=image={tmp}/x.npy",
                    f"--output-dir={out}"], check=True, stdout=subprocess.DEVNULL)
    return np.load(f"{out}/logits.npy")


plain = dict(os.environ)
plain.pop("OP_NO_REUSE_MEM", None)
no_reuse = dict(plain, OP_NO_REUSE_MEM="Conv2D, Relu")
a, b = arena(plain), arena(no_reuse)
print(f"reuse arena {a} B {'<' if a < b else '>='} no-reuse arena {b} B")
same = np.array_equal(outputs(plain, "reuse"), outputs(no_reuse, "noreuse"))
print("outputs equal" if same else "outputs differ")
pipeline = subprocess.run([compile_tool, f"--model={model}", "--print-pipeline"],
                          env=no_reuse, check=True, capture_output=True,
                          text=True).stdout
print("pipeline:", pipeline.strip())
