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
