"""ONNX control flow (If, Loop, Scan) in whole models, against NumPy.

geflow compiles control flow at import (docs/onnx-frontend.md, "Control
flow"): an If with a run-time condition computes both branches and selects,
a Loop is unrolled (masked where its end is known only at run time), a Scan
is unrolled over its scan axis. Each model is built with onnx.helper and
checked with onnx.checker; every expected value comes from a NumPy
reference written from the operator spec. Tolerance: rtol = atol = 1e-5 for
f32; integers exact.
"""
import numpy as np
import pytest
from onnx import TensorProto, checker, helper, numpy_helper

import geflow

F, I64, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
RTOL = ATOL = 1e-5
RNG = np.random.default_rng(0)


def vi(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def model(nodes, inputs, outputs, inits=(), opset=13):
    g = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    checker.check_model(m)
    return m


def close(actual, expected):
    expected = np.asarray(expected)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    np.testing.assert_allclose(actual, expected.astype(actual.dtype),
                               rtol=RTOL, atol=ATOL)


def compile_error(m):
    with pytest.raises(geflow.CompileError) as info:
        geflow.compile(m)
    return str(info.value)


# ---------------------------------------------------------------------------
# A greedy decode loop over a small recurrent cell
# ---------------------------------------------------------------------------

VOCAB, EMBED, HIDDEN, STEPS, EOS = 7, 4, 6, 6, 0
E = RNG.standard_normal((VOCAB, EMBED)).astype(np.float32)
WX = RNG.standard_normal((EMBED, HIDDEN)).astype(np.float32)
WH = RNG.standard_normal((HIDDEN, HIDDEN)).astype(np.float32) * 0.5
BIAS = RNG.standard_normal(HIDDEN).astype(np.float32)
WO = RNG.standard_normal((HIDDEN, VOCAB)).astype(np.float32)


def decode_body(stop_at_eos):
    """h' = tanh(E[token] Wx + h Wh + b); token' = argmax(h' Wo)."""
    nodes = [
        helper.make_node("Gather", ["E", "tok_in"], ["emb"], axis=0),
        helper.make_node("MatMul", ["emb", "WX"], ["xw"]),
        helper.make_node("MatMul", ["h_in", "WH"], ["hw"]),
        helper.make_node("Add", ["xw", "hw"], ["pre0"]),
        helper.make_node("Add", ["pre0", "BIAS"], ["pre"]),
        helper.make_node("Tanh", ["pre"], ["h_out"]),
        helper.make_node("MatMul", ["h_out", "WO"], ["logits"]),
        helper.make_node("ArgMax", ["logits"], ["tok_out"], axis=1, keepdims=0),
        helper.make_node("Identity", ["tok_out"], ["emitted"]),
        helper.make_node("Add", ["steps_in", "one"], ["steps_out"]),
    ]
    if stop_at_eos:
        nodes += [helper.make_node("Equal", ["tok_out", "eos"], ["is_eos1"]),
                  helper.make_node("Squeeze", ["is_eos1"], ["is_eos"]),
                  helper.make_node("Not", ["is_eos"], ["cond_out"])]
    else:
        nodes.append(helper.make_node("Identity", ["cond_in"], ["cond_out"]))
    return helper.make_graph(
        nodes, "decode_step",
        [vi("i", I64, []), vi("cond_in", B, []), vi("h_in", F, [1, HIDDEN]),
         vi("tok_in", I64, [1]), vi("steps_in", I64, [])],
        [vi("cond_out", B, []), vi("h_out", F, [1, HIDDEN]),
         vi("tok_out", I64, [1]), vi("steps_out", I64, []),
         vi("emitted", I64, [1])])


def decode_inits():
    return [const("E", E), const("WX", WX), const("WH", WH),
            const("BIAS", BIAS), const("WO", WO), const("one", np.int64(1)),
            const("eos", np.array([EOS], np.int64)),
            const("steps0", np.int64(0))]


def decode_reference(h, token, steps, stop_at_eos):
    tokens, count = [], 0
    for _ in range(steps):
        h = np.tanh(E[token] @ WX + h @ WH + BIAS)
        token = np.argmax(h @ WO, axis=1)
        tokens.append(token.copy())
        count += 1
        if stop_at_eos and token[0] == EOS:
            break
    return h, token, count, np.stack(tokens) if tokens else None


def test_greedy_decode_constant_trip_count():
    nodes = [helper.make_node("Loop", ["m", "", "h0", "tok0", "steps0"],
                              ["h", "tok", "steps", "tokens"],
                              body=decode_body(False), name="decode")]
    m = model(nodes, [vi("h0", F, [1, HIDDEN]), vi("tok0", I64, [1])],
              [vi("h", F, [1, HIDDEN]), vi("tok", I64, [1]),
               vi("steps", I64, []), vi("tokens", I64, [STEPS, 1])],
              decode_inits() + [const("m", np.int64(STEPS))])
    exe = geflow.compile(m)
    for start in range(3):
        h0 = RNG.standard_normal((1, HIDDEN)).astype(np.float32)
        tok0 = np.array([start], np.int64)
        h, tok, steps, tokens = exe.run([h0, tok0])
        rh, rtok, rcount, rtokens = decode_reference(h0, tok0, STEPS, False)
        close(h, rh)
        np.testing.assert_array_equal(tok, rtok)
        assert int(steps) == rcount == STEPS
        np.testing.assert_array_equal(tokens, rtokens)


def test_greedy_decode_stops_at_eos_at_run_time():
    # The trip count is an input and the body stops at EOS: every carried
    # value is masked once the loop has ended, so h, the last token and the
    # step count are exact for any run-time end.
    nodes = [helper.make_node("Loop", ["m", "", "h0", "tok0", "steps0"],
                              ["h", "tok", "steps", "tokens"],
                              body=decode_body(True), name="decode")]
    m = model(nodes, [vi("m", I64, []), vi("h0", F, [1, HIDDEN]),
                      vi("tok0", I64, [1])],
              [vi("h", F, [1, HIDDEN]), vi("tok", I64, [1]),
               vi("steps", I64, []), vi("tokens", I64, [STEPS, 1])],
              decode_inits())
    exe = geflow.compile(m)
    ended_early = 0
    for trial in range(12):
        h0 = RNG.standard_normal((1, HIDDEN)).astype(np.float32) * 2
        tok0 = np.array([trial % VOCAB], np.int64)
        trips = np.int64(trial % (STEPS + 1))
        h, tok, steps, _ = exe.run([trips, h0, tok0])
        rh, rtok, rcount, _ = decode_reference(h0, tok0, int(trips), True)
        if trips > 0 and rcount < trips:
            ended_early += 1
        close(h, rh)
        np.testing.assert_array_equal(tok, rtok if rcount else tok0)
        assert int(steps) == rcount
    assert ended_early > 0  # the EOS path was exercised


# ---------------------------------------------------------------------------
# If
# ---------------------------------------------------------------------------

W_THEN = RNG.standard_normal((4, 3)).astype(np.float32)


def if_model():
    then_g = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["t0"]),
         helper.make_node("Relu", ["t0"], ["t"])],
        "then_g", [], [vi("t", F, [2, 3])])
    else_g = helper.make_graph(
        [helper.make_node("Slice", ["x", "starts", "ends", "axes"], ["e0"]),
         helper.make_node("Neg", ["e0"], ["e"])],
        "else_g", [], [vi("e", F, [2, 3])])
    nodes = [helper.make_node("ReduceSum", ["x"], ["s"], keepdims=0),
             helper.make_node("Greater", ["s", "zero"], ["positive"]),
             helper.make_node("If", ["positive"], ["y"], then_branch=then_g,
                              else_branch=else_g, name="branch"),
             helper.make_node("Add", ["y", "one"], ["z"])]
    return model(nodes, [vi("x", F, [2, 4])], [vi("z", F, [2, 3])],
                 [const("W", W_THEN), const("zero", np.float32(0)),
                  const("one", np.float32(1)),
                  const("starts", np.array([1], np.int64)),
                  const("ends", np.array([4], np.int64)),
                  const("axes", np.array([1], np.int64))])


def test_if_runtime_condition():
    exe = geflow.compile(if_model())
    seen = set()
    for _ in range(8):
        x = RNG.standard_normal((2, 4)).astype(np.float32)
        positive = x.sum() > 0
        seen.add(bool(positive))
        expected = (np.maximum(x @ W_THEN, 0) if positive else -x[:, 1:4]) + 1
        close(exe.run([x])[0], expected)
    assert seen == {True, False}


def test_if_nested_in_loop():
    # Each iteration: y = y * 2 when i is even, y - 1 otherwise (the
    # condition folds per unrolled iteration).
    then_g = helper.make_graph([helper.make_node("Mul", ["y_in", "two"], ["t"])],
                               "then_g", [], [vi("t", F, [3])])
    else_g = helper.make_graph([helper.make_node("Sub", ["y_in", "onef"], ["e"])],
                               "else_g", [], [vi("e", F, [3])])
    body = helper.make_graph(
        [helper.make_node("Mod", ["i", "two_i"], ["r"]),
         helper.make_node("Equal", ["r", "zero_i"], ["even"]),
         helper.make_node("If", ["even"], ["y_out"], then_branch=then_g,
                          else_branch=else_g),
         helper.make_node("Identity", ["cond_in"], ["cond_out"])],
        "body", [vi("i", I64, []), vi("cond_in", B, []), vi("y_in", F, [3])],
        [vi("cond_out", B, []), vi("y_out", F, [3])])
    nodes = [helper.make_node("Loop", ["m", "", "y0"], ["y"], body=body)]
    m = model(nodes, [vi("y0", F, [3])], [vi("y", F, [3])],
              [const("m", np.int64(5)), const("two", np.float32(2)),
               const("onef", np.float32(1)), const("two_i", np.int64(2)),
               const("zero_i", np.int64(0))])
    y0 = RNG.standard_normal(3).astype(np.float32)
    y = y0.copy()
    for i in range(5):
        y = y * 2 if i % 2 == 0 else y - 1
    close(geflow.compile(m).run([y0])[0], y)


# ---------------------------------------------------------------------------
# Scan
# ---------------------------------------------------------------------------


def test_scan_directions_and_axes():
    # A running max-plus over axis 1 of x, read backwards, with a second
    # scan input read forwards; the scan output stacked along axis 1 and
    # reversed.
    body = helper.make_graph(
        [helper.make_node("Add", ["s_in", "a_t"], ["u"]),
         helper.make_node("Max", ["u", "b_t"], ["s_out"]),
         helper.make_node("Mul", ["s_out", "a_t"], ["emit"])],
        "scan_body", [vi("s_in", F, [2]), vi("a_t", F, [2]), vi("b_t", F, [2])],
        [vi("s_out", F, [2]), vi("emit", F, [2])])
    nodes = [helper.make_node("Scan", ["s0", "a", "b"], ["s", "ys"], body=body,
                              num_scan_inputs=2, scan_input_axes=[1, 0],
                              scan_input_directions=[1, 0],
                              scan_output_axes=[1], scan_output_directions=[1])]
    m = model(nodes, [vi("s0", F, [2]), vi("a", F, [2, 5]), vi("b", F, [5, 2])],
              [vi("s", F, [2]), vi("ys", F, [2, 5])], opset=11)
    s0 = RNG.standard_normal(2).astype(np.float32)
    a = RNG.standard_normal((2, 5)).astype(np.float32)
    b = RNG.standard_normal((5, 2)).astype(np.float32)
    s, outs = s0.copy(), []
    for t in range(5):
        a_t = a[:, 4 - t]
        s = np.maximum(s + a_t, b[t])
        outs.append(s * a_t)
    ys = np.stack(outs[::-1], axis=1)
    got = geflow.compile(m).run([s0, a, b])
    close(got[0], s)
    close(got[1], ys)


# ---------------------------------------------------------------------------
# Errors name the node
# ---------------------------------------------------------------------------


def counting_body(extra_input=False):
    inputs = [vi("i", I64, []), vi("c", B, []), vi("y_in", F, [1])]
    if extra_input:
        inputs.append(vi("z_in", F, [1]))
    return helper.make_graph(
        [helper.make_node("Identity", ["c"], ["c_out"]),
         helper.make_node("Add", ["y_in", "step"], ["y_out"])],
        "count", inputs, [vi("c_out", B, []), vi("y_out", F, [1])])


def test_trip_count_beyond_the_unroll_limit():
    nodes = [helper.make_node("Loop", ["m", "", "y0"], ["y"],
                              body=counting_body(), name="huge")]
    m = model(nodes, [vi("y0", F, [1])], [vi("y", F, [1])],
              [const("m", np.int64(1 << 40)), const("step", np.float32(1))])
    message = compile_error(m)
    assert "'huge' (Loop)" in message and "4096" in message


def test_runtime_end_without_a_bound():
    nodes = [helper.make_node("Loop", ["m", "", "y0"], ["y"],
                              body=counting_body(), name="open_loop")]
    m = model(nodes, [vi("m", I64, []), vi("y0", F, [1])], [vi("y", F, [1])],
              [const("step", np.float32(1))])
    message = compile_error(m)
    assert "'open_loop' (Loop)" in message and "run time" in message


def test_body_with_wrong_arity():
    nodes = [helper.make_node("Loop", ["m", "", "y0"], ["y"],
                              body=counting_body(extra_input=True),
                              name="bad_arity")]
    g = helper.make_graph(nodes, "g", [vi("y0", F, [1])], [vi("y", F, [1])],
                          [const("m", np.int64(2)), const("step", np.float32(1))])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    message = compile_error(m)
    assert "'bad_arity' (Loop)" in message and "takes 4 inputs" in message


def test_body_reading_an_undefined_outer_value():
    body = counting_body()
    body.node[1].input[1] = "undefined_step"
    nodes = [helper.make_node("Loop", ["m", "", "y0"], ["y"], body=body,
                              name="loop")]
    g = helper.make_graph(nodes, "g", [vi("y0", F, [1])], [vi("y", F, [1])],
                          [const("m", np.int64(2))])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    message = compile_error(m)
    assert ("the Add node producing 'y_out' in subgraph 'count' of node 'loop' "
            "(Loop): input 'undefined_step' is not defined") in message


def test_if_branches_of_different_shapes_at_run_time():
    then_g = helper.make_graph([helper.make_node("Identity", ["x"], ["t"])],
                               "then_g", [], [vi("t", F, [3])])
    else_g = helper.make_graph([helper.make_node("Concat", ["x", "x"], ["e"], axis=0)],
                               "else_g", [], [vi("e", F, [6])])
    nodes = [helper.make_node("If", ["c"], ["y"], then_branch=then_g,
                              else_branch=else_g, name="ragged")]
    g = helper.make_graph(nodes, "g", [vi("c", B, []), vi("x", F, [3])],
                          [vi("y", F, None)])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    message = compile_error(m)
    assert "'ragged' (If)" in message and "equal types" in message
