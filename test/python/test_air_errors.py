"""Every error path of the .air (GE IR) importer: each malformed ModelDef is a
CompileError (never a crash or hang) whose message names what is wrong and
where (the node, the path). Plus the round trip ONNX -> geflow-compile
--emit=air -> geflow, bit-identical to ONNX -> geflow."""
import os
import subprocess
import sys

import numpy as np
import onnx
import pytest

import geflow
import geflow_models
from conftest import REPO

sys.path.insert(0, os.path.join(REPO, "test", "lit", "Frontend", "AIR", "Inputs"))
from air_models import AirGraph, Dt  # noqa: E402

BIN = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(geflow.__file__))), "bin")


def import_error(g_or_bytes, path):
    """Compiles `path` (after writing the graph or bytes there) and returns
    the CompileError's message."""
    if isinstance(g_or_bytes, AirGraph):
        g_or_bytes.save(str(path))
    else:
        path.write_bytes(g_or_bytes)
    with pytest.raises(geflow.CompileError) as err:
        geflow.compile(str(path))
    return str(err.value)


def assert_all(message, *needles):
    for needle in needles:
        assert needle in message, message


def add_graph():
    """y = x + c: a valid graph the error cases start from."""
    g = AirGraph()
    x = g.data("x", np.float32, [2])
    c = g.const("c", np.array([1, 2], np.float32))
    g.add("Add", "add", [x, c], outputs=[(np.float32, [2])])
    g.output("add:0")
    return g


def test_valid_base_graph_imports(tmp_path):
    (y,) = geflow.compile(add_graph().save(str(tmp_path / "m.air"))).run(
        [np.array([1, 1], np.float32)])
    np.testing.assert_array_equal(y, [2, 3])


# --- Wire types and attribute kinds ----------------------------------------

def test_data_index_of_wrong_kind(tmp_path):
    g = AirGraph()
    g.add("Data", "x", attrs={"index": "0"}, outputs=[(np.float32, [2])])
    g.output("x:0")
    assert_all(import_error(g, tmp_path / "m.air"), "Data 'x'", "integer attribute 'index'")


def test_data_indices_with_a_gap(tmp_path):
    g = AirGraph()
    a = g.data("a", np.float32, [2], index=0)
    b = g.data("b", np.float32, [2], index=2)
    g.add("Add", "add", [a, b], outputs=[(np.float32, [2])])
    g.output("add:0")
    assert_all(import_error(g, tmp_path / "m.air"), "Data 'b'", "index")


def test_op_attribute_of_wrong_kind(tmp_path):
    g = AirGraph()
    x = g.data("x", np.float32, [2, 3])
    g.add("ReduceSumD", "rs", [x], {"axes": "1", "keep_dims": False},
          outputs=[(np.float32, [2])])
    g.output("rs:0")
    assert_all(import_error(g, tmp_path / "m.air"), "ReduceSumD 'rs'", "axes")


@pytest.mark.parametrize("op_type,n_inputs,needle", [
    ("Relu", 0, "operand"), ("GatherElements", 1, "operands"), ("Gelu", 2, "operand"),
    ("Add", 3, "operands")])
def test_wrong_input_count(tmp_path, op_type, n_inputs, needle):
    g = AirGraph()
    ins = [g.data(f"x{i}", np.float32, [2, 3]) for i in range(n_inputs)]
    g.add(op_type, "op", ins, outputs=[(np.float32, [2, 3])])
    g.output("op:0")
    assert_all(import_error(g, tmp_path / "m.air"), f"{op_type} 'op'", needle)


def test_cast_dst_type_unknown_dtype(tmp_path):
    g = AirGraph()
    x = g.data("x", np.float32, [2])
    dt = Dt(np.float32)
    dt.value = 999
    g.add("Cast", "cast", [x], {"dst_type": dt}, [(np.float32, [2])])
    g.output("cast:0")
    assert_all(import_error(g, tmp_path / "m.air"), "Cast 'cast'", "999")


def test_desc_with_unknown_proto_dtype(tmp_path):
    g = AirGraph()
    g.add("Data", "x", attrs={"index": 0}, outputs=[(77, [2])])
    g.output("x:0")
    assert_all(import_error(g, tmp_path / "m.air"), "Data 'x'", "77")


def test_const_without_value(tmp_path):
    g = AirGraph()
    g.add("Const", "c", attrs={"value": 3}, outputs=[(np.float32, [])])
    g.output("c:0")
    assert_all(import_error(g, tmp_path / "m.air"), "Const 'c'", "'value'")


# --- Edges ---------------------------------------------------------------------

def test_dangling_input_name(tmp_path):
    g = AirGraph()
    x = g.data("x", np.float32, [2])
    g.add("Add", "add", [x, "ghost:0"], outputs=[(np.float32, [2])])
    g.output("add:0")
    assert_all(import_error(g, tmp_path / "m.air"), "Add 'add'", "'ghost:0'", "not in the graph")


def test_malformed_input_text(tmp_path):
    g = AirGraph()
    x = g.data("x", np.float32, [2])
    g.add("Relu", "relu", ["x:zero"], outputs=[(np.float32, [2])])
    g.output("relu:0", x)
    assert_all(import_error(g, tmp_path / "m.air"), "Relu 'relu'", "'x:zero'")


def test_output_index_the_source_does_not_have(tmp_path):
    g = AirGraph()
    g.data("x", np.float32, [2])
    g.add("Relu", "relu", ["x:3"], outputs=[(np.float32, [2])])
    g.output("relu:0")
    assert_all(import_error(g, tmp_path / "m.air"), "Relu 'relu'", "'x:3'")


def test_duplicate_op_names(tmp_path):
    g = AirGraph()
    x = g.data("x", np.float32, [2])
    g.add("Relu", "r", [x], outputs=[(np.float32, [2])])
    g.add("Abs", "r", [x], outputs=[(np.float32, [2])])
    g.output("r:0")
    assert_all(import_error(g, tmp_path / "m.air"), "'r'", "two ops")


def test_cycle(tmp_path):
    g = AirGraph()
    x = g.data("x", np.float32, [2])
    g.add("Add", "a", [x, "b:0"], outputs=[(np.float32, [2])])
    g.add("Relu", "b", ["a:0"], outputs=[(np.float32, [2])])
    g.output("b:0")
    assert_all(import_error(g, tmp_path / "m.air"), "cycle", "'a'", "'b'")


def test_cycle_through_control_edge(tmp_path):
    g = AirGraph()
    x = g.data("x", np.float32, [2])
    g.add("Relu", "a", [x, "b:-1"], outputs=[(np.float32, [2])])
    g.add("Abs", "b", ["a:0"], outputs=[(np.float32, [2])])
    g.output("b:0")
    assert_all(import_error(g, tmp_path / "m.air"), "cycle", "'a'", "'b'")


def test_self_loop(tmp_path):
    g = AirGraph()
    g.add("Relu", "a", ["a:0"], outputs=[(np.float32, [2])])
    g.output("a:0")
    assert_all(import_error(g, tmp_path / "m.air"), "cycle", "'a'")


# --- Desc vs data ----------------------------------------------------------------

def test_const_desc_dtype_mismatch(tmp_path):
    g = AirGraph()
    g.add("Const", "c", attrs={"value": np.array([1, 2], np.float32)},
          outputs=[(np.int32, [2])])
    g.output("c:0")
    assert_all(import_error(g, tmp_path / "m.air"), "Const 'c'", "descriptor", "i32", "f32")


def test_const_desc_shape_mismatch(tmp_path):
    g = AirGraph()
    g.add("Const", "c", attrs={"value": np.array([1, 2], np.float32)},
          outputs=[(np.float32, [3])])
    g.output("c:0")
    assert_all(import_error(g, tmp_path / "m.air"), "Const 'c'", "3xf32", "2xf32")


def test_const_data_size_does_not_match_its_desc(tmp_path):
    g = AirGraph()
    g.const("c", np.array([1, 2], np.float32))
    g.graph.op[0].attr["value"].t.data = b"\0" * 5
    g.output("c:0")
    assert_all(import_error(g, tmp_path / "m.air"), "Const 'c'", "5")


# --- FileConstant -----------------------------------------------------------------

def file_constant(path=None, shape=(2,), attrs=None):
    g = AirGraph()
    x = g.data("x", np.float32, list(shape))
    a = {"shape": list(shape), "dtype": Dt(np.float32)}
    if path is not None:
        a["file_path"] = str(path)
    a.update(attrs or {})
    g.add("FileConstant", "w", [], a, [(np.float32, list(shape))])
    g.add("Add", "add", [x, "w:0"], outputs=[(np.float32, list(shape))])
    g.output("add:0")
    return g


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    """model/ (holds the .air), cwd/ (the working directory), other/ (neither)."""
    d = {k: tmp_path / k for k in ("model", "cwd", "other")}
    for p in d.values():
        p.mkdir()
    monkeypatch.chdir(d["cwd"])
    return d


W = np.array([10, 20], np.float32)


def test_file_constant_in_model_dir_and_cwd(dirs):
    (dirs["model"] / "w.bin").write_bytes(W.tobytes())
    (dirs["cwd"] / "v.bin").write_bytes((W * 2).tobytes())
    x = np.array([1, 2], np.float32)
    for name, ref in (("w.bin", W + x), ("v.bin", W * 2 + x)):
        path = file_constant(name).save(str(dirs["model"] / "m.air"))
        (y,) = geflow.compile(path).run([x])
        np.testing.assert_array_equal(y, ref)


def test_file_constant_dotdot(dirs):
    (dirs["other"] / "w.bin").write_bytes(W.tobytes())
    msg = import_error(file_constant("../other/w.bin"), dirs["model"] / "m.air")
    assert_all(msg, "FileConstant 'w'", "'../other/w.bin'", "'..'")


def test_file_constant_symlink_out(dirs):
    (dirs["other"] / "w.bin").write_bytes(W.tobytes())
    os.symlink(dirs["other"] / "w.bin", dirs["model"] / "link.bin")
    msg = import_error(file_constant("link.bin"), dirs["model"] / "m.air")
    assert_all(msg, "FileConstant 'w'", "'link.bin'", "outside", str(dirs["other"] / "w.bin"))


def test_file_constant_symlinked_dir_out(dirs):
    (dirs["other"] / "w.bin").write_bytes(W.tobytes())
    os.symlink(dirs["other"], dirs["model"] / "sub")
    msg = import_error(file_constant("sub/w.bin"), dirs["model"] / "m.air")
    assert_all(msg, "FileConstant 'w'", "'sub/w.bin'", "outside")


def test_file_constant_absolute_path_outside(dirs):
    target = dirs["other"] / "w.bin"
    target.write_bytes(W.tobytes())
    msg = import_error(file_constant(target), dirs["model"] / "m.air")
    assert_all(msg, "FileConstant 'w'", str(target), "outside")


def test_file_constant_absolute_path_inside_is_accepted(dirs):
    target = dirs["model"] / "w.bin"
    target.write_bytes(W.tobytes())
    path = file_constant(target).save(str(dirs["model"] / "m.air"))
    (y,) = geflow.compile(path).run([np.zeros(2, np.float32)])
    np.testing.assert_array_equal(y, W)


def test_file_constant_missing_file(dirs):
    msg = import_error(file_constant("nope.bin"), dirs["model"] / "m.air")
    assert_all(msg, "FileConstant 'w'", "'nope.bin'", "does not exist", str(dirs["cwd"]))


def test_file_constant_short_file(dirs):
    (dirs["model"] / "w.bin").write_bytes(W.tobytes()[:5])
    msg = import_error(file_constant("w.bin"), dirs["model"] / "m.air")
    assert_all(msg, "FileConstant 'w'", "'w.bin'", "5 bytes", "8")


def test_file_constant_offset_past_end(dirs):
    (dirs["model"] / "w.bin").write_bytes(W.tobytes())
    msg = import_error(file_constant("w.bin", attrs={"offset": 4}), dirs["model"] / "m.air")
    assert_all(msg, "FileConstant 'w'", "'w.bin'", "offset 4")


def test_file_constant_length_mismatch(dirs):
    (dirs["model"] / "w.bin").write_bytes(W.tobytes())
    msg = import_error(file_constant("w.bin", attrs={"length": 4}), dirs["model"] / "m.air")
    assert_all(msg, "FileConstant 'w'", "length 4")


def test_file_constant_directory_not_file(dirs):
    (dirs["model"] / "d.bin").mkdir()
    msg = import_error(file_constant("d.bin"), dirs["model"] / "m.air")
    assert_all(msg, "FileConstant 'w'", "'d.bin'", "not a regular file")


def test_file_constant_file_id_without_path(dirs):
    msg = import_error(file_constant(attrs={"file_id": "weight_0"}), dirs["model"] / "m.air")
    assert_all(msg, "FileConstant 'w'", "file_id 'weight_0'", "file_path")


def test_file_constant_no_path_at_all(dirs):
    msg = import_error(file_constant(), dirs["model"] / "m.air")
    assert_all(msg, "FileConstant 'w'", "no file_path")


def test_file_constant_negative_shape(dirs):
    (dirs["model"] / "w.bin").write_bytes(W.tobytes())
    g = file_constant("w.bin")
    w = g.graph.op[1]
    del w.attr["shape"].list.i[:]
    w.attr["shape"].list.i.extend([-2])
    msg = import_error(g, dirs["model"] / "m.air")
    assert_all(msg, "FileConstant 'w'", "negative")


# --- Unsupported ops ------------------------------------------------------------

def test_unknown_op_types_listed_at_once(tmp_path):
    g = AirGraph()
    x = g.data("x", np.float32, [2])
    g.add("FancyOp", "f1", [x], outputs=[(np.float32, [2])])
    g.add("FancyOp", "f2", ["f1:0"], outputs=[(np.float32, [2])])
    g.add("OtherOp", "o", [x], outputs=[(np.float32, [2])])
    g.output("f2:0", "o:0")
    msg = import_error(g, tmp_path / "m.air")
    assert_all(msg, "unsupported op types", "FancyOp (nodes 'f1', 'f2')", "OtherOp (node 'o')")


@pytest.mark.parametrize("op_type", ["If", "While", "Case", "PartitionedCall"])
def test_subgraph_ops_refused(tmp_path, op_type):
    g = AirGraph()
    x = g.data("x", np.float32, [2])
    g.add(op_type, "ctl", [x], outputs=[(np.float32, [2])])
    g.output("ctl:0")
    assert_all(import_error(g, tmp_path / "m.air"), f"{op_type} 'ctl'", "subgraphs",
               "not supported")


def test_op_naming_subgraphs_refused(tmp_path):
    g = AirGraph()
    x = g.data("x", np.float32, [2])
    g.add("Relu", "relu", [x], outputs=[(np.float32, [2])])
    g.graph.op[1].subgraph_name.append("body")
    g.output("relu:0")
    assert_all(import_error(g, tmp_path / "m.air"), "Relu 'relu'", "subgraphs")


# --- File-level problems ----------------------------------------------------------

def test_truncated_air(tmp_path):
    data = add_graph().model.SerializeToString()
    for cut in (len(data) // 2, len(data) - 1):
        msg = import_error(data[:cut], tmp_path / "m.air")
        assert_all(msg, str(tmp_path / "m.air"), "not a GE IR ModelDef", "truncated")
    # Cut after the model's name: a well-formed ModelDef with no graph.
    msg = import_error(data[:3], tmp_path / "m.air")
    assert_all(msg, str(tmp_path / "m.air"), "has no graph")


def test_garbage_air(tmp_path):
    garbage = np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    msg = import_error(b"\xff" + garbage, tmp_path / "m.air")
    assert_all(msg, str(tmp_path / "m.air"), "not a GE IR ModelDef")


def test_empty_file(tmp_path):
    assert_all(import_error(b"", tmp_path / "m.air"), str(tmp_path / "m.air"), "has no graph")


def test_model_without_graph(tmp_path):
    from geflow import ge_ir_pb2
    model = ge_ir_pb2.ModelDef(name="empty")
    msg = import_error(model.SerializeToString(), tmp_path / "m.air")
    assert_all(msg, str(tmp_path / "m.air"), "has no graph")


def test_graph_without_net_output(tmp_path):
    g = AirGraph()
    x = g.data("x", np.float32, [2])
    g.add("Relu", "relu", [x], outputs=[(np.float32, [2])])
    assert_all(import_error(g, tmp_path / "m.air"), "NetOutput")


def test_net_output_without_inputs(tmp_path):
    g = AirGraph()
    g.data("x", np.float32, [2])
    g.output()
    assert_all(import_error(g, tmp_path / "m.air"), "NetOutput 'NetOutput'", "no data inputs")


def test_two_net_outputs(tmp_path):
    g = AirGraph()
    x = g.data("x", np.float32, [2])
    g.output(x)
    g.add("NetOutput", "out2", [x])
    assert_all(import_error(g, tmp_path / "m.air"), "NetOutput 'out2'", "second NetOutput")


def test_missing_air_file(tmp_path):
    with pytest.raises(geflow.Error) as err:
        geflow.compile(str(tmp_path / "absent.air"))
    assert str(tmp_path / "absent.air") in str(err.value)


@pytest.mark.parametrize("content", [b"", b"\x0a\xff\xff\xff\xff\x0f", b"garbage" * 10])
def test_cli_exits_1_on_bad_air(tmp_path, content):
    path = tmp_path / "m.air"
    path.write_bytes(content)
    for tool in ("geflow-compile", "geflow-run"):
        r = subprocess.run([os.path.join(BIN, tool), f"--model={path}",
                            f"--output={tmp_path / 'out'}"][: 2 if tool == "geflow-run" else 3],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 1, (tool, r.returncode, r.stderr)
        assert str(path) in r.stderr, r.stderr


# --- Round trip: ONNX -> .air -> geflow == ONNX -> geflow, bit for bit ---------------

@pytest.mark.parametrize("name", ["resnet_small", "bert_small"])
@pytest.mark.parametrize("threshold", [None, "0"])
def test_onnx_air_round_trip_bit_identical(tmp_path, name, threshold):
    model = geflow_models.MODELS[name]()
    onnx_path = tmp_path / f"{name}.onnx"
    onnx.save(model, str(onnx_path))
    air_path = tmp_path / "air" / f"{name}.air"
    args = [os.path.join(BIN, "geflow-compile"), f"--model={onnx_path}", "--emit=air",
            f"--output={air_path}"]
    if threshold is not None:
        args.append(f"--air-weight-threshold={threshold}")
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    if threshold == "0":  # every float weight in a FileConstant file
        assert len(os.listdir(air_path.parent)) > 2, os.listdir(air_path.parent)

    rng = np.random.default_rng(5)
    inputs = []
    for vi in model.graph.input:
        shape = [d.dim_value for d in vi.type.tensor_type.shape.dim]
        dtype = onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[vi.type.tensor_type.elem_type]
        inputs.append(rng.standard_normal(shape).astype(dtype))
    from_onnx = geflow.compile(str(onnx_path)).run(inputs)
    from_air = geflow.compile(str(air_path)).run(inputs)
    assert len(from_onnx) == len(from_air) == len(model.graph.output)
    for a, b in zip(from_onnx, from_air):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    # A reference too, so an importer dropping work on both paths is caught.
    for a, ref in zip(from_air, geflow_models.reference(
            model, {vi.name: x for vi, x in zip(model.graph.input, inputs)})):
        np.testing.assert_allclose(a, ref, rtol=1e-3, atol=1e-3)
