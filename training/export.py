"""Export a checkpoint to the ONNX files the player loads, and list them in models/manifest.json.

    python3 -m training.export --ckpt training/runs/c32/ckpt.pt --id sr4x-c32 [--default]

Writes, next to the manifest (models/):
    <id>.fp32.onnx       full network, float32 in/out   (WebGPU without shader-f16, WASM)
    <id>.fp16.onnx       same weights, float16 in/out   (WebGPU with shader-f16)
    <id>.low.fp32.onnx   the linear skip path alone (head + tail): the low-frequency view
    <id>.low.fp16.onnx
    <id>.weights.bin     the merged conv weights as raw float32 (for the player's WGSL engine)
Opset 17, input `input` [1, 3, H, W], output `output` [1, 3, 4H, 4W], NCHW RGB in [0, 1],
dynamic H and W. The FP16 files are made from the FP32 graph by converting its weights
and IO types (torch's CPU build cannot run a half-precision conv to trace one).
"""
import argparse
import io
import json
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, numpy_helper

from .checkpoint import load_checkpoint
from .model import LowPath, ModelConfig, SRNet, count_params, flops_per_pixel

OPSET = 17


def to_onnx(module, path):
    module = module.eval().float().cpu()
    buf = io.BytesIO()
    torch.onnx.export(module, torch.rand(1, 3, 16, 16), buf, opset_version=OPSET,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {2: "height", 3: "width"}, "output": {2: "out_height", 3: "out_width"}})
    model = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return model


def to_fp16(model: onnx.ModelProto):
    """Float16 copy: every float initializer and float constant becomes float16, and so
    do the graph's inputs and outputs, so the whole graph computes in half precision."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    for i, init in enumerate(g.initializer):
        if init.data_type == TensorProto.FLOAT:
            g.initializer[i].CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name))
    for node in g.node:
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.TENSOR and attr.t.data_type == TensorProto.FLOAT:
                attr.t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(attr.t).astype(np.float16), attr.t.name))
            if node.op_type in ("Cast",) and attr.name == "to" and attr.i == TensorProto.FLOAT:
                attr.i = TensorProto.FLOAT16
    for v in list(g.input) + list(g.output):
        if v.type.tensor_type.elem_type == TensorProto.FLOAT:
            v.type.tensor_type.elem_type = TensorProto.FLOAT16
    del g.value_info[:]
    onnx.checker.check_model(m)
    return m


def export_weights(merged: SRNet, path):
    """The merged convs as one raw little-endian float32 file, for the player's own WGSL
    engine: for each conv in order (head, 14 body, 2 tail), weight (cout, cin, 3, 3) then
    bias (cout). Returns the shapes [[cin, cout], ...]."""
    shapes, parts = [], []
    for conv in merged.convs():
        shapes.append([conv.in_channels, conv.out_channels])
        parts += [conv.weight.detach().numpy().ravel(), conv.bias.detach().numpy().ravel()]
    np.concatenate(parts).astype("<f4").tofile(path)
    return shapes


def export(net: SRNet, out_dir, model_id):
    """Write the four ONNX files of a trained (training-form) net, and the raw weights;
    returns their names."""
    os.makedirs(out_dir, exist_ok=True)
    merged = net.merged().float().cpu()
    names = {"weights": {"file": f"{model_id}.weights.bin",
                         "convs": export_weights(merged, os.path.join(out_dir, f"{model_id}.weights.bin")),
                         "act": net.cfg.act, "slope": 0.1 if net.cfg.act == "lrelu" else 0.0}}
    for key, module in (("", merged), (".low", LowPath(merged))):
        m32 = to_onnx(module, os.path.join(out_dir, f"{model_id}{key}.fp32.onnx"))
        onnx.save(to_fp16(m32), os.path.join(out_dir, f"{model_id}{key}.fp16.onnx"))
        names[key] = {p: f"{model_id}{key}.{p}.onnx" for p in ("fp16", "fp32")}
    return names


def update_manifest(out_dir, entry, make_default=False):
    path = os.path.join(out_dir, "manifest.json")
    manifest = {"default": entry["id"], "models": []}
    if os.path.exists(path):
        with open(path) as f:
            manifest = json.load(f)
    manifest["models"] = [m for m in manifest["models"] if m["id"] != entry["id"]] + [entry]
    manifest["models"].sort(key=lambda m: m["channels"])
    if make_default or manifest.get("default") not in [m["id"] for m in manifest["models"]]:
        manifest["default"] = entry["id"]
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return manifest


def manifest_entry(net, model_id, names, metrics=None, notes=None):
    cfg = net.cfg
    entry = {"id": model_id, "scale": cfg.scale, "channels": cfg.channels, "act": cfg.act,
             "fp16": names[""]["fp16"], "fp32": names[""]["fp32"], "low": names[".low"],
             "weights": names["weights"],
             "params": count_params(net.merged()),
             "flops_per_frame_1024": flops_per_pixel(cfg) * 1024 * 1024,
             "metrics": metrics or {}}
    if notes:
        entry["notes"] = notes
    return entry


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", help="checkpoint from training.train")
    ap.add_argument("--random", type=int, metavar="C", help="no checkpoint: random weights of width C (for speed tests)")
    ap.add_argument("--id", help="model id (default: sr4x-c<C>)")
    ap.add_argument("--out", default="models", help="folder of manifest.json and the ONNX files")
    ap.add_argument("--metrics", help="metrics JSON from training.evaluate (default: metrics.json beside --ckpt)")
    ap.add_argument("--notes", help="why this model / how it was trained, stored in the manifest")
    ap.add_argument("--default", action="store_true", help="make it the manifest's default")
    ap.add_argument("--no-manifest", action="store_true")
    args = ap.parse_args()
    if args.ckpt:
        net = load_checkpoint(args.ckpt)
    else:
        torch.manual_seed(0)
        net = SRNet(ModelConfig(channels=args.random or 32))
    model_id = args.id or f"sr4x-c{net.cfg.channels}"
    names = export(net, args.out, model_id)
    metrics = None
    mpath = args.metrics or (os.path.join(os.path.dirname(args.ckpt), "metrics.json") if args.ckpt else None)
    if mpath and os.path.exists(mpath):
        with open(mpath) as f:
            metrics = json.load(f)
    if not args.no_manifest:
        update_manifest(args.out, manifest_entry(net, model_id, names, metrics, args.notes), args.default)
    print("exported", model_id, "to", args.out, ":", ", ".join(
        [names["weights"]["file"]] + [v for k, n in names.items() if k != "weights" for v in n.values()]))


if __name__ == "__main__":
    main()
