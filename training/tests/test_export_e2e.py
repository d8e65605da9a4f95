import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from training.data import downscale, to_tensor, to_uint8
from training.evaluate import psnr
from training.export import export
from training.model import ModelConfig, SRNet

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run_ort(model, x, dtype, tmp_path):
    """The model run by onnxruntime-node (the npm package) on x (N, C, H, W)."""
    arr = x.numpy().astype(np.float16 if dtype == "float16" else np.float32)
    src, dst = tmp_path / "in.bin", tmp_path / "out.bin"
    src.write_bytes(arr.tobytes())
    res = subprocess.run(["node", os.path.join(HERE, "ort_run.cjs"), str(model), str(src), dtype,
                          ",".join(map(str, arr.shape)), str(dst)],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    info = json.loads(res.stdout.strip().splitlines()[-1])
    assert info["type"] == dtype
    out = np.frombuffer(dst.read_bytes(), np.float16 if dtype == "float16" else np.float32)
    return out.reshape(info["dims"]).astype(np.float64)


def trained_like_net(channels=8):
    """A net whose outputs look like an image (linear init) with a non-trivial body."""
    torch.manual_seed(0)
    net = SRNet(ModelConfig(channels=channels))
    kernel = torch.zeros(48, 3, 3, 3)
    for c in range(3):
        kernel[c * 16:(c + 1) * 16, c, 1, 1] = 1.0  # nearest-neighbour upscaler
    net.init_linear_path(kernel, torch.zeros(48), body_gain=0.3)
    return net


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("models")
    net = trained_like_net()
    names = export(net, str(out), "t")
    return net, out, names


def test_fp32_onnx_matches_torch(exported, tmp_path):
    net, out, names = exported
    x = torch.rand(1, 3, 13, 9)
    ref = net.merged()(x.double() if False else x).detach().double().numpy()
    got = run_ort(out / names[""]["fp32"], x, "float32", tmp_path)
    assert got.shape == (1, 3, 52, 36)
    assert np.abs(got - ref).max() < 1e-4


def test_fp16_onnx_matches_fp32(exported, tmp_path):
    net, out, names = exported
    x = torch.rand(1, 3, 24, 20)
    f32 = run_ort(out / names[""]["fp32"], x, "float32", tmp_path)
    f16 = run_ort(out / names[""]["fp16"], x, "float16", tmp_path)
    mse = np.mean((f16 - f32) ** 2)
    assert 10 * np.log10(1.0 / mse) > 60


def test_low_export_is_the_skip_path_and_low_plus_high_is_full(exported, tmp_path):
    net, out, names = exported
    x = torch.rand(1, 3, 10, 12)
    low = run_ort(out / names[".low"]["fp32"], x, "float32", tmp_path)
    full = run_ort(out / names[""]["fp32"], x, "float32", tmp_path)
    assert np.abs(low - net.low(x).detach().numpy()).max() < 1e-4
    high = full - low
    assert np.abs(high).max() > 1e-3  # the body does contribute
    assert np.abs((low + high) - full).max() == 0
    # the body's share: the same net with the body silenced gives exactly `low`
    quiet = trained_like_net()
    with torch.no_grad():
        quiet.body[-2].k3.weight_g.zero_(), quiet.body[-2].k1.weight_g.zero_()
    assert np.abs(quiet.merged()(x).detach().numpy() - low).max() < 1e-4
    low16 = run_ort(out / names[".low"]["fp16"], x, "float16", tmp_path)
    assert np.abs(low16 - low).max() < 1e-2


def test_raw_weights_file_holds_the_merged_convs_in_order(exported):
    net, out, names = exported
    w = names["weights"]
    raw = np.fromfile(out / w["file"], "<f4")
    convs = net.merged().convs()
    assert w["convs"] == [[c.in_channels, c.out_channels] for c in convs] and len(convs) == 17
    at = 0
    for c in convs:
        n = c.weight.numel()
        assert np.array_equal(raw[at:at + n], c.weight.detach().numpy().ravel())
        assert np.array_equal(raw[at + n:at + n + c.out_channels], c.bias.detach().numpy().ravel())
        at += n + c.out_channels
    assert at == raw.size


def smooth_image(rng, h, w):
    small = rng.random((h // 8 + 1, w // 8 + 1, 3))
    im = Image.fromarray((small * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC)
    return np.asarray(im)


def test_tiny_train_export_evaluate_end_to_end(tmp_path):
    rng = np.random.default_rng(0)
    train, ev = tmp_path / "train", tmp_path / "eval"
    train.mkdir()
    (ev / "Set5" / "HR").mkdir(parents=True)
    (ev / "Set5" / "LR_x4").mkdir(parents=True)
    for i in range(4):
        Image.fromarray(smooth_image(rng, 96, 80)).save(train / f"{i}.png")
    for i in range(2):
        hr = smooth_image(rng, 48, 40)
        Image.fromarray(hr).save(ev / "Set5" / "HR" / f"{i}.png")
        Image.fromarray(to_uint8(downscale(to_tensor(hr)))).save(ev / "Set5" / "LR_x4" / f"{i}.png")
    run = tmp_path / "run"
    py = sys.executable
    common = dict(cwd=ROOT, check=True, capture_output=True, text=True, timeout=300)
    subprocess.run([py, "-m", "training.train", "--data", str(train), "--eval-data", str(ev), "--out", str(run),
                    "--channels", "8", "--patch", "8", "--batch", "4", "--steps", "10", "--eval-every", "5",
                    "--eval-sets", "Set5"], **common)
    log = json.loads((run / "train_log.json").read_text())
    assert log["steps"] == 10 and "final" in log["metrics"]
    # resuming a finished run does no more steps
    subprocess.run([py, "-m", "training.train", "--data", str(train), "--eval-data", str(ev), "--out", str(run),
                    "--channels", "8", "--patch", "8", "--batch", "4", "--steps", "10", "--eval-sets", "Set5"], **common)
    assert json.loads((run / "train_log.json").read_text())["steps"] == 10
    res = subprocess.run([py, "-m", "training.evaluate", "--ckpt", str(run / "ckpt.pt"), "--data", str(ev),
                          "--sets", "Set5"], **common)
    assert "| bicubic |" in res.stdout and "| model |" in res.stdout
    metrics = json.loads((run / "metrics.json").read_text())
    models = tmp_path / "models"
    subprocess.run([py, "-m", "training.export", "--ckpt", str(run / "ckpt.pt"), "--out", str(models)], **common)
    manifest = json.loads((models / "manifest.json").read_text())
    entry = manifest["models"][0]
    assert manifest["default"] == entry["id"] == "sr4x-c8" and entry["metrics"] == metrics
    for f in (entry["fp16"], entry["fp32"], entry["low"]["fp16"], entry["low"]["fp32"]):
        assert (models / f).stat().st_size > 1000
    # the exported model reproduces the evaluation's PSNR on an eval image
    from training.train import load_checkpoint
    hr = np.asarray(Image.open(ev / "Set5" / "HR" / "0.png"))
    lr = np.asarray(Image.open(ev / "Set5" / "LR_x4" / "0.png"))
    sr = run_ort(models / entry["fp32"], to_tensor(lr).float(), "float32", tmp_path)
    sr_u8 = np.round(np.clip(sr[0].transpose(1, 2, 0), 0, 1) * 255).astype(np.uint8)
    ref = to_uint8(load_checkpoint(str(run / "ckpt.pt")).merged()(to_tensor(lr).float()).detach())
    assert abs(psnr(sr_u8, hr) - psnr(ref, hr)) < 0.01
    # and the shipped-model path of the evaluator (weights read back from the ONNX file) agrees
    res = subprocess.run([py, "-m", "training.evaluate", "--model", "sr4x-c8", "--models", str(models),
                          "--data", str(ev), "--sets", "Set5", "--out", str(tmp_path / "m.json")], **common)
    again = json.loads((tmp_path / "m.json").read_text())
    assert abs(again["Set5"]["model_y"] - metrics["Set5"]["model_y"]) < 0.01


def test_two_process_data_parallel_run(tmp_path):
    """What torchrun does, by hand (Debian's torch 1.13 torchrun fails on Python 3.11 while
    parsing its own --redirects default): two ranks on gloo, env:// rendezvous."""
    rng = np.random.default_rng(1)
    train = tmp_path / "train"
    train.mkdir()
    for i in range(3):
        Image.fromarray(smooth_image(rng, 64, 64)).save(train / f"{i}.png")
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    procs = []
    for rank in range(2):
        env = dict(os.environ, RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE="2",
                   MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), OMP_NUM_THREADS="1")
        procs.append(subprocess.Popen([sys.executable, "-m", "training.train", "--data", str(train),
                                       "--eval-data", str(tmp_path / "none"), "--out", str(tmp_path / "run"),
                                       "--channels", "4", "--patch", "8", "--batch", "2", "--steps", "6",
                                       "--eval-every", "3"], cwd=ROOT, env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert "2 process(es)" in outs[0]
    log = json.loads((tmp_path / "run" / "train_log.json").read_text())
    assert log["steps"] == 6
