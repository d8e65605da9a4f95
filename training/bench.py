"""Trainer speed: samples/s over N training steps, and where a step's time goes (wall and CPU).

    python3 -m training.bench --steps 50 --batch 16 --channels 32 --threads 1

Takes the same flags as training.train (--steps is the number of timed steps). Loads
the training images, runs a few warm-up steps, then times `--steps` steps of the
trainer's loop (sample a batch, forward + loss, backward, optimizer), each phase
timed on its own (with a CUDA sync around each phase on a GPU). No evaluation, no
checkpoint, nothing written. Besides wall-clock samples/s it prints samples per
second of the process's CPU time: on a CPU shared with other work (the dev VM) that
one moves far less with the load than the wall clock does.
"""
import argparse
import time

import torch

from .data import ImageBank
from .model import ModelConfig, SRNet
from .train import forward_loss, parse_args, prepare, step_options

PHASES = ("sample", "forward+loss", "backward", "optimizer")


def main(argv=None):
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("--warmup", type=int, default=5)
    extra, rest = ap.parse_known_args(argv)
    cfg, _ = parse_args(rest)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    device = "cuda:0" if torch.cuda.is_available() else "cpu"
    sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    t = time.time()
    bank = ImageBank(cfg.data, cfg.patch * 4, device=device)
    amp, channels_last, compiled = step_options(cfg, device)
    print(f"{len(bank)} images loaded in {time.time() - t:.1f} s; torch {torch.__version__}, device {device}, "
          f"{torch.get_num_threads()} threads, batch {cfg.batch}, C={cfg.channels}, patch {cfg.patch}, "
          f"bf16 autocast {'on' if amp else 'off'}, channels_last {'on' if channels_last else 'off'}, "
          f"torch.compile {'on' if compiled else 'off'}", flush=True)
    net = SRNet(ModelConfig(channels=cfg.channels, act=cfg.act))
    model, opt, fmt = prepare(net, cfg, device)
    net.train()
    clock = lambda: torch.tensor([time.perf_counter(), time.process_time()], dtype=torch.float64)
    spent = {k: torch.zeros(2, dtype=torch.float64) for k in PHASES}  # wall, CPU seconds
    for i in range(extra.warmup + cfg.steps):
        if i == extra.warmup:
            sync()
            spent, t0 = {k: torch.zeros(2, dtype=torch.float64) for k in PHASES}, clock()
        t = clock()
        lr, hr = bank.sample(cfg.batch, gen)
        sync()
        t, spent["sample"] = clock(), spent["sample"] + clock() - t
        loss, _ = forward_loss(model, lr, hr, cfg, device, fmt)
        sync()
        t, spent["forward+loss"] = clock(), spent["forward+loss"] + clock() - t
        opt.zero_grad()
        loss.backward()
        sync()
        t, spent["backward"] = clock(), spent["backward"] + clock() - t
        opt.step()
        sync()
        spent["optimizer"] += clock() - t
    wall, cpu = (clock() - t0).tolist()
    n = cfg.steps * cfg.batch
    print(f"{cfg.steps} steps in {wall:.2f} s: {n / wall:.1f} samples/s ({1000 * wall / cfg.steps:.1f} ms/step); "
          f"process CPU time {cpu:.2f} s: {n / cpu:.1f} samples per CPU-second; loss {loss.item():.4f}")
    print(f"  {'phase':<13} {'wall ms/step':>12} {'CPU ms/step':>12} {'share':>6}")
    for k, (w, c) in spent.items():
        print(f"  {k:<13} {1000 * w / cfg.steps:12.1f} {1000 * c / cfg.steps:12.1f} {100 * c / cpu:5.1f}%")


if __name__ == "__main__":
    main()
