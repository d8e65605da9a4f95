"""Train the 4x network: L1 + 0.01 GV loss, RAdam inside Lookahead, cosine schedule.

    python3 -m training.train --data ../shared/datasets/train --out training/runs/c32 --channels 32
    python3 -m training.train --config run.json     # same, from a JSON object of TrainConfig fields
                                                    # ({"data": ..., "out": ..., "channels": 32}; flags override it)
    torchrun --nproc_per_node 8 -m training.train --config ...            # DistributedDataParallel

A run resumes from <out>/ckpt.pt when it exists, with the configuration saved in it:
flags may change only how long it runs, where its files are, how often it is evaluated
and how a step is computed (training/checkpoint.py says which fields, and why).

A step: a batch of crops cut from the training images held on the device, their LR made
there (ImageBank), forward in bf16 autocast and channels_last (both on by default with
CUDA, options on the CPU), L1 + GV loss in float32, backward, RAdam + Lookahead.
`python3 -m training.bench` times it.
"""
import argparse
import json
import math
import os
import sys
import time
from dataclasses import asdict, fields
from typing import Optional

import torch
import torch.distributed as dist
import torch.nn.functional as F

from .checkpoint import TrainConfig, load_checkpoint, load_state, restore, resume_config, save_checkpoint
from .data import ImageBank
from .evaluate import evaluate
from .lookahead import Lookahead
from .losses import sr_loss
from .model import ModelConfig, SRNet


def progress(cfg, step, elapsed):
    """Fraction of the run done: by steps or by the time budget, whichever is further."""
    p = step / cfg.steps
    if cfg.minutes > 0:
        p = max(p, elapsed / (cfg.minutes * 60))
    return min(p, 1.0)


def lr_at(cfg, p, world=1):
    """Cosine from lr to min_lr over the run, both scaled by sqrt(global batch / lr_batch)
    when lr_batch is set (the square-root rule for Adam-type optimizers)."""
    scale = math.sqrt(cfg.batch * world / cfg.lr_batch) if cfg.lr_batch else 1.0
    return scale * (cfg.min_lr + 0.5 * (cfg.lr - cfg.min_lr) * (1 + math.cos(math.pi * p)))


@torch.no_grad()
def fit_linear_upscaler(bank, gen, batches=32, batch=32, scale=4):
    """Least-squares best 3x3 linear map from an LR neighbourhood (3 colours x 3 x 3
    + bias) to the s x s HR block under it, as conv weights (3 s^2, 3, 3, 3) + bias."""
    xtx, xty = 0, 0
    for _ in range(batches):
        lr, hr = bank.sample(batch, gen)
        lr, hr = lr.double().cpu(), hr.double().cpu()
        x = F.unfold(lr, 3).transpose(1, 2).reshape(-1, 27)  # (c, ky, kx) order = conv weight order
        x = torch.cat([x, torch.ones(len(x), 1, dtype=x.dtype)], 1)
        y = F.pixel_unshuffle(hr, scale)[:, :, 1:-1, 1:-1].flatten(2).transpose(1, 2).reshape(-1, 3 * scale**2)
        xtx, xty = xtx + x.T @ x, xty + x.T @ y
    beta = torch.linalg.solve(xtx + 1e-6 * torch.eye(28, dtype=xtx.dtype), xty)  # (28, 48)
    return beta[:27].T.reshape(-1, 3, 3, 3).float(), beta[27].float()


def cpu_has_bf16():
    """Whether this CPU computes bf16 in hardware (AVX512-BF16 or AMX); None where /proc/cpuinfo
    cannot say. Without it oneDNN emulates bf16 and autocast is several times slower, not faster
    (2026-12-07, an AMD EPYC VM with AVX2 only: C=16 at 4 samples/s with it, 54 without)."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = set(f.read().split())
    except OSError:
        return None
    return bool(flags & {"avx512_bf16", "amx_bf16"})


def step_options(cfg, device):
    """(bf16 autocast, channels_last, torch.compile) as this run will use them: amp and
    channels_last default to on with CUDA; compile needs CUDA and PyTorch 2.x."""
    cuda = device.startswith("cuda")
    amp = cuda if cfg.amp is None else cfg.amp
    channels_last = cuda if cfg.channels_last is None else cfg.channels_last
    return amp, channels_last, cfg.compile and cuda and hasattr(torch, "compile")


def prepare(net, cfg, device, ddp=False):
    """Move the net to `device` in the run's memory format; returns the module a step
    calls (DDP-wrapped and compiled as configured), its optimizer and the memory format."""
    amp, channels_last, compile_ = step_options(cfg, device)
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    net.to(device, memory_format=fmt)
    model = torch.nn.parallel.DistributedDataParallel(net) if ddp else net
    if compile_:
        model = torch.compile(model)
    opt = Lookahead(torch.optim.RAdam(net.parameters(), lr=cfg.lr), k=cfg.la_steps, alpha=cfg.la_alpha)
    return model, opt, fmt


def forward_loss(model, lr, hr, cfg, device, fmt):
    """The network on a batch (bf16 autocast when configured) and the loss, in float32."""
    with torch.autocast(device.split(":")[0], dtype=torch.bfloat16, enabled=step_options(cfg, device)[0]):
        sr = model(lr.contiguous(memory_format=fmt))
    return sr_loss(sr.float(), hr, cfg.gv_weight), sr


def parse_args(argv=None):
    """(TrainConfig, the fields set by flags or --config as a dict)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", help="JSON file of TrainConfig fields; flags override it")
    as_bool = lambda v: v.lower() in ("1", "true", "yes", "on")
    auto_bool = lambda v: None if v.lower() in ("auto", "none") else as_bool(v)
    kinds = {bool: as_bool, Optional[bool]: auto_bool}
    for f in fields(TrainConfig):
        ap.add_argument("--" + f.name.replace("_", "-"), dest=f.name, type=kinds.get(f.type, f.type),
                        default=argparse.SUPPRESS)
    args = vars(ap.parse_args(argv))
    given = {}
    if args.get("config"):
        with open(args.pop("config")) as fh:
            given = json.load(fh)
    args.pop("config", None)
    given.update(args)
    unknown = set(given) - {f.name for f in fields(TrainConfig)}
    if unknown:
        ap.error(f"unknown config fields: {', '.join(sorted(unknown))}")
    return TrainConfig(**given), given


class Bar:
    """One status line: redrawn in place on a terminal, a line per update elsewhere."""

    def __init__(self, enabled):
        self.enabled, self.tty = enabled, sys.stderr.isatty()

    def update(self, p, text):
        if not self.enabled:
            return
        n = int(30 * p)
        line = f"[{'#' * n}{'.' * (30 - n)}] {100 * p:5.1f}% {text}"
        sys.stderr.write(("\r" + line) if self.tty else line + "\n")
        sys.stderr.flush()


def train(cfg: TrainConfig, given=None):
    """Run (or resume) a training run. `given`: the fields the caller set (parse_args'
    second value); when resuming, those are checked against the saved configuration and
    the rest come from it. None: every field of `cfg` counts as given."""
    ddp = "RANK" in os.environ
    if ddp:
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
        rank, world = dist.get_rank(), dist.get_world_size()
        local = int(os.environ.get("LOCAL_RANK", 0))
        device = f"cuda:{local}" if torch.cuda.is_available() else "cpu"
    else:
        rank, world = 0, 1
        device = "cuda:0" if torch.cuda.is_available() else "cpu"
    main = rank == 0
    ckpt_path = os.path.join(cfg.out, "ckpt.pt")
    state = load_state(ckpt_path) if os.path.exists(ckpt_path) else None
    if state:
        cfg = resume_config(state["train_cfg"], asdict(cfg) if given is None else given)
    if device.startswith("cuda"):
        torch.cuda.set_device(device)
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    os.makedirs(cfg.out, exist_ok=True)

    step, elapsed, metrics = (state["step"], state["elapsed"], state.get("metrics", {})) if state else (0, 0.0, {})
    torch.manual_seed(cfg.seed)
    # a resumed run draws new crops rather than the ones it started with
    gen = torch.Generator().manual_seed(cfg.seed * 1000 + rank + 1_000_003 * step)
    bank = ImageBank(cfg.data, cfg.patch * 4, device=device)
    amp, channels_last, compiled = step_options(cfg, device)
    if main:
        print(f"{len(bank)} training images, {bank.pixels() / 1e6:.1f} Mpx, device {device}, "
              f"{world} process(es), batch {cfg.batch} x {world}, bf16 autocast {'on' if amp else 'off'}, "
              f"channels_last {'on' if channels_last else 'off'}, torch.compile {'on' if compiled else 'off'}",
              flush=True)
        if amp and not device.startswith("cuda") and cpu_has_bf16() is False:
            print("warning: bf16 autocast on a CPU without AVX512-BF16 or AMX: emulated, slower than float32 "
                  "(--amp false)", flush=True)
    net = SRNet(state["model_cfg"] if state else ModelConfig(channels=cfg.channels, act=cfg.act))
    if not state and cfg.init:
        net.load_state_dict(load_checkpoint(cfg.init).state_dict())
    elif not state and cfg.linear_init:
        net.init_linear_path(*fit_linear_upscaler(bank, torch.Generator().manual_seed(cfg.seed)))
    model, opt, fmt = prepare(net, cfg, device, ddp)
    if state:
        restore(state, net, opt)
        if main:
            print(f"resumed at step {step}", flush=True)

    def run_eval():
        opt.swap_slow()
        res = evaluate(net.merged(), cfg.eval_data, cfg.eval_sets.split(","), device, bicubic=False)
        opt.swap_slow()
        return res

    if main and step == 0 and os.path.isdir(cfg.eval_data):
        metrics = {"init": run_eval()}
        print("before training:", json.dumps(metrics["init"]), flush=True)
    bar = Bar(main)
    t0, loss_avg, samples = time.time() - elapsed, None, 0
    t_rate = time.time()
    net.train()
    while True:
        elapsed = time.time() - t0
        p = progress(cfg, step, elapsed)
        if p >= 1.0:
            break
        for g in opt.param_groups:
            g["lr"] = lr_at(cfg, p, world)
        lr, hr = bank.sample(cfg.batch, gen)
        loss, sr = forward_loss(model, lr, hr, cfg, device, fmt)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        samples += cfg.batch * world
        if step % 50 == 0 or step == 1:
            l = loss.item()
            loss_avg = l if loss_avg is None else 0.9 * loss_avg + 0.1 * l
            with torch.no_grad():
                mse = F.mse_loss(sr.detach().float().clamp(0, 1), hr).item()
            rate = samples / max(time.time() - t_rate, 1e-9)
            bar.update(p, f"step {step} loss {loss_avg:.4f} psnr {10 * math.log10(1 / max(mse, 1e-12)):.2f} dB "
                          f"lr {lr_at(cfg, p, world):.2e} {rate:.0f} samples/s")
        if step % cfg.eval_every == 0 and main:
            if os.path.isdir(cfg.eval_data):
                metrics[str(step)] = run_eval()
                print(f"\nstep {step}: " + json.dumps(metrics[str(step)]), flush=True)
            save_checkpoint(ckpt_path, net, opt, cfg, step, time.time() - t0, metrics)
    if main:
        if os.path.isdir(cfg.eval_data):
            metrics["final"] = run_eval()
            print(f"\nfinal (step {step}, {elapsed / 60:.1f} min): " + json.dumps(metrics["final"]), flush=True)
        save_checkpoint(ckpt_path, net, opt, cfg, step, elapsed, metrics)
        with open(os.path.join(cfg.out, "train_log.json"), "w") as f:
            json.dump({"train_cfg": asdict(cfg), "steps": step, "minutes": elapsed / 60, "metrics": metrics}, f, indent=2)
    if ddp:
        dist.destroy_process_group()
    return net


if __name__ == "__main__":
    train(*parse_args())
