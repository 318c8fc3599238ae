"""geflow.compile from every model source, options validation, compile errors."""
import numpy as np
import onnx
import pytest

import geflow
from conftest import assert_close, geflow_models, tiny_graph, tiny_reference

MLIR_GRAPH = """
func.func @scale(%x: tensor<2x3xf32> {ge.name = "x"}) -> (tensor<2x3xf32> {ge.name = "y"}) {
  %c = ge.Const dense<3.0> : tensor<1xf32>
  %y = ge.Mul %x, %c : (tensor<2x3xf32>, tensor<1xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
"""


def test_compile_model_proto_matches_reference(resnet_small, rng):
    model, exe = resnet_small
    x = rng.standard_normal((1, 3, 32, 32)).astype(np.float32)
    (y,) = exe.run({"image": x})
    (ref,) = geflow_models.reference(model, {"image": x})
    assert y.shape == (1, 10) and y.dtype == np.float32
    assert_close(y, ref)


def test_compile_onnx_path_and_bytes_agree(resnet_small, tmp_path, rng):
    model, exe = resnet_small
    path = tmp_path / "resnet.onnx"
    onnx.save(model, str(path))
    from_path = geflow.compile(path)  # os.PathLike
    from_str = geflow.compile(str(path))
    from_bytes = geflow.compile(model.SerializeToString())
    assert from_path.name == "resnet" and from_bytes.name == "model"
    x = rng.standard_normal((1, 3, 32, 32)).astype(np.float32)
    expected = exe.run(x)[0]
    for e in (from_path, from_str, from_bytes):
        np.testing.assert_array_equal(e.run(x)[0], expected)


def test_compile_mlir_file(tmp_path):
    path = tmp_path / "scale.mlir"
    path.write_text(MLIR_GRAPH)
    exe = geflow.compile(str(path))
    assert [i.name for i in exe.inputs] == ["x"] and [o.name for o in exe.outputs] == ["y"]
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(exe.run([x])[0], x * 3)


def test_compile_graph_and_summary():
    exe = geflow.compile(tiny_graph(), options={"precision_mode": "force_fp32"}, soc="host")
    summary = exe.summary
    assert summary["soc"] == "host" and summary["precision_mode"] == "force_fp32"
    assert summary["kernels"] >= 1 and summary["gears"] == 1
    x = np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4)
    for out, ref in zip(exe.run({"x": x}), tiny_reference(x)):
        assert_close(out, ref)


def test_unknown_option_suggests_nearest_name():
    with pytest.raises(ValueError, match=r"unknown option 'precision_mod' \(did you mean "
                                         r"'precision_mode'\?\)") as info:
        geflow.compile(tiny_graph(), options={"precision_mod": "force_fp32"})
    assert isinstance(info.value, geflow.InvalidArgumentError)
    assert isinstance(info.value, geflow.Error) and isinstance(info.value, RuntimeError)
    assert info.value.code == 100000


def test_bad_option_value_lists_allowed_values():
    with pytest.raises(ValueError) as info:
        geflow.compile(tiny_graph(), options={"precision_mode": "fp64"})
    message = str(info.value)
    assert "option 'precision_mode' has value 'fp64'" in message
    for allowed in ("force_fp16", "force_fp32", "must_keep_origin_dtype", "allow_mix_precision"):
        assert allowed in message


def test_every_bad_option_is_reported_at_once():
    with pytest.raises(ValueError) as info:
        geflow.compile(tiny_graph(), options={"soc_version": "ascend910", "external_weight": 3,
                                              "ge.exec.deviceId": -1})
    message = str(info.value)
    assert "option 'soc_version' has value 'ascend910': allowed values are" in message
    assert "host" in message
    assert "external_weight" in message and "ge.exec.deviceId" in message


def test_external_weight_needs_an_output_file():
    # The weights would go to files beside an output .gfm, which an
    # in-memory compile does not have: never a silently inline model.
    with pytest.raises(ValueError, match=r"external_weight=true keeps the weights in files "
                                         r"beside the output \.gfm, but this compile is in "
                                         r"memory") as info:
        geflow.compile(tiny_graph(), options={"external_weight": True})
    assert isinstance(info.value, geflow.CompileError)


def test_option_values_from_python_types():
    assert geflow.compiler.options_dict(
        {"external_weight": False, "dynamic_batch_size": [1, 2, 4],
         "dynamic_dims": [[1, 8], [2, 16]], "input_shape": {"x": [-1, 4], "m": [1, 8]}}) == {
        "external_weight": "false", "dynamic_batch_size": "1,2,4",
        "dynamic_dims": "1,8;2,16", "input_shape": "x:-1,4;m:1,8"}
    with pytest.raises(ValueError, match="option 'precision_mode' has a value of type float"):
        geflow.compile(tiny_graph(), options={"precision_mode": 1.5})


def test_soc_contradicting_soc_version():
    with pytest.raises(ValueError, match="contradicts option soc_version"):
        geflow.compile(tiny_graph(), options={"soc_version": "host"}, soc="Ascend910B")


def test_option_specs_list_the_registry():
    specs = {s["name"]: s for s in geflow.option_specs()}
    assert "force_fp16" in specs["precision_mode"]["allowed"]
    assert specs["soc_version"]["default"] == "host"
    assert "ge.graphRunMode" in specs["graph_run_mode"]["aliases"]


def test_malformed_model_bytes():
    with pytest.raises(geflow.CompileError, match="not a valid ONNX model") as info:
        geflow.compile(b"\x08\x07 definitely not protobuf \xff\xff")
    assert isinstance(info.value, ValueError)


def test_truncated_model_proto(resnet_small):
    data = resnet_small[0].SerializeToString()
    with pytest.raises(geflow.CompileError):
        geflow.compile(data[: len(data) // 3])


def test_unsupported_operator_is_named():
    node = onnx.helper.make_node("Multinomial", ["x"], ["y"], name="my_draw")
    graph = onnx.helper.make_graph(
        [node], "g", [onnx.helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [2, 2])],
        [onnx.helper.make_tensor_value_info("y", onnx.TensorProto.INT32, [2, 1])])
    model = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", 17)])
    with pytest.raises(geflow.CompileError, match="Multinomial") as info:
        geflow.compile(model)
    assert "my_draw" in str(info.value)


def test_mlir_error_carries_file_location(tmp_path):
    path = tmp_path / "bad.mlir"
    path.write_text(MLIR_GRAPH.replace("tensor<1xf32>)", "tensor<5xf32>)", 1)
                    .replace("dense<3.0> : tensor<1xf32>", "dense<3.0> : tensor<5xf32>"))
    with pytest.raises(geflow.CompileError) as info:
        geflow.compile(str(path))
    assert f"{path}:4:" in str(info.value)


def test_missing_file_and_wrong_types(tmp_path):
    with pytest.raises(geflow.FileError, match="no such model file") as info:
        geflow.compile(str(tmp_path / "nope.onnx"))
    assert isinstance(info.value, OSError)
    with pytest.raises(TypeError, match="takes a path"):
        geflow.compile(42)


def test_compiling_a_gfm_points_to_load(tiny_exe, tmp_path):
    path = str(tmp_path / "m.gfm")
    tiny_exe.save(path)
    with pytest.raises(ValueError, match="load it with geflow.load"):
        geflow.compile(path)


def test_input_shape_and_dynamic_batch_make_gears(tmp_path):
    model = geflow_models.resnet(image=16, blocks=(1,), base=4, bottleneck=False, classes=3,
                                 batch_dim="N")
    exe = geflow.compile(model, options={"input_shape": {"image": [-1, 3, 16, 16]},
                                         "dynamic_batch_size": [1, 4]})
    assert exe.inputs[0].shape == (-1, 3, 16, 16)
    assert exe.gears == [[(1, 3, 16, 16)], [(4, 3, 16, 16)]]
    x = np.random.default_rng(0).standard_normal((4, 3, 16, 16)).astype(np.float32)
    (y4,) = exe.run(x)
    (y1,) = exe.run(x[:1])
    assert y4.shape == (4, 3) and y1.shape == (1, 3)
    assert_close(y4, geflow_models.reference(model, {"image": x})[0])
    assert_close(y1, y4[:1])
    with pytest.raises(ValueError, match="matches no gear"):
        exe.run(x[:2])


def test_input_shape_range_from_model_bytes():
    model = geflow_models.resnet(image=16, blocks=(1,), base=4, bottleneck=False, classes=3,
                                 batch_dim="N")
    exe = geflow.compile(model.SerializeToString(),
                         options={"input_shape_range": "image:[1~4,3,16,16]"})
    assert exe.shape_ranges == [((1, 4), (3, 3), (16, 16), (16, 16))]
    assert exe.gears == [[(4, 3, 16, 16)]]  # planned for the upper bounds
    x = np.random.default_rng(2).standard_normal((4, 3, 16, 16)).astype(np.float32)
    for batch in (1, 3, 4):  # any batch in the range, one program
        (y,) = exe.run(x[:batch])
        assert y.shape == (batch, 3)
        assert_close(y, geflow_models.reference(model, {"image": x[:batch]})[0])
    with pytest.raises(ValueError):
        exe.run(np.zeros((5, 3, 16, 16), np.float32))


def test_dynamic_dims_on_a_builder_graph():
    g = geflow.Graph("dyn")
    x = g.data("x", [-1, 4])
    g.output(geflow.ops.reduce_sum(x * x, axes=[1]), "sq")
    exe = geflow.compile(g, options={"input_shape": "x:-1,4", "dynamic_dims": "2;3"})
    assert len(exe.gears) == 2 and exe.shape_ranges is None
    x3 = np.arange(12, dtype=np.float32).reshape(3, 4)
    assert_close(exe.run(x3)[0], (x3 * x3).sum(axis=1))


def test_input_shape_naming_no_input():
    with pytest.raises(geflow.CompileError, match="'nope', which is not an input"):
        geflow.compile(tiny_graph(), options={"input_shape": "nope:2,4"})


def test_graph_stays_buildable_after_compile():
    g = geflow.Graph("reuse")
    x = g.data("x", [2, 4])
    g.output(x * 2.0, "double")
    text_before = str(g)
    first = geflow.compile(g)
    assert str(g) == text_before  # compiling works on a copy
    g.output(x - 1.0, "minus_one")
    second = geflow.compile(g)
    assert len(first.outputs) == 1 and len(second.outputs) == 2
    v = np.ones((2, 4), np.float32)
    np.testing.assert_array_equal(second.run(v)[1], v - 1)


def test_concurrent_compiles_from_threads():
    """Compiles release the GIL: separate models and one shared graph compile
    from several threads at once (the shared graph's compiles take turns)."""
    from concurrent.futures import ThreadPoolExecutor

    shared = tiny_graph("shared")
    x = np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4)

    def work(i):
        exe = geflow.compile(shared if i % 2 else tiny_graph(f"own{i}"))
        return all(np.array_equal(o, r) for o, r in zip(exe.run(x), tiny_reference(x)))

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(work, range(8)))


def test_string_options_is_a_type_error_with_the_dict_to_write():
    with pytest.raises(TypeError, match=r"options must be a dict \{GE option name: value\}, "
                                        r"got the str 'precision_mode=force_fp32' \(write "
                                        r"options=\{'precision_mode': 'force_fp32'\}\)") as info:
        geflow.compile(tiny_graph(), options="precision_mode=force_fp32")
    assert isinstance(info.value, geflow.ArgumentTypeError)
    assert isinstance(info.value, geflow.InvalidArgumentError)
    with pytest.raises(geflow.ArgumentTypeError, match="got list"):
        geflow.compile(tiny_graph(), options=[("precision_mode", "force_fp32")])


@pytest.mark.parametrize("value, message", [
    (5, "option 'input_shape' takes a dict {input name: shape} or GE's text "
        "\"x:1,3,224,224;y:1,8\"; got int 5"),
    ([2, 4], "got list [2, 4]"),
    ({"x": 2}, "option 'input_shape' gives input 'x' the shape 2 of type int; a shape is a "
               "list of ints"),
    ({"x": "2,4"}, "gives input 'x' the shape '2,4' of type str"),
    ({3: [2, 4]}, "option 'input_shape' has the key 3 of type int; keys are input names"),
])
def test_input_shape_of_the_wrong_type(value, message):
    with pytest.raises(geflow.ArgumentTypeError) as info:
        geflow.compile(tiny_graph(), options={"input_shape": value})
    assert message in str(info.value)
    assert isinstance(info.value, TypeError)


@pytest.mark.parametrize("dims, message", [
    ([2.5, 4], "option 'input_shape' gives input 'x' the non-integral value 2.5 at index 0"),
    ([2, -2], "option 'input_shape' gives input 'x' the dim -2 at index 1; dims are "
              "positive, or -1 for a dynamic dim"),
    ([0, 4], "gives input 'x' the dim 0 at index 0"),
    ([2, "4"], "gives input 'x' the dim '4' of type str at index 1"),
    ([2, None], "the dim None of type NoneType at index 1"),
    ([True, 4], "the dim True of type bool at index 0"),
])
def test_input_shape_bad_dims_name_input_and_index(dims, message):
    with pytest.raises(geflow.InvalidArgumentError) as info:
        geflow.compile(tiny_graph(), options={"input_shape": {"x": dims}})
    assert message in str(info.value)


def test_input_shape_integral_values_of_any_type():
    for dims in ([2, 4], (2.0, 4), np.array([2, 4]), [np.int64(2), np.int32(4)]):
        exe = geflow.compile(tiny_graph(), options={"input_shape": {"x": dims}})
        assert exe.inputs[0].shape == (2, 4)


def test_bytes_like_models_compile_and_bad_ones_do_not_echo(resnet_small, rng):
    model, exe = resnet_small
    data = model.SerializeToString()
    x = rng.standard_normal((1, 3, 32, 32)).astype(np.float32)
    expected = exe.run(x)[0]
    for source in (bytearray(data), memoryview(data)):
        np.testing.assert_array_equal(geflow.compile(source).run(x)[0], expected)
    junk = b"\x08\x07" + b"garbage-bytes " * 5000
    for source in (bytearray(junk), memoryview(junk)):
        with pytest.raises(geflow.CompileError, match="not a valid ONNX model") as info:
            geflow.compile(source)
        assert "garbage-bytes" not in str(info.value) and len(str(info.value)) < 300


def test_directory_and_missing_paths_are_named(tmp_path):
    with pytest.raises(geflow.FileError,
                       match=f"'{tmp_path}' is a directory, not a model file") as info:
        geflow.compile(str(tmp_path))
    assert isinstance(info.value, OSError)
    with pytest.raises(geflow.FileError, match="is a directory"):
        geflow.compile(tmp_path)  # os.PathLike
    missing = tmp_path / "missing.onnx"
    with pytest.raises(geflow.FileError, match=f"no such model file '{missing}'"):
        geflow.compile(missing)
    with pytest.raises(geflow.ArgumentTypeError, match="takes a path"):
        geflow.compile(None)
