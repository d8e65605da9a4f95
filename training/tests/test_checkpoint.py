"""training/checkpoint.py: the round trip, old checkpoints, and resuming with the saved configuration."""
import json
from dataclasses import asdict

import numpy as np
import pytest
import torch
from PIL import Image

from training.checkpoint import (LEGACY, TrainConfig, load_checkpoint, load_state, restore, resume_config,
                                 save_checkpoint, train_config_from)
from training.lookahead import Lookahead
from training.model import ModelConfig, SRNet
from training.train import parse_args, train


def trained_run(channels=4, steps=3):
    """A net and its optimizer a few steps in, mid Lookahead cycle (fast != slow)."""
    torch.manual_seed(0)
    net = SRNet(ModelConfig(channels=channels, act="relu"))
    opt = Lookahead(torch.optim.RAdam(net.parameters(), lr=1e-2), k=5, alpha=0.8)
    for _ in range(steps):
        opt.zero_grad()
        net(torch.rand(2, 3, 8, 8)).square().mean().backward()
        opt.step()
    return net, opt


def same(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_save_load_round_trip_gives_identical_weights_and_configs(tmp_path):
    net, opt = trained_run()
    cfg = TrainConfig(channels=4, act="relu", batch=7, lr=3e-4, lr_batch=16, seed=5, amp=True)
    path = str(tmp_path / "ckpt.pt")
    fast = {k: v.clone() for k, v in net.state_dict().items()}
    opt.swap_slow()
    slow = {k: v.clone() for k, v in net.state_dict().items()}
    opt.swap_slow()
    assert not same(fast, slow)  # mid-cycle: the test can tell them apart
    save_checkpoint(path, net, opt, cfg, 3, 12.5, {"init": {"Set5": {"model_y": 30.0}}})
    assert same(net.state_dict(), fast)  # saving leaves the run as it was

    state = load_state(path)
    assert state["train_cfg"] == cfg and state["model_cfg"] == net.cfg
    assert state["step"] == 3 and state["elapsed"] == 12.5 and state["metrics"]["init"]["Set5"]["model_y"] == 30.0
    assert same(state["model"], slow) and same(state["fast"], fast)
    assert same(load_checkpoint(path).state_dict(), slow)  # what evaluate/export get: the slow weights

    net2 = SRNet(state["model_cfg"])
    opt2 = Lookahead(torch.optim.RAdam(net2.parameters(), lr=1e-2), k=5, alpha=0.8)
    restore(state, net2, opt2)
    assert same(net2.state_dict(), fast)
    assert all(torch.equal(a, b) for a, b in zip(opt2.slow, opt.slow)) and opt2.steps == opt.steps
    # and the restored run takes the very same next step
    x = torch.rand(2, 3, 8, 8)
    for n, o in ((net, opt), (net2, opt2)):
        o.zero_grad()
        n(x).square().mean().backward()
        o.step()
    assert same(net2.state_dict(), net.state_dict())


def test_old_checkpoints_still_load(tmp_path):
    """The format before training/checkpoint.py (the shipped models' runs): `model` held the
    fast weights (the slow-weight swap was undone before torch.save), opt["slow"] the slow
    ones, no `fast`, and a train_cfg without the newer fields."""
    net, opt = trained_run()
    old_cfg = {"data": ".device/train", "eval_data": ".device/eval", "out": "training/runs/c4", "channels": 4,
               "act": "relu", "patch": 48, "batch": 64, "lr": 0.001, "min_lr": 1e-05, "steps": 1000000,
               "minutes": 3.0, "gv_weight": 0.01, "la_steps": 5, "la_alpha": 0.8, "linear_init": True,
               "init": "", "eval_every": 100000, "eval_sets": "Set5,Set14", "seed": 0, "amp": False, "threads": 2}
    torch.save({"model_cfg": asdict(net.cfg), "train_cfg": old_cfg, "model": net.state_dict(),
                "opt": opt.state_dict(), "step": 3, "elapsed": 1.0, "metrics": {}}, tmp_path / "old.pt")
    state = load_state(str(tmp_path / "old.pt"))
    cfg = state["train_cfg"]
    assert cfg.batch == 64 and cfg.amp is False and cfg.lr_batch == LEGACY["lr_batch"] == 0
    assert same(load_checkpoint(str(tmp_path / "old.pt")).state_dict(), net.state_dict())
    net2 = SRNet(state["model_cfg"])
    opt2 = Lookahead(torch.optim.RAdam(net2.parameters()), k=5, alpha=0.8)
    restore(state, net2, opt2)
    assert same(net2.state_dict(), net.state_dict())
    assert all(torch.equal(a, b) for a, b in zip(opt2.slow, opt.slow))
    with pytest.warns(UserWarning, match="gone_field"):
        assert train_config_from(dict(old_cfg, gone_field=1)).channels == 4


def test_resume_config_keeps_the_run_and_applies_only_what_may_change():
    saved = TrainConfig(channels=16, batch=8, lr=3e-4, steps=100, data="/gpu/train")
    cfg = resume_config(saved, {"steps": 200, "minutes": 5.0, "data": "/here/train", "channels": 16, "threads": 1})
    assert (cfg.channels, cfg.batch, cfg.lr) == (16, 8, 3e-4)
    assert (cfg.steps, cfg.minutes, cfg.data, cfg.threads) == (200, 5.0, "/here/train", 1)
    assert saved.steps == 100  # the saved config is not modified
    for clash in ({"channels": 32}, {"lr": 1e-3}, {"batch": 16}, {"act": "relu"}):
        with pytest.raises(ValueError, match=next(iter(clash))):
            resume_config(saved, clash)


def test_parse_args_reports_only_what_was_given(tmp_path):
    cfg, given = parse_args(["--channels", "16", "--amp", "auto", "--channels-last", "true"])
    assert given == {"channels": 16, "amp": None, "channels_last": True}
    assert cfg.channels == 16 and cfg.steps == TrainConfig().steps
    (tmp_path / "c.json").write_text(json.dumps({"batch": 4, "lr": 2e-4}))
    cfg, given = parse_args(["--config", str(tmp_path / "c.json"), "--lr", "1e-4"])
    assert given == {"batch": 4, "lr": 1e-4} and cfg.batch == 4
    with pytest.raises(SystemExit):
        parse_args(["--config", str(tmp_path / "c.json"), "--no-such-flag", "1"])
    (tmp_path / "bad.json").write_text(json.dumps({"chanels": 4}))
    with pytest.raises(SystemExit):
        parse_args(["--config", str(tmp_path / "bad.json")])


@pytest.fixture
def tiny_data(tmp_path):
    rng = np.random.default_rng(0)
    d = tmp_path / "train"
    d.mkdir()
    for i in range(3):
        small = rng.random((9, 9, 3))
        Image.fromarray((small * 255).astype(np.uint8)).resize((64, 56), Image.BICUBIC).save(d / f"{i}.png")
    return d


def run(argv):
    return train(*parse_args(argv))


def test_resuming_uses_the_saved_configuration(tmp_path, tiny_data):
    out = tmp_path / "run"
    common = ["--data", str(tiny_data), "--eval-data", str(tmp_path / "none"), "--out", str(out)]
    run(common + ["--channels", "16", "--act", "relu", "--patch", "8", "--batch", "3", "--lr", "2e-4",
                  "--steps", "4", "--eval-every", "2"])
    # resumed without the flags: still C=16, relu, batch 3, lr 2e-4; --steps extends the run
    net = run(common + ["--steps", "6"])
    assert net.cfg == ModelConfig(channels=16, act="relu")
    log = json.loads((out / "train_log.json").read_text())
    assert log["steps"] == 6
    assert {k: log["train_cfg"][k] for k in ("channels", "act", "patch", "batch", "lr", "steps")} == \
        {"channels": 16, "act": "relu", "patch": 8, "batch": 3, "lr": 2e-4, "steps": 6}
    state = load_state(str(out / "ckpt.pt"))
    assert state["model_cfg"].channels == 16 and state["step"] == 6
    # a flag that would change what the run is: refused, nothing written
    with pytest.raises(ValueError, match="channels=16"):
        run(common + ["--channels", "32", "--steps", "8"])
    assert load_state(str(out / "ckpt.pt"))["step"] == 6


def test_bf16_autocast_and_channels_last_run_on_the_cpu(tmp_path, tiny_data):
    out = tmp_path / "run"
    run(["--data", str(tiny_data), "--eval-data", str(tmp_path / "none"), "--out", str(out), "--channels", "4",
         "--patch", "8", "--batch", "2", "--steps", "3", "--amp", "true", "--channels-last", "true"])
    state = load_state(str(out / "ckpt.pt"))
    assert state["step"] == 3 and state["train_cfg"].amp is True
    assert all(torch.isfinite(v).all() for v in state["model"].values())
