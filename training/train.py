"""Train the 4x network: L1 + 0.01 GV loss, RAdam inside Lookahead, cosine schedule.

    python3 -m training.train --data ../shared/datasets/train --out training/runs/c32 --channels 32
    python3 -m training.train --config training/configs/c32.json          # same, from a file
    torchrun --nproc_per_node 8 -m training.train --config ...            # DistributedDataParallel

A run resumes from <out>/ckpt.pt when it exists. The checkpoint holds the
Lookahead slow weights (the ones evaluated), the optimizer state and both configs.
"""
import argparse
import contextlib
import json
import math
import os
import sys
import time
from dataclasses import asdict, dataclass, fields

import torch
import torch.distributed as dist
import torch.nn.functional as F

from .data import ImageBank
from .evaluate import evaluate, format_table
from .lookahead import Lookahead
from .losses import sr_loss
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
    amp: bool = False  # bf16 autocast (CUDA)
    threads: int = 0  # torch CPU threads (0: torch's default)


def progress(cfg, step, elapsed):
    """Fraction of the run done: by steps or by the time budget, whichever is further."""
    p = step / cfg.steps
    if cfg.minutes > 0:
        p = max(p, elapsed / (cfg.minutes * 60))
    return min(p, 1.0)


def lr_at(cfg, p):
    return cfg.min_lr + 0.5 * (cfg.lr - cfg.min_lr) * (1 + math.cos(math.pi * p))


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


def save_checkpoint(path, net, opt, cfg, step, elapsed, metrics):
    opt.swap_slow()  # store the slow weights
    state = {"model_cfg": asdict(net.cfg), "train_cfg": asdict(cfg), "model": net.state_dict(),
             "opt": opt.state_dict(), "step": step, "elapsed": elapsed, "metrics": metrics}
    opt.swap_slow()
    torch.save(state, path + ".tmp")
    os.replace(path + ".tmp", path)


def load_checkpoint(path, map_location="cpu"):
    """The trained network (training form, slow weights) from a checkpoint."""
    state = torch.load(path, map_location=map_location)
    net = SRNet(ModelConfig(**state["model_cfg"]))
    net.load_state_dict(state["model"])
    return net


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", help="JSON file of TrainConfig fields; flags override it")
    as_bool = lambda v: v.lower() in ("1", "true", "yes")
    for f in fields(TrainConfig):
        ap.add_argument("--" + f.name.replace("_", "-"), dest=f.name, type=as_bool if f.type is bool else f.type, default=None)
    args = ap.parse_args(argv)
    cfg = TrainConfig()
    if args.config:
        with open(args.config) as fh:
            for k, v in json.load(fh).items():
                setattr(cfg, k, v)
    for f in fields(TrainConfig):
        v = getattr(args, f.name)
        if v is not None:
            setattr(cfg, f.name, v)
    return cfg


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


def train(cfg: TrainConfig):
    ddp = "RANK" in os.environ
    if ddp:
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
        rank, world = dist.get_rank(), dist.get_world_size()
        local = int(os.environ.get("LOCAL_RANK", 0))
        device = f"cuda:{local}" if torch.cuda.is_available() else "cpu"
    else:
        rank, world = 0, 1
        device = "cuda:0" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda"):
        torch.cuda.set_device(device)
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    main = rank == 0
    os.makedirs(cfg.out, exist_ok=True)
    ckpt_path = os.path.join(cfg.out, "ckpt.pt")

    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed * 1000 + rank)
    bank = ImageBank(cfg.data, cfg.patch * 4, device=device)
    if main:
        print(f"{len(bank)} training images, {bank.pixels() / 1e6:.1f} Mpx, device {device}, "
              f"{world} process(es)", flush=True)
    net = SRNet(ModelConfig(channels=cfg.channels, act=cfg.act))
    step, elapsed, metrics = 0, 0.0, {}
    resume = os.path.exists(ckpt_path)
    if resume:
        state = torch.load(ckpt_path, map_location="cpu")
        net.load_state_dict(state["model"])
        step, elapsed, metrics = state["step"], state["elapsed"], state.get("metrics", {})
    elif cfg.init:
        net.load_state_dict(load_checkpoint(cfg.init).state_dict())
    elif cfg.linear_init:
        net.init_linear_path(*fit_linear_upscaler(bank, torch.Generator().manual_seed(cfg.seed)))
    net.to(device)
    model = torch.nn.parallel.DistributedDataParallel(net) if ddp else net
    opt = Lookahead(torch.optim.RAdam(net.parameters(), lr=cfg.lr), k=cfg.la_steps, alpha=cfg.la_alpha)
    if resume:
        opt.load_state_dict(state["opt"])
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
    use_amp = cfg.amp and device.startswith("cuda")
    autocast = (lambda: torch.autocast("cuda", dtype=torch.bfloat16)) if use_amp else contextlib.nullcontext
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
            g["lr"] = lr_at(cfg, p)
        lr, hr = bank.sample(cfg.batch, gen)
        with autocast():
            sr = model(lr)
        loss = sr_loss(sr.float(), hr, cfg.gv_weight)
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
                          f"lr {lr_at(cfg, p):.2e} {rate:.0f} samples/s")
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
    train(parse_args())
