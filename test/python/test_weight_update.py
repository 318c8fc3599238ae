"""Weight update without recompiling (GE 5.5, docs/weight-update.md).

The reference document's loop: update the weights, then run 20 inferences,
10 rounds; every output equals a fresh compile with that round's weights, bit
for bit (the update derives fp16 copies and packed panels exactly as the
compiler does). fp32 results are also checked against the NumPy reference at
rtol = atol = 1e-4.
"""
import threading

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import geflow
from conftest import assert_close, geflow_models

SHAPES = {"w1": (16, 3, 3, 3), "b1": (16,), "w2": (10, 16 * 64), "b2": (10,)}


def cnn(weights):
    """x[2,3,8,8] -> Conv 3x3 + bias -> Relu -> Flatten -> Gemm(transB) -> y[2,10]."""
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["r"]),
             helper.make_node("Flatten", ["r"], ["f"]),
             helper.make_node("Gemm", ["f", "w2", "b2"], ["y"], transB=1)]
    graph = helper.make_graph(
        nodes, "cnn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 10])],
        [numpy_helper.from_array(v, k) for k, v in weights.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def random_weights(rng):
    return {k: (rng.standard_normal(s) * 0.2).astype(np.float32) for k, s in SHAPES.items()}


@pytest.mark.parametrize("precision", ["must_keep_origin_dtype", "force_fp16",
                                       "allow_fp32_to_bf16"])
def test_document_loop_equals_fresh_compile(precision, rng):
    options = {"updatable_weights": "all", "precision_mode": precision}
    exe = geflow.compile(cnn(random_weights(rng)), options)
    assert sorted(w.name for w in exe.weights) == sorted(SHAPES)
    x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    previous = exe.run({"x": x})[0]
    for round_ in range(10):
        weights = random_weights(rng)
        exe.update_weights(weights)
        assert exe.weight_version == round_ + 1
        fresh = geflow.compile(cnn(weights), options).run({"x": x})[0]
        assert not np.array_equal(fresh, previous)
        for _ in range(20):
            np.testing.assert_array_equal(exe.run({"x": x})[0], fresh)
        if precision == "must_keep_origin_dtype":
            assert_close(fresh, geflow_models.reference(cnn(weights), {"x": x})[0])
        np.testing.assert_array_equal(exe.get_weight("w2"), weights["w2"])
        previous = fresh


def test_resnet_weights_update_to_the_reference(rng):
    """Conv + BatchNorm models: updatable BN parameters stay unfolded."""
    model = geflow_models.MODELS["resnet_small"]()
    exe = geflow.compile(model, {"updatable_weights": "all"})
    new = {}
    for init in model.graph.initializer:
        value = numpy_helper.to_array(init)
        if value.dtype == np.float32:
            noise = rng.standard_normal(value.shape).astype(np.float32) * 0.01
            new[init.name] = value + noise if "var" not in init.name else np.abs(value + noise)
    assert sorted(new) == sorted(w.name for w in exe.weights)
    exe.update_weights(new)
    for init in model.graph.initializer:
        if init.name in new:
            init.CopyFrom(numpy_helper.from_array(new[init.name], init.name))
    x = rng.standard_normal((1, 3, 32, 32)).astype(np.float32)
    assert_close(exe.run({"image": x})[0], geflow_models.reference(model, {"image": x})[0])


def test_every_mismatch_is_reported_at_once(rng):
    exe = geflow.compile(cnn(random_weights(rng)), {"updatable_weights": "all"})
    x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    before = exe.run({"x": x})[0]
    with pytest.raises(geflow.InvalidArgumentError) as err:
        exe.update_weights({"w1": np.zeros((3, 3), np.float32), "nope": np.zeros(2),
                            "b2": np.zeros(10, np.float64), "b1": np.zeros(16, np.complex64)})
    message = str(err.value)
    assert "4 problem(s)" in message and "nothing was changed" in message
    assert "'w1' is float32[16,3,3,3], got float32[3,3]" in message
    assert "'nope' is not an updatable weight" in message
    assert "'b2' is float32[10], got float64[10]" in message
    assert "'b1' is float32[16], got complex64[16]" in message
    assert exe.weight_version == 0
    np.testing.assert_array_equal(exe.run({"x": x})[0], before)
    with pytest.raises(geflow.ArgumentTypeError):
        exe.update_weights([np.zeros(3)])


def test_lists_take_the_weight_dtype_and_partial_updates_keep_the_rest(rng):
    weights = random_weights(rng)
    exe = geflow.compile(cnn(weights), {"updatable_weights": "b2,w1"})
    assert sorted(w.name for w in exe.weights) == ["b2", "w1"]
    weights["b2"] = np.arange(10, dtype=np.float32)
    exe.update_weights({"b2": list(range(10))})
    x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    fresh = geflow.compile(cnn(weights), {"updatable_weights": "b2,w1"})
    np.testing.assert_array_equal(exe.run({"x": x})[0], fresh.run({"x": x})[0])


def test_option_errors(rng):
    model = cnn(random_weights(rng))
    with pytest.raises(geflow.CompileError, match=r"updatable_weights: w9 is not a weight of "
                       r"the graph; its weights are: b1, b2, w1, w2"):
        geflow.compile(model, {"updatable_weights": "w1,w9"})
    with pytest.raises(geflow.InvalidArgumentError, match="without empty entries"):
        geflow.compile(model, {"updatable_weights": "w1,,w2"})
    with pytest.raises(geflow.InvalidArgumentError, match="contradicts updatable_weights"):
        geflow.compile(model, {"updatable_weights": "all", "frozen_variable": "true"})
    with pytest.raises(geflow.CompileError,
                       match=r"the 4 variables need 42792 bytes, more than "
                             r"variable_memory_max_size=1000; the largest: w2 \(40960 bytes\), "
                             r"w1 \(1728 bytes\)"):
        geflow.compile(model, {"updatable_weights": "all", "variable_memory_max_size": "1000"})
    with pytest.raises(geflow.InvalidArgumentError,
                       match="option 'variable_placement'.*Host is not supported: geflow "
                             "keeps variables in the executable's host memory"):
        geflow.compile(model, {"updatable_weights": "all", "variable_placement": "Host",
                               "mix_compile_mode": "true"})
    with pytest.raises(geflow.InvalidArgumentError,
                       match="option 'variable_placement'.*allowed values are Device, Host"):
        geflow.compile(model, {"variable_placement": "device"})
    device = geflow.compile(model, {"updatable_weights": "all",
                                    "variable_placement": "Device"})
    assert sorted(w.name for w in device.weights) == sorted(SHAPES)
    plain = geflow.compile(model)
    assert plain.weights == []
    with pytest.raises(geflow.InvalidArgumentError, match="compile it with updatable_weights"):
        plain.update_weights({"w1": np.zeros(SHAPES["w1"], np.float32)})


def test_updates_racing_runs_on_threads_see_whole_versions(rng):
    versions = [random_weights(rng) for _ in range(3)]
    exe = geflow.compile(cnn(versions[0]), {"updatable_weights": "all"})
    x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    expected = [geflow.compile(cnn(w), {"updatable_weights": "all"}).run({"x": x})[0]
                for w in versions]
    mixed, errors = [], []

    def runner():
        try:
            for _ in range(30):
                y = exe.run({"x": x})[0]
                if not any(np.array_equal(y, e) for e in expected):
                    mixed.append(y)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=runner) for _ in range(4)]
    for t in threads:
        t.start()
    for i in range(30):
        exe.update_weights(versions[(i + 1) % 3])
    for t in threads:
        t.join()
    assert not errors and not mixed


def test_session_graph_update_weights(rng, tmp_path):
    import onnx
    weights = random_weights(rng)
    path = tmp_path / "cnn.onnx"
    onnx.save(cnn(weights), str(path))
    session = geflow.Session()
    session.add_graph(1, str(path), {"updatable_weights": "all"})
    x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    new = random_weights(rng)
    session.update_weights(1, new)
    (y,) = session.run_graph(1, [x])
    fresh = geflow.compile(cnn(new), {"updatable_weights": "all"}).run({"x": x})[0]
    np.testing.assert_array_equal(y, fresh)
    with pytest.raises(geflow.InvalidArgumentError, match=r"'b1' is float32\[16\], got float32\[3\]"):
        session.update_weights(1, {"b1": np.zeros(3, np.float32)})


def builder_model(w, b):
    """y = relu(x @ w + b) with w, b variables, built with the graph builder."""
    g = geflow.Graph("fc")
    x = g.data("x", [2, 4], "float32")
    wv = geflow.ops.variable("fc.w", value=w, graph=g)
    bv = geflow.ops.variable("fc.b", value=b, graph=g)
    g.output(geflow.ops.relu(geflow.ops.matmul(x, wv) + bv), "y")
    return g


def test_builder_update_graph_loop(rng):
    """The document's loop with a weight-update graph built with the Python
    builder (ge.Assign / AssignAdd / AssignSub): 10 rounds of an update then
    20 inferences, each equal to a fresh compile with the round's weights."""
    w = rng.standard_normal((4, 3)).astype(np.float32)
    b = rng.standard_normal(3).astype(np.float32)
    session = geflow.Session()
    session.add_graph(1, builder_model(w, b))
    update = geflow.Graph("update")
    new_w = update.data("new_w", [4, 3], "float32")
    delta_b = update.data("delta_b", [3], "float32")
    update.output(geflow.ops.assign("fc.w", new_w), "w")
    update.output(geflow.ops.assign_add("fc.b", delta_b), "b")
    session.add_graph(2, update)
    down = geflow.Graph("down")
    step = down.data("step", [3], "float32")
    down.output(geflow.ops.assign_sub("fc.b", step), "b")
    session.add_graph(3, down)
    x = rng.standard_normal((2, 4)).astype(np.float32)
    session.run_graph(1, [x])  # built before the updates
    for _ in range(10):
        w = rng.standard_normal((4, 3)).astype(np.float32)
        delta = rng.standard_normal(3).astype(np.float32)
        out_w, out_b = session.run_graph(2, [w, delta])
        np.testing.assert_array_equal(out_w, w)
        np.testing.assert_array_equal(out_b, b + delta)
        b = b + delta
        fresh = builder_model(w, b).compile().run({"x": x})[0]
        for _ in range(20):
            np.testing.assert_array_equal(session.run_graph(1, [x])[0], fresh)
    (out_b,) = session.run_graph(3, [np.ones(3, np.float32)])
    np.testing.assert_array_equal(out_b, b - 1)
    assert_close(session.run_graph(1, [x])[0], np.maximum(x @ w + (b - 1), 0))


def test_builder_variable_errors():
    g = geflow.Graph("bad")
    with pytest.raises(geflow.InvalidArgumentError, match="variable 'v' needs a shape"):
        geflow.ops.variable("v", graph=g)
    with pytest.raises(geflow.InvalidArgumentError, match=r"shape \[2\] differs"):
        geflow.ops.variable("v", shape=[2], value=np.zeros(3), graph=g)
    x = g.data("x", [3], "float32")
    with pytest.raises(geflow.InvalidArgumentError, match="needs a variable name"):
        geflow.ops.assign("", x)


def test_update_with_external_weights(rng, tmp_path):
    """updatable_weights with external_weight (geflow-compile writes the
    weights beside the .gfm): an update replaces them like blob weights and
    equals a fresh compile; the files on disk stay as compiled."""
    import os
    import subprocess
    bin_dir = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(geflow.__file__))),
                           "bin")
    import onnx
    weights = random_weights(rng)
    onnx.save(cnn(weights), str(tmp_path / "cnn.onnx"))
    subprocess.run([os.path.join(bin_dir, "geflow-compile"), f"--model={tmp_path}/cnn.onnx",
                    f"--output={tmp_path}/cnn.gfm", "--external_weight=true",
                    "--updatable_weights=all"], check=True, capture_output=True)
    files = sorted(os.listdir(tmp_path / "weight"))
    assert files, "external_weight wrote no weight files"
    before = {f: (tmp_path / "weight" / f).read_bytes() for f in files}
    exe = geflow.load(str(tmp_path / "cnn.gfm"))
    x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    np.testing.assert_array_equal(
        exe.run({"x": x})[0], geflow.compile(cnn(weights), {"updatable_weights": "all"})
        .run({"x": x})[0])
    for _ in range(3):
        weights = random_weights(rng)
        exe.update_weights(weights)
        fresh = geflow.compile(cnn(weights), {"updatable_weights": "all"}).run({"x": x})[0]
        np.testing.assert_array_equal(exe.run({"x": x})[0], fresh)
        np.testing.assert_array_equal(exe.get_weight("w1"), weights["w1"])
    assert {f: (tmp_path / "weight" / f).read_bytes() for f in files} == before


def test_update_with_shape_ranges(rng):
    """updatable_weights with input_shape_range: the weights of a
    shape-ranged program update and every batch in the range sees them."""
    options = {"updatable_weights": "all", "input_shape_range": "x:[1~4,3,8,8]"}
    exe = geflow.compile(cnn_batch(random_weights(rng)), options)
    for _ in range(3):
        weights = random_weights(rng)
        exe.update_weights(weights)
        fresh = geflow.compile(cnn_batch(weights), options)
        for batch in (1, 3, 4):
            x = rng.standard_normal((batch, 3, 8, 8)).astype(np.float32)
            y = exe.run({"x": x})[0]
            np.testing.assert_array_equal(y, fresh.run({"x": x})[0])
            assert_close(y, geflow_models.reference(cnn_batch(weights), {"x": x})[0])


def cnn_batch(weights):
    """cnn() with a dynamic batch dim (Flatten keeps it)."""
    model = cnn(weights)
    dim = model.graph.input[0].type.tensor_type.shape.dim[0]
    dim.ClearField("dim_value")
    dim.dim_param = "N"
    out = model.graph.output[0].type.tensor_type.shape.dim[0]
    out.ClearField("dim_value")
    out.dim_param = "N"
    return model


@pytest.mark.parametrize("threshold", [None, 0], ids=["Const", "FileConstant"])
def test_air_weights_become_variables(threshold, rng, tmp_path):
    """A .air's weights, Const nodes or FileConstant files, are updatable
    under their node names; an update equals a fresh compile of the .air
    exported with the new values, bit for bit."""
    def export(weights, name):
        onnx_path = tmp_path / f"{name}.onnx"
        onnx_path.write_bytes(cnn(weights).SerializeToString())
        out = tmp_path / name
        out.mkdir()
        return geflow.air.export_air(str(onnx_path), str(out / "m.air"),
                                     weight_threshold=threshold)["path"]

    first, second = random_weights(rng), random_weights(rng)
    path = export(first, "first")
    exe = geflow.compile(path, {"updatable_weights": "all"})
    assert sorted(w.name for w in exe.weights) == sorted(SHAPES)
    x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    np.testing.assert_array_equal(exe.run({"x": x})[0],
                                  geflow.compile(path).run({"x": x})[0])
    exe.update_weights(second)
    fresh = geflow.compile(export(second, "second"), {"updatable_weights": "all"})
    np.testing.assert_array_equal(exe.run({"x": x})[0], fresh.run({"x": x})[0])
