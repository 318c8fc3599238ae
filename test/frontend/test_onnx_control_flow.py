"""ONNX control flow (If, Loop, Scan) in whole models, against NumPy.

Control flow whose course is known at compile time is compiled away at
import (a constant If condition, a Loop with a small constant trip count,
Scan); the rest becomes ge.If / ge.While, whose subgraphs compile into
executables of their own that the executor runs (docs/onnx-frontend.md,
"Control flow"; docs/executor.md, "Control flow"): only the branch an If's
run-time condition picks runs, and a Loop whose end is known only at run
time runs as many iterations as it takes. Each model is built with
onnx.helper and checked with onnx.checker; every expected value comes from
a NumPy reference written from the operator spec. Tolerance: rtol = atol =
1e-5 for f32; integers exact.
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
    # The trip count (max_len) is an input and the body stops at EOS: a
    # ge.While runs exactly the iterations the reference runs, so h, the
    # last token and the step count are exact for any run-time end; the
    # tokens scan output has its declared length (STEPS) and holds zeros
    # after the last iteration.
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
        h, tok, steps, tokens = exe.run([trips, h0, tok0])
        rh, rtok, rcount, rtokens = decode_reference(h0, tok0, int(trips), True)
        if trips > 0 and rcount < trips:
            ended_early += 1
        close(h, rh)
        np.testing.assert_array_equal(tok, rtok if rcount else tok0)
        assert int(steps) == rcount
        padded = np.zeros((STEPS, 1), np.int64)
        if rcount:
            padded[:rcount] = rtokens
        np.testing.assert_array_equal(tokens, padded)
    assert ended_early > 0  # the EOS path was exercised
    # A max_len beyond the declared length of the tokens output: the run
    # fails naming the loop instead of writing past the output.
    h0 = np.zeros((1, HIDDEN), np.float32)
    with pytest.raises(geflow.Error, match=r"'decode' \(While\): runs more "
                       r"than the 6 iterations its scan outputs hold"):
        exe_no_eos = geflow.compile(model(
            [helper.make_node("Loop", ["m", "", "h0", "tok0", "steps0"],
                              ["h", "tok", "steps", "tokens"],
                              body=decode_body(False), name="decode")],
            [vi("m", I64, []), vi("h0", F, [1, HIDDEN]), vi("tok0", I64, [1])],
            [vi("h", F, [1, HIDDEN]), vi("tok", I64, [1]),
             vi("steps", I64, []), vi("tokens", I64, [STEPS, 1])],
            decode_inits()))
        exe_no_eos.run([np.int64(STEPS + 2), h0, np.array([1], np.int64)])


def test_greedy_decode_with_runtime_max_len_and_no_scan_output():
    # max_len given at run time, early exit on EOS, the generated tokens
    # kept in a carried buffer written at the step position (ScatterElements)
    # instead of a scan output: the loop can run any number of iterations.
    cap = 40
    body = decode_body(True)
    body.input.append(vi("buf_in", I64, [cap]))
    body.output.append(vi("buf_out", I64, [cap]))
    body.node.extend([
        helper.make_node("Unsqueeze", ["i", "axes0"], ["pos"]),
        helper.make_node("ScatterElements", ["buf_in", "pos", "tok_out"],
                         ["buf_out"], axis=0)])
    # The body's scan output (emitted) is dropped: outputs are cond, h, tok,
    # steps, buf.
    outputs = [o for o in body.output if o.name != "emitted"]
    del body.output[:]
    body.output.extend(outputs)
    body.node.remove([n for n in body.node if n.output[0] == "emitted"][0])
    nodes = [helper.make_node("Loop", ["max_len", "", "h0", "tok0", "steps0",
                                       "buf0"],
                              ["h", "tok", "steps", "buf"], body=body,
                              name="greedy")]
    m = model(nodes, [vi("max_len", I64, []), vi("h0", F, [1, HIDDEN]),
                      vi("tok0", I64, [1])],
              [vi("h", F, [1, HIDDEN]), vi("tok", I64, [1]),
               vi("steps", I64, []), vi("buf", I64, [cap])],
              decode_inits() + [const("axes0", np.array([0], np.int64)),
                                const("buf0", np.full(cap, -1, np.int64))])
    exe = geflow.compile(m)
    lengths = set()
    for trial, max_len in enumerate([0, 1, 5, 17, 40, 40, 33]):
        h0 = RNG.standard_normal((1, HIDDEN)).astype(np.float32) * 2
        tok0 = np.array([(trial * 3 + 1) % VOCAB], np.int64)
        h, tok, steps, buf = exe.run([np.int64(max_len), h0, tok0])
        rh, rtok, rcount, rtokens = decode_reference(h0, tok0, max_len, True)
        lengths.add(rcount)
        close(h, rh)
        assert int(steps) == rcount
        expected = np.full(cap, -1, np.int64)
        if rcount:
            expected[:rcount] = rtokens[:, 0]
            np.testing.assert_array_equal(tok, rtok)
        np.testing.assert_array_equal(buf, expected)
    assert len(lengths) > 2


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


def costly_if_model():
    """then: a chain of 8 64x64 MatMuls, then x gathered at idx (a kernel
    failure when idx is out of range); else: one Neg."""
    nodes, prev = [], "xm"
    for k in range(8):
        nodes += [helper.make_node("MatMul", [prev, "WB"], [f"m{k}"]),
                  helper.make_node("Tanh", [f"m{k}"], [f"t{k}"])]
        prev = f"t{k}"
    nodes += [helper.make_node("ReduceSum", [prev, "ax1"], ["rs"], keepdims=0),
              helper.make_node("Gather", ["rs", "idx"], ["g"], axis=0),
              helper.make_node("Add", ["g", "zeros4"], ["t"])]
    then_g = helper.make_graph(nodes, "heavy", [], [vi("t", F, [4])])
    else_g = helper.make_graph([helper.make_node("Neg", ["x"], ["e"])],
                               "light", [], [vi("e", F, [4])])
    outer = [helper.make_node("Reshape", ["x", "shape"], ["x1"]),
             helper.make_node("Tile", ["x1", "reps"], ["xm"]),
             helper.make_node("If", ["c"], ["y"], then_branch=then_g,
                              else_branch=else_g, name="costly")]
    return model(outer, [vi("c", B, []), vi("x", F, [4]), vi("idx", I64, [4])],
                 [vi("y", F, [4])],
                 [const("WB", WB), const("ax1", np.array([1], np.int64)),
                  const("zeros4", np.zeros(4, np.float32)),
                  const("shape", np.array([1, 4], np.int64)),
                  const("reps", np.array([64, 16], np.int64))])


WB = (RNG.standard_normal((64, 64)) / 8).astype(np.float32)


def costly_reference(x, idx):
    t = np.tile(x.reshape(1, 4), (64, 16))
    for _ in range(8):
        t = np.tanh(t @ WB)
    return t.sum(axis=1)[idx]


def test_if_runs_only_the_taken_branch():
    exe = geflow.compile(costly_if_model())
    x = RNG.standard_normal(4).astype(np.float32)
    idx = np.array([0, 63, 5, 2], np.int64)
    close(exe.run([np.bool_(True), x, idx])[0], costly_reference(x, idx))
    close(exe.run([np.bool_(False), x, idx])[0], -x)
    # An index out of range fails the Gather of the heavy branch when it
    # runs; with the condition false the run succeeds, so that branch did
    # not run at all (computing both branches and selecting would fail).
    bad = np.array([0, 99, 1, 2], np.int64)
    close(exe.run([np.bool_(False), x, bad])[0], -x)
    with pytest.raises(geflow.Error, match=r"'costly' \(If\): then_branch"):
        exe.run([np.bool_(True), x, bad])


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


def test_trip_count_beyond_the_unroll_limit_runs_as_a_while():
    # 5000 iterations exceed the 4096 the importer unrolls: a ge.While.
    nodes = [helper.make_node("Loop", ["m", "", "y0"], ["y"],
                              body=counting_body(), name="long")]
    m = model(nodes, [vi("y0", F, [1])], [vi("y", F, [1])],
              [const("m", np.int64(5000)), const("step", np.float32(1))])
    y0 = np.array([0.5], np.float32)
    close(geflow.compile(m).run([y0])[0], y0 + 5000)


def test_runtime_trip_count_without_scan_outputs():
    nodes = [helper.make_node("Loop", ["m", "", "y0"], ["y"],
                              body=counting_body(), name="open_loop")]
    m = model(nodes, [vi("m", I64, []), vi("y0", F, [1])], [vi("y", F, [1])],
              [const("step", np.float32(1))])
    exe = geflow.compile(m)
    for trips in [0, 1, 7, 300]:
        y0 = RNG.standard_normal(1).astype(np.float32)
        close(exe.run([np.int64(trips), y0])[0], y0 + trips)


def test_carried_value_growing_across_iterations():
    body = helper.make_graph(
        [helper.make_node("Identity", ["c"], ["c_out"]),
         helper.make_node("Concat", ["y_in", "y_in"], ["y_out"], axis=0)],
        "grow", [vi("i", I64, []), vi("c", B, []), vi("y_in", F, ["n"])],
        [vi("c_out", B, []), vi("y_out", F, ["n2"])])
    nodes = [helper.make_node("Loop", ["m", "", "y0"], ["y"], body=body,
                              name="doubling")]
    m = model(nodes, [vi("m", I64, []), vi("y0", F, [1])], [vi("y", F, ["k"])])
    message = compile_error(m)
    assert "'doubling' (Loop)" in message
    assert "enters as tensor<1xf32> and the body gives tensor<2xf32>" in message


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
