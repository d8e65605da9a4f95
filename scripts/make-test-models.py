"""Generates the e2e's models of "your own model" (e2e/user-model.spec.ts) into
e2e/fixtures/generated/ (git-ignored), next to the clips of scripts/make-test-clips.sh:

    user-c16.onnx        our network at another width (C=16), FP32, its tensors named "lr" / "sr"
                         (not "input" / "output": the player must take any single input and output).
                         Not trained: it starts as the nearest-neighbour upscaler (training's
                         init_linear_path) with its random body's share raised to 0.05, so that it
                         is neither ours nor bicubic and its pixels are in [0, 1].
    user-c16.fp16.onnx   the same in FP16 (training.export.to_fp16)
    user-x2.onnx         a 2x model (one Resize node, python3-onnx): refused by the probe
    user-two-inputs.onnx two image inputs (an Add): refused by the graph check
    user-not-onnx.onnx   text with an .onnx name: refused as no ONNX model

Run with Debian's /usr/bin/python3 (torch, onnx). Idempotent: kept while every file is there and
VERSION is unchanged (make-test-clips.sh empties the folder when its own recipes change).
"""
import os
import sys

import onnx
import torch
from onnx import TensorProto, helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from training.export import OPSET, to_fp16  # noqa: E402
from training.model import ModelConfig, SRNet  # noqa: E402

OUT = os.path.join(ROOT, "e2e", "fixtures", "generated")
VERSION = "1"
FILES = ["user-c16.onnx", "user-c16.fp16.onnx", "user-x2.onnx", "user-two-inputs.onnx", "user-not-onnx.onnx"]
STAMP = os.path.join(OUT, ".user-models-version")


def c16():
    torch.manual_seed(16)
    net = SRNet(ModelConfig(channels=16))
    s = net.cfg.scale
    nearest = torch.zeros(3 * s * s, 3, 3, 3)
    for c in range(3):
        nearest[c * s * s:(c + 1) * s * s, c, 1, 1] = 1.0  # PixelShuffle: channel c*s*s + i*s + j
    net.init_linear_path(nearest, torch.zeros(3 * s * s), body_gain=0.05)
    merged = net.merged().float().eval()
    path = os.path.join(OUT, "user-c16.onnx")
    torch.onnx.export(merged, torch.rand(1, 3, 16, 16), path, opset_version=OPSET, input_names=["lr"], output_names=["sr"],
                      dynamic_axes={"lr": {2: "h", 3: "w"}, "sr": {2: "h4", 3: "w4"}})
    m = onnx.load(path)
    onnx.checker.check_model(m)
    onnx.save(to_fp16(m), os.path.join(OUT, "user-c16.fp16.onnx"))
    with torch.no_grad():
        y = merged(torch.rand(1, 3, 24, 20))
    print(f"user-c16: output on noise in [{y.min():.3f}, {y.max():.3f}]")


def image(name, scale=1):
    dims = [1, 3, "h", "w"] if scale == 1 else [1, 3, f"{scale}h", f"{scale}w"]
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, dims)


def save(graph, name):
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="make-test-models")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(OUT, name))


def x2():
    scales = helper.make_tensor("scales", TensorProto.FLOAT, [4], [1, 1, 2, 2])
    node = helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="nearest")
    save(helper.make_graph([node], "x2", [image("x")], [image("y", 2)], [scales]), "user-x2.onnx")


def two_inputs():
    node = helper.make_node("Add", ["a", "b"], ["y"])
    save(helper.make_graph([node], "two", [image("a"), image("b")], [image("y")]), "user-two-inputs.onnx")


def main():
    os.makedirs(OUT, exist_ok=True)
    paths = [os.path.join(OUT, f) for f in FILES]
    stamped = os.path.exists(STAMP) and open(STAMP).read().strip() == VERSION
    if stamped and all(os.path.isfile(p) and os.path.getsize(p) > 0 for p in paths):
        return
    c16()
    x2()
    two_inputs()
    with open(os.path.join(OUT, "user-not-onnx.onnx"), "w") as f:
        f.write("this is not an ONNX model, just text with its name\n")
    with open(STAMP, "w") as f:
        f.write(VERSION + "\n")
    print("make-test-models:", ", ".join(f"{f} ({os.path.getsize(os.path.join(OUT, f))} B)" for f in FILES))


if __name__ == "__main__":
    main()
