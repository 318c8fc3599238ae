#!/usr/bin/env python3
"""Dynamic shapes benchmark (issue 10): gears and shape ranges.

For a CNN (batch 1..8) and a transformer encoder (sequence 32..128):
  * gear selection: Model::select() per run, in ns (target < 2 us);
  * gear switching: run latency when every run changes gear against
    repeating one gear (no compilation happens at run time: ratio ~1);
  * geared vs static: each gear against a static compile of that shape;
  * shape range: the one ranged executable at each size against a static
    compile of that size (steady state, and the first run at a size, which
    re-tiles every kernel for it).

Usage: gears_bench.py --bin BUILD/bin [--runs N]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import onnx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test",
                                "models"))
import geflow_models  # noqa: E402


def compile_model(bin_dir, onnx_path, out, *flags):
    subprocess.run([os.path.join(bin_dir, "geflow-compile"), "--model=" + onnx_path,
                    "--output=" + out, "--quiet", *flags], check=True)
    return out + ".gfm"


def bench(args, models, shapes):
    """Times {label: gfm} at `shapes` in one interleaved run."""
    text = ",".join("x".join(map(str, s)) for s in shapes)
    cmd = [os.path.join(args.bin, "geflow_bench_gears"), "--shapes=" + text,
           f"--runs={args.runs}"] + [f"--model={k}:{v}" for k, v in models.items()]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def geomean(values):
    product = 1.0
    for v in values:
        product *= v
    return product ** (1 / len(values))


def case(args, tmp, label, model, name, shape_of, gear_flags, gears, range_text, sizes,
         dyn_shape):
    path = os.path.join(tmp, label + ".onnx")
    onnx.save(model, path)
    models = {
        "geared": compile_model(args.bin, path, os.path.join(tmp, label + "_geared"),
                                f"--input_shape={name}:{dyn_shape}", *gear_flags),
        "ranged": compile_model(args.bin, path, os.path.join(tmp, label + "_ranged"),
                                f"--input_shape_range={name}:[{range_text}]"),
    }
    values = sorted(set(gears) | set(sizes))
    for v in values:
        shape = ",".join(map(str, shape_of(v)))
        models[f"static{v}"] = compile_model(args.bin, path, os.path.join(tmp, f"{label}_{v}"),
                                             f"--input_shape={name}:{shape}")
    res = bench(args, models, [shape_of(v) for v in values])
    m = res["models"]
    at = {v: i for i, v in enumerate(values)}

    def static(v, key="steady_us"):
        return m[f"static{v}"][key][at[v]]

    g, r = m["geared"], m["ranged"]
    print(f"\n== {label}: gears {gears} ({res['cores']} AI cores, median of {args.runs} "
          "interleaved runs)")
    print(f"{'gear':>6} {'select ns':>10} {'steady us':>10} {'switching us':>13} "
          f"{'switch/steady':>14} {'static us':>10} {'geared/static':>14} {'first us':>9}")
    worst_select = 0.0
    switch_ratios, static_ratios = [], []
    for v in gears:
        i = at[v]
        worst_select = max(worst_select, g["select_ns"][i])
        switch_ratios.append(g["switching_us"][i] / g["steady_us"][i])
        static_ratios.append(g["steady_us"][i] / static(v))
        print(f"{v:>6} {g['select_ns'][i]:>10.0f} {g['steady_us'][i]:>10.1f} "
              f"{g['switching_us'][i]:>13.1f} {switch_ratios[-1]:>14.3f} {static(v):>10.1f} "
              f"{static_ratios[-1]:>14.3f} {g['first_us'][i]:>9.1f}")
    print(f"gear selection: at most {worst_select:.0f} ns per run "
          f"({'under' if worst_select < 2000 else 'OVER'} the 2 us target); "
          f"switching/steady geomean {geomean(switch_ratios):.3f}; "
          f"geared/static geomean {geomean(static_ratios):.3f}")

    print(f"\n== {label}: shape range [{range_text}], one executable")
    print(f"{'size':>6} {'ranged us':>10} {'static us':>10} {'ranged/static':>14} "
          f"{'first us':>9} {'static first us':>16}")
    ratios = []
    for v in sizes:
        i = at[v]
        ratios.append(r["steady_us"][i] / static(v))
        print(f"{v:>6} {r['steady_us'][i]:>10.1f} {static(v):>10.1f} {ratios[-1]:>14.3f} "
              f"{r['first_us'][i]:>9.1f} {static(v, 'first_us'):>16.1f}")
    print(f"ranged/static geomean {geomean(ratios):.3f}, worst {max(ratios):.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default="build/bin")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cnn = geflow_models.resnet(image=64, blocks=(1, 1, 1), base=16, bottleneck=False,
                                   classes=10, batch_dim="N")
        case(args, tmp, "cnn", cnn, "image", lambda b: [b, 3, 64, 64],
             ["--dynamic_batch_size=1,2,4,8"], [1, 2, 4, 8], "1~8,3,64,64",
             [1, 2, 3, 4, 5, 6, 7, 8], "-1,3,64,64")
        bert = geflow_models.transformer(seq=32, hidden=128, heads=4, layers=2, ffn=256,
                                         seq_dim="S")
        case(args, tmp, "transformer", bert, "hidden", lambda s: [1, s, 128],
             ["--dynamic_dims=32;64;128"], [32, 64, 128], "1,32~128,128",
             [32, 48, 64, 96, 128], "1,-1,128")


if __name__ == "__main__":
    main()
