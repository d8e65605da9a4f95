"""PSNR of a model (and of bicubic) on the standard x4 benchmarks.

Convention of the published tables: 8-bit rounded output, Y of BT.601
(Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255, R, G, B in 0..255, not rounded),
4-pixel border shaved. RGB PSNR is reported beside it with the same shave.

    python3 -m training.evaluate --ckpt training/runs/c32/ckpt.pt --data ../shared/datasets/eval
    python3 -m training.evaluate --model sr4x-c64     # a shipped model, from models/manifest.json
"""
import argparse
import json
import os

import numpy as np
import torch

from .checkpoint import load_checkpoint
from .data import downscale, list_images, load_rgb, modcrop, to_tensor, to_uint8, upscale_bicubic

SETS = ("Set5", "Set14", "BSD100", "Kodak24")


def rgb_to_y(img):
    """uint8 or float HxWx3 RGB (0..255) -> float64 Y (16..235)."""
    img = np.asarray(img, dtype=np.float64)
    return 16.0 + (65.481 * img[..., 0] + 128.553 * img[..., 1] + 24.966 * img[..., 2]) / 255.0


def psnr(a, b, shave=4, y_only=True):
    """PSNR in dB of two uint8 HxWx3 images, border `shave` pixels excluded."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if y_only:
        a, b = rgb_to_y(a), rgb_to_y(b)
    if shave:
        a, b = a[shave:-shave, shave:-shave], b[shave:-shave, shave:-shave]
    mse = np.mean((a - b) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(255.0**2 / mse))


def load_set(root, name, scale=4):
    """[(file name, HR uint8, LR uint8)]. Sets with an LR_x4 folder use it (MATLAB bicubic,
    as in the published tables); others get LR from our own downscaler."""
    pairs = []
    for path in list_images(os.path.join(root, name, "HR")):
        hr = modcrop(load_rgb(path), scale)
        lr_path = os.path.join(root, name, f"LR_x{scale}", os.path.basename(path))
        lr = load_rgb(lr_path) if os.path.exists(lr_path) else to_uint8(downscale(to_tensor(hr), scale))
        pairs.append((os.path.basename(path), hr, lr))
    return pairs


@torch.no_grad()
def upscale(net, lr_uint8, device="cpu"):
    x = to_tensor(lr_uint8).float().to(device)
    return to_uint8(net(x).float())


def evaluate(net, root, sets=SETS, device="cpu", bicubic=True, limit=None):
    """{set: {"model_y", "model_rgb", "bicubic_y", "bicubic_rgb", "images"}} (mean PSNR)."""
    out = {}
    for name in sets:
        if not os.path.isdir(os.path.join(root, name)):
            continue
        rows = []
        for _, hr, lr in load_set(root, name)[:limit]:
            row = {}
            if net is not None:
                sr = upscale(net, lr, device)
                row["model_y"], row["model_rgb"] = psnr(sr, hr), psnr(sr, hr, y_only=False)
            if bicubic:
                bi = to_uint8(upscale_bicubic(to_tensor(lr)))
                row["bicubic_y"], row["bicubic_rgb"] = psnr(bi, hr), psnr(bi, hr, y_only=False)
            rows.append(row)
        out[name] = {k: round(float(np.mean([r[k] for r in rows])), 3) for k in rows[0]}
        out[name]["images"] = len(rows)
    return out


def format_table(results):
    lines = ["| method | " + " | ".join(f"{s} Y / RGB" for s in results) + " |",
             "|---|" + "---|" * len(results)]
    for method in ("bicubic", "model"):
        if f"{method}_y" in next(iter(results.values())):
            cells = [f"{r[method + '_y']:.2f} / {r[method + '_rgb']:.2f}" for r in results.values()]
            lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def load_shipped(model_id, models_dir="models"):
    """The inference-form net of a shipped model, its weights read from the FP32 ONNX file
    (so the published figures can be re-computed from what is committed)."""
    import onnx
    from onnx import numpy_helper
    from .model import ModelConfig, SRNet
    with open(os.path.join(models_dir, "manifest.json")) as f:
        entry = next(m for m in json.load(f)["models"] if m["id"] == model_id)
    net = SRNet(ModelConfig(channels=entry["channels"], act=entry["act"], scale=entry["scale"]), rep=False)
    weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy())
               for i in onnx.load(os.path.join(models_dir, entry["fp32"])).graph.initializer}
    net.load_state_dict(weights)
    return net.eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", help="checkpoint (.pt); omit for the bicubic rows only")
    ap.add_argument("--model", help="or a shipped model's id (models/manifest.json)")
    ap.add_argument("--models", default="models", help="folder of manifest.json, with --model")
    ap.add_argument("--data", default="../shared/datasets/eval", help="folder with Set5/, Set14/, ...")
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--out", help="write the results as JSON here (default: metrics.json beside --ckpt)")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = ap.parse_args()
    net = None
    if args.ckpt:
        net = load_checkpoint(args.ckpt).merged().to(args.device)
    elif args.model:
        net = load_shipped(args.model, args.models).to(args.device)
    res = evaluate(net, args.data, args.sets.split(","), args.device)
    print(format_table(res))
    out = args.out or (os.path.join(os.path.dirname(args.ckpt), "metrics.json") if args.ckpt else None)
    if out:
        with open(out, "w") as f:
            json.dump(res, f, indent=2)
        print("wrote", out)


if __name__ == "__main__":
    main()
