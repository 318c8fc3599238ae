"""ONNX sequence and optional values in whole models, against NumPy.

geflow's sequences are static (docs/onnx-frontend.md, "Sequences and
optionals"): input contents come from input_sequence_shape, the sequence ops
resolve at import, inputs and outputs travel as one tensor per element
(geflow.run_values takes and returns lists). Each model is built with
onnx.helper and checked with onnx.checker; expected values come from NumPy
written from the operator spec. Tolerance: rtol = atol = 1e-6 for f32
(elementwise adds only); integers exact.
"""
import numpy as np
import pytest
from onnx import TensorProto, checker, helper, numpy_helper

import geflow

F, I64, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
RNG = np.random.default_rng(0)
TOL = dict(rtol=1e-6, atol=1e-6)


def vi(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


def seq_vi(name, dtype, shape=None):
    return helper.make_value_info(name, helper.make_sequence_type_proto(
        helper.make_tensor_type_proto(dtype, shape)))


def opt_vi(name, inner):
    return helper.make_value_info(name, helper.make_optional_type_proto(inner))


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def model(nodes, inputs, outputs, inits=(), opset=17):
    g = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    checker.check_model(m)
    return m


def shapes(arrays):
    return ",".join("[" + ",".join(map(str, a.shape)) + "]" for a in arrays)


def sequence_map_model():
    """y = SequenceMap(x, t) with body e * 2 + t; n = SequenceLength(y)."""
    body = helper.make_graph(
        [helper.make_node("Mul", ["e", "two"], ["e2"]),
         helper.make_node("Add", ["e2", "t_in"], ["r"])], "body",
        [vi("e", F, ["N"]), vi("t_in", F, [1])], [vi("r", F, ["N"])],
        initializer=[const("two", np.float32(2))])
    return model(
        [helper.make_node("SequenceMap", ["x", "t"], ["y"], body=body),
         helper.make_node("SequenceLength", ["y"], ["n"])],
        [seq_vi("x", F, ["N"]), vi("t", F, [1])],
        [seq_vi("y", F, ["N"]), vi("n", I64, [])])


def test_sequence_map_per_element_shapes():
    xs = [RNG.standard_normal(s).astype(np.float32) for s in (5, 1, 3)]
    t = RNG.standard_normal(1).astype(np.float32)
    exe = geflow.compile(sequence_map_model(),
                         {"input_sequence_shape": "x:" + shapes(xs)})
    assert [s["tensors"] for s in exe.composite_inputs] == [
        ["x[0]", "x[1]", "x[2]"]]
    out = geflow.run_values(exe, {"x": xs, "t": t})
    assert len(out["y"]) == 3
    for got, x in zip(out["y"], xs):
        np.testing.assert_allclose(got, x * 2 + t, **TOL)
    assert out["n"] == 3


def test_sequence_length_must_match_the_compiled_one():
    xs = [np.ones(2, np.float32)] * 2
    exe = geflow.compile(sequence_map_model(),
                         {"input_sequence_shape": "x:" + shapes(xs)})
    with pytest.raises(geflow.InvalidArgumentError, match="compiled for 2"):
        geflow.run_values(exe, {"x": xs + xs, "t": np.ones(1, np.float32)})
    # An element of another shape: the input's own shape check.
    with pytest.raises(geflow.Error, match=r"x\[1\]"):
        geflow.run_values(exe, {"x": [xs[0], np.ones(3, np.float32)],
                                "t": np.ones(1, np.float32)})


def test_expanded_sequence_map_loop():
    """ONNX's function body of SequenceMap: a Loop over SequenceLength that
    SequenceAt's each element and SequenceInsert's the result."""
    body = helper.make_graph(
        [helper.make_node("Identity", ["c_in"], ["c_out"]),
         helper.make_node("SequenceAt", ["x", "i"], ["e"]),
         helper.make_node("Neg", ["e"], ["r"]),
         helper.make_node("SequenceInsert", ["acc_in", "r"], ["acc_out"])],
        "loop_body",
        [vi("i", I64, []), vi("c_in", B, []), seq_vi("acc_in", F)],
        [vi("c_out", B, []), seq_vi("acc_out", F)])
    m = model(
        [helper.make_node("SequenceLength", ["x"], ["len"]),
         helper.make_node("SequenceEmpty", [], ["empty"], dtype=F),
         helper.make_node("Loop", ["len", "true", "empty"], ["y"], body=body)],
        [seq_vi("x", F)], [seq_vi("y", F)], [const("true", np.bool_(True))])
    xs = [RNG.standard_normal(s).astype(np.float32) for s in ((2, 3), (4,))]
    exe = geflow.compile(m, {"input_sequence_shape": "x:" + shapes(xs)})
    out = geflow.run_values(exe, {"x": xs})
    assert [a.shape for a in out["y"]] == [(2, 3), (4,)]
    for got, x in zip(out["y"], xs):
        np.testing.assert_array_equal(got, -x)


def test_split_insert_erase_concat():
    """SplitToSequence(x, 2 per part) -> insert w at 0 -> erase the last ->
    ConcatFromSequence along axis 0."""
    m = model(
        [helper.make_node("SplitToSequence", ["x", "two"], ["s"], axis=0),
         helper.make_node("SequenceInsert", ["s", "w", "zero"], ["s2"]),
         helper.make_node("SequenceErase", ["s2", "minus_one"], ["s3"]),
         helper.make_node("ConcatFromSequence", ["s3"], ["y"], axis=0),
         helper.make_node("SequenceAt", ["s", "minus_one"], ["last"])],
        [vi("x", F, [5, 3]), vi("w", F, [1, 3])],
        [vi("y", F, [5, 3]), vi("last", F, [1, 3])],
        [const("two", np.int64(2)), const("zero", np.int64(0)),
         const("minus_one", np.int64(-1))])
    x = RNG.standard_normal((5, 3)).astype(np.float32)
    w = RNG.standard_normal((1, 3)).astype(np.float32)
    exe = geflow.compile(m)
    y, last = exe.run({"x": x, "w": w})
    parts = [w, x[0:2], x[2:4], x[4:5]][:-1]
    np.testing.assert_array_equal(y, np.concatenate(parts, axis=0))
    np.testing.assert_array_equal(last, x[4:5])


def test_if_on_runtime_condition_selects_sequences():
    then_g = helper.make_graph(
        [helper.make_node("SequenceConstruct", ["a", "b"], ["s_then"])],
        "then", [], [seq_vi("s_then", F)])
    else_g = helper.make_graph(
        [helper.make_node("Neg", ["a"], ["na"]),
         helper.make_node("Neg", ["b"], ["nb"]),
         helper.make_node("SequenceConstruct", ["na", "nb"], ["s_else"])],
        "else", [], [seq_vi("s_else", F)])
    m = model(
        [helper.make_node("If", ["c"], ["s"], then_branch=then_g,
                          else_branch=else_g)],
        [vi("c", B, []), vi("a", F, [2]), vi("b", F, [3])], [seq_vi("s", F)])
    a = RNG.standard_normal(2).astype(np.float32)
    b = RNG.standard_normal(3).astype(np.float32)
    exe = geflow.compile(m)
    for cond in (True, False):
        out = geflow.run_values(exe, {"c": np.array(cond), "a": a, "b": b})
        sign = 1 if cond else -1
        np.testing.assert_array_equal(out["s"][0], sign * a)
        np.testing.assert_array_equal(out["s"][1], sign * b)


def optional_model():
    return model(
        [helper.make_node("OptionalHasElement", ["o"], ["has"]),
         helper.make_node("Identity", ["o"], ["o_out"])],
        [opt_vi("o", helper.make_tensor_type_proto(F, [4]))],
        [vi("has", B, []),
         opt_vi("o_out", helper.make_tensor_type_proto(F, [4]))], opset=16)


def test_optional_present_and_none():
    v = RNG.standard_normal(4).astype(np.float32)
    exe = geflow.compile(optional_model(), {"input_sequence_shape": "o:[4]"})
    out = geflow.run_values(exe, {"o": v})
    assert out["has"] == True  # noqa: E712 (a NumPy bool)
    np.testing.assert_array_equal(out["o_out"], v)

    exe = geflow.compile(optional_model(), {"input_sequence_shape": "o:none"})
    out = geflow.run_values(exe, {"o": None})
    assert out["has"] == False  # noqa: E712
    assert out["o_out"] is None
    with pytest.raises(geflow.InvalidArgumentError, match="holding none"):
        geflow.run_values(exe, {"o": v})


def test_errors_name_the_node():
    m = model(
        [helper.make_node("SequenceConstruct", ["a", "a"], ["s"]),
         helper.make_node("SequenceErase", ["s", "three"], ["s2"], name="er"),
         helper.make_node("SequenceLength", ["s2"], ["n"])],
        [vi("a", F, [2])], [vi("n", I64, [])], [const("three", np.int64(3))])
    with pytest.raises(geflow.CompileError,
                       match=r"node 'er' \(SequenceErase\): position 3 is out "
                             r"of range for a sequence of 2"):
        geflow.compile(m)
    with pytest.raises(geflow.CompileError, match="input_sequence_shape"):
        geflow.compile(sequence_map_model())
