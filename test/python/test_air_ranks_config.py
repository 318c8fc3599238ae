"""Issue 17's remaining pieces: geflow.torch's config argument (TorchAir's
CompilerConfig names, unknown options refused), all_reduce -> HcomAllReduce
(in-place made explicit, reductions, refused collectives), the multi-rank
layout from config.export.rank, nn_module_stack, the air_weight_threshold
option, descriptor layouts, HcomAllReduce import (ranklist, fusion_id) and
an ONNX file given as .air. The two-process gloo run of reference document
001's example is test/models/torch_export_ranks_test.py."""
import json
import os
import sys

import numpy as np
import pytest
import torch
import torch.distributed as dist

import geflow
import geflow.torch
from conftest import REPO
from geflow import ge_ir_pb2

sys.path.insert(0, os.path.join(REPO, "test", "lit", "Frontend", "AIR", "Inputs"))
from air_models import AirGraph  # noqa: E402


def load_ops(path):
    model = ge_ir_pb2.ModelDef()
    with open(path, "rb") as f:
        model.ParseFromString(f.read())
    return list(model.graph[0].op)


class TwoReduces(torch.nn.Module):
    """all_reduce in place, twice, with uses before and after."""

    def __init__(self):
        super().__init__()
        self.inner = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.ReLU())

    def forward(self, x):
        h = self.inner(x)
        before = h * 2
        torch.distributed.all_reduce(h)
        mid = h + 1
        torch.distributed.all_reduce(h, op=torch.distributed.ReduceOp.MAX)
        return before, mid, h


def rank_config(rank=0, world=2, **experimental):
    config = geflow.torch.CompilerConfig()
    config.export.rank, config.export.world_size = rank, world
    for k, v in experimental.items():
        setattr(config.export.experimental, k, v)
    return config


# --- config ---------------------------------------------------------------------

def test_config_refuses_unknown_options_and_values():
    config = geflow.torch.CompilerConfig()
    with pytest.raises(geflow.InvalidArgumentError, match="has no option 'auto_atc'"):
        config.export.experimental.auto_atc = True
    with pytest.raises(geflow.InvalidArgumentError, match="must be True or False, got 1"):
        config.export.experimental.auto_atc_config_generated = 1
    with pytest.raises(geflow.InvalidArgumentError, match="has no option 'debug'"):
        config.debug = None
    with pytest.raises(geflow.InvalidArgumentError, match="is an option group"):
        config.export = None
    with pytest.raises(geflow.InvalidArgumentError, match="rank must be None or an int"):
        config.export.rank = -1


@pytest.mark.parametrize("config, message", [
    ({"export.experimental.auto_atc_config_generatd": True}, "has no option"),
    ({"export.experimentl.auto_atc_config_generated": True}, "no option group 'experimentl'"),
    ({"export.rank": 1}, "rank and config.export.world_size go together"),
    ({"export.rank": 2, "export.world_size": 2}, "rank 2 is not below world_size 2"),
])
def test_config_dict_errors(tmp_path, config, message):
    with pytest.raises(geflow.InvalidArgumentError, match=message):
        geflow.torch.export(torch.randn(1, 4), model=torch.nn.Linear(4, 4),
                            export_path=str(tmp_path), config=config)


def test_config_type_and_lite_export(tmp_path):
    with pytest.raises(geflow.ArgumentTypeError, match="config must be None"):
        geflow.torch.export(torch.randn(1, 4), model=torch.nn.Linear(4, 4),
                            export_path=str(tmp_path), config=["x"])
    with pytest.raises(geflow.UnsupportedError, match="enable_lite_export"):
        geflow.torch.export(torch.randn(1, 4), model=torch.nn.Linear(4, 4),
                            export_path=str(tmp_path),
                            config={"export.experimental.enable_lite_export": True})


def test_nn_module_stack_recorded(tmp_path):
    model = TwoReduces()
    geflow.torch.export(torch.randn(2, 4), model=model, export_path=str(tmp_path),
                        config=rank_config(enable_record_nn_module_stack=True))
    ops = {op.name: op for op in load_ops(tmp_path / "export0.air")}
    stack = ops["inner.0"].attr["nn_module_stack"].s.decode()
    assert "'inner': <class 'torch.nn.modules.container.Sequential'>" in stack
    assert "'inner.0': <class 'torch.nn.modules.linear.Linear'>" in stack
    assert "inner.1" in ops["inner.1"].attr["nn_module_stack"].s.decode()
    assert "nn_module_stack" not in ops["mul"].attr  # the root module's own code
    # Off by default.
    geflow.torch.export(torch.randn(2, 4), model=model, export_path=str(tmp_path / "off"),
                        config=rank_config())
    assert all("nn_module_stack" not in op.attr for op in load_ops(tmp_path / "off/export0.air"))


# --- all_reduce -------------------------------------------------------------------

def test_all_reduce_in_place_made_explicit(tmp_path):
    path = geflow.torch.export(torch.randn(2, 4), model=TwoReduces(), export_path=str(tmp_path),
                               config=rank_config(rank=1, world=3))
    assert path == os.path.join(str(tmp_path), "export1.air")
    ops = load_ops(path)
    reduces = [op for op in ops if op.type == "HcomAllReduce"]
    assert [op.attr["reduction"].s for op in reduces] == [b"sum", b"max"]
    assert all(list(op.attr["ranklist"].list.i) == [0, 1, 2] and op.attr["fusion"].i == 0 and
               op.attr["group"].s == b"hccl_world_group" for op in reduces)
    by_name = {op.name: op for op in ops}
    first, second = reduces
    assert first.input[0] == "inner.1:0"         # h before the call
    assert by_name["mul"].input[0] == "inner.1:0"  # `before` reads the old h
    assert by_name["add"].input[0] == first.name + ":0"
    assert second.input[0] == first.name + ":0"
    assert list(ops[-1].input) == ["mul:0", "add:0", second.name + ":0"]
    # Layout: rank_1/ holds the weights and the dump; no json without the flag.
    assert sorted(os.listdir(tmp_path)) == ["export1.air", "rank_1"]
    assert sorted(os.listdir(tmp_path / "rank_1")) == ["dynamo.pbtxt", "inner_0_bias",
                                                       "inner_0_weight"]
    # Compiled and run on one device: HcomAllReduce passes its input through.
    x = np.random.default_rng(0).standard_normal((2, 4)).astype(np.float32)
    before, mid, h = geflow.compile(path).run([x])
    model_h = np.maximum(x @ _weights(tmp_path, "inner_0_weight", (4, 4)).T +
                         _weights(tmp_path, "inner_0_bias", (4,)), 0)
    np.testing.assert_allclose(before, model_h * 2, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(mid, model_h + 1, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(h, model_h, rtol=1e-5, atol=1e-5)


def _weights(tmp_path, name, shape):
    return np.fromfile(tmp_path / "rank_1" / name, np.float32).reshape(shape)


def test_atc_configs_written_by_rank_zero_only(tmp_path):
    config = rank_config(rank=1, world=2, auto_atc_config_generated=True)
    geflow.torch.export(torch.randn(2, 4), model=TwoReduces(), export_path=str(tmp_path),
                        export_name="m", config=config)
    assert not (tmp_path / "model_relation_config.json").exists()
    config = rank_config(rank=0, world=2, auto_atc_config_generated=True)
    geflow.torch.export(torch.randn(2, 4), model=TwoReduces(), export_path=str(tmp_path),
                        export_name="m", config=config)
    relation = json.loads((tmp_path / "model_relation_config.json").read_text())
    assert [d["submodel_name"] for d in relation["deploy_config"]] == ["m0.air", "m1.air"]
    assert relation["comm_group"] == [{"group_name": "hccl_world_group",
                                       "group_rank_list": "[0, 1]"}]
    assert (tmp_path / "numa_config.json").exists()
    # A model without collectives: no templates (nothing to deploy together).
    geflow.torch.export(torch.randn(2, 4), model=torch.nn.Linear(4, 4),
                        export_path=str(tmp_path / "plain"), config=config)
    assert sorted(os.listdir(tmp_path / "plain")) == ["export0.air", "rank_0"]


class Reducer(torch.nn.Module):
    def __init__(self, **kwargs):
        super().__init__()
        self.kwargs = kwargs

    def forward(self, x):
        y = x * 1
        torch.distributed.all_reduce(y, **self.kwargs)
        return y


@pytest.mark.parametrize("kwargs, error, message", [
    ({"op": dist.ReduceOp.AVG}, geflow.UnsupportedError, "reduces by sum, prod, max or min"),
    ({"async_op": True}, geflow.UnsupportedError, "async_op=True"),
])
def test_all_reduce_refused_forms(tmp_path, kwargs, error, message):
    with pytest.raises(error, match=message):
        geflow.torch.export(torch.randn(2), model=Reducer(**kwargs), export_path=str(tmp_path),
                            config=rank_config())


def test_all_reduce_needs_a_rank_and_other_collectives_are_refused(tmp_path):
    with pytest.raises(geflow.InvalidArgumentError, match="export it from each rank"):
        geflow.torch.export(torch.randn(2), model=Reducer(), export_path=str(tmp_path))

    class Broadcaster(torch.nn.Module):
        def forward(self, x):
            torch.distributed.broadcast(x, 0)
            return x
    with pytest.raises(geflow.UnsupportedError, match="torch.distributed.broadcast"):
        geflow.torch.export(torch.randn(2), model=Broadcaster(), export_path=str(tmp_path),
                            config=rank_config())
    assert dist.all_reduce.__module__ == "torch.distributed.distributed_c10d"  # restored


def test_reductions_exported(tmp_path):
    for op, name in [(dist.ReduceOp.SUM, b"sum"), (dist.ReduceOp.PRODUCT, b"prod"),
                     (dist.ReduceOp.MIN, b"min")]:
        path = geflow.torch.export(torch.randn(2), model=Reducer(op=op),
                                   export_path=str(tmp_path / name.decode()),
                                   config=rank_config())
        (ar,) = [o for o in load_ops(path) if o.type == "HcomAllReduce"]
        assert ar.attr["reduction"].s == name


# --- HcomAllReduce import ---------------------------------------------------------

_created_groups = set()


def test_hcom_all_reduce_import_keeps_ranklist_and_fusion_id(tmp_path):
    g = AirGraph("hcom")
    x = g.data("x", np.float32, [2, 3])
    g.add("HcomAllReduce", "ar", [x], {"reduction": "max", "group": "air_g1", "fusion": 2,
                                       "fusion_id": 7, "ranklist": [0, 2]},
          outputs=[(np.float32, [2, 3])])
    g.output("ar:0")
    path = g.save(str(tmp_path / "m.air"))
    # A named group must exist before a model using it loads (this process
    # is its only rank); the test may run twice in one process.
    if "air_g1" not in _created_groups:
        geflow.distributed.create_group("air_g1", [0])
        _created_groups.add("air_g1")
    exe = geflow.compile(path)
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(exe.run([x])[0], x)  # rank size 1: identity
    out = tmp_path / "re" / "re.air"
    geflow.export_air(path, str(out))
    (ar,) = [o for o in load_ops(out) if o.type == "HcomAllReduce"]
    assert ar.attr["reduction"].s == b"max" and ar.attr["group"].s == b"air_g1"
    assert ar.attr["fusion"].i == 2 and ar.attr["fusion_id"].i == 7
    assert list(ar.attr["ranklist"].list.i) == [0, 2]


def test_hcom_all_reduce_bad_reduction(tmp_path):
    g = AirGraph("hcom")
    x = g.data("x", np.float32, [2])
    g.add("HcomAllReduce", "ar", [x], {"reduction": "avg", "group": "g"},
          outputs=[(np.float32, [2])])
    g.output("ar:0")
    with pytest.raises(geflow.CompileError, match="ar.*reduction must be one of sum"):
        geflow.compile(g.save(str(tmp_path / "m.air")))


# --- air_weight_threshold, layouts, ONNX as .air -------------------------------------

def conv_graph():
    g = geflow.Graph("conv")
    x = g.data("x", [1, 2, 6, 6], "float32")
    w = np.random.default_rng(1).standard_normal((3, 2, 3, 3)).astype(np.float32)
    y = geflow.ops.relu(geflow.ops.conv2d(x, w, pads=1, name="conv"), name="relu")
    g.output(geflow.ops.reshape(y, [1, -1], name="flat"), "y")
    return g


def test_air_weight_threshold_option(tmp_path):
    g = conv_graph()
    r = geflow.export_air(g, str(tmp_path / "a" / "m.air"))  # default: TorchAir's limit
    assert r["weight_files"] == []
    r = geflow.export_air(g, str(tmp_path / "b" / "m.air"), options={"air_weight_threshold": 0})
    assert len(r["weight_files"]) == 1
    r = geflow.export_air(g, str(tmp_path / "c" / "m.air"), options={"air_weight_threshold": 215})
    assert len(r["weight_files"]) == 1  # 216 bytes of filter > 215
    r = geflow.export_air(g, str(tmp_path / "d" / "m.air"), options={"air_weight_threshold": 216})
    assert r["weight_files"] == []
    with pytest.raises(geflow.InvalidArgumentError, match="air_weight_threshold"):
        geflow.export_air(g, str(tmp_path / "e" / "m.air"), options={"air_weight_threshold": -1})
    # A registry option: geflow.compile and Sessions accept it too.
    geflow.compile(g, options={"air_weight_threshold": 0})
    with pytest.raises(geflow.InvalidArgumentError, match="air_weight_threshold"):
        geflow.compile(g, options={"air_weight_threshold": "big"})


def test_descriptor_layouts(tmp_path):
    path = tmp_path / "m.air"
    geflow.export_air(conv_graph(), str(path))
    layouts = {op.name: ([d.layout for d in op.input_desc], [d.layout for d in op.output_desc])
               for op in load_ops(path)}
    assert layouts["x"] == (["NCHW"], ["NCHW"])
    assert layouts["conv"] == (["NCHW", "NCHW"], ["NCHW"])  # data and filter [Cout,Cin,KH,KW]
    assert layouts["relu"] == (["NCHW"], ["NCHW"])          # carried through
    assert layouts["flat"][1] == ["ND"]                      # 2-D: no format
    # Re-imported: the same graph and the same numbers.
    x = np.random.default_rng(2).standard_normal((1, 2, 6, 6)).astype(np.float32)
    np.testing.assert_array_equal(geflow.compile(conv_graph()).run([x])[0],
                                  geflow.compile(str(path)).run([x])[0])


def test_onnx_file_given_as_air(tmp_path):
    import onnx
    import onnx.helper as h
    node = h.make_node("Relu", ["x"], ["y"])
    graph = h.make_graph([node], "g", [h.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [2])],
                         [h.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [2])])
    path = tmp_path / "m.air"
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 13)]), str(path))
    with pytest.raises(geflow.CompileError,
                       match=r"looks like an ONNX model \(ir_version \d+\).*--framework=5"):
        geflow.compile(str(path))
