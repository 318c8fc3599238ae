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
