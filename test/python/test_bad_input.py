"""Bad input (issue 26): each case is an original trigger that crashed, hung or
exited 0 with an unusable result; now each is a clear error. The tools and
risky compiles run in subprocesses with timeouts, so a regression fails the
test instead of killing or hanging the suite."""
import os
import subprocess
import sys

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import geflow
from conftest import tiny_graph

BIN = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(geflow.__file__))), "bin")
TIMEOUT = 60


def tool(name, *args, timeout=TIMEOUT):
    return subprocess.run([os.path.join(BIN, name), *args], capture_output=True, text=True,
                          timeout=timeout)


def assert_error(result, *needles):
    """Exit 1 (not a signal, not 0) with every needle in stderr."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    for needle in needles:
        assert needle in result.stderr, result.stderr


def save_model(tmp_path, name, nodes, inputs, outputs, initializers=()):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    path = tmp_path / f"{name}.onnx"
    path.write_bytes(model.SerializeToString())
    return str(path)


def f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def i64_const(name, values):
    return numpy_helper.from_array(np.array(values, np.int64), name)


# --- 1. Huge constants ------------------------------------------------------

def constant_of_shape(tmp_path, shape, name="cos"):
    return save_model(tmp_path, name,
                      [helper.make_node("ConstantOfShape", ["shape"], ["c"]),
                       helper.make_node("Relu", ["x"], ["y"])],
                      [f32("x", [4])], [f32("c", None), f32("y", [4])],
                      [i64_const("shape", shape)])


def test_constant_of_shape_2_40_is_an_error(tmp_path):
    path = constant_of_shape(tmp_path, [2**40])
    assert_error(tool("geflow-compile", f"--model={path}", f"--output={tmp_path}/o.gfm"),
                 "4398046511104 bytes, more than constant_max_size")
    assert not os.path.exists(tmp_path / "o.gfm")


def test_expand_of_constant_to_huge_shape_is_an_error(tmp_path):
    path = save_model(tmp_path, "expand",
                      [helper.make_node("Expand", ["one", "shape"], ["c"]),
                       helper.make_node("Relu", ["x"], ["y"])],
                      [f32("x", [4])], [f32("c", None), f32("y", [4])],
                      [numpy_helper.from_array(np.ones([1], np.float32), "one"),
                       i64_const("shape", [2**20, 2**20])])
    assert_error(tool("geflow-compile", f"--model={path}", f"--output={tmp_path}/o.gfm"),
                 "4398046511104 bytes, more than")


def test_huge_constant_added_to_input_is_an_error_in_python(tmp_path):
    path = save_model(tmp_path, "add",
                      [helper.make_node("ConstantOfShape", ["shape"], ["c"]),
                       helper.make_node("Add", ["c", "x"], ["y"])],
                      [f32("x", [1])], [f32("y", None)], [i64_const("shape", [2**20, 2**20])])
    # In a subprocess: the crash this guards against was an abort.
    script = ("import geflow, sys\n"
              "try:\n"
              f"    geflow.compile({path!r})\n"
              "except geflow.CompileError as e:\n"
              "    print('CompileError', e)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=TIMEOUT, env=os.environ)
    assert result.returncode == 0, result.stderr
    assert "CompileError" in result.stdout and "4398046511104 bytes, more than" in result.stdout


def test_mlir_splat_constant_2_40_is_an_error(tmp_path):
    path = tmp_path / "splat.mlir"
    path.write_text("""
func.func @main(%x: tensor<4xf32> {ge.name = "x"}) -> (tensor<1099511627776xf32> {ge.name = "c"}) {
  %c = ge.Const dense<1.0> : tensor<1099511627776xf32>
  return %c : tensor<1099511627776xf32>
}
""")
    assert_error(tool("geflow-compile", f"--model={path}", f"--output={tmp_path}/o.gfm"),
                 "constant_max_size")


def test_constant_max_size_option_bounds_constants(tmp_path):
    path = constant_of_shape(tmp_path, [1024])  # 4 KiB of zeros
    out = f"--output={tmp_path}/o.gfm"
    assert tool("geflow-compile", f"--model={path}", out).returncode == 0
    assert_error(tool("geflow-compile", f"--model={path}", out, "--constant_max_size=1000"),
                 "more than constant_max_size (1000 bytes)")


# --- 2. Deeply nested JSON --------------------------------------------------

@pytest.mark.parametrize("option", ["fusion_switch_file", "modify_mixlist"])
def test_deeply_nested_json_option_file_is_an_error(tmp_path, option):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 50000)
    options = {option: str(deep)}
    if option == "modify_mixlist":
        options["precision_mode"] = "allow_mix_precision"
    script = ("import geflow, sys\n"
              "sys.path.insert(0, %r)\n"
              "from conftest import tiny_graph\n"
              "try:\n"
              "    geflow.compile(tiny_graph(), options=%r)\n"
              # CompileError is an InvalidArgumentError (bad options are too).
              "except geflow.InvalidArgumentError as e:\n"
              "    print('InvalidArgumentError', e)\n") % (os.path.dirname(__file__), options)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=TIMEOUT, env=os.environ)
    assert result.returncode == 0, (result.returncode, result.stderr)
    assert "InvalidArgumentError" in result.stdout, result.stdout
    assert "nest more than 256 levels" in result.stdout


# --- 3. Deeply nested MLIR --------------------------------------------------

def test_deeply_nested_mlir_attribute_is_an_error(tmp_path):
    path = tmp_path / "deep.mlir"
    depth = 100000
    path.write_text('func.func @main(%x: tensor<4xf32> {ge.name = "x", ge.deep = '
                    + "[" * depth + "]" * depth + "}) -> tensor<4xf32> {\n"
                    "  return %x : tensor<4xf32>\n}\n")
    assert_error(tool("geflow-compile", f"--model={path}", f"--output={tmp_path}/o.gfm"),
                 "nest more than 256 levels")
    assert_error(tool("geflow-opt", str(path)), "nest more than 256 levels")


# --- 6. Reading /dev/zero ---------------------------------------------------

@pytest.fixture(scope="module")
def tiny_gfm(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("gfm") / "tiny.gfm")
    geflow.compile(tiny_graph()).save(path)
    return path


def test_run_input_from_dev_zero_is_an_error(tiny_gfm):
    assert_error(tool("geflow-run", f"--model={tiny_gfm}", "--input=x=/dev/zero", timeout=30),
                 "'/dev/zero' is not a regular file")


@pytest.mark.parametrize("framework", ["onnx", "mlir"])
def test_compile_model_from_dev_zero_is_an_error(tmp_path, framework):
    assert_error(tool("geflow-compile", "--model=/dev/zero", f"--framework={framework}",
                      f"--output={tmp_path}/o.gfm", timeout=30),
                 "not a regular file")


# --- 7. An external weight file replaced by a FIFO --------------------------

def test_external_weight_fifo_is_an_error(tmp_path):
    from conftest import geflow_models
    model = tmp_path / "resnet.onnx"
    onnx.save(geflow_models.MODELS["resnet_small"](), str(model))
    out = tmp_path / "out"
    result = tool("geflow-compile", f"--model={model}", f"--output={out}/resnet.gfm",
                  "--external_weight=true")
    assert result.returncode == 0, result.stderr
    weights = sorted(os.listdir(out / "weight"))
    victim = out / "weight" / weights[0]
    os.remove(victim)
    os.mkfifo(victim)
    assert_error(tool("geflow-run", f"--model={out}/resnet.gfm", timeout=30),
                 f"'{victim}' is not a regular file")


def test_fifo_model_is_an_error_not_a_wait(tmp_path, tiny_gfm):
    for name in ("m.gfm", "m.onnx"):
        fifo = tmp_path / name
        os.mkfifo(fifo)
        assert_error(tool("geflow-run", f"--model={fifo}", timeout=30), "not a regular file")


def test_file_constant_naming_a_fifo_is_an_error(tmp_path):
    os.mkfifo(tmp_path / "w.bin")
    path = tmp_path / "fc.mlir"
    path.write_text("""
func.func @main(%x: tensor<4xf32> {ge.name = "x"}) -> (tensor<4xf32> {ge.name = "y"}) {
  %w = ge.FileConstant {file_path = "w.bin", offset = 0, length = 16, shape = array<i64: 4>, dtype = f32} : tensor<4xf32>
  %y = ge.Add %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
""")
    assert_error(tool("geflow-compile", f"--model={path}", f"--output={tmp_path}/o.gfm",
                      timeout=30),
                 "cannot read weight file 'w.bin': not a regular file")


# --- 8. Byte-size overflow --------------------------------------------------

def test_tile_to_2_63_elements_is_an_error(tmp_path):
    path = save_model(tmp_path, "tile", [helper.make_node("Tile", ["x", "repeats"], ["y"])],
                      [f32("x", [2, 4])], [f32("y", None)], [i64_const("repeats", [2**30, 2**30])])
    assert_error(tool("geflow-compile", f"--model={path}", f"--output={tmp_path}/o.gfm"),
                 "more than 2^64 bytes")
    assert_error(tool("geflow-run", f"--model={path}"), "more than 2^64 bytes")


def test_pad_wrapping_to_zero_bytes_is_an_error(tmp_path):
    # [2^32 + 0, 2^30 + 0] f32: 2^64 bytes, which wraps to 0.
    path = save_model(tmp_path, "pad", [helper.make_node("Pad", ["x", "pads"], ["y"])],
                      [f32("x", [2, 4])], [f32("y", None)],
                      [i64_const("pads", [0, 0, 2**32 - 2, 2**30 - 4])])
    assert_error(tool("geflow-compile", f"--model={path}", f"--output={tmp_path}/o.gfm"),
                 "more than 2^64 bytes")


def test_expand_to_4_tib_is_an_error(tmp_path):
    path = save_model(tmp_path, "expand4t", [helper.make_node("Expand", ["x", "shape"], ["y"])],
                      [f32("x", [1])], [f32("y", None)], [i64_const("shape", [2**40])])
    assert_error(tool("geflow-compile", f"--model={path}", f"--output={tmp_path}/o.gfm"),
                 "4398046511104 bytes, more than graph_memory_max_size (26843545600 bytes)")


def test_graph_memory_max_size_bounds_the_arena(tmp_path):
    path = save_model(tmp_path, "relu2", [helper.make_node("Relu", ["x"], ["t"]),
                                          helper.make_node("Relu", ["t"], ["y"])],
                      [f32("x", [64, 64])], [f32("y", [64, 64])])
    out = f"--output={tmp_path}/o.gfm"
    assert tool("geflow-compile", f"--model={path}", out).returncode == 0
    assert_error(tool("geflow-compile", f"--model={path}", out, "--graph_memory_max_size=1024"),
                 "more than graph_memory_max_size (1024 bytes)")


def test_graph_memory_max_size_error_leaves_the_process_usable(tmp_path):
    path = save_model(tmp_path, "relu2", [helper.make_node("Relu", ["x"], ["t"]),
                                          helper.make_node("Relu", ["t"], ["y"])],
                      [f32("x", [64, 64])], [f32("y", [64, 64])])
    with pytest.raises(geflow.CompileError,
                       match=r"more than graph_memory_max_size \(1024 bytes\)"):
        geflow.compile(str(path), {"graph_memory_max_size": "1024"})
    x = np.random.default_rng(0).standard_normal((64, 64)).astype(np.float32)
    (y,) = geflow.compile(str(path)).run([x])
    np.testing.assert_array_equal(y, np.maximum(x, 0))


# --- 9. A .gfm its own loader rejects ---------------------------------------

def test_invalid_utf8_node_name_is_an_error(tmp_path):
    node = helper.make_node("Relu", ["x"], ["y"])
    model = helper.make_model(helper.make_graph([node], "g", [f32("x", [4])], [f32("y", [4])]),
                              opset_imports=[helper.make_opsetid("", 17)])
    model.graph.node[0].name = "relu"
    data = model.SerializeToString().replace(b"relu", b"r\xffel")
    path = tmp_path / "utf8.onnx"
    path.write_bytes(data)
    assert_error(tool("geflow-compile", f"--model={path}", f"--output={tmp_path}/o.gfm"),
                 "node name 'r\\xFFel' is not valid UTF-8")
    assert not os.path.exists(tmp_path / "o.gfm")


def test_invalid_utf8_input_name_is_an_error(tmp_path):
    node = helper.make_node("Relu", ["inp"], ["y"])
    model = helper.make_model(helper.make_graph([node], "g", [f32("inp", [4])], [f32("y", [4])]),
                              opset_imports=[helper.make_opsetid("", 17)])
    path = tmp_path / "utf8in.onnx"
    path.write_bytes(model.SerializeToString().replace(b"inp", b"i\xfep"))
    assert_error(tool("geflow-compile", f"--model={path}", f"--output={tmp_path}/o.gfm"),
                 "input name 'i\\xFEp' is not valid UTF-8")


def test_rank_64_input_is_an_error(tmp_path):
    path = save_model(tmp_path, "rank64", [helper.make_node("Relu", ["x"], ["y"])],
                      [f32("x", [1] * 64)], [f32("y", [1] * 64)])
    assert_error(tool("geflow-compile", f"--model={path}", f"--output={tmp_path}/o.gfm"),
                 "the compiled model would not load", "rank 64")
    assert not os.path.exists(tmp_path / "o.gfm")


# --- 10. Two functions in an .mlir file -------------------------------------

def test_two_functions_in_mlir_is_an_error(tmp_path):
    path = tmp_path / "two.mlir"
    fn = """
func.func @{0}(%x: tensor<4xf32> {{ge.name = "x"}}) -> (tensor<4xf32> {{ge.name = "y"}}) {{
  %y = ge.Relu %x : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}}
"""
    path.write_text(fn.format("a") + fn.format("b"))
    assert_error(tool("geflow-compile", f"--model={path}", f"--output={tmp_path}/o.gfm"),
                 "has 2 functions (@a, @b); a model is one graph function")
    with pytest.raises(geflow.CompileError, match="has 2 functions"):
        geflow.compile(str(path))


# --- 11. Floats in integer options ------------------------------------------

@pytest.mark.parametrize("options", [
    {"input_shape": {"x": [-1, 4]}, "dynamic_batch_size": [1.5, 2.9]},
    {"input_shape": {"x": [32.7, 4]}},
    {"input_shape": {"x": [-1, 4]}, "dynamic_dims": [[1.5], [2]]},
])
def test_non_integral_option_values_are_errors(options):
    with pytest.raises(geflow.InvalidArgumentError, match="non-integral value"):
        geflow.compile(tiny_graph(), options=options)


def test_integral_floats_are_accepted():
    from geflow.compiler import options_dict
    assert options_dict({"dynamic_batch_size": [1.0, 2]}) == {"dynamic_batch_size": "1,2"}


# --- 12. A negative dim in an ONNX input ------------------------------------

def test_negative_input_dim_names_the_input_dim_and_value(tmp_path):
    path = save_model(tmp_path, "neg", [helper.make_node("Relu", ["x"], ["y"])],
                      [f32("x", [1, -3])], [f32("y", None)])
    result = tool("geflow-compile", f"--model={path}", f"--output={tmp_path}/o.gfm")
    assert_error(result, "graph input 'x'", "dim 1 has the negative size -3")
    assert "unknown dim 0" not in result.stderr


@pytest.mark.parametrize("size", [3, 7, 2**31 - 1])
def test_lrn_window_wider_than_the_channels_is_cheap_and_exact(size):
    # A window past the channels adds zeros: a huge `size` (fuzzing's kind of
    # attribute) compiles to at most 2C - 1 slices and keeps ONNX's value.
    node = helper.make_node("LRN", ["x"], ["y"], size=size, alpha=0.5, beta=0.75, bias=2.0)
    model = helper.make_model(
        helper.make_graph([node], "lrn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 3, 3])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 3, 3])]),
        opset_imports=[helper.make_opsetid("", 13)])
    x = np.random.default_rng(1).standard_normal((1, 4, 3, 3)).astype(np.float32)
    (y,) = geflow.compile(model).run({"x": x})
    sq = x.astype(np.float64) ** 2
    window = np.stack([sq[:, max(0, c - (size - 1) // 2):min(4, c + size // 2 + 1)].sum(axis=1)
                       for c in range(4)], axis=1)
    expected = x / (2.0 + 0.5 / size * window) ** 0.75
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)
