"""PyTorch -> .air -> geflow, end to end (geflow.torch.export).

torchvision ResNet-18 and MobileNetV2 (random weights, fixed seed, 64x64
images to keep the suite fast) and a transformer encoder block are exported
with geflow.torch.export, compiled by `geflow-compile --framework=1`, run by
`geflow-run`, and compared with PyTorch: |geflow - torch| <= RTOL * |torch|
+ RTOL * max|torch| with RTOL = 1e-4. The export directory must hold
exactly <name>.air, dynamo.pbtxt and one raw file per parameter/buffer the
graph uses (FQN with '.' -> '_', its bytes those of the tensor). The
dynamic=True export of the encoder runs at several batch and sequence
sizes from one compile (input_shape_range).

Usage: torch_export_test.py BUILD_BIN_DIR
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torchvision

BIN = sys.argv[1]
sys.path.insert(0, os.path.join(os.path.dirname(BIN), "python"))
import geflow  # noqa: E402
import geflow.torch  # noqa: E402

RTOL = 1e-4


class EncoderBlock(nn.Module):
    """Pre-norm transformer encoder block: multi-head self-attention and a
    GELU MLP, with residuals."""

    def __init__(self, d=64, heads=4, ffn=128):
        super().__init__()
        self.heads, self.hd = heads, d // heads
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.q, self.k, self.v = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)
        self.proj = nn.Linear(d, d)
        self.fc1, self.act, self.fc2 = nn.Linear(d, ffn), nn.GELU(), nn.Linear(ffn, d)
        self.dropout = nn.Dropout(0.1)

    def split(self, t):
        # (Indexed, not unpacked: torch.fx cannot unpack a traced shape on
        # Python 3.11.)
        return t.reshape(t.shape[0], t.shape[1], self.heads, self.hd).permute(0, 2, 1, 3)

    def forward(self, x):
        h = self.norm1(x)
        q, k, v = self.split(self.q(h)), self.split(self.k(h)), self.split(self.v(h))
        att = torch.softmax(q @ k.transpose(-2, -1) * (self.hd ** -0.5), dim=-1)
        o = (att @ v).permute(0, 2, 1, 3).reshape(x.shape[0], x.shape[1], x.shape[2])
        x = x + self.dropout(self.proj(o))
        return x + self.fc2(self.act(self.fc1(self.norm2(x))))


def check_close(name, got, ref):
    ref = ref.astype(np.float64)
    err = np.abs(got - ref)
    bound = RTOL * np.abs(ref) + RTOL * np.abs(ref).max()
    worst = float((err - bound).max())
    print(f"{name}: max |err| {err.max():.3g}, max |ref| {np.abs(ref).max():.3g}")
    if worst > 0:
        raise SystemExit(f"{name}: geflow differs from PyTorch beyond rtol {RTOL}")


def check_files(name, model, export_dir, export_name):
    """The directory holds exactly the .air, dynamo.pbtxt and the weights."""
    files = set(os.listdir(export_dir))
    expected = {export_name + ".air", "dynamo.pbtxt"}
    state = dict(model.named_parameters())
    state.update(dict(model.named_buffers()))
    weights = files - expected
    if not expected <= files:
        raise SystemExit(f"{name}: missing {expected - files}")
    for f in weights:
        fqn = [k for k in state if k.replace(".", "_") == f]
        if len(fqn) != 1:
            raise SystemExit(f"{name}: '{f}' is not a parameter or buffer name")
        data = state[fqn[0]].detach().numpy()
        if open(os.path.join(export_dir, f), "rb").read() != data.tobytes():
            raise SystemExit(f"{name}: '{f}' does not hold {fqn[0]}'s bytes")
    unused = {k.replace(".", "_") for k in state if "num_batches_tracked" not in k} - weights
    if unused:
        raise SystemExit(f"{name}: no weight file for {sorted(unused)[:5]}")
    return len(weights)


def run(tmp, name, model, x, rel_export):
    cwd = os.getcwd()
    os.chdir(tmp)
    try:
        # A relative export_path, as in TorchAir's examples: file_path is
        # recorded as given and resolves against the working directory.
        path = geflow.torch.export(x, model=model, export_path=rel_export, export_name=name)
        n = check_files(name, model, rel_export, name)
        gfm = os.path.join(tmp, name + ".gfm")
        subprocess.run([os.path.join(BIN, "geflow-compile"), "--model=" + path,
                        "--framework=1", "--output=" + gfm, "--quiet"], check=True)
    finally:
        os.chdir(cwd)
    np.save(os.path.join(tmp, name + "_x.npy"), x.numpy())
    out_dir = os.path.join(tmp, name + "_out")
    subprocess.run([os.path.join(BIN, "geflow-run"), "--model=" + gfm,
                    "--input=x=" + os.path.join(tmp, name + "_x.npy"),
                    "--output-dir=" + out_dir], check=True, stdout=subprocess.DEVNULL)
    got = np.load(os.path.join(out_dir, "output0.npy"))
    with torch.no_grad():
        ref = model(x).numpy()
    print(f"{name}: {n} weight files")
    check_close(name, got, ref)


def run_dynamic(tmp, model):
    os.chdir(tmp)
    path = geflow.torch.export(torch.randn(2, 8, 64), model=model, export_path="dyn",
                               export_name="encoder", dynamic=True)
    exe = geflow.compile(path, options={"input_shape_range": "x:[1~4,4~16,64]"})
    for b, s in [(1, 4), (3, 16), (2, 9)]:
        x = torch.randn(b, s, 64)
        (got,) = exe.run([x.numpy()])
        with torch.no_grad():
            check_close(f"encoder dynamic {b}x{s}", got, model(x).numpy())


def randomize_norms(model):
    """Random BatchNorm statistics and affine terms, and a unit-scale
    classifier, so that every layer matters in the output (torchvision's
    init gives MobileNetV2 outputs near 1e-9)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, std=m.in_features ** -0.5)
    return model


def main():
    torch.manual_seed(0)
    tmp = tempfile.mkdtemp(prefix="geflow-torch-")
    resnet = randomize_norms(torchvision.models.resnet18(weights=None)).eval()
    run(tmp, "resnet18", resnet, torch.randn(1, 3, 64, 64), "resnet_export")
    mobilenet = randomize_norms(torchvision.models.mobilenet_v2(weights=None)).eval()
    run(tmp, "mobilenet_v2", mobilenet, torch.randn(1, 3, 64, 64), "mobilenet_export")
    encoder = EncoderBlock().eval()
    run(tmp, "encoder", encoder, torch.randn(2, 8, 64), "encoder_export")
    run_dynamic(tmp, encoder)
    print("torch export: all models match PyTorch")


if __name__ == "__main__":
    main()
