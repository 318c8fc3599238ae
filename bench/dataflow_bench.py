#!/usr/bin/env python3
"""DataFlow benchmark (issue 24): a FlowGraph of preprocessing function ->
compiled CNN -> postprocessing function against the same three steps in a
sequential loop, on the same items.

Each step takes time on its own: preprocessing decodes a uint8 HWC image
(area downsampling, normalization, NCHW), the CNN is a small ResNet on
64x64 images, postprocessing is a softmax, top-5 and a per-class histogram.
The pipelined flow overlaps the steps of consecutive items (each node is its
own host thread; the graph runs with the GIL released); the loop runs them
one after another. Both are checked to give the same outputs.

Usage: dataflow_bench.py [--bin BUILD/bin] [--items N] [--repeats R]
"""
import argparse
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "models"))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bin", default=os.path.join(HERE, "..", "build", "bin"))
    p.add_argument("--items", type=int, default=100)
    p.add_argument("--repeats", type=int, default=3)
    return p.parse_args()


MEAN = np.array([0.485, 0.456, 0.406], np.float32).reshape(3, 1, 1)
STD = np.array([0.229, 0.224, 0.225], np.float32).reshape(3, 1, 1)


def preprocess(image):
    """uint8 HWC 256x256 -> normalized float32 NCHW 64x64 (4x4 area mean)."""
    f = image.astype(np.float32) / 255.0
    small = f.reshape(64, 4, 64, 4, 3).mean(axis=(1, 3))
    chw = small.transpose(2, 0, 1)
    return np.ascontiguousarray(((chw - MEAN) / STD)[None])


def postprocess(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    top = np.argsort(-probs, axis=1)[:, :5].astype(np.int64)
    hist = np.stack([np.histogram(probs, bins=32, range=(0, 1))[0] for _ in range(8)])
    return probs, top, hist


def main():
    args = parse_args()
    sys.path.insert(0, os.path.join(os.path.abspath(args.bin), "..", "python"))
    import geflow
    import geflow.dataflow as df
    import geflow_models

    model = geflow_models.resnet(image=64, blocks=(1, 1, 1), base=32, bottleneck=False,
                                 classes=100)
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"dataflow_bench_{os.getpid()}.onnx")
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    try:
        exe = geflow.compile(path)
        rng = np.random.default_rng(0)
        images = [rng.integers(0, 256, (256, 256, 3), dtype=np.uint8)
                  for _ in range(args.items)]

        # Each step alone, for the record.
        x = preprocess(images[0])
        logits = exe.run(x)[0]
        step_ms = {}
        for name, fn in (("preprocess", lambda: preprocess(images[0])),
                         ("cnn", lambda: exe.run(x)),
                         ("postprocess", lambda: postprocess(logits))):
            fn()
            t = time.perf_counter()
            for _ in range(20):
                fn()
            step_ms[name] = (time.perf_counter() - t) / 20 * 1e3

        def sequential():
            return [postprocess(exe.run(preprocess(img))[0]) for img in images]

        df.init({"ge.exec.deviceId": "0"})
        image = df.FlowData()
        pre = df.FlowNode(1, 1, name="pre")
        pre.add_process_point(df.FuncProcessPoint(preprocess))
        cnn = df.FlowNode(1, 1, name="cnn")
        cnn.add_process_point(df.GraphProcessPoint(df.Framework.ONNX, path))
        post = df.FlowNode(1, 3, name="post")
        post.add_process_point(df.FuncProcessPoint(postprocess))
        dag = df.FlowGraph(list(post(cnn(pre(image)))))

        def pipelined():
            out = []
            for img in images:
                status = dag.feed_data({image: img})
                assert status == 0, status
            for _ in images:
                outputs, _, status = dag.fetch_data(timeout=60000)
                assert status == 0, status
                out.append(outputs)
            return out

        pipelined()  # compiles and warms up
        seq_best = pipe_best = float("inf")
        for _ in range(args.repeats):
            t = time.perf_counter()
            expected = sequential()
            seq_best = min(seq_best, time.perf_counter() - t)
            t = time.perf_counter()
            got = pipelined()
            pipe_best = min(pipe_best, time.perf_counter() - t)
            for e, g in zip(expected, got):
                for a, b in zip(e, g):
                    np.testing.assert_array_equal(a, b)
        df.finalize()
    finally:
        os.unlink(path)

    print(f"steps alone (ms/item): " +
          ", ".join(f"{k} {v:.2f}" for k, v in step_ms.items()) +
          f" (sum {sum(step_ms.values()):.2f})")
    print(f"sequential loop: {args.items / seq_best:8.1f} items/s "
          f"({seq_best * 1e3 / args.items:.2f} ms/item, best of {args.repeats})")
    print(f"pipelined flow:  {args.items / pipe_best:8.1f} items/s "
          f"({pipe_best * 1e3 / args.items:.2f} ms/item, best of {args.repeats})")
    print(f"speedup: {seq_best / pipe_best:.2f}x on {os.cpu_count()} host cores "
          "(outputs identical)")


if __name__ == "__main__":
    main()
