"""Ops whose output shape depends on input values (docs/onnx-frontend.md).

Slice, Pad and ReduceSum with runtime bounds, pads or axes, TopK, NonZero,
Compress, Unique and NonMaxSuppression run on the host CPU engine (mixed
compute) with the output shape the model declares. Each is checked against
NumPy: exact for indices, copies and selections, rtol = atol = 1e-6 for the
float sums (the host sums in double and rounds once). Values that give a
shape the program was not compiled for fail the run naming both shapes.
"""
import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import geflow

F, I64, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
MIXED = {"mix_compile_mode": "true"}


def model(nodes, inputs, outputs, inits=(), opset=13):
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info(*i) for i in inputs],
        [helper.make_tensor_value_info(*o) for o in outputs],
        [numpy_helper.from_array(v, k) for k, v in inits])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def run(m, feeds):
    return geflow.compile(m, MIXED).run(feeds)


def test_slice_with_runtime_bounds_and_negative_steps(rng):
    x = rng.standard_normal((20, 10, 5)).astype(np.float32)
    m = model([helper.make_node("Slice", ["x", "s", "e", "a", "st"], ["y"])],
              [("x", F, [20, 10, 5]), ("s", I64, [3]), ("e", I64, [3]),
               ("a", I64, [3]), ("st", I64, [3])], [("y", F, [19, 3, 2])])
    exe = geflow.compile(m, MIXED)
    assert [op["type"] for op in exe.summary["host_ops"]] == ["StridedSliceV2"]
    s, e = np.array([20, 10, 4], np.int64), np.array([0, 0, 1], np.int64)
    a, st = np.array([0, 1, 2], np.int64), np.array([-1, -3, -2], np.int64)
    [y] = exe.run({"x": x, "s": s, "e": e, "a": a, "st": st})
    np.testing.assert_array_equal(y, x[20:0:-1, 10:0:-3, 4:1:-2])
    # Clamped out-of-range bounds, counted from the end.
    [y] = exe.run({"x": x, "s": np.array([-100, 0, -4], np.int64),
                   "e": np.array([-1, 1000, 1000], np.int64),
                   "a": np.array([0, 1, 2], np.int64),
                   "st": np.array([1, 4, 2], np.int64)})
    np.testing.assert_array_equal(y, x[-100:-1, 0:1000:4, -4:1000:2])
    with pytest.raises(geflow.Error,
                       match=r"StridedSliceV2: the input values give output 0 the "
                             r"shape \[20,3,2\], but the program was compiled "
                             r"for \[19,3,2\]"):
        exe.run({"x": x, "s": np.array([0, 0, 0], np.int64),
                 "e": np.array([20, 10, 4], np.int64), "a": a,
                 "st": np.array([1, 4, 2], np.int64)})


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect"])
def test_pad_with_runtime_pads(mode, rng):
    x = rng.standard_normal((1, 3, 4, 5)).astype(np.float32)
    inputs = [("x", F, [1, 3, 4, 5]), ("pads", I64, [8])]
    names = ["x", "pads"]
    if mode == "constant":
        inputs.append(("v", F, []))
        names.append("v")
    m = model([helper.make_node("Pad", names, ["y"], mode=mode)], inputs,
              [("y", F, [1, 3, 7, 10])])
    pads = np.array([0, 0, 1, 4, 0, 0, 2, 1], np.int64)
    feeds = {"x": x, "pads": pads}
    if mode == "constant":
        feeds["v"] = np.array(1.5, np.float32)
    [y] = run(m, feeds)
    kw = {"constant_values": 1.5} if mode == "constant" else {}
    want = np.pad(x, [(0, 0), (0, 0), (1, 2), (4, 1)], mode=mode, **kw)
    np.testing.assert_array_equal(y, want)
    # Negative pads crop; reflect beyond the dim repeats as NumPy's does.
    feeds["pads"] = np.array([0, 0, 1, -1, 0, 0, 2, 6], np.int64)
    [y] = run(m, feeds)
    want = np.pad(x, [(0, 0), (0, 0), (1, 2), (0, 6)], mode=mode, **kw)[..., 1:]
    np.testing.assert_array_equal(y, want)


@pytest.mark.parametrize("keepdims", [0, 1])
def test_reduce_sum_with_runtime_axes(keepdims, rng):
    x = rng.standard_normal((3, 4, 5)).astype(np.float32)
    out = [3, 1, 1] if keepdims else [3]
    m = model([helper.make_node("ReduceSum", ["x", "axes"], ["y"], keepdims=keepdims)],
              [("x", F, [3, 4, 5]), ("axes", I64, [2])], [("y", F, out)])
    [y] = run(m, {"x": x, "axes": np.array([-1, 1], np.int64)})
    want = x.astype(np.float64).sum(axis=(1, 2), keepdims=bool(keepdims))
    np.testing.assert_allclose(y, want, rtol=1e-6, atol=1e-6)


def test_reduce_sum_integers_wrap_like_the_dtype():
    x = np.array([[2**31 - 1, 1], [5, -7]], np.int32)
    m = model([helper.make_node("ReduceSum", ["x", "axes"], ["y"], keepdims=0)],
              [("x", TensorProto.INT32, [2, 2]), ("axes", I64, [1])],
              [("y", TensorProto.INT32, [2])])
    [y] = run(m, {"x": x, "axes": np.array([1], np.int64)})
    np.testing.assert_array_equal(y, x.sum(axis=1, dtype=np.int32))


@pytest.mark.parametrize("largest", [0, 1])
def test_topk_with_runtime_k_keeps_ties_in_order(largest, rng):
    x = rng.integers(-4, 4, (6, 9)).astype(np.float32)  # many ties
    m = model([helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=1,
                                largest=largest)],
              [("x", F, [6, 9]), ("k", I64, [1])], [("v", F, [6, 4]), ("i", I64, [6, 4])],
              opset=11)
    v, i = run(m, {"x": x, "k": np.array([4], np.int64)})
    order = np.argsort(-x if largest else x, axis=1, kind="stable")[:, :4]
    np.testing.assert_array_equal(i, order)
    np.testing.assert_array_equal(v, np.take_along_axis(x, order, axis=1))


def test_nonzero_and_compress(rng):
    x = rng.standard_normal((4, 3)).astype(np.float32)
    cond = np.array([True, False, True, True])
    m = model([helper.make_node("NonZero", ["c2"], ["nz"]),
               helper.make_node("Compress", ["x", "c"], ["y"], axis=0),
               helper.make_node("Compress", ["x", "c"], ["flat"])],
              [("x", F, [4, 3]), ("c", B, [4]), ("c2", F, [4, 3])],
              [("nz", I64, [2, 6]), ("y", F, [3, 3]), ("flat", F, [3])])
    c2 = np.where(rng.random((4, 3)) < 0.5, 0.0, x).astype(np.float32)
    c2.flat[:] = 0
    c2[[0, 1, 1, 2, 3, 3], [0, 0, 2, 1, 0, 2]] = 1.0
    nz, y, flat = run(m, {"x": x, "c": cond, "c2": c2})
    np.testing.assert_array_equal(nz, np.array(np.nonzero(c2)))
    np.testing.assert_array_equal(y, np.compress(cond, x, axis=0))
    np.testing.assert_array_equal(flat, np.compress(cond, x))


@pytest.mark.parametrize("axis,is_sorted", [(None, 1), (None, 0), (1, 1), (-2, 1)])
def test_unique(axis, is_sorted):
    x = np.array([[1, 3, 1, 3], [0, 2, 0, 2], [1, 3, 1, 3]], np.float32)
    attrs = {"sorted": is_sorted}
    if axis is not None:
        attrs["axis"] = axis
    values, first, inverse, counts = np.unique(
        x, return_index=True, return_inverse=True, return_counts=True, axis=axis)
    if not is_sorted:  # first-occurrence order
        order = np.argsort(first, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        values, first, counts, inverse = values[order], first[order], counts[order], rank[inverse]
    m = model([helper.make_node("Unique", ["x"], ["y", "i", "inv", "c"], **attrs)],
              [("x", F, [3, 4])],
              [("y", F, list(values.shape)), ("i", I64, [len(first)]),
               ("inv", I64, [inverse.size]), ("c", I64, [len(counts)])], opset=11)
    y, i, inv, c = run(m, {"x": x})
    np.testing.assert_array_equal(y, values)
    np.testing.assert_array_equal(i, first)
    np.testing.assert_array_equal(inv, inverse.reshape(-1))
    np.testing.assert_array_equal(c, counts)


def nms_reference(boxes, scores, max_out, iou_t, score_t):
    rows = []
    for b in range(boxes.shape[0]):
        for c in range(scores.shape[1]):
            s = scores[b, c]
            order = [i for i in np.argsort(-s, kind="stable") if s[i] > score_t]
            kept = []
            for i in order:
                if len(kept) >= max_out:
                    break
                y1, x1, y2, x2 = boxes[b, i]
                ok = True
                for k in kept:
                    ky1, kx1, ky2, kx2 = boxes[b, k]
                    ih = max(0.0, min(y2, ky2) - max(y1, ky1))
                    iw = max(0.0, min(x2, kx2) - max(x1, kx1))
                    inter = ih * iw
                    union = (y2 - y1) * (x2 - x1) + (ky2 - ky1) * (kx2 - kx1) - inter
                    if inter / union > iou_t:
                        ok = False
                        break
                if ok:
                    kept.append(i)
                    rows.append([b, c, i])
    return np.array(rows, np.int64).reshape(-1, 3)


def test_non_max_suppression(rng):
    corners = rng.random((2, 12, 2)).astype(np.float32) * 8
    boxes = np.concatenate([corners, corners + 1 + rng.random((2, 12, 2)).astype(np.float32) * 3],
                           axis=2)
    scores = rng.random((2, 3, 12)).astype(np.float32)
    want = nms_reference(boxes, scores, 4, 0.3, 0.2)
    m = model([helper.make_node("NonMaxSuppression", ["b", "s", "m", "iou", "st"], ["y"])],
              [("b", F, [2, 12, 4]), ("s", F, [2, 3, 12]), ("m", I64, [1]),
               ("iou", F, [1]), ("st", F, [1])], [("y", I64, list(want.shape))])
    [y] = run(m, {"b": boxes, "s": scores, "m": np.array([4], np.int64),
                  "iou": np.array([0.3], np.float32),
                  "st": np.array([0.2], np.float32)})
    np.testing.assert_array_equal(y, want)


def test_unknown_output_shape_is_unsupported_naming_the_node():
    m = model([helper.make_node("NonZero", ["x"], ["y"], name="nz")],
              [("x", F, [2, 3])], [("y", I64, None)])
    with pytest.raises(geflow.CompileError,
                       match=r"node 'nz' \(NonZero\): NonZero's count depends on "
                             r"values, so its output shape must be known"):
        geflow.compile(m, MIXED)
