"""Dynamic-shape gears end to end (issue 10).

For a CNN with batch gears 1,2,4,8 and a transformer encoder with sequence
gears 32,64,128:
  * every gear's outputs equal, bit for bit, those of a static compile of
    that shape, on the same input;
  * the geared executable's weight blob is byte-identical to the static
    executable's (weights are stored once);
  * the arena is the largest gear's, not the sum of the gears';
and with gear_padding, a batch between gears (3) runs padded in the gear of
batch 4 and matches the static batch-3 compile within fp32 tolerance.

Usage: gears_test.py BUILD_BIN_DIR
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import geflow_models  # noqa: E402

BIN = sys.argv[1] if len(sys.argv) > 1 else "build/bin"
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def compile_model(onnx_path, out, *flags):
    summary = out + ".json"
    subprocess.run([os.path.join(BIN, "geflow-compile"), "--model=" + onnx_path,
                    "--output=" + out, "--quiet", "--summary-json=" + summary, *flags],
                   check=True)
    with open(summary) as f:
        return json.load(f)


def weight_blob(gfm):
    with open(gfm, "rb") as f:
        data = f.read()
    # GfmHeader: magic[8] u32 u32 producer[32] body_off body_size w_off w_size ...
    w_off, w_size = struct.unpack_from("<QQ", data, 8 + 4 + 4 + 32 + 16)
    return data[w_off:w_off + w_size]


def run(gfm, name, x, outdir, output):
    os.makedirs(outdir, exist_ok=True)
    npy = os.path.join(outdir, "in.npy")
    np.save(npy, x)
    subprocess.run([os.path.join(BIN, "geflow-run"), "--model=" + gfm,
                    f"--input={name}={npy}", "--output-dir=" + outdir],
                   check=True, stdout=subprocess.DEVNULL)
    return np.load(os.path.join(outdir, output + ".npy"))


def gear_case(tmp, label, model, input_name, output, shape_of, gear_flags, values, dyn_shape):
    path = os.path.join(tmp, label + ".onnx")
    onnx.save(model, path)
    geared = os.path.join(tmp, label + "_geared")
    gs = compile_model(path, geared, f"--input_shape={input_name}:{dyn_shape}", *gear_flags)
    check(gs["gears"] == len(values), f"{label}: {gs['gears']} gears compiled")
    arenas = []
    rng = np.random.default_rng(11)
    for v in values:
        shape = shape_of(v)
        static = os.path.join(tmp, f"{label}_{v}")
        ss = compile_model(path, static,
                           f"--input_shape={input_name}:{','.join(map(str, shape))}")
        arenas.append(ss["arena_bytes"])
        x = rng.standard_normal(shape).astype(np.float32)
        a = run(geared + ".gfm", input_name, x, os.path.join(tmp, f"{label}_g{v}"), output)
        b = run(static + ".gfm", input_name, x, os.path.join(tmp, f"{label}_s{v}"), output)
        check(a.shape == b.shape and np.array_equal(a, b),
              f"{label}: gear {v} equals the static compile bit for bit")
        check(weight_blob(geared + ".gfm") == weight_blob(static + ".gfm"),
              f"{label}: geared weight blob equals the static {v} one")
    check(gs["arena_bytes"] == max(arenas),
          f"{label}: arena {gs['arena_bytes']} B = largest gear's {max(arenas)} B "
          f"(sum would be {sum(arenas)} B)")
    return path


def main():
    with tempfile.TemporaryDirectory() as tmp:
        cnn = geflow_models.resnet(image=32, blocks=(1, 1, 1), base=8, bottleneck=False,
                                   classes=10, batch_dim="N")
        cnn_path = gear_case(tmp, "cnn", cnn, "image", "logits",
                             lambda b: [b, 3, 32, 32], ["--dynamic_batch_size=1,2,4,8"],
                             [1, 2, 4, 8], "-1,3,32,32")
        bert = geflow_models.transformer(seq=32, hidden=64, heads=4, layers=2, ffn=128,
                                         seq_dim="S")
        gear_case(tmp, "bert", bert, "hidden", "encoded", lambda s: [1, s, 64],
                  ["--dynamic_dims=32;64;128"], [32, 64, 128], "1,-1,64")

        # gear_padding: batch 3 runs in the batch-4 gear.
        padded = os.path.join(tmp, "cnn_padded")
        compile_model(cnn_path, padded, "--input_shape=image:-1,3,32,32",
                      "--dynamic_batch_size=1,2,4,8", "--gear_padding=true")
        static3 = os.path.join(tmp, "cnn_3")
        compile_model(cnn_path, static3, "--input_shape=image:3,3,32,32")
        x = np.random.default_rng(3).standard_normal((3, 3, 32, 32)).astype(np.float32)
        a = run(padded + ".gfm", "image", x, os.path.join(tmp, "pad3"), "logits")
        b = run(static3 + ".gfm", "image", x, os.path.join(tmp, "static3"), "logits")
        check(a.shape == (3, 10) and np.allclose(a, b, rtol=1e-5, atol=1e-5),
              "gear_padding: batch 3 in the batch-4 gear matches a static batch-3 compile")
        np.save(os.path.join(tmp, "big.npy"), np.zeros((9, 3, 32, 32), np.float32))
        bad = subprocess.run([os.path.join(BIN, "geflow-run"), "--model=" + padded + ".gfm",
                              "--input=image=" + os.path.join(tmp, "big.npy")],
                             capture_output=True, text=True)
        check(bad.returncode != 0 and "batch 9 is larger than every gear" in bad.stderr,
              "gear_padding: a batch beyond the largest gear is a clear error")
    print(f"{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
