"""Trainer speed: samples/s over N training steps, and where a step's time goes.

    python3 -m training.bench --steps 50 --batch 16 --channels 32 --threads 1

Takes the same flags as training.train (--steps is the number of timed steps). Loads
the training images, runs a few warm-up steps, then times `--steps` steps of the
trainer's loop (sample a batch, forward + loss, backward, optimizer), each phase
timed on its own (with a CUDA sync around each phase on a GPU). No evaluation, no
checkpoint, nothing written.
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
    spent = dict.fromkeys(PHASES, 0.0)
    for i in range(extra.warmup + cfg.steps):
        if i == extra.warmup:
            sync()
            spent, t0 = dict.fromkeys(PHASES, 0.0), time.perf_counter()
        t = time.perf_counter()
        lr, hr = bank.sample(cfg.batch, gen)
        sync()
        t, spent["sample"] = time.perf_counter(), spent["sample"] + time.perf_counter() - t
        loss, _ = forward_loss(model, lr, hr, cfg, device, fmt)
        sync()
        t, spent["forward+loss"] = time.perf_counter(), spent["forward+loss"] + time.perf_counter() - t
        opt.zero_grad()
        loss.backward()
        sync()
        t, spent["backward"] = time.perf_counter(), spent["backward"] + time.perf_counter() - t
        opt.step()
        sync()
        spent["optimizer"] += time.perf_counter() - t
    total = time.perf_counter() - t0
    print(f"{cfg.steps} steps in {total:.2f} s: {cfg.steps * cfg.batch / total:.1f} samples/s "
          f"({1000 * total / cfg.steps:.1f} ms/step), loss {loss.item():.4f}")
    for k, v in spent.items():
        print(f"  {k:<13} {1000 * v / cfg.steps:8.1f} ms/step  {100 * v / total:5.1f}%")


if __name__ == "__main__":
    main()
