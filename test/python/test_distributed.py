"""Collectives in a single process (no mpirun): rank 0 of 1, copies.

The multi-rank behaviour runs under mpirun in test/distributed."""
import numpy as np
import pytest

import geflow
from geflow import distributed as dist
from geflow import ops


def test_single_rank():
    assert dist.rank() == 0 and dist.size() == 1
    assert dist.local_rank() == 0 and dist.local_size() == 1
    assert dist.backend() == "single"
    assert dist.group_ranks() == [0]


def test_collectives_are_copies_with_one_rank():
    g = geflow.Graph("one_rank")
    x = g.data("x", [2, 3], "float32")
    i = g.data("i", [4], "int32")
    g.output(ops.hcom_all_reduce(x, "max"), "ar")
    g.output(ops.hcom_all_gather(x, 1), "ag")
    g.output(ops.hcom_reduce_scatter(x, 1), "rs")
    a, b = ops.hcom_broadcast([x, i], 0)
    g.output(a, "b0")
    g.output(b, "b1")
    exe = geflow.compile(g)
    xv = np.arange(6, dtype=np.float32).reshape(2, 3) - 2
    iv = np.array([3, -1, 4, 1], np.int32)
    out = exe.run({"x": xv, "i": iv}, as_dict=True)
    for name in ("ar", "ag", "rs", "b0"):
        np.testing.assert_array_equal(out[name], xv)
    np.testing.assert_array_equal(out["b1"], iv)


def _load_error(build):
    g = geflow.Graph("bad")
    x = g.data("x", [2, 2], "float32")
    build(g, x)
    with pytest.raises(geflow.Error) as e:
        geflow.compile(g)
    return str(e.value)


def test_sizes_are_checked_against_the_group_at_load():
    msg = _load_error(lambda g, x: g.output(ops.hcom_all_gather(x, 2, name="ag"), "y"))
    assert "HcomAllGather 'ag'" in msg
    assert "compiled for rank_size 2 but the group has 1 ranks" in msg


def test_send_to_self_is_rejected():
    msg = _load_error(lambda g, x: (ops.hcom_send(x, 0, name="s"), g.output(x, "y")))
    assert "HcomSend 's'" in msg and "dest_rank 0 is this rank" in msg


def test_unknown_group():
    msg = _load_error(
        lambda g, x: g.output(ops.hcom_all_reduce(x, group="nope", name="ar"), "y"))
    assert "group 'nope'" in msg and "does not exist" in msg


def test_groups_from_rank_lists():
    dist.create_group("solo", [0])
    assert dist.group_ranks("solo") == [0]
    g = geflow.Graph("solo")
    x = g.data("x", [3], "float32")
    g.output(ops.hcom_all_reduce(x, group="solo"), "y")
    (y,) = geflow.compile(g).run({"x": np.ones(3, np.float32)})
    np.testing.assert_array_equal(y, np.ones(3, np.float32))
    with pytest.raises(geflow.Error, match="can only create groups of rank 0"):
        dist.create_group("pair", [0, 1])
    with pytest.raises(geflow.Error, match="already exists"):
        dist.create_group("solo", [0])


def test_bad_verifier_input():
    g = geflow.Graph("bad_reduce")
    x = g.data("x", [3, 2], "float32")
    with pytest.raises(geflow.InvalidArgumentError, match="not a multiple of rank_size"):
        ops.hcom_reduce_scatter(x, 2)
    with pytest.raises(geflow.InvalidArgumentError, match="reduction must be one of"):
        ops.hcom_all_reduce(x, "mean")


def test_hccl_timeout_option_is_validated():
    with pytest.raises(geflow.Error, match="hccl_timeout"):
        geflow.compile(geflow.Graph("t"), options={"hccl_timeout": "soon"})


def test_air_round_trip(tmp_path):
    """GE's .air carries the collectives with GE's op types and attributes;
    the import gives back the same ops (run here as copies)."""
    g = geflow.Graph("hcom")
    x = g.data("x", [4, 3], "float32")
    i = g.data("i", [2], "int32")
    g.output(ops.hcom_all_reduce(x, "max", name="ar"), "ar")
    g.output(ops.hcom_all_gather(x, 1, name="ag"), "ag")
    g.output(ops.hcom_reduce_scatter(x, 1, "min", name="rs"), "rs")
    a, b = ops.hcom_broadcast([x, i], 0, name="bc")
    g.output(a, "b0")
    g.output(b, "b1")
    air = tmp_path / "hcom.air"
    info = geflow.export_air(g, air)
    text = open(info["text"]).read()
    for wire in ('op: "HcomAllReduce"', 'op: "HcomAllGather"',
                 'op: "HcomReduceScatter"', 'op: "HcomBroadcast"',
                 'key: "rank_size"', 'key: "root_rank"', 'key: "reduction"',
                 's: "hccl_world_group"'):
        assert wire in text, wire
    exe = geflow.compile(str(air))
    xv = np.arange(12, dtype=np.float32).reshape(4, 3)
    iv = np.array([7, -7], np.int32)
    out = exe.run({"x": xv, "i": iv}, as_dict=True)
    for name in ("ar", "ag", "rs", "b0"):
        np.testing.assert_array_equal(out[name], xv)
    np.testing.assert_array_equal(out["b1"], iv)


def test_air_keeps_send_and_receive(tmp_path):
    """HcomSend (no output) and HcomReceive (shape, dtype) survive export and
    import: loading them in one process fails naming them."""
    def exported(build, name):
        g = geflow.Graph(name)
        x = g.data("x", [2], "float32")
        build(g, x)
        air = tmp_path / f"{name}.air"
        return str(air), open(geflow.export_air(g, air)["text"]).read()

    air, text = exported(lambda g, x: (ops.hcom_send(x, 1, sr_tag=4, name="snd"),
                                       g.output(x, "y")), "send")
    assert 'op: "HcomSend"' in text and 'key: "dest_rank"' in text
    with pytest.raises(geflow.Error, match=r"HcomSend 'snd'.*dest_rank 1 is not a rank"):
        geflow.compile(air)
    air, text = exported(lambda g, x: g.output(ops.hcom_receive(
        [3], "float16", 1, sr_tag=4, graph=g, name="rcv"), "y"), "receive")
    assert 'op: "HcomReceive"' in text and 'key: "src_rank"' in text
    with pytest.raises(geflow.Error, match=r"HcomReceive 'rcv'.*src_rank 1 is not a rank"):
        geflow.compile(air)
