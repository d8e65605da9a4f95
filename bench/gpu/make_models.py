#!/usr/bin/env python3
"""Random-weight ONNX models of the merged SRNet for timing (weights don't matter for speed).

Builds the graph directly with onnx.helper (Conv, LeakyRelu, Add, DepthToSpace CRD = PixelShuffle),
so it works with any torch/onnx version (torch 1.13 here, 2.11 on the device) without the
torch ONNX exporter. Weights come from training/model.py's SRNet(ModelConfig(channels=C)).merged()
when torch and training/ are importable, else from numpy (same shapes).

Writes <out>/sr_c<C>_<fp16|fp32>.onnx, input `input` [1,3,height,width] (float16/float32),
output `output` [1,3,4*height,4*width], and <out>/index.json listing them.

usage: make_models.py OUT_DIR [--channels 16,32,48,64] [--seed 0]
       make_models.py OUT_DIR --scan DIR   (index existing models: channels from the first Conv,
                                             precision from the input type, symbolic input dims)
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def merged_weights(c, seed):
    """[(weight[cout,cin,3,3], bias[cout]) x 17] in graph order, float32."""
    try:
        import torch
        sys.path.insert(0, os.path.join(ROOT, "training"))
        from model import ModelConfig, SRNet  # the lead's network; imported, not copied
        torch.manual_seed(seed)
        net = SRNet(ModelConfig(channels=c)).merged()
        cfg = net.cfg
        assert cfg.act == "lrelu" and cfg.scale == 4, cfg
        out = [(m.weight.detach().float().numpy(), m.bias.detach().float().numpy()) for m in net.convs()]
        return out, "training/model.py SRNet.merged() random init", cfg.body
    except Exception as e:  # weights don't matter for timing
        print(f"make_models: SRNet import failed ({e!r}); numpy weights", file=sys.stderr)
        rng = np.random.default_rng(seed)
        shapes = [(c, 3)] + [(c, c)] * 14 + [(c, c), (48, c)]
        out = []
        for co, ci in shapes:
            w = rng.standard_normal((co, ci, 3, 3)).astype(np.float32) * np.sqrt(1.0 / (ci * 9))
            out.append((w, np.zeros(co, np.float32)))
        return out, "numpy random", 14


def build(c, fp16, seed):
    convs, src, body = merged_weights(c, seed)
    dt = np.float16 if fp16 else np.float32
    et = TensorProto.FLOAT16 if fp16 else TensorProto.FLOAT
    nodes, inits = [], []

    def conv(x, i, name):
        w, b = convs[i]
        inits.append(numpy_helper.from_array(w.astype(dt), f"{name}.w"))
        inits.append(numpy_helper.from_array(b.astype(dt), f"{name}.b"))
        nodes.append(helper.make_node("Conv", [x, f"{name}.w", f"{name}.b"], [name],
                                      kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]))
        return name

    x0 = conv("input", 0, "head")
    x = x0
    for k in range(body):
        y = conv(x, 1 + k, f"body{k}")
        nodes.append(helper.make_node("LeakyRelu", [y], [f"body{k}.act"], alpha=0.1))
        x = f"body{k}.act"
    nodes.append(helper.make_node("Add", [x0, x], ["skip"]))
    t0 = conv("skip", 1 + body, "tail0")
    t1 = conv(t0, 2 + body, "tail1")
    nodes.append(helper.make_node("DepthToSpace", [t1], ["output"], blocksize=4, mode="CRD"))
    inp = helper.make_tensor_value_info("input", et, [1, 3, "height", "width"])
    out = helper.make_tensor_value_info("output", et, [1, 3, "height_x4", "width_x4"])
    g = helper.make_graph(nodes, f"srnet_c{c}", [inp], [out], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="bench/gpu/make_models.py")
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m, src


def scan(src, out):
    """index.json for models made elsewhere (e.g. the lead's exporter), pointing at their files."""
    index = []
    for name in sorted(os.listdir(src)):
        if not name.endswith(".onnx"):
            continue
        path = os.path.abspath(os.path.join(src, name))
        try:
            m = onnx.load(path)
            g = m.graph
            inits = {t.name: t for t in g.initializer}
            first = next(n for n in g.node if n.op_type == "Conv")
            c = int(inits[first.input[1]].dims[0])
            inp = [i for i in g.input if i.name not in inits][0]
            et = inp.type.tensor_type.elem_type
            dims = [d.dim_param if d.dim_param else int(d.dim_value) for d in inp.type.tensor_type.shape.dim]
            prec = {TensorProto.FLOAT16: "fp16", TensorProto.FLOAT: "fp32"}.get(et, str(et))
            index.append({"file": path, "channels": c, "precision": prec, "input_name": inp.name, "output_name": g.output[0].name,
                          "input_dims": dims, "free_dims": [d for d in dims if isinstance(d, str)]})
            print(f"make_models: scanned {name}: C={c} {prec} input {inp.name} {dims}", flush=True)
        except Exception as e:  # noqa: BLE001
            print(f"make_models: skip {name}: {e!r}", file=sys.stderr)
    # one model per (channels, precision): prefer names without 'low'
    seen, keep = set(), []
    for m in sorted(index, key=lambda m: ("low" in os.path.basename(m["file"]), m["file"])):
        k = (m["channels"], m["precision"])
        if k not in seen:
            seen.add(k)
            keep.append(m)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(keep, f, indent=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--channels", default="16,32,48,64")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--scan", default=None)
    a = ap.parse_args()
    if a.scan:
        return scan(a.scan, a.out)
    os.makedirs(a.out, exist_ok=True)
    index = []
    for c in [int(s) for s in a.channels.split(",") if s]:
        for fp16 in (True, False):
            m, src = build(c, fp16, a.seed)
            name = f"sr_c{c}_{'fp16' if fp16 else 'fp32'}.onnx"
            onnx.save(m, os.path.join(a.out, name))
            index.append({"file": name, "channels": c, "precision": "fp16" if fp16 else "fp32",
                          "weights": src, "free_dims": ["height", "width"]})
            print(f"make_models: {name} ({src})", flush=True)
    with open(os.path.join(a.out, "index.json"), "w") as f:
        json.dump(index, f, indent=1)


if __name__ == "__main__":
    main()
