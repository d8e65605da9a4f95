#!/usr/bin/env python3
"""Native anchor: the merged SRNet in PyTorch/cuDNN on the same GPU, plus the arithmetic floor.

For each width C: FP16 channels_last (cudnn.benchmark), the same captured in a CUDA graph,
FP32 with TF32 off (strict) and TF32 on. Time = CUDA events around each forward, median over
--runs after --warmup. Input 1x3xSxS random (not zeros), output 1x3x4Sx4S.
The floor: FLOPs/frame = 2*9*(3C + 14C^2 + C^2 + 48C) per LR pixel x S^2, over the measured
dense FP16 matmul rate (8192^3 torch.matmul) and over the datasheet rate (H100/H200 SXM:
989 TFLOP/s FP16 dense); bytes floor = input + output once, over a measured D2D copy rate.

usage: torch_anchor.py --out results.json [--size 1024] [--channels 16,32,48,64] [--runs 50]
       On a machine without CUDA it runs on the CPU (FP32 only) for a smoke test.
"""
import argparse
import datetime
import json
import os
import platform
import math
import socket
import subprocess
import sys
import time

import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "training"))
from model import ModelConfig, SRNet  # noqa: E402  (the lead's network; imported, not copied)

DATASHEET_FP16_DENSE = {"H100": 989.4e12, "H200": 989.4e12, "A100": 312e12, "L40S": 362e12}


def flops_per_lr_pixel(c):
    return 2 * 9 * (3 * c + 14 * c * c + c * c + 48 * c)


def timed(fn, warmup, runs, cuda, budget_s):
    for _ in range(warmup):
        fn()
    if cuda:
        torch.cuda.synchronize()
    ts = []
    t_end = time.time() + budget_s
    for i in range(runs):
        if cuda:
            a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            a.record()
            fn()
            b.record()
            b.synchronize()
            ts.append(a.elapsed_time(b))
        else:
            t0 = time.perf_counter()
            fn()
            ts.append((time.perf_counter() - t0) * 1e3)
        if i >= 10 and time.time() > t_end:
            break
    ts.sort()
    return {"model_ms": nearest_rank(ts, 50), "p95_ms": nearest_rank(ts, 95), "min_ms": ts[0], "frames": len(ts)}


def nearest_rank(sorted_ts, p):
    """The results files' one percentile rule (src/engine/metrics/sample.mjs, which the JS benchmarks
    import): the smallest sample with at least p% of the samples <= it; p50 is the median."""
    return sorted_ts[min(len(sorted_ts), max(1, math.ceil(p / 100 * len(sorted_ts)))) - 1]


def measure_ceilings(dev):
    out = {}
    try:
        n = 8192
        a = torch.randn(n, n, device=dev, dtype=torch.float16)
        b = torch.randn(n, n, device=dev, dtype=torch.float16)
        r = timed(lambda: torch.matmul(a, b), 3, 10, True, 5)
        out["fp16_matmul_tflops"] = 2 * n ** 3 / (r["model_ms"] * 1e-3) / 1e12
        del a, b
        x = torch.empty(1 << 30, dtype=torch.uint8, device=dev)
        y = torch.empty_like(x)
        r = timed(lambda: y.copy_(x), 3, 10, True, 5)
        out["d2d_copy_tbps"] = 2 * x.numel() / (r["model_ms"] * 1e-3) / 1e12  # read + write
        del x, y
        torch.cuda.empty_cache()
    except Exception as e:  # noqa: BLE001
        out["error"] = repr(e)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--channels", default="16,32,48,64")
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--budget-s", type=float, default=4.0, help="per variant cap on timed runs (>=10 runs kept)")
    ap.add_argument("--machine", default=socket.gethostname())
    a = ap.parse_args()

    cuda = torch.cuda.is_available()
    dev = torch.device("cuda" if cuda else "cpu")
    gpu = torch.cuda.get_device_name(0) if cuda else "none (cpu)"
    torch.backends.cudnn.benchmark = True
    versions = {"torch": torch.__version__, "python": platform.python_version()}
    if cuda:
        versions.update({"cuda": torch.version.cuda, "cudnn": torch.backends.cudnn.version()})
        try:
            versions["driver"] = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                                                capture_output=True, text=True, timeout=10).stdout.strip()
        except Exception:  # noqa: BLE001
            pass
    print(f"torch_anchor: {gpu}, {versions}", flush=True)

    ceilings = measure_ceilings(dev) if cuda else {}
    sheet = next((v for k, v in DATASHEET_FP16_DENSE.items() if k in gpu), None)
    if ceilings:
        print(f"  ceilings: {json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in ceilings.items()})}", flush=True)

    S = a.size
    results = []
    for c in [int(s) for s in a.channels.split(",") if s]:
        torch.manual_seed(0)
        net = SRNet(ModelConfig(channels=c)).merged().to(dev).eval()
        flops = flops_per_lr_pixel(c) * S * S
        variants = []
        if cuda:
            variants = [("fp16", torch.float16, False, None), ("fp16", torch.float16, True, None),
                        ("fp32", torch.float32, False, False), ("tf32", torch.float32, False, True)]
        else:
            variants = [("fp32", torch.float32, False, False)]
        for prec, dt, graph, tf32 in variants:
            row = {"engine": "pytorch-cudnn" if cuda else "pytorch-cpu", "backend": "cuda" if cuda else "cpu",
                   "precision": prec, "input": [S, S], "frame_ms": None, "channels": c,
                   "channels_last": True, "cuda_graph": graph, "gflop_per_frame": flops / 1e9}
            try:
                if tf32 is not None and cuda:
                    torch.backends.cudnn.allow_tf32 = tf32
                    torch.backends.cuda.matmul.allow_tf32 = tf32
                m = net.to(dtype=dt, memory_format=torch.channels_last)
                x = torch.rand(1, 3, S, S, device=dev, dtype=dt).contiguous(memory_format=torch.channels_last)
                with torch.inference_mode():
                    if graph:
                        s = torch.cuda.Stream()
                        s.wait_stream(torch.cuda.current_stream())
                        with torch.cuda.stream(s):
                            for _ in range(3):
                                m(x)
                        torch.cuda.current_stream().wait_stream(s)
                        g = torch.cuda.CUDAGraph()
                        with torch.cuda.graph(g):
                            y = m(x)
                        fn = g.replay
                    else:
                        y = m(x)
                        fn = lambda: m(x)  # noqa: E731
                    assert tuple(y.shape) == (1, 3, 4 * S, 4 * S), y.shape
                    assert torch.isfinite(y.float()).all().item(), "non-finite output"
                    r = timed(fn, a.warmup, a.runs, cuda, a.budget_s)
                row.update({k: round(v, 4) if isinstance(v, float) else v for k, v in r.items()})
                row["achieved_tflops"] = round(flops / (r["model_ms"] * 1e-3) / 1e12, 2)
                row["status"] = "ok"
                del x, y
            except Exception as e:  # noqa: BLE001
                row.update({"model_ms": None, "status": "error", "error": repr(e)[:400]})
            results.append(row)
            print(f"  C={c:3d} {prec:5s} graph={int(graph)}: {row.get('model_ms')} ms"
                  f" ({row.get('achieved_tflops')} TFLOP/s, {flops / 1e9:.1f} GFLOP/frame) {row.get('error', '')}", flush=True)
            if cuda:
                torch.cuda.empty_cache()
        torch.backends.cudnn.allow_tf32 = True
        del net

    floors = []
    for c in [int(s) for s in a.channels.split(",") if s]:
        flops = flops_per_lr_pixel(c) * S * S
        f = {"channels": c, "input": [S, S], "flop_per_lr_pixel": flops_per_lr_pixel(c), "gflop_per_frame": flops / 1e9}
        if ceilings.get("fp16_matmul_tflops"):
            f["floor_ms_measured_fp16_rate"] = flops / (ceilings["fp16_matmul_tflops"] * 1e12) * 1e3
        if sheet:
            f["floor_ms_datasheet_fp16_dense"] = flops / sheet * 1e3
        if ceilings.get("d2d_copy_tbps"):
            io_bytes = 2 * (3 * S * S + 3 * 16 * S * S)  # fp16 input + output, once
            f["bytes_floor_ms_fp16_io"] = io_bytes / (ceilings["d2d_copy_tbps"] * 1e12) * 1e3
        floors.append(f)
        print(f"  floor C={c}: {json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in f.items()})}", flush=True)

    doc = {"machine": a.machine, "gpu": gpu, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
           "versions": versions, "ceilings": ceilings,
           "datasheet_fp16_dense_tflops": sheet / 1e12 if sheet else None, "floors": floors,
           "method": "CUDA events around each forward (or graph replay), median after warm-up; cudnn.benchmark, channels_last",
           "results": results}
    with open(a.out, "w") as fh:
        json.dump(doc, fh, indent=1)
    print(f"torch_anchor: wrote {a.out}", flush=True)


if __name__ == "__main__":
    main()
