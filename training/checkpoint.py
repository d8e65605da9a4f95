"""Checkpoints: a training run's state on disk, and the configuration it runs with.

A checkpoint is one torch.save'd dict:
    model_cfg, train_cfg  the ModelConfig and TrainConfig fields (plain dicts)
    model                 SRNet state_dict, training form: the Lookahead slow weights,
                          the ones evaluated and exported
    fast                  the fast (inner-optimizer) weights, to resume exactly
    opt                   Lookahead state (RAdam state inside, slow weights, step count)
    step, elapsed, metrics

Resuming. A run whose <out>/ckpt.pt exists continues with the TrainConfig saved in it;
flags and --config only change the fields in RESUME_OVERRIDABLE: how long it runs
(steps, minutes: the cosine schedule is recomputed from them, so extending a run moves
it back to an earlier, higher point of the cosine), where its files are (data,
eval_data, out), how often it is evaluated, and how a step is computed (threads, amp,
channels_last, compile). Any other field given with a value other than the saved one
(e.g. --channels 64 for a C=32 run) is an error: what the model is and how it learns
(width, patch, batch, learning rates, loss, optimizer, seed) stay those of the run.
To change them, fine-tune into a new --out with --init <ckpt>. The number of DDP
processes is not saved: resuming with another one changes the global batch.

Older checkpoints (before this module, 2026-11-26/27) load too. They have no `fast`;
through a bug their `model` held the fast weights and opt["slow"] the slow ones, so
resuming one restores exactly what it saved, and `load_checkpoint` returns their
`model` as before (the shipped models were exported from it; it is less than one
Lookahead cycle away from the slow weights). TrainConfig fields they lack take the
value that reproduces how they were trained (LEGACY); fields this code no longer knows
are dropped with a warning.
"""
import os
import warnings
from dataclasses import asdict, dataclass, fields
from typing import Optional

import torch

from .model import ModelConfig, SRNet


@dataclass
class TrainConfig:
    data: str = "../shared/datasets/train"  # folder of training images (any tree of png/jpg/webp)
    eval_data: str = "../shared/datasets/eval"  # folder holding Set5/, Set14/, ...
    out: str = "training/runs/c32"
    channels: int = 32
    act: str = "lrelu"
    patch: int = 48  # LR patch side; HR crops are 4x that
    batch: int = 16  # per process
    lr: float = 1e-3
    min_lr: float = 1e-5
    lr_batch: int = 0  # the (global) batch lr and min_lr are meant for; another batch B scales both by
    # sqrt(B / lr_batch), the square-root rule for Adam-type optimizers. 0: lr and min_lr as given
    steps: int = 20000
    minutes: float = 0.0  # wall-clock budget (0: none); the schedule follows whichever ends first
    gv_weight: float = 0.01
    la_steps: int = 5
    la_alpha: float = 0.8
    linear_init: bool = True  # start from the least-squares 3x3 linear upscaler
    init: str = ""  # start from this checkpoint's weights instead (fine-tuning: new schedule, new optimizer)
    eval_every: int = 1000
    eval_sets: str = "Set5,Set14"
    seed: int = 0
    amp: Optional[bool] = None  # bf16 autocast; None: on with CUDA, off on the CPU
    channels_last: Optional[bool] = None  # NHWC activations and weights; None: on with CUDA, off on the CPU
    compile: bool = False  # torch.compile the network (PyTorch 2.x with CUDA only; ignored elsewhere)
    threads: int = 0  # torch CPU threads (0: torch's default)


# fields a resumed run may change (see the module docstring)
RESUME_OVERRIDABLE = {"steps", "minutes", "data", "eval_data", "out", "eval_every", "eval_sets",
                      "threads", "amp", "channels_last", "compile"}
# TrainConfig fields newer than some checkpoints: the value that reproduces how those were trained
LEGACY = {"lr_batch": 0, "channels_last": False, "compile": False}


def train_config_from(saved: dict) -> TrainConfig:
    """A TrainConfig from a checkpoint's train_cfg dict, old or new."""
    known = {f.name for f in fields(TrainConfig)}
    unknown = sorted(set(saved) - known)
    if unknown:
        warnings.warn(f"checkpoint config fields not used by this code: {', '.join(unknown)}")
    values = {k: v for k, v in LEGACY.items() if k not in saved}
    values.update({k: v for k, v in saved.items() if k in known})
    return TrainConfig(**values)


def resume_config(saved: TrainConfig, given: dict) -> TrainConfig:
    """The config a resumed run continues with: the saved one, with the overridable fields
    of `given` (the ones set on the command line or in --config) applied. Raises
    ValueError when `given` changes any other field."""
    clash = {k: v for k, v in given.items() if k not in RESUME_OVERRIDABLE and getattr(saved, k) != v}
    if clash:
        was = ", ".join(f"{k}={getattr(saved, k)!r} (given {v!r})" for k, v in clash.items())
        raise ValueError(f"resuming a run keeps its configuration, but {was}; "
                         f"start a new --out (with --init <ckpt> to fine-tune from it)")
    cfg = TrainConfig(**asdict(saved))
    for k, v in given.items():
        setattr(cfg, k, v)
    return cfg


def _cpu_copy(state_dict):
    return {k: v.detach().cpu().clone() for k, v in state_dict.items()}


def save_checkpoint(path, net, opt, cfg, step, elapsed, metrics):
    """Write the run's state to `path` (atomically: a .tmp file renamed over it)."""
    opt.swap_slow()
    slow = _cpu_copy(net.state_dict())  # copies: the swap back below must not change them
    opt.swap_slow()
    state = {"model_cfg": asdict(net.cfg), "train_cfg": asdict(cfg), "model": slow,
             "fast": _cpu_copy(net.state_dict()), "opt": opt.state_dict(), "step": step,
             "elapsed": elapsed, "metrics": metrics}
    torch.save(state, path + ".tmp")
    os.replace(path + ".tmp", path)


def load_state(path, map_location="cpu"):
    """The checkpoint dict, with model_cfg and train_cfg as ModelConfig and TrainConfig."""
    state = torch.load(path, map_location=map_location)
    state["model_cfg"] = ModelConfig(**state["model_cfg"])
    state["train_cfg"] = train_config_from(state["train_cfg"])
    return state


def load_checkpoint(path, map_location="cpu"):
    """The trained network (training form, slow weights) from a checkpoint."""
    state = load_state(path, map_location)
    net = SRNet(state["model_cfg"])
    net.load_state_dict(state["model"])
    return net


def restore(state, net, opt):
    """Put a checkpoint's weights and optimizer state back into a run (resuming)."""
    net.load_state_dict(state.get("fast", state["model"]))  # old checkpoints: `model` is the fast weights
    opt.load_state_dict(state["opt"])
