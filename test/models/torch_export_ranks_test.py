"""The multi-card dynamo_export example of reference document 001, with
geflow.torch.export, end to end.

Two ranks (torch.multiprocessing, a gloo process group on a free loopback
port) each export the document's AllReduceSingeGroup with its config
(auto_atc_config_generated, enable_record_nn_module_stack), dynamic=True,
export_path "./mp", export_name "mp_rank", on rank-dependent inputs, and run
the model in PyTorch (a real gloo all_reduce). Checked:
- the export directory is exactly the document's tree: mp_rank0.air,
  mp_rank1.air, model_relation_config.json, numa_config.json, rank_<r>/
  with dynamo.pbtxt, p1, p2 (each rank's own files, the weights' bytes);
- the json files hold GE's template for 2 ranks on node 0;
- each .air has one HcomAllReduce (sum, hccl_world_group, ranklist [0, 1],
  fusion 0) after x + y + p1 + p2 (int32 inputs cast to float32);
- each .air, compiled by `geflow-compile --framework=1` from the export's
  parent directory and run by `geflow-run`, gives that rank's pre-reduce
  value (on one process HcomAllReduce is the identity), and the two ranks'
  outputs add up to PyTorch's all-reduced result (|err| <= 1e-6 * |ref|);
- re-exported by geflow (`--emit=air`) and re-imported: the same IR.

Usage: torch_export_ranks_test.py BUILD_BIN_DIR
"""
import json
import os
import socket
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

BIN = sys.argv[1] if __name__ == "__main__" else None
WORLD = 2


class AllReduceSingeGroup(torch.nn.Module):
    """The document's model, as written there."""

    def __init__(self):
        super().__init__()
        self.p1 = torch.nn.Parameter(torch.tensor([[1.1, 1.1], [1.1, 1.1]]))
        self.p2 = torch.nn.Parameter(torch.tensor([[2.2, 2.2], [3.3, 3.3]]))

    def forward(self, x, y):
        x = x + y + self.p1 + self.p2
        torch.distributed.all_reduce(x)
        return x


def rank_inputs(rank):
    x = torch.ones([2, 2], dtype=torch.int32) * (rank + 1)
    y = torch.arange(4, dtype=torch.int32).reshape(2, 2) * (rank + 2)
    return x, y


def example(rank, world_size, port, workdir, python_dir):
    sys.path.insert(0, python_dir)
    import geflow.torch
    os.chdir(workdir)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                            world_size=world_size)
    try:
        x, y = rank_inputs(rank)
        mod = AllReduceSingeGroup()
        config = geflow.torch.CompilerConfig()
        config.export.experimental.auto_atc_config_generated = True
        config.export.experimental.enable_record_nn_module_stack = True
        geflow.torch.export(x, y, model=mod, dynamic=True, export_path="./mp",
                            export_name="mp_rank", config=config)
        with torch.no_grad():
            pre = (x + y + mod.p1 + mod.p2).numpy()
            reduced = mod(x, y).numpy()
        np.save(f"pre{rank}.npy", pre)
        np.save(f"reduced{rank}.npy", reduced)
        np.save(f"x{rank}.npy", x.numpy())
        np.save(f"y{rank}.npy", y.numpy())
    finally:
        dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree(root):
    out = set()
    for d, _, files in os.walk(root):
        for f in files:
            out.add(os.path.relpath(os.path.join(d, f), root))
    return out


def check(cond, what):
    if not cond:
        raise SystemExit("FAIL: " + what)


def check_files(workdir):
    files = tree(os.path.join(workdir, "mp"))
    expected = {"model_relation_config.json", "numa_config.json", "mp_rank0.air",
                "mp_rank1.air"}
    for r in range(WORLD):
        expected |= {f"rank_{r}/dynamo.pbtxt", f"rank_{r}/p1", f"rank_{r}/p2"}
    check(files == expected, f"export tree {sorted(files)} != {sorted(expected)}")
    mod = AllReduceSingeGroup()
    for r in range(WORLD):
        for p in ("p1", "p2"):
            data = open(os.path.join(workdir, "mp", f"rank_{r}", p), "rb").read()
            check(data == getattr(mod, p).detach().numpy().tobytes(), f"rank_{r}/{p} bytes")
    relation = json.load(open(os.path.join(workdir, "mp", "model_relation_config.json")))
    names = [f"mp_rank{r}.air" for r in range(WORLD)]
    check(relation == {
        "deploy_config": [{"submodel_name": n, "deploy_device_id_list": f"0:0:{r}"}
                          for r, n in enumerate(names)],
        "model_name_to_instance_id": [{"submodel_name": n, "model_instance_id": r}
                                      for r, n in enumerate(names)],
        "comm_group": [{"group_name": "hccl_world_group", "group_rank_list": "[0, 1]"}],
        "rank_table": [{"rank_id": r, "model_instance_id": r} for r in range(WORLD)],
    }, f"model_relation_config.json: {relation}")
    numa = json.load(open(os.path.join(workdir, "mp", "numa_config.json")))
    check(numa["cluster"][0]["cluster_nodes"][0]["item_list"] ==
          [{"item_id": r} for r in range(WORLD)] and
          numa["item_def"] == [{"item_type": "Ascend910"}], f"numa_config.json: {numa}")


def check_graph(workdir, rank):
    from geflow import ge_ir_pb2
    model = ge_ir_pb2.ModelDef()
    model.ParseFromString(open(os.path.join(workdir, "mp", f"mp_rank{rank}.air"), "rb").read())
    ops = model.graph[0].op
    types = [op.type for op in ops]
    check(types.count("HcomAllReduce") == 1, f"rank {rank}: op types {types}")
    ar = next(op for op in ops if op.type == "HcomAllReduce")
    check(ar.attr["reduction"].s == b"sum" and ar.attr["group"].s == b"hccl_world_group" and
          list(ar.attr["ranklist"].list.i) == [0, 1] and ar.attr["fusion"].i == 0,
          f"rank {rank}: HcomAllReduce attrs {ar.attr}")
    consts = {op.name: op.attr["file_path"].s.decode() for op in ops
              if op.type == "FileConstant"}
    check(consts == {"p1": f"./mp/rank_{rank}/p1", "p2": f"./mp/rank_{rank}/p2"},
          f"rank {rank}: FileConstants {consts}")
    check(types[-1] == "NetOutput" and ops[-1].input[0].split(":")[0] == ar.name,
          f"rank {rank}: NetOutput must read the all-reduce")


def run_rank(workdir, rank):
    air = os.path.join("mp", f"mp_rank{rank}.air")
    gfm = f"mp_rank{rank}.gfm"
    subprocess.run([os.path.join(BIN, "geflow-compile"), "--model=" + air, "--framework=1",
                    "--output=" + gfm, "--quiet"], check=True, cwd=workdir)
    out_dir = os.path.join(workdir, f"out{rank}")
    subprocess.run([os.path.join(BIN, "geflow-run"), "--model=" + gfm,
                    f"--input=x=x{rank}.npy", f"--input=y=y{rank}.npy",
                    "--output-dir=" + out_dir], check=True, cwd=workdir,
                   stdout=subprocess.DEVNULL)
    got = np.load(os.path.join(out_dir, "output0.npy"))
    pre = np.load(os.path.join(workdir, f"pre{rank}.npy"))
    err = np.abs(got - pre).max()
    print(f"rank {rank}: geflow vs PyTorch pre-reduce value: max |err| {err:.3g}")
    check(err <= 1e-6 * np.abs(pre).max(), f"rank {rank}: {got} != {pre}")
    # Round trip: geflow's own export of the imported graph imports the same.
    mlir = []
    for src, dst in ((air, f"a{rank}.mlir"), (f"re{rank}/re.air", f"b{rank}.mlir")):
        if src.startswith("re"):
            subprocess.run([os.path.join(BIN, "geflow-compile"), "--model=" + air,
                            "--output=" + src, "--air_weight_threshold=0", "--quiet"],
                           check=True, cwd=workdir)
        subprocess.run([os.path.join(BIN, "geflow-compile"), "--model=" + src,
                        "--output=" + dst], check=True, cwd=workdir)
        text = open(os.path.join(workdir, dst)).read()
        mlir.append("\n".join(line for line in text.splitlines() if "ge.model_dir" not in line
                              and "FileConstant" not in line))
    check(mlir[0] == mlir[1], f"rank {rank}: re-imported IR differs")
    return got


def main():
    workdir = tempfile.mkdtemp(prefix="geflow-ranks-")
    python_dir = os.path.join(os.path.dirname(BIN), "python")
    sys.path.insert(0, python_dir)
    mp.spawn(example, args=(WORLD, free_port(), workdir, python_dir), nprocs=WORLD, join=True)
    check_files(workdir)
    outs = []
    for r in range(WORLD):
        check_graph(workdir, r)
        outs.append(run_rank(workdir, r))
    reduced = np.load(os.path.join(workdir, "reduced0.npy"))
    err = np.abs(sum(outs) - reduced).max()
    print(f"sum over ranks vs PyTorch's all_reduce: max |err| {err:.3g}")
    check(err <= 1e-6 * np.abs(reduced).max(), "the ranks' outputs do not add up")
    print("torch export ranks: layout, configs, graphs and values as expected")


if __name__ == "__main__":
    main()
